"""Human labels for the codes the deal format and the rules use (``arctic_lng_2`` →
"Arctic LNG 2"), so pages show words; templates keep the code on hover (``codes`` macro)."""

from __future__ import annotations

from markupsafe import Markup, escape

#: codes whose label is not the code with spaces and a capital
LABELS = {
    "arctic_lng_2": "Arctic LNG 2", "murmansk_lng": "Murmansk LNG", "nord_stream_1": "Nord Stream 1",
    "nord_stream_2": "Nord Stream 2", "turkstream": "TurkStream", "sakhalin_1": "Sakhalin-1",
    "sakhalin_2": "Sakhalin-2", "cpc": "CPC (Caspian Pipeline Consortium)", "lng": "LNG",
    "rare_earths": "Rare earths", "platinum_group": "Platinum-group metals",
    "power_transmission": "Power transmission", "gas_pipeline": "Gas pipeline",
    "oil_pipeline": "Oil pipeline", "new_investment": "New investment",
    "joint_venture": "Joint venture", "supply_equipment": "Supply of equipment",
    "supply_technology": "Supply of technology", "maritime_transport": "Maritime transport",
    "licence_application": "Licence application", "crude_oil": "Crude oil",
    "petroleum_products": "Petroleum products", "pipeline_gas": "Pipeline gas",
    "gas_condensate": "Gas condensate", "enriched_uranium": "Enriched uranium",
    "uranium_ore": "Uranium ore", "state_body": "State body", "service_provider": "Service provider",
    "federal_significance": "Federal significance", "ua_strategic_mineral": "Strategic mineral (Ukraine)",
    "special_zone": "Special zone", "ngca": "Non-government-controlled areas", "crimea": "Crimea",
}
#: words written in capitals (regime ids are too, from the registry)
ACRONYMS = {"lng": "LNG", "ssi": "SSI", "psa": "PSA", "sdn": "SDN", "ofac": "OFAC", "eo": "EO",
            "jv": "JV"}


def human(code: object) -> str:
    from olivebranch.regimes import registry

    text = str(code)
    if text in LABELS:
        return LABELS[text]
    reg = registry()
    if text in reg.ids:
        return reg.name(text)
    words = text.replace("-", " ").replace("_", " ").split()
    if not words:
        return text
    out = [ACRONYMS.get(w.lower(), w.upper() if w.lower() in reg.ids else w) for w in words]
    out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def codes(values: object, sep: str = ", ") -> Markup:
    """Labels for one code or a list of codes, each with its code on hover."""
    items = values if isinstance(values, list | tuple) else [values]
    return Markup(sep).join(
        Markup('<span class="code-label" title="{0}">{1}</span>').format(escape(str(v)), human(v))
        for v in items)
