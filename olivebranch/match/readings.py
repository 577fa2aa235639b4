"""Latin readings of names in Chinese, Japanese and Korean characters, Hebrew, Thai and Burmese.

For these scripts a romanisation is a *reading*, not a letter-by-letter mapping: 长江 reads
"chang jiang" only as a word (长 alone is also "zhang"), 金正恩 is "Jin Zheng'en" to a Chinese
reader and "Kim Jong Un" to a Korean one, and 박정희 is written Park Chung Hee, Pak Chong Hui or
Bak Jeonghui depending on the system (and the family's own habit). This module gives

* :func:`segment` - a run of CJK characters cut into the words a romanisation writes apart
  (a person's family and given name; an organisation's words, with its legal form such as
  有限公司 or 株式会社 kept whole so that ``legal.py`` finds it);
* :func:`reading` - the main Latin reading of one word: Pinyin with word-level (phrase)
  readings (pypinyin), Japanese romaji for words with kana (cutlet, Hepburn, long vowels
  written single: Tokyo, Taro), Revised Romanisation for Hangul, a consonant reading of
  Hebrew that keeps ב כ פ hard at the start of a word, the Royal Thai General System for Thai
  (PyThaiNLP) and ICU's Burmese transliteration moved to the usual spellings (Sein, Aung);
* :func:`other_readings` - further plausible readings a Latin name may use: McCune-Reischauer
  and the usual family-name spellings of Korean (박 Park/Pak/Bak, 이 Lee/Yi/Ri/Rhee), the
  Korean reading of Hanja (金正恩 → 김정은 → Kim Jong Un, from the Unicode Unihan data in
  ``data/match/hanja_hangul.tsv``) and the Japanese reading of kanji;
* :func:`hangul_syllables` and :func:`korean_pattern` - the Korean syllables of a word and a
  regular expression that accepts every usual romanisation of them (RR, MR without its marks,
  and the common spellings: 정 jeong/chong/jung/chung, 희 hui/hee/hi), to compare a Korean
  name with a Latin one however its syllables are grouped (Chung Hee, Chung-hee, Chunghee).

The dictionaries (pypinyin's phrases, MeCab's UniDic via cutlet) load on first use only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from olivebranch.paths import DATA_DIR

MATCH_DATA = DATA_DIR / "match"

_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HEBREW = re.compile(r"[\u05d0-\u05ea]")
#: A run of CJK characters (Han, kana, Hangul) in cleaned text.
CJK_RUN = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                     r"\uac00-\ud7a3\U00020000-\U0002ebef]+")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def has_kana(text: str) -> bool:
    return bool(_KANA.search(text))


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


# ------------------------------------------------------------------------ Chinese


def _table(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (MATCH_DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.partition("\t")
        out[key.strip()] = value.strip()
    return out


@lru_cache(maxsize=1)
def _chinese_surnames() -> dict[str, str]:
    """Family names whose reading differs from the character's usual one (单 Shan, 曾 Zeng)
    and the two-character family names (欧阳 Ouyang), from ``chinese_surnames.tsv``."""
    return _table("chinese_surnames.tsv")


@lru_cache(maxsize=1)
def _pypinyin():  # noqa: ANN202 - pypinyin's lazy_pinyin and its word segmenter
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.mmseg import seg

    def read(text: str) -> list[str]:
        return lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore")

    return read, seg.cut


@lru_cache(maxsize=100_000)
def pinyin(word: str) -> str:
    """Pinyin of a word of Han characters, syllables written together without tones
    (长江 → changjiang; ü as u)."""
    read, _ = _pypinyin()
    return "".join(read(word)).replace("ü", "u")


def _han_person(run: str) -> list[str]:
    """A Chinese, Korean or Japanese personal name in characters, cut into family and given
    name: a two-character family name where the table knows one (欧阳, 南宫), else one
    character; four-character names without one are read as Japanese (山田 太郎)."""
    surnames = _chinese_surnames()
    n = len(run)
    if n <= 1 or n > 5:
        return [run]
    if n >= 3 and run[:2] in surnames:
        return [run[:2], run[2:]]
    if n >= 4:
        return [run[:2], run[2:]]  # 山田太郎, 小泉純一郎: Japanese family names of two
    return [run[:1], run[1:]]


def _han_org(run: str) -> list[str]:
    """An organisation's name in Han characters cut into words with pypinyin's phrase
    dictionary; characters it leaves alone are paired (most Chinese words have two)."""
    _, cut = _pypinyin()
    words: list[str] = []
    single: list[str] = []
    for w in cut(run):
        if len(w) == 1 and _HAN.match(w):
            single.append(w)
            continue
        words.extend(_pairs(single))
        single = []
        words.append(w)
    words.extend(_pairs(single))
    return words


def _pairs(chars: list[str]) -> list[str]:
    return ["".join(chars[i:i + 2]) for i in range(0, len(chars), 2)]


# ------------------------------------------------------------------------ Japanese

#: Japanese legal forms MeCab cuts in two (株式 会社): kept as one word.
_JA_JOIN = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社")


@lru_cache(maxsize=1)
def _cutlet():  # noqa: ANN202
    import cutlet

    return cutlet.Cutlet()


def _ja_words(run: str) -> list[str]:
    """Words of a Japanese name (MeCab with UniDic, through cutlet), grouped as cutlet writes
    them in romaji (自動 車 → 自動車, jidousha)."""
    c = _cutlet()
    tagged = c.tagger(run)
    words: list[str] = []
    glue = False
    for w, r in zip(tagged, c.romaji_tokens(tagged), strict=False):
        if glue and words:
            words[-1] += w.surface
        else:
            words.append(w.surface)
        glue = not r.space
    text = " ".join(words)
    for form in _JA_JOIN:
        spaced = " ".join(w.surface for w in c.tagger(form))
        text = text.replace(spaced, form)
    # kana words MeCab splits (エー レベル) belong together
    out: list[str] = []
    for w in text.split():
        if out and _is_katakana(w) and _is_katakana(out[-1]):
            out[-1] += w
        else:
            out.append(w)
    return out


def _is_katakana(w: str) -> bool:
    return all("\u30a0" <= c <= "\u30ff" for c in w)


_LONG = (("ou", "o"), ("uu", "u"), ("oo", "o"))


@lru_cache(maxsize=100_000)
def romaji(word: str) -> str:
    """Hepburn romaji of a Japanese word, long vowels written single (東京 → tokyo, 太郎 →
    taro); "" when the dictionary cannot read it."""
    out = _cutlet().romaji(word).lower()
    if "?" in out:
        return ""
    out = "".join(c for c in out if c.isalnum())
    for a, b in _LONG:
        out = out.replace(a, b)
    return out if out.isascii() else ""


def japanese_possible(word: str) -> bool:
    """Whether a word in Han characters can be Japanese (written with JIS characters only:
    simplified Chinese characters such as 长 or 远 are not)."""
    try:
        word.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return True


# ------------------------------------------------------------------------ Korean

_RR_INI = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
           "k", "t", "p", "h"]
_MR_INI = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch",
           "k", "t", "p", "h"]
_RR_MED = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wo", "we", "wi", "yu", "eu", "ui", "i"]
_MR_MED = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wo", "we", "wi", "yu", "u", "ui", "i"]
# final consonants by their sound (RR writes them so; MR alike)
_FIN = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
        "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# popular spellings (passports, companies): ㅓ as u (Chung, Sung), ㅡ as u, ㅢ and ㅣ as ee
_POP_MED = ["a", "ae", "ya", "yae", "u", "e", "yu", "ye", "o", "wa", "wae", "oe", "yo", "u",
            "wo", "we", "wi", "yu", "u", "ee", "i"]
_POP_INI = ["k", "kk", "n", "d", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "jj", "ch",
            "k", "t", "p", "h"]

# every usual Latin spelling of each part, for matching
_INI_ALT = ["g|k", "kk|gg|k|g", "n", "d|t", "tt|dd|t|d", "r|l|n", "m", "b|p", "pp|bb|p|b",
            "s|sh", "ss|s|sh", "", "j|ch|z", "jj|tch|ch|j", "ch|c|j", "k|kh", "t|th", "p|ph|f",
            "h"]
_MED_ALT = ["a|ah", "ae|ai|e", "ya", "yae|ye", "eo|o|u|uh|eu", "e|ae", "yeo|yo|yu|ye|eo",
            "ye|yae", "o|oh|oo", "wa|oa", "wae|we|oe", "oe|oi|we|wi|eo", "yo", "u|oo|ou|woo|w",
            "wo|weo|uo|wu", "we|ue", "wi|ui|wee", "yu|yoo|you|iu", "eu|u|oo|e|eo|ui",
            "ui|eui|ee|i|ei|wi|e", "i|ee|y|ie|e"]
_FIN_ALT = {"": "", "k": "k|g|c|ck|kh", "n": "n", "t": "t|d|s|ss|ch|j|th", "l": "l|r|ll",
            "m": "m", "p": "p|b", "ng": "ng|n|g"}


def hangul_syllables(word: str) -> tuple[str, ...]:
    """The Korean syllables of a word, each a string of its possible Hangul readings: a
    Hangul syllable is itself; a Hanja character gives its readings (金 → "금김")."""
    out = []
    table = None
    for c in word:
        if "\uac00" <= c <= "\ud7a3":
            out.append(c)
            continue
        if table is None:
            table = _hanja()
        r = table.get(c)
        if not r:
            return ()
        out.append(r)
    return tuple(out)


@lru_cache(maxsize=1)
def _hanja() -> dict[str, str]:
    return _table("hanja_hangul.tsv")


@lru_cache(maxsize=1)
def _korean_surnames() -> dict[str, tuple[str, ...]]:
    """Usual Latin spellings of Korean family names (``korean_surnames.tsv``)."""
    return {k: tuple(v.split()) for k, v in _table("korean_surnames.tsv").items()}


def _jamo(syllable: str) -> tuple[int, int, int]:
    code = ord(syllable) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def _romanise(syllables: str, ini: list[str], med: list[str]) -> str:
    out = []
    for c in syllables:
        if "\uac00" <= c <= "\ud7a3":
            i, m, f = _jamo(c)
            out.append(ini[i] + med[m] + _FIN[f])
    return "".join(out)


@lru_cache(maxsize=100_000)
def hangul_readings(word: str, family: bool = False) -> tuple[str, ...]:
    """Latin spellings of a word in Hangul: Revised Romanisation first, then
    McCune-Reischauer without its marks and the popular spelling; a family name adds its
    usual spellings (박 → bak, pak, park)."""
    out = [_romanise(word, _RR_INI, _RR_MED), _romanise(word, _MR_INI, _MR_MED),
           _romanise(word, _POP_INI, _POP_MED)]
    if family:
        out.extend(_korean_surnames().get(word, ()))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=50_000)
def _syllable_pattern(syllable: str, family: bool) -> str:
    alts: list[str] = []
    for s in syllable:  # a Hanja character may have several readings
        if not "\uac00" <= s <= "\ud7a3":
            continue
        i, m, f = _jamo(s)
        alts.append(f"(?:{_INI_ALT[i]})(?:{_MED_ALT[m]})(?:{_FIN_ALT[_FIN[f]]})")
        if family:
            alts.extend(_korean_surnames().get(s, ()))
    return "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=50_000)
def korean_pattern(syllables: tuple[str, ...], family_first: bool = True) -> re.Pattern[str]:
    """A pattern accepting the usual romanisations of Korean syllables written together
    (hyphens and spaces removed), the first syllable read as a family name when asked."""
    parts = [_syllable_pattern(s, family_first and k == 0) for k, s in enumerate(syllables)]
    return re.compile("".join(parts))


# ------------------------------------------------------------------------ Hebrew

# consonants; ב כ פ are hard at the start of a word (begedkefet), soft inside (a reading with
# all of them hard and one with all soft are other readings: Goldberg, Shapira, Friedman); ח
# is h (Mizrahi, Haim), kh another reading; ה and the silent letters א ע leave no consonant,
# and a ו or י right after a silent first letter is a vowel (אורי Uri); ו and י stay w/y
# elsewhere (vowel letters or consonants: the skeleton comparison tries both); ש is s (shin
# and sin alike: the skeleton merges them, and "sh" after ת would read as ц)
_HE = {"א": "", "ב": "v", "ג": "g", "ד": "d", "ה": "", "ו": "w", "ז": "z", "ח": "h",
       "ט": "t", "י": "y", "כ": "kh", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
       "ן": "n", "ס": "s", "ע": "", "פ": "f", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k",
       "ר": "r", "ש": "s", "ת": "t"}
_HE_HARD = {"ב": "b", "כ": "k", "פ": "p", "ח": "kh"}
_HE_SOFT = {"ב": "v", "כ": "kh", "פ": "f", "ח": "kh"}


def _hebrew(word: str, start: dict[str, str], inner: dict[str, str]) -> str:
    out = []
    silent_start = False
    for k, c in enumerate(word):
        if k == 0:
            out.append(start.get(c, _HE.get(c, "")))
            silent_start = c in "אעה"
        elif k == 1 and silent_start and c in "וי":
            continue
        else:
            out.append(inner.get(c, _HE.get(c, "")))
    return "".join(out)


@lru_cache(maxsize=50_000)
def hebrew(word: str) -> str:
    """A consonant reading of a Hebrew word (כהן → kn, דוד → dwd, משה → ms)."""
    return _hebrew(word, {"ב": "b", "כ": "k", "פ": "p"}, {})


def hebrew_others(word: str) -> tuple[str, ...]:
    """The Hebrew word read with ב כ פ all hard, and all soft (see above), and with its
    vowel letters read as vowels (ו o or u, י i: אורי Uri, גולדברג Goldberg)."""
    out = [_hebrew(word, _HE_HARD, _HE_HARD), _hebrew(word, _HE_SOFT, _HE_SOFT)]
    if len(word) > 2:
        for o in ("o", "u"):
            vowels = {"ו": o, "י": "i", **_HE_HARD}
            out.append(_HE_HARD.get(word[0], _HE.get(word[0], "")) + "".join(
                vowels.get(c, _HE.get(c, "")) for c in word[1:]))
    return tuple(out)


# ------------------------------------------------------------------------ Thai, Burmese


@lru_cache(maxsize=1)
def _thai_romanize():  # noqa: ANN202
    """PyThaiNLP's Royal Thai General System romaniser, word by word: its per-word function
    needs no dictionary (the public one cuts text into words first, which loads a 1.5 s
    dictionary; names in lists already have spaces between words)."""
    import importlib

    royin = importlib.import_module("pythainlp.transliterate.royin")
    return getattr(royin, "_romanize", None) or royin.romanize


@lru_cache(maxsize=50_000)
def thai(word: str) -> str:
    """RTGS reading of a Thai word (กรุงเทพ → krungthep, จำกัด → chamkat)."""
    word = word.replace("\u0e4d\u0e32", "\u0e33")  # NFKC splits SARA AM (ทองคำ)
    out = _thai_romanize()(word).lower()
    return "".join(c for c in out if c.isalnum() and c.isascii())


# ICU's Burmese transliteration to the spellings names are written in (စိန် hcein → sein,
# ချစ် hkyit → chit, အောင် aaung → aung, ဇော် jaw → zaw)
_MY_RULES = (("hky", "ch"), ("hc", "s"), ("aaung", "aung"), ("lh", "hl"), ("nn", "n"),
             ("ay", "e"), ("j", "z"))
# ICU's vowel spellings: ိုင် "ine" is aing (Naing, Hlaing), င်း "ain" is in (Min, Win)
_MY_VOWELS = ((re.compile("aine"), "aing"), (re.compile("(?<!a)ine"), "aing"),
              (re.compile("ain(?!g)"), "in"))


_VOICED = {"k": "g", "t": "d", "p": "b", "s": "z"}
_MY_VOICE = re.compile(r"([aeiou])([ktps])(?=[aeiou])")


@lru_cache(maxsize=1)
def _icu_burmese():  # noqa: ANN202
    import icu

    return icu.Transliterator.createInstance("Myanmar-Latin")


@lru_cache(maxsize=50_000)
def burmese(word: str) -> str:
    """A Burmese word as names are usually written in Latin letters (ICU's Myanmar-Latin with
    common spelling rules; an initial ရ stays r, the alternative y is in other_readings)."""
    out = _icu_burmese().transliterate(word).lower()
    for a, b in _MY_RULES:
        out = out.replace(a, b)
    for pattern, rep in _MY_VOWELS:
        out = pattern.sub(rep, out)
    return "".join(c for c in out if c.isalnum() and c.isascii())


# ------------------------------------------------------------------------ entry points


def segment(text: str, kind: str) -> str:
    """Cleaned text with its CJK runs cut into words (see module doc)."""
    if not CJK_RUN.search(text):
        return text
    if kind == "person" and _spaced_han(text):
        return text  # 田中 宏, 王 建国: the writer already cut family from given name
    return CJK_RUN.sub(lambda m: " " + " ".join(_words(m.group(0), kind)) + " ", text).strip()


@lru_cache(maxsize=1)
def _cjk_legal_forms() -> tuple[str, ...]:
    """Legal forms written in CJK characters (有限公司, 株式会社, 주식회사) from
    ``legal_forms_world.tsv``, longest first: cut off whole before a name is segmented."""
    out: set[str] = set()
    for line in (MATCH_DATA / "legal_forms_world.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.count("\t") < 3:
            continue
        for form in line.split("\t")[3].split("|"):
            form = form.strip()
            if form and CJK_RUN.fullmatch(form):
                out.add(form)
    return tuple(sorted(out, key=len, reverse=True))


@lru_cache(maxsize=1)
def _hangul_generic() -> tuple[str, ...]:
    """The Hangul words of ``generic_translations.tsv`` (광업 mining, 무역 trading …),
    longest first."""
    words = set()
    for line in (MATCH_DATA / "generic_translations.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(w for w in line.partition("\t")[2].split()
                         if all("\uac00" <= c <= "\ud7a3" for c in w))
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=50_000)
def _words(run: str, kind: str) -> tuple[str, ...]:
    if kind != "person":
        for form in _cjk_legal_forms():
            if len(run) > len(form) and run.endswith(form):
                return (*_words(run[: -len(form)], kind), form)
            if len(run) > len(form) and run.startswith(form):
                return (form, *_words(run[len(form):], kind))
    if has_kana(run):
        return tuple(_ja_words(run))
    if has_hangul(run):
        if kind != "person" and not has_han(run):
            for word in _hangul_generic():
                if run.endswith(word) and len(run) - len(word) >= 2:
                    # 대한광업 → 대한 광업: a Korean company name glues its generic word on
                    return (*_words(run[: -len(word)], kind), word)
        if kind == "person" and not has_han(run) and 2 <= len(run) <= 5:
            surnames = _korean_surnames()
            k = 2 if len(run) >= 4 and run[:2] in surnames else 1
            # the given name syllable by syllable, as Latin forms write it (Kim Jong Un)
            return (run[:k], *run[k:])
        return (run,)
    if kind == "person":
        return tuple(_han_person(run))
    return tuple(_han_org(run))


@lru_cache(maxsize=100_000)
def reading(word: str) -> str:
    """The main Latin reading of one word written wholly in a CJK script or in Hebrew (""
    when none: mixed words go the generic way)."""
    if not _WHOLE.fullmatch(word):
        return ""
    if has_kana(word):
        return romaji(word)
    if has_hangul(word):
        return hangul_readings(word)[0] if not has_han(word) else ""
    if has_han(word):
        return pinyin(word)
    if _HEBREW.search(word):
        return hebrew(word)
    if "\u0e00" <= word[0] <= "\u0e7f":
        return thai(word)
    if "\u1000" <= word[0] <= "\u109f":
        return burmese(word)
    return ""


_WHOLE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                    r"\U00020000-\U0002ebef]+|[\uac00-\ud7a3]+|[\u0591-\u05f4]+"
                    r"|[\u0e01-\u0e5b]+|[\u1000-\u109f]+")


@lru_cache(maxsize=100_000)
def other_readings(word: str, kind: str, family: bool, japanese: bool = False) -> tuple[str, ...]:
    """Further Latin readings of a word (see module doc); ``family``: the word stands where
    a person's family name stands; ``japanese``: the name may be Japanese (see
    :func:`maybe_japanese`), so kanji get their Japanese reading too."""
    out: list[str] = []
    if _HEBREW.match(word):
        out.extend(hebrew_others(word))
    elif "\u1000" <= word[:1] <= "\u109f":
        b = burmese(word)
        if word[0] == "ရ":
            b = "y" + b[1:]  # ရ: r in transliteration, y as spoken (Yangon)
            out.append(b)
        # unaspirated consonants are voiced inside a word (ratana → Yadanar)
        out.append(b[:1] + _MY_VOICE.sub(lambda m: m.group(1) + _VOICED[m.group(2)], b[1:]))
    elif "\u0e00" <= word[:1] <= "\u0e7f":
        # จ is "ch" in RTGS but "j" in the spellings Thai names are usually written in
        # (ใจดี Jaidee, จุรินทร์ Jurin); where จ is the word's only ch sound, read it as j too
        if "จ" in word and not any(c in word for c in "ฉชฌ"):
            out.append(thai(word).replace("ch", "j"))
    elif has_hangul(word) and not has_han(word):
        out.extend(hangul_readings(word, family and kind == "person")[1:])
    elif has_han(word) and not has_kana(word):
        if family and kind == "person" and word in _chinese_surnames():
            out.append(_chinese_surnames()[word])
        if japanese and japanese_possible(word):
            r = romaji(word)
            if r:
                out.append(r)
        if kind == "person":
            syl = hangul_syllables(word)
            if syl and all(len(s) <= 2 for s in syl):
                for variant in _hangul_variants(syl)[:2]:
                    out.extend(hangul_readings(variant, family)[:2])
    main = reading(word)
    return tuple(dict.fromkeys(o for o in out if o and o != main))[:6]


def _spaced_han(text: str) -> bool:
    """A person's name in Han characters written as family name, space, given name (田中 宏,
    王 建国): each part is one word already, as a Latin form writes it (Wang Jianguo)."""
    runs = text.split()
    return len(runs) == 2 and all(_HAN_ONLY.fullmatch(r) for r in runs)


def _spaced_japanese(text: str) -> bool:
    """A person's name in Han characters written as family name, space, given name, with a
    family name of two characters that is not a Chinese compound surname (田中 宏, 佐藤 健一):
    the way Japanese names are written (Chinese family names have one character)."""
    if not _spaced_han(text):
        return False
    family = text.split()[0]
    return len(family) == 2 and family not in _chinese_surnames()


def maybe_japanese(text: str, kind: str, legal_ids: frozenset[str] | set[str]) -> bool:
    """Whether a name in Han characters may be Japanese, and so worth MeCab's reading (each
    lookup pages in part of its dictionary): it has kana; or it is a person's name of four
    or more characters (山田太郎: Chinese and Korean names have two or three); or an
    organisation's name with a Japanese legal form, or without a Chinese one (日立製作所)."""
    if has_kana(text):
        return True
    if not has_han(text):
        return False
    if kind == "person":
        return any(len(run) >= 4 for run in CJK_RUN.findall(text)) or _spaced_japanese(text)
    if any(i.startswith("jp_") for i in legal_ids):
        return True
    return not any(i.startswith(("cn_", "kr_")) for i in legal_ids) and "公司" not in text


def _hangul_variants(syl: tuple[str, ...]) -> list[str]:
    """Hangul spellings of a Hanja word, the first reading of each character first."""
    first = "".join(s[0] for s in syl)
    out = [first]
    for k, s in enumerate(syl):
        for alt in s[1:]:
            out.append(first[:k] + alt + first[k + 1:])
    return out


def _main() -> None:
    """Rebuild ``hanja_hangul.tsv`` from a Unihan_Readings.txt file."""
    import argparse

    ap = argparse.ArgumentParser(description="Rebuild data/match/hanja_hangul.tsv")
    ap.add_argument("unihan_readings", help="path to Unihan_Readings.txt")
    args = ap.parse_args()
    rows: dict[str, str] = {}
    header = []
    with open(args.unihan_readings, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") and len(header) < 8:
                header.append(line.strip("# \n"))
            if "\tkHangul\t" not in line:
                continue
            cp, _, val = line.rstrip("\n").split("\t")
            rows[chr(int(cp[2:], 16))] = "".join(dict.fromkeys(
                v.split(":")[0] for v in val.split()))
    out = MATCH_DATA / "hanja_hangul.tsv"
    with out.open("w", encoding="utf-8") as f:
        f.write("# Korean (Hangul) readings of Han characters (Hanja): character<TAB>readings, one\n"
                "# syllable each. From the Unicode Unihan database, field kHangul "
                f"({'; '.join(h for h in header if h)}); Unicode License,\n"
                "# https://www.unicode.org/terms_of_use.html. Rebuild: python -m "
                "olivebranch.match.readings PATH\n")
        for ch in sorted(rows):
            f.write(f"{ch}\t{rows[ch]}\n")
    print(f"{len(rows)} characters written to {out}")


if __name__ == "__main__":
    _main()
