"""Small synthetic lists for the parties tests: a few records per source, stored as real
versions in a real store (no parser involved), so each test states exactly what it links."""

from __future__ import annotations

from typing import Any

from followthemoney import EntityProxy, model

from olivebranch.store import Store

AUTHORITY = {
    "us_ofac_sdn": ("US Treasury OFAC", "us"),
    "eu_fsf": ("European Union (Council of the EU)", "eu"),
    "gb_fcdo": ("United Kingdom (FCDO / OFSI)", "uk"),
    "gb_ofsi": ("United Kingdom (HM Treasury OFSI)", "uk"),
    "au_dfat": ("Australia (Department of Foreign Affairs and Trade)", "au"),
    "un_sc": ("United Nations Security Council", "un"),
}


def entity(schema: str, eid: str, **props: Any) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = eid
    for key, value in props.items():
        for v in value if isinstance(value, list | tuple) else [value]:
            proxy.add(key, v)
    return proxy


def sanction(target: str, source: str, program: str, ref: str | None = None,
             **props: Any) -> EntityProxy:
    authority, _regime = AUTHORITY[source]
    s = entity("Sanction", f"{target}-sanction", entity=target, authority=authority,
               program=program, **props)
    if ref:
        s.add("authorityId", ref)
    return s


def listed(source: str, *proxies: EntityProxy, program: str = "Russia") -> list[EntityProxy]:
    """The proxies plus one sanction each (authorityId = the id's last part)."""
    out: list[EntityProxy] = []
    for p in proxies:
        out.append(p)
        if p.schema.name in ("Person", "Company", "Organization", "Vessel", "LegalEntity"):
            out.append(sanction(str(p.id), source, program, str(p.id).rsplit("-", 1)[-1]))
    return out


def add(store: Store, source: str, items: list[EntityProxy]) -> None:
    store.add_version(source, items, regime=AUTHORITY[source][1])


def base_lists() -> dict[str, list[EntityProxy]]:
    """Version 1 of four lists."""
    return {
        "us_ofac_sdn": listed(
            "us_ofac_sdn",
            # an INN written without its leading zero (OFAC: "Tax ID No. 105012349")
            entity("Company", "ofac-1", name="OOO ROMASHKA TRADING", taxNumber="105012349",
                   country="ru"),
            entity("Vessel", "ofac-2", name="SEA STAR", imoNumber="IMO 9187629"),
            entity("Person", "ofac-3", name="Ivan Petrovich SIDOROV", birthDate="1961-02-03",
                   nationality="ru"),
            entity("Person", "ofac-5", name="Anna Maria SCHMIDT", birthDate="1980-05-05"),
            entity("Person", "ofac-6", name="Pavel Sergeevich ORLOV", birthDate="1970-01-12"),
            entity("Person", "ofac-7", name="Pavel Sergeevich ORLOV", birthDate="1970-01-12"),
            program="RUSSIA-EO14024",
        ),
        "eu_fsf": listed(
            "eu_fsf",
            entity("Company", "eu-fsf-1", name="Romashka Trading LLC",
                   innCode="0105012349", country="ru"),
            entity("Person", "eu-fsf-3", name="Ivan Petrovich Sidorov",
                   birthDate="1961-02-03", citizenship="ru"),
            # a namesake born fourteen years later: another person
            entity("Person", "eu-fsf-4", name="Ivan Petrovich SIDOROV", birthDate="1975-06-01"),
            program="UKR",
        ),
        "gb_fcdo": listed(
            "gb_fcdo",
            entity("Vessel", "gb-fcdo-V1", name="OCEAN STAR", imoNumber="9187629"),
            entity("Person", "gb-fcdo-P5", name="Anna Maria Schmidt", birthDate="1980-05-05"),
        ),
        "au_dfat": listed(
            "au_dfat",
            entity("Person", "au-dfat-3", name="Ivan Petrovich SIDOROV",
                   birthDate="1961-02-03"),
            program="Autonomous (Russia)",
        ),
    }


def load(store: Store, lists: dict[str, list[EntityProxy]] | None = None) -> None:
    for source, items in (lists or base_lists()).items():
        add(store, source, items)
