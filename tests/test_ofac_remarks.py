"""The OFAC Remarks parser, on remark strings copied from the bundled sdn.csv / cons_prim.csv."""

from __future__ import annotations

import pytest

from olivebranch.lists.ofac_remarks import parse_date, parse_dates, parse_remarks
from olivebranch.paths import LISTS_DIR

# Each string is the Remarks column of one real entry (ent_num in the comment).
AFGHAN = "DOB 1962; alt. DOB 1959; POB Pakistan."  # 6856
TIKRITI = (  # 9330
    "DOB circa 1970; POB Baghdad, Iraq; nationality Iraq; Passport 2863795S (Iraq) expires 23 Aug 2005."
)
NIKOUSOKHAN = "DOB 01 Jan 1961 to 31 Dec 1962; nationality Iran; Additional Sanctions Information"  # 15962
HAMIEH = "DOB Sep 1938."  # 6862
PROKOPENKO = (  # 15892
    "DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia; alt. nationality Ukraine; "
    "citizen Russia; alt. citizen Ukraine; Gender Male; Tax ID No. 773407989940 (Russia)."
)
MUCHINGURI = (  # 7522
    "DOB 14 Dec 1958; POB Mutare, Zimbabwe; nationality Zimbabwe; Gender Female; "
    "National ID No. 63741411R50 (Zimbabwe)."
)
RAKHIMOV = (  # 13087
    "DOB 22 Jul 1951; POB Tashkent, Uzbekistan; Gender Male; Passport 645720381 (Russia); "
    "alt. Passport CA1804389 (Uzbekistan); alt. Passport CA1601000 (Uzbekistan); alt. Passport "
    "CA1521130 (Uzbekistan); alt. Passport CA1581065 (Uzbekistan); alt. Passport CA0960250 "
    "(Uzbekistan); National ID No. 03101200302034752 (United Arab Emirates); alt. National ID No. "
    "4511669324 (Russia); Linked To: THIEVES-IN-LAW."
)
SHARIF_PASSPORT = "alt. Passport G 649385 issued 08 Sep 2006 expires 17 Jul 2011"  # 6944
VOLGA_GROUP = (  # 16806
    "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 "
    "and/or 589.209; Tax ID No. 7718989383 (Russia); Registration Number 1147746803049 (Russia)."
)
BANK_ROSSIYA = (  # 16681
    "SWIFT/BIC ROSYRU2P; Website www.abr.ru; Email Address bank@abr.ru; Secondary sanctions risk: "
    "Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 and/or 589.209; Registration ID "
    "1027800000084 (Russia); Tax ID No. 7831000122 (Russia); Government Gazette Number 09804148 (Russia)."
)
ARTAVIL = (  # 15036, a vessel
    "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None "
    "Identified; alt. Former Vessel Flag Tanzania; Additional Sanctions Information - Subject to "
    "Secondary Sanctions; Vessel Registration Identification IMO 9187629; MMSI 572469210; f.k.a. "
    "'ALPHA'; Linked To: NATIONAL IRANIAN TANKER COMPANY."
)
GOORYONG = (  # 23510
    "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; "
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North "
    "Korea Sanctions Regulations section 510.214; Company Number IMO 5055293."
)
POUYA_AIR = (  # 13109
    "Website www.pouyaair.com; Email Address info@pouyaair.com; Additional Sanctions Information - "
    "Subject to Secondary Sanctions; Organization Type: Passenger air transport; National ID No. "
    "10102315647 (Iran); Registration Number 189556 (Iran); Linked To: ISLAMIC REVOLUTIONARY GUARD "
    "CORPS AIR FORCE."
)
SYRIAN_MID = "Organization Established Date 1969."  # 12743
STICHTING = "Registration ID 14063277."  # 7330
BNC = "a.k.a. 'BNC'."  # 306
VTB_DIRECTIVE = "Executive Order 13662 Directive Determination - Subject to Directive 1"  # 17013
NAQDI = "DOB 1951 to 1953; alt. DOB 1960 to 1962; alt. DOB Apr 1961; alt. DOB 1953; POB Najaf, Iraq"  # 12057

ALL_REAL = [AFGHAN, TIKRITI, NIKOUSOKHAN, HAMIEH, PROKOPENKO, MUCHINGURI, RAKHIMOV, SHARIF_PASSPORT,
            VOLGA_GROUP, BANK_ROSSIYA, ARTAVIL, GOORYONG, POUYA_AIR, SYRIAN_MID, STICHTING, BNC,
            VTB_DIRECTIVE, NAQDI]


def test_strings_are_real() -> None:
    text = (LISTS_DIR / "us_ofac_sdn" / "sdn.csv").read_bytes().decode("cp1252")
    for s in ALL_REAL:
        assert s.rstrip(".") in text, s[:60]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1962", "1962"),
        ("18 Jun 1998", "1998-06-18"),
        ("Sep 1938", "1938-09"),
        ("01 Jan 1961", "1961-01-01"),
        ("Foo 1961", None),
        ("sometime", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_dob_forms() -> None:
    assert parse_remarks(AFGHAN).values("birthDate") == ["1962", "1959"]  # DOB, alt. DOB
    assert parse_remarks(TIKRITI).values("birthDate") == ["1970"]  # circa
    assert parse_remarks(HAMIEH).values("birthDate") == ["1938-09"]  # month and year
    assert parse_remarks(NIKOUSOKHAN).values("birthDate") == ["1961-01-01", "1962-12-31"]
    naqdi = parse_remarks(NAQDI).values("birthDate")
    assert naqdi[:3] == ["1951", "1952", "1953"]  # year range expands
    assert {"1960", "1961", "1962", "1961-04"} <= set(naqdi)
    assert parse_dates("circa 18 Jun 1998") == ["1998-06-18"]


def test_person_facts() -> None:
    r = parse_remarks(PROKOPENKO)
    assert r.values("birthDate") == ["1973-09-28"]
    assert r.values("birthPlace") == ["Vinnitsa, Ukraine"]
    assert r.values("birthCountry") == ["ua"]
    assert r.values("nationality") == ["ru", "ua"]
    assert r.values("citizenship") == ["ru", "ua"]
    assert r.values("gender") == ["male"]
    assert r.values("innCode") == ["773407989940"]  # 12-digit personal INN
    assert parse_remarks(MUCHINGURI).values("gender") == ["female"]


def test_passports_and_ids() -> None:
    r = parse_remarks(RAKHIMOV)
    assert r.values("passportNumber")[:2] == ["645720381", "CA1804389"]
    passports = [d for d in r.documents if d.passport]
    assert len(passports) == 6
    assert (passports[0].number, passports[0].country) == ("645720381", "ru")
    ids = [d for d in r.documents if not d.passport]
    assert [(d.number, d.country) for d in ids] == [("03101200302034752", "ae"), ("4511669324", "ru")]
    assert r.linked_to == ["THIEVES-IN-LAW"]
    (doc,) = parse_remarks(SHARIF_PASSPORT).documents
    assert (doc.number, doc.issued, doc.expires) == ("G 649385", "2006-09-08", "2011-07-17")
    (tik,) = parse_remarks(TIKRITI).documents
    assert (tik.number, tik.country, tik.expires) == ("2863795S", "iq", "2005-08-23")


def test_russian_company_registers() -> None:
    r = parse_remarks(VOLGA_GROUP)
    assert r.values("innCode") == ["7718989383"]
    assert r.values("ogrnCode") == ["1147746803049"]
    assert r.secondary_sanctions and r.secondary_sanctions[0].startswith("Secondary sanctions risk:")
    b = parse_remarks(BANK_ROSSIYA)
    assert b.values("ogrnCode") == ["1027800000084"]  # Registration ID, 13 digits, Russia
    assert b.values("okpoCode") == ["09804148"]  # Government Gazette Number = OKPO
    assert b.values("swiftBic") == ["ROSYRU2P"]
    assert b.values("website") == ["www.abr.ru"]
    assert b.values("email") == ["bank@abr.ru"]
    types = {d.type for d in b.documents}
    assert {"INN (Tax ID No.)", "OGRN (Registration ID)", "OKPO (Government Gazette Number)"} <= types


def test_non_russian_numbers_stay_generic() -> None:
    r = parse_remarks(POUYA_AIR)
    assert r.values("registrationNumber") == ["189556"]
    assert r.values("idNumber") == ["10102315647"]
    assert r.values("sector") == ["Passenger air transport"]
    assert r.values("email") == ["info@pouyaair.com"]
    assert r.linked_to == ["ISLAMIC REVOLUTIONARY GUARD CORPS AIR FORCE"]
    assert parse_remarks(STICHTING).values("registrationNumber") == ["14063277"]
    assert parse_remarks("Tax ID No. AABA 670850 Y").values("taxNumber") == ["AABA 670850 Y"]


def test_vessel_and_imo() -> None:
    r = parse_remarks(ARTAVIL)
    assert r.values("imoNumber") == ["9187629"]
    assert r.values("mmsi") == ["572469210"]
    assert r.values("previousName") == ["ALPHA"]
    assert r.values("pastFlags")[:2] == ["mt", "tv"]
    assert r.linked_to == ["NATIONAL IRANIAN TANKER COMPANY"]
    g = parse_remarks(GOORYONG)
    assert g.values("imoNumber") == ["5055293"]
    assert any(p.startswith("Transactions Prohibited") for p in g.provisions)


def test_other_fields() -> None:
    assert parse_remarks(SYRIAN_MID).values("incorporationDate") == ["1969"]
    assert parse_remarks(BNC).values("weakAlias") == ["BNC"]
    assert parse_remarks(VTB_DIRECTIVE).provisions == [VTB_DIRECTIVE]
    assert parse_remarks("Member of the State Duma of the Federal Assembly").notes
    assert parse_remarks(None).props == []


def test_directive_listing_dates() -> None:
    text = ("Listing Date (EO 14024 Directive 2): 24 Feb 2022; "
            "Effective Date (EO 14024 Directive 2): 26 Mar 2022")
    r = parse_remarks(text)  # 17018 in sdn.csv
    assert r.listing_dates == ["2022-02-24"]
    assert len(r.provisions) == 2
    assert parse_remarks("Listing Date (CMIC) 03 Jun 2021").listing_dates == ["2021-06-03"]
