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
* ``chinese``: a person (family + given name) or company (place + trade word + 有限公司) in
  Chinese characters ~ its Pinyin, written with the syllables grouped as Latin forms do (Wang
  Jianguo, WANG Jian-guo, Jianguo Wang; Changjiang Wuliu Co., Ltd.) (match); ~ the Pinyin of a
  name with another given name or place (no match).
* ``japanese``: a person in kanji (山田 太郎) or a company in katakana/kanji + 株式会社 ~ its
  Hepburn romanisation (Taro Yamada, Toyota Jidosha K.K.) (match); ~ another name (no match).
* ``korean``: a person in Hangul, or in Hanja, ~ the name in Revised Romanisation,
  McCune-Reischauer or the usual spellings (Park Chung Hee, Pak Chong-hui, Bak Jeonghui;
  金正恩 ~ Kim Jong Un) (match); one syllable changed (no match); a Western name (no match).
* ``hebrew``: a person or company (X תעשיות בע"מ) in Hebrew ~ its romanisation (X Taasiyot
  Ltd) (match); ~ another name (no match).
* ``thai_burmese``: a company in Thai (บริษัท X จำกัด) or Burmese (X ကုမ္ပဏီ လီမိတက်) ~ its usual
  romanisation + Co., Ltd. / Company Limited, or a Burmese person (match); ~ another name of the
  same script (no match).
* ``translated``: a company name with its generic word translated (Sanayi/Industry,
  Neft/Oil, Stroy/Construction, Ticaret/Trading, Taasiyot/Industries, 物流/Logistics) (match);
  the same translation with another distinctive word (no match).

Native-script names and their romanisations are written by hand here, word by word, from the
romanisation systems' tables (Hanyu Pinyin, Hepburn, Revised Romanisation and
McCune-Reischauer, RTGS); none is produced by the code under test.

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


# Chinese: (characters, Pinyin)
ZH_FAMILY = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
             ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("周", "Zhou"), ("吴", "Wu"),
             ("欧阳", "Ouyang"), ("曾", "Zeng")]
ZH_GIVEN = [("建国", "Jian", "guo"), ("伟东", "Wei", "dong"), ("海涛", "Hai", "tao"),
            ("晓明", "Xiao", "ming"), ("志强", "Zhi", "qiang"), ("丽华", "Li", "hua"),
            ("国庆", "Guo", "qing"), ("红梅", "Hong", "mei"), ("长青", "Chang", "qing"),
            ("永康", "Yong", "kang")]
ZH_PLACE = [("长江", "Changjiang"), ("华信", "Huaxin"), ("东方", "Dongfang"), ("海通", "Haitong"),
            ("金龙", "Jinlong"), ("宏达", "Hongda"), ("天成", "Tiancheng"), ("中远", "Zhongyuan"),
            ("银河", "Yinhe"), ("远航", "Yuanhang")]
ZH_TRADE = [("物流", "Wuliu", "Logistics"), ("航运", "Hangyun", "Shipping"),
            ("贸易", "Maoyi", "Trading"), ("科技", "Keji", "Technology"),
            ("化工", "Huagong", "Chemicals"), ("能源", "Nengyuan", "Energy"),
            ("矿业", "Kuangye", "Mining"), ("机械", "Jixie", "Machinery")]
ZH_FORMS = [("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."), ("有限公司", "Youxian Gongsi"),
            ("有限公司", "Limited")]
# Japanese: (kanji, Hepburn)
JA_FAMILY = [("山田", "Yamada"), ("田中", "Tanaka"), ("佐藤", "Sato"), ("鈴木", "Suzuki"),
             ("高橋", "Takahashi"), ("渡辺", "Watanabe"), ("中村", "Nakamura"), ("小林", "Kobayashi")]
JA_GIVEN = [("太郎", "Taro"), ("花子", "Hanako"), ("健一", "Kenichi"), ("直樹", "Naoki"),
            ("明美", "Akemi"), ("裕子", "Yuko")]
JA_BRAND = [("トヨタ", "Toyota"), ("サクラ", "Sakura"), ("ミドリ", "Midori"), ("ヤマト", "Yamato"),
            ("アサヒ", "Asahi"), ("ヒカリ", "Hikari")]
JA_TRADE = [("自動車", "Jidosha"), ("商事", "Shoji"), ("物産", "Bussan"), ("電機", "Denki"),
            ("海運", "Kaiun"), ("建設", "Kensetsu")]
JA_FORMS = [("株式会社", "K.K."), ("株式会社", "Kabushiki Kaisha"), ("株式会社", "Co., Ltd.")]
# Korean: Hangul syllables with (RR, MR without marks, usual) spellings
KO_FAMILY = [("김", ["Kim", "Gim"]), ("이", ["Lee", "Yi", "Ri", "Rhee"]), ("박", ["Park", "Pak", "Bak"]),
             ("최", ["Choi", "Choe"]), ("정", ["Jung", "Jeong", "Chong"]), ("강", ["Kang", "Gang"]),
             ("조", ["Cho", "Jo"]), ("윤", ["Yoon", "Yun"]), ("장", ["Jang", "Chang"]),
             ("임", ["Lim", "Im"]), ("한", ["Han"]), ("오", ["Oh", "O"])]
KO_SYL = [("민", ["min"]), ("수", ["su", "soo"]), ("지", ["ji", "chi"]), ("영", ["young", "yeong", "yong"]),
          ("현", ["hyun", "hyeon", "hyon"]), ("호", ["ho"]), ("준", ["jun", "joon", "chun"]),
          ("성", ["sung", "seong", "song"]), ("철", ["chol", "cheol", "chul"]), ("은", ["eun", "un"]),
          ("혜", ["hye"]), ("진", ["jin", "chin"]), ("경", ["kyung", "gyeong", "kyong"]),
          ("희", ["hee", "hui"]), ("광", ["kwang", "gwang"]), ("남", ["nam"]), ("석", ["seok", "suk", "sok"])]
KO_HANJA = [("金正恩", ["Kim Jong Un", "Kim Jong-un", "Gim Jeong-eun"]),
            ("朴正熙", ["Park Chung Hee", "Pak Chong-hui", "Bak Jeong-hui"]),
            ("李明博", ["Lee Myung Bak", "Yi Myong-bak", "Lee Myung-bak"]),
            ("金大中", ["Kim Dae Jung", "Kim Tae-jung", "Gim Dae-jung"]),
            ("崔英浩", ["Choi Young Ho", "Choe Yong-ho"]),
            ("朴槿惠", ["Park Geun Hye", "Pak Kun-hye"])]
# Hebrew: (Hebrew, romanisation)
HE_FAMILY = [("כהן", "Cohen"), ("לוי", "Levi"), ("מזרחי", "Mizrahi"), ("פרץ", "Peretz"),
             ("ביטון", "Biton"), ("דהן", "Dahan"), ("אברהם", "Avraham"), ("פרידמן", "Friedman"),
             ("שפירא", "Shapira"), ("גולדברג", "Goldberg")]
HE_GIVEN = [("דוד", "David"), ("משה", "Moshe"), ("יוסף", "Yosef"), ("שרה", "Sarah"),
            ("רחל", "Rachel"), ("יעקב", "Yaakov"), ("מיכאל", "Michael"), ("אורי", "Uri")]
HE_TRADE = [("תעשיות", "Taasiyot", "Industries"), ("סחר", "Sachar", "Trading"),
            ("השקעות", "Hashkaot", "Investments"), ("בנייה", "Bniya", "Construction")]
HE_FORMS = [('בע"מ', "Ltd"), ("בע״מ", "Ltd."), ('בע"מ', "Limited")]
# Thai and Burmese company names: (words, RTGS or usual spelling)
TH_WORDS = [("สยาม", "Siam"), ("กรุงเทพ", "Krungthep"), ("เจริญ", "Charoen"), ("รุ่งเรือง", "Rungruang"),
            ("สมบูรณ์", "Somboon"), ("ไทย", "Thai"), ("ศรี", "Sri"), ("พัฒนา", "Phatthana"),
            ("มั่นคง", "Mankhong"), ("ทองคำ", "Thongkham")]
TH_FORMS = [("บริษัท {n} จำกัด", "{n} Co., Ltd."), ("บริษัท {n} จำกัด (มหาชน)", "{n} Public Company Limited"),
            ("บริษัท {n} จำกัด", "{n} Company Limited")]
MY_WORDS = [("ရွှေ", "Shwe"), ("ရတနာ", "Yadanar"), ("မြန်မာ", "Myanmar"), ("စိန်", "Sein"),
            ("အောင်", "Aung"), ("ကျော်", "Kyaw"), ("ဝင်း", "Win"), ("မောင်", "Maung"),
            ("ထွန်း", "Tun"), ("ကို", "Ko")]
# generic words and their translations (the distinctive head stays Latin)
TRANSLATED = [("Sanayi", "Industry"), ("Sanayi", "Industries"), ("Neft", "Oil"), ("Gaz", "Gas"),
              ("Stroy", "Construction"), ("Ticaret", "Trading"), ("Torgovy Dom", "Trading House"),
              ("Promyshlennost", "Industry"), ("Taasiyot", "Industries"), ("Bankasi", "Bank"),
              ("Sigorta", "Insurance"), ("Insaat", "Construction"), ("Madencilik", "Mining"),
              ("Mühendislik", "Engineering"), ("Enerji", "Energy"), ("Yatirim", "Investment"),
              ("Handel", "Trading"), ("Baugesellschaft", "Construction"), ("Reederei", "Shipping"),
              ("Energiya", "Energy"), ("Khimprom", "Chemicals"), ("Metallurgiya", "Metallurgy")]
# Korean
TR_HEADS = ["Akdeniz", "Volga", "Kama", "Ural", "Sibir", "Anadolu", "Ege", "Marmara", "Baykal",
            "Kuban", "Altay", "Karpaty", "Dniepr", "Kaspiy", "Toros", "Galata"]


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
    script_rows(add)
    return list(dict.fromkeys(out))


def script_rows(add) -> None:  # noqa: ANN001
    """CJK, Hangul, Hebrew, Thai/Burmese and translated-generic-word pairs (see module doc)."""
    for _ in range(40):  # Chinese persons
        (fc, fp), (gc, g1, g2) = R.choice(ZH_FAMILY), R.choice(ZH_GIVEN)
        latin = R.choice([f"{fp} {g1}{g2}", f"{fp.upper()} {g1}-{g2.lower()}", f"{g1}{g2} {fp}",
                          f"{fp} {g1} {g2.capitalize()}"])
        add(("chinese", "Person", latin, fc + gc, True))
        oc, o1, o2 = R.choice([g for g in ZH_GIVEN if g[0] != gc])
        add(("chinese", "Person", f"{fp} {o1}{o2}", fc + gc, False))
    for _ in range(40):  # Chinese companies
        (pc, pp), (tc, tp, _te), (fc, fl) = R.choice(ZH_PLACE), R.choice(ZH_TRADE), R.choice(ZH_FORMS)
        latin = R.choice([f"{pp} {tp} {fl}", f"{pp.upper()} {tp.upper()} {fl}", f"{pp}{tp} {fl}"])
        add(("chinese", "Company", latin, pc + tc + fc, True))
        op = R.choice([p for p in ZH_PLACE if p[0] != pc])[1]
        add(("chinese", "Company", f"{op} {tp} {fl}", pc + tc + fc, False))
    for _ in range(24):  # Japanese persons
        (fk, fh), (gk, gh) = R.choice(JA_FAMILY), R.choice(JA_GIVEN)
        latin = R.choice([f"{gh} {fh}", f"{fh.upper()} {gh}", f"{fh} {gh}"])
        add(("japanese", "Person", latin, fk + gk, True))
        oh = R.choice([f for f in JA_FAMILY if f[0] != fk])[1]
        add(("japanese", "Person", f"{gh} {oh}", fk + gk, False))
    for _ in range(24):  # Japanese companies
        (bk, bh), (tk, th), (fk, fl) = R.choice(JA_BRAND), R.choice(JA_TRADE), R.choice(JA_FORMS)
        native = R.choice([f"{bk}{tk}{fk}", f"{fk}{bk}{tk}"])
        add(("japanese", "Company", f"{bh} {th} {fl}", native, True))
        ob = R.choice([b for b in JA_BRAND if b[0] != bk])[1]
        add(("japanese", "Company", f"{ob} {th} {fl}", native, False))
    for _ in range(40):  # Korean persons in Hangul
        (fh, fl), s1, s2 = R.choice(KO_FAMILY), R.choice(KO_SYL), R.choice(KO_SYL)
        f, a, b = R.choice(fl), R.choice(s1[1]), R.choice(s2[1])
        latin = R.choice([f"{f} {a.capitalize()} {b.capitalize()}", f"{f} {a.capitalize()}-{b}",
                          f"{f.upper()} {a.upper()} {b.upper()}", f"{a.capitalize()}{b} {f}"])
        add(("korean", "Person", latin, fh + s1[0] + s2[0], True))
        s3 = R.choice([x for x in KO_SYL if x[0] != s2[0] and not set(x[1]) & set(s2[1])])
        add(("korean", "Person", latin, fh + s1[0] + s3[0], False))
    for hanja, latins in KO_HANJA:
        for latin in latins:
            add(("korean", "Person", latin, hanja, True))
    for q in ["Maria Schmidt", "John Miller", "Peter Walsh", "Linda Park", "Karen Kim", "Mark Lee"]:
        fh, s1, s2 = R.choice(KO_FAMILY)[0], R.choice(KO_SYL)[0], R.choice(KO_SYL)[0]
        add(("korean", "LegalEntity", q, fh + s1 + s2, False))
    for _ in range(30):  # Hebrew persons
        (fh, fl), (gh, gl) = R.choice(HE_FAMILY), R.choice(HE_GIVEN)
        add(("hebrew", "Person", R.choice([f"{gl} {fl}", f"{fl.upper()}, {gl}"]), f"{gh} {fh}", True))
        ol = R.choice([f for f in HE_FAMILY if f[0] != fh])[1]
        add(("hebrew", "Person", f"{gl} {ol}", f"{gh} {fh}", False))
    for _ in range(20):  # Hebrew companies
        (fh, fl), (th, tl, te), (form, fl2) = R.choice(HE_FAMILY), R.choice(HE_TRADE), R.choice(HE_FORMS)
        add(("hebrew", "Company", f"{fl} {R.choice([tl, te])} {fl2}", f"{fh} {th} {form}", True))
        ol = R.choice([f for f in HE_FAMILY if f[0] != fh])[1]
        add(("hebrew", "Company", f"{ol} {tl} {fl2}", f"{fh} {th} {form}", False))
    for _ in range(25):  # Thai companies
        (a, al), (b, bl) = R.sample(TH_WORDS, 2)
        native, latin = R.choice(TH_FORMS)
        add(("thai_burmese", "Company", latin.format(n=f"{al} {bl}"), native.format(n=f"{a} {b}"), True))
        (c, cl), (d, dl) = R.sample([w for w in TH_WORDS if w[0] not in (a, b)], 2)
        add(("thai_burmese", "Company", latin.format(n=f"{cl} {dl}"), native.format(n=f"{a} {b}"), False))
    for _ in range(25):  # Burmese companies and persons
        (a, al), (b, bl) = R.sample(MY_WORDS, 2)
        if R.random() < 0.5:
            q, cand, schema = f"{al} {bl} Company Limited", f"{a} {b} ကုမ္ပဏီ လီမိတက်", "Company"
        else:
            (c, cl) = R.choice([w for w in MY_WORDS if w[0] not in (a, b)])
            q, cand, schema = f"{al} {bl} {cl}", f"{a} {b} {c}", "Person"
        add(("thai_burmese", schema, q, cand, True))
        (x, xl), (y, yl) = R.sample([w for w in MY_WORDS if w[0] not in (a, b)], 2)
        add(("thai_burmese", schema, q, f"{x} {y}" + (" ကုမ္ပဏီ လီမိတက်" if schema == "Company" else ""), False))
    for _ in range(60):  # translated generic words
        h, (native, english) = R.choice(TR_HEADS), R.choice(TRANSLATED)
        form = R.choice(["", " LLC", " A.S.", " Ltd"])
        add(("translated", "Company", f"{h} {native}{form}", f"{h} {english}{form}", True))
        o = R.choice([x for x in TR_HEADS if x != h])
        add(("translated", "Company", f"{h} {native}{form}", f"{o} {english}{form}", False))


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
