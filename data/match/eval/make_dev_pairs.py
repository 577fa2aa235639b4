"""Generate ``match_pairs_dev.csv``: labelled pairs for issue 17's categories.

    python data/match/eval/make_dev_pairs.py   # rewrites match_pairs_dev.csv (seeded)

Every pair is made here from invented base names (word lists below: no real company or
person is meant), transformed by one category's rule, so its label is known by construction:

* ``payment_noise``: a party as typed in a payment or trade message (field labels, account
  lines, c/o, branch, vessel prefix, voyage, flag, port, bracketed note) ~ the clean name
  (match); the same noise around a *different* base name (no match).
* ``former_name``: ``NEW (ex-OLD)`` ~ ``OLD`` (match); ~ another vessel (no match).
* ``legal_equiv``: abbreviated ~ written-out legal form of the same jurisdiction, and word
  abbreviations (San./Sanayi, F.lli/Fratelli, Engg./Engineering) (match); the same name with
  a legal form of a jurisdiction that excludes it (GmbH / Sdn. Bhd.) (no match).
* ``numbers``: digits ~ Roman numerals ~ number words of the same number (match); different
  numbers in any of those writings (no match).
* ``other_word``: one letter replaced so that another common word results (Mining/Dining)
  (no match); one letter replaced or dropped giving no word (Minnig/Mining) (match).
* ``plural``: singular ~ plural of a vessel or company name word (no match); case, spacing and
  punctuation changes of the same name (match).
* ``subsidiary``: ``X Inc.`` ~ ``X <Country> Ltd.`` (no match); ``X Ltd`` ~ ``X Limited``
  (match).
* ``cross_script``: a Latin name of two or more parts ~ an unrelated non-Latin name whose
  consonants happen to agree (no match); a non-Latin name ~ its own romanisation, two parts
  (match).
* ``hygiene``: zero-width and format characters, variation selectors, one Cyrillic or Greek
  homoglyph inside a Latin name (match); a different name with the same tricks (no match).

Legal forms come from ``data/match/legal_forms_world.tsv``; non-Latin names and their
romanisations are common given and family names written by hand here.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).with_name("match_pairs_dev.csv")
R = random.Random(17)

HEADS = ["Brennock", "Veltrona", "Castlereagh", "Okafor", "Lakeview", "Northgate", "Marisol",
         "Ratcha", "Yildirim", "Kowalski", "Novak", "Ibarra", "Bellamar", "Orsolini", "Tarvik",
         "Quennel", "Hadley", "Morvane", "Zelten", "Ostrava", "Pelagos", "Karsten", "Vireo",
         "Dunmore", "Alcora", "Sundara", "Maju", "Kencana", "Arkwell", "Brightwater",
         "Calder", "Elmstead", "Fairhaven", "Greyling", "Harrowgate", "Ivory", "Juniper",
         "Kestrel", "Larkspur", "Merrow", "Norland", "Oakridge", "Penrose", "Quarry", "Redfern",
         "Selwyn", "Thornbury", "Underhill", "Valemont", "Westmark"]
TRADES = ["Grain", "Metals", "Shipping", "Textiles", "Farm Inputs", "Precision Castings",
          "Logistics", "Chemicals", "Energy", "Minerals", "Timber", "Foods", "Fertilisers",
          "Cables", "Ceramics", "Pharma", "Marine Services", "Steel", "Polymers", "Paper"]
VESSEL_A = ["Blue", "Silver", "Golden", "Ocean", "Northern", "Sea", "Coral", "Arctic", "Royal",
            "Eastern", "Pacific", "Crimson", "Iron", "Amber", "Jade"]
VESSEL_B = ["Heron", "Dawn", "Falcon", "Star", "Trader", "Pearl", "Spirit", "Wave", "Harmony",
            "Voyager", "Horizon", "Eagle", "Pioneer", "Glory", "Phoenix"]
# one letter replaced gives another common word
WORD_PAIRS = [("Mining", "Dining"), ("Mail", "Rail"), ("Gold", "Bold"), ("Power", "Tower"),
              ("Line", "Mine"), ("Sand", "Band"), ("Wood", "Food"), ("Hill", "Mill"),
              ("Coal", "Coat"), ("Land", "Sand"), ("Bank", "Tank"), ("Port", "Fort"),
              ("Salt", "Malt"), ("Fish", "Dish"), ("Cargo", "Largo"), ("Farm", "Firm"),
              ("Stone", "Store"), ("Light", "Fight"), ("Steel", "Steep"), ("River", "Rover")]
# one letter dropped, doubled or replaced giving no word
TYPOS = [("Mining", "Minning"), ("Shipping", "Shiping"), ("Logistics", "Logisitcs"),
         ("Chemicals", "Chemcals"), ("Textiles", "Textilles"), ("Minerals", "Minerels"),
         ("Castings", "Castngs"), ("Fertilisers", "Fertilizers"), ("Timber", "Timbre"),
         ("Polymers", "Polimers")]
PAYMENT = [
    "BENEFICIARY: {n}", "FIELD 59: {n}", "ORDERING CUSTOMER: {n}", ":59:/GB29NWBK60161331926819\n{n}",
    "/DE89370400440532013000\n{n}", "Beneficiary Name: {n}", "CONSIGNEE: {n}", "{n} c/o {o}, Rotterdam",
    "{n} - Eldoret Branch", "{n}, Sucursal Tijuana", "{n} (ref 22917)", "{n} (in liquidation)",
    "APPLICANT: {n} A/C 004512339", "Notify party: {n}",
]
VESSEL_NOISE = ["MV {v}", "M/T {v}", "N/M {v}", "T/B {v}", "{v} V.118E", "{v} VOY 23W",
                "{v} (Panama flag)", "MV {v}, Songkhla", "{v}, Liberian-flagged", "M/V {v} (Malta flag)"]
# (abbreviated, written out) of one jurisdiction
LEGAL = [("Sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością"), ("Sp. z o.o. Sp. k.",
         "spółka z ograniczoną odpowiedzialnością spółka komandytowa"), ("S.A.", "Spółka Akcyjna"),
         ("s.r.o.", "společnost s ručením omezeným"), ("a.s.", "akciová společnost"),
         ("S.r.l.", "Società a responsabilità limitata"), ("S.p.A.", "Società per azioni"),
         ("Ltda.", "Limitada"), ("S/A", "Sociedade Anônima"), ("EIRELI",
         "Empresa Individual de Responsabilidade Limitada"), ("S.L.", "Sociedad Limitada"),
         ("S.A. de C.V.", "Sociedad Anónima de Capital Variable"), ("A.Ş.", "Anonim Şirketi"),
         ("Ltd. Şti.", "Limited Şirketi"), ("PT", "Perseroan Terbatas"), ("Tbk", "Terbuka"),
         ("Pvt. Ltd.", "Private Limited"), ("OOO", "Obshchestvo s ogranichennoy otvetstvennostyu"),
         ("AO", "Aktsionernoye obshchestvo"), ("TOV", "Tovarystvo z obmezhenoyu vidpovidalnistyu"),
         ("PrAT", "Pryvatne aktsionerne tovarystvo"), ("GmbH", "Gesellschaft mit beschränkter Haftung"),
         ("Sdn. Bhd.", "Sendirian Berhad"), ("B.V.", "Besloten Vennootschap"),
         ("SARL", "Société à responsabilité limitée"), ("Pty Ltd", "Proprietary Limited")]
PREFIX_FORMS = {"PT", "OOO", "AO", "TOV", "PrAT"}
CONFLICTS = [("GmbH", "Sdn. Bhd."), ("Sp. z o.o.", "S.r.l."), ("s.r.o.", "Ltda."),
             ("Pvt. Ltd.", "GmbH"), ("B.V.", "Pty Ltd"), ("SARL", "Sp. z o.o."),
             ("S.p.A.", "A.Ş."), ("Sdn. Bhd.", "S.A. de C.V."), ("OOO", "S.r.l."),
             ("Pte. Ltd.", "GmbH"), ("K.K.", "B.V."), ("Ltd. Şti.", "s.r.o.")]
WORD_ABBR = [("{h} Tekstil San. Tic. A.S.", "{h} Tekstil Sanayi ve Ticaret Anonim Şirketi"),
             ("F.lli {h} S.r.l.", "Fratelli {h} S.r.l."),
             ("{h} Ind. e Com. Ltda.", "{h} Indústria e Comércio Ltda."),
             ("{h} Engg. Works Pvt. Ltd.", "{h} Engineering Works Private Limited"),
             ("{h} Trdg. Co.", "{h} Trading Company"), ("{h} Intl. Corp.", "{h} International Corporation"),
             ("{h} Mfg. Co. Ltd.", "{h} Manufacturing Company Limited"),
             ("{h} Hnos. S.A.", "{h} Hermanos S.A.")]
NUM_FORMS = {1: ["1", "I", "One", "First"], 2: ["2", "II", "Two", "Second"], 3: ["3", "III", "Three", "Third"],
             4: ["4", "IV", "Four", "Fourth"], 5: ["5", "Five", "Fifth"], 6: ["6", "VI", "Six"],
             7: ["7", "VII", "Seven"], 8: ["8", "VIII", "Eight"], 9: ["9", "IX", "Nine"],
             12: ["12", "XII", "Twelve"]}
COUNTRIES = ["Nigeria", "Kenya", "Germany", "Brazil", "India", "Turkey", "Poland", "Mexico",
             "Indonesia", "Malaysia", "Singapore", "Australia", "Italy", "Spain", "Egypt"]
# (non-Latin name, its romanisation): two parts each
CROSS_POS = [("محمد علي", "Mohamed Ali"), ("أحمد حسن", "Ahmed Hassan"), ("خالد محمود", "Khaled Mahmoud"),
             ("علي رضا", "Ali Reza"), ("حسن نصر", "Hassan Nasr"), ("עמוס כהן", "Amos Cohen"),
             ("משה לוי", "Moshe Levi"), ("דוד כהן", "David Cohen"), ("김정은", "Kim Jong Un"),
             ("박정희", "Park Chung Hee"), ("习近平", "Xi Jinping"), ("王伟", "Wang Wei"),
             ("李明", "Li Ming"), ("გიორგი ბერიძე", "Giorgi Beridze"), ("Արմեն Սարգսյան", "Armen Sargsyan"),
             ("سعید رضایی", "Saeed Rezaei"), ("Иван Петров", "Ivan Petrov"), ("عمر خالد", "Omar Khaled"),
             ("يوسف إبراهيم", "Yousef Ibrahim"), ("مصطفى كمال", "Mustafa Kamal")]
CROSS_NEG_Q = ["Maria Schmidt", "John Miller", "Anna Becker", "Peter Walsh", "Laura Fischer",
               "Mark Evans", "Sarah Collins", "David Turner", "Emma Wright", "James Cooper",
               "Lukoil Trading", "Alrosa Mining", "Michael Brown", "Julia Roberts", "Thomas Hale",
               "Daniel Moore", "Karen Hill", "Robert Stone", "Linda Park", "Paul Mason"]
CROSS_NEG_R = ["عماري س", "الحراشي", "리학철", "حسين مراد", "سمير بلقاسم", "מרדכי", "이민호",
               "박지성", "ברוך שמר", "جمال مرسي", "عبد الرحمن", "كريم حداد", "정민수", "יעקב ברגר",
               "فرهاد مهدوی", "ناصر ملك", "בנימין", "안중근", "مريم", "محمد سليم"]
HOMO = {"o": "о", "a": "а", "e": "е", "p": "р", "c": "с", "x": "х", "A": "Α", "O": "О"}
INVIS = ["\u200d", "\u200c", "\u200b", "\u2060", "\ufe0f", "\u180e", "\u2063", "\u00ad"]


def company() -> str:
    return f"{R.choice(HEADS)} {R.choice(TRADES)}"


def vessel() -> str:
    return f"{R.choice(VESSEL_A)} {R.choice(VESSEL_B)}"


def other(name: str, make) -> str:  # noqa: ANN001
    while True:
        o = make()
        if o.split()[0] != name.split()[0] and o.split()[-1] != name.split()[-1]:
            return o


def rows() -> list[tuple[str, str, str, str, bool]]:
    out: list[tuple[str, str, str, str, bool]] = []
    add = out.append
    for tpl in PAYMENT * 4:
        n = company() + R.choice(["", " Ltd", " LLC", " GmbH", " S.A."])
        q = tpl.format(n=n, o=company())
        add(("payment_noise", "LegalEntity", q, n, True))
        add(("payment_noise", "LegalEntity", q, other(n, company), False))
    for tpl in VESSEL_NOISE * 4:
        v = vessel()
        add(("payment_noise", "Vessel", tpl.format(v=v), v, True))
        add(("payment_noise", "Vessel", tpl.format(v=v), other(v, vessel), False))
    for _ in range(25):
        new, old = vessel(), vessel()
        if new == old:
            continue
        fmt = R.choice(["{a} (ex-{b})", "{a} ex {b}", "{a} (formerly {b})", "{a} f/k/a {b}"])
        add(("former_name", "Vessel", fmt.format(a=new, b=old), old, True))
        add(("former_name", "Vessel", fmt.format(a=new, b=old), other(old, vessel) if
             other(old, vessel) != new else vessel(), False))
    for short, full in LEGAL * 2:
        h = company()
        q = f"{short} {h}" if short in PREFIX_FORMS else f"{h} {short}"
        r = f"{full} {h}" if short in PREFIX_FORMS else f"{h} {full}"
        add(("legal_equiv", "Company", q, r, True))
    for tpl_a, tpl_b in WORD_ABBR * 3:
        h = R.choice(HEADS)
        add(("legal_equiv", "Company", tpl_a.format(h=h), tpl_b.format(h=h), True))
    for a, b in CONFLICTS * 4:
        h = company()
        add(("legal_equiv", "Company", f"{h} {a}", f"{h} {b}", False))
    for _ in range(60):
        n, m = R.sample(sorted(NUM_FORMS), 2)
        base = R.choice([company(), vessel(), f"{R.choice(HEADS)} Capital Partners",
                         f"{R.choice(HEADS)} Fund"])
        schema = "Vessel" if base.split()[0] in VESSEL_A else "Company"
        add(("numbers", schema, f"{base} {R.choice(NUM_FORMS[n])}", f"{base} {R.choice(NUM_FORMS[m])}", False))
        a, b = R.sample(NUM_FORMS[n], 2)
        add(("numbers", schema, f"{base} {a}", f"{base} {b}", True))
    for a, b in WORD_PAIRS * 3:
        h = R.choice(HEADS)
        t = R.choice(["Tools", "Group", "Holdings", "Supplies", "Partners"])
        add(("other_word", "Company", f"{h} {a} {t}", f"{h} {b} {t}", False))
    for a, b in TYPOS * 6:
        h = R.choice(HEADS)
        add(("other_word", "Company", f"{h} {a}", f"{h} {b}", True))
    for _ in range(40):
        a, b = R.choice(VESSEL_A), R.choice(VESSEL_B)
        schema = R.choice(["Vessel", "Company"])
        add(("plural", schema, f"{a} {b}", f"{a} {b}{'es' if b.endswith(('x', 's')) else 's'}", False))
        variant = R.choice([f"{a.upper()} {b.upper()}", f"{a}-{b}", f"{a}  {b}.", f"{a.lower()} {b}"])
        add(("plural", schema, variant, f"{a} {b}", True))
    for _ in range(40):
        h = company()
        add(("subsidiary", "Company", f"{h} Inc.", f"{h} {R.choice(COUNTRIES)} Ltd.", False))
        add(("subsidiary", "Company", f"{h} {R.choice(['Ltd', 'Ltd.', 'Limited'])}", f"{h} Limited", True))
    for i in range(60):
        a, b = CROSS_POS[i % len(CROSS_POS)]
        if i < len(CROSS_POS):
            add(("cross_script", "Person", b, a, True))
        q = CROSS_NEG_Q[i % len(CROSS_NEG_Q)]
        add(("cross_script", "LegalEntity", q, CROSS_NEG_R[(i * 7) % len(CROSS_NEG_R)], False))
    for _ in range(40):
        n = company()
        w = list(n)
        pos = [k for k, c in enumerate(w) if c in HOMO]
        if R.random() < 0.5 and pos:
            k = R.choice(pos)
            w[k] = HOMO[w[k]]
        else:
            k = R.randrange(1, len(w) - 1)
            w.insert(k, R.choice(INVIS))
        q = "".join(w)
        add(("hygiene", "Company", q, n, True))
        add(("hygiene", "Company", q, other(n, company), False))
    return list(dict.fromkeys(out))


def main() -> None:
    data = rows()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["category", "schema", "query", "candidate", "is_match"])
        for row in data:
            w.writerow([*row[:4], "true" if row[4] else "false"])
    print(f"{len(data)} pairs written to {OUT}")


if __name__ == "__main__":
    main()
