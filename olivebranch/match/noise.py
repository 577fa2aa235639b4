"""Noise in payment and trade text: what is not part of the name screened, taken out first.

A bank screens the party fields of payment messages (SWIFT MT103 field 59, ISO 20022
``Cdtr``), bills of lading and letters of credit as they are typed. Around the name sit:

* message field and party labels: ``BENEFICIARY:``, ``ORDERING CUSTOMER:``, ``FIELD 59:``,
  SWIFT tags with or without their leading colon (``:59:``, ``50K:``, ``59: /GB29…``),
  ``CONSIGNEE -`` …;
* account lines and numbers: a line starting with ``/`` (``/DE89370400440532013000``), IBANs,
  ``A/C 1234``;
* ``c/o …`` (in care of another party) to the end of the line;
* branch suffixes: ``- Eldoret Branch``, ``Sucursal Tijuana``, ``(Filiale Wien)``;
* vessel annotations: prefixes ``MV``, ``M/V``, ``M/T``, ``N/M``, ``T/B`` …, voyage numbers
  (``V.118E``, ``VOY 23W``), flags (``(Panama flag)``, ``Panama-flagged``), ports after a comma
  (``MV RATCHA PEARL 5, Songkhla``);
* former names: ``Blue Heron (ex-Silver Dawn)``, ``f/k/a``, ``formerly`` - the former name
  is not dropped but screened as a second name; so are other names (``a.k.a.``, ``d/b/a``,
  ``trading as``);
* bracketed notes: ``(in liquidation)``, ``(ref 2291)``, ``(see attached invoice)`` -
  brackets with digits, note words or four or more words; a short bracket (``(Schweiz)``,
  ``(BMI)``, ``(Hong Kong)``) is part of the name.

Every removal is kept as a note (:class:`Cleaned`) and shown in the match explanation, so an
analyst sees exactly what was screened. Only queries are cleaned; listed names are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The names to screen and what was removed to get them."""

    names: tuple[str, ...]
    notes: tuple[str, ...] = ()


_PARTY = (
    r"beneficiary(?:\s+(?:customer|name|bank|institution|party))?|ordering\s+(?:customer|"
    r"institution|party|bank)|ultimate\s+(?:debtor|creditor|beneficiary)|"
    r"account\s+with\s+institution|intermediary(?:\s+(?:bank|institution))?|"
    r"remitter|payer|payee|debtor|creditor|applicant|consignee|consignor|shipper|"
    r"notify\s+party|sender|receiver|buyer|seller|importer|exporter|"
    r"counterparty|customer|client|name|party|vessel(?:\s+name)?|ship(?:\s+name)?|"
    r"carrier|owner|operator|manager|agent"
)
_FIELD = r"(?:field|tag|fld|f)\s*\d{2,3}[a-z]?"
#: Labels at the start of the text or a line, with a colon (``NAME -`` for party words).
_LABEL = re.compile(
    rf"^\s*(?::\d{{2,3}}[a-z]?:|\d{{2}}[a-z]?:(?=\s|/)|(?:{_FIELD})\s*[:.\-]|"
    rf"(?:{_PARTY})\s*(?:\(\w+\)\s*)?[:#]|"
    rf"(?:{_PARTY})\s+-\s)\s*",
    re.IGNORECASE,
)
_ACCOUNT_LINE = re.compile(r"^\s*/\S*\s*$")
_ACCOUNT_LEAD = re.compile(r"^\s*/[A-Z0-9]{6,}\s+", re.IGNORECASE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_ACCOUNT_NO = re.compile(
    r"\b(?:a/c|acct|account|acc)\b\.?\s*(?:no\b\.?|number|#)?\s*:?\s*"
    r"(?=[A-Z\-/]*\d)[A-Z0-9][A-Z0-9\-/]{3,}\b",
    re.IGNORECASE)
#: ``care of`` alone is also name words (Endowment for Care of …): only as ``in care of`` or
#: after a comma
_CARE_OF = re.compile(r"\s*(?:[,;]?\s*\b(?:c/o|c\.o\.|in\s+care\s+of)|[,;]\s*care\s+of)\s+.*$",
                      re.IGNORECASE)
_BRANCH_WORDS = (r"branch(?:\s+office)?|sucursal|succursale|filiale|filial|"
                 r"zweigniederlassung|zweigstelle|niederlassung|oddzia[lł]|pobo[cč]ka|[sş]ube|"
                 r"cabang")
_BRANCH_AFTER = re.compile(
    rf"\s*(?:[-–—,;:]\s*|\(\s*)(?:[\w.'&]+\s+){{0,4}}(?:{_BRANCH_WORDS})\b[^()]*\)?\s*$",
    re.IGNORECASE)
_BRANCH_BEFORE = re.compile(
    rf"\s*(?:[-–—,;:]\s*|\(\s*)(?:{_BRANCH_WORDS})\b(?:\s*(?:of|in|at|de|en|di)\b)?"
    rf"[\s:]*[\w.'& ]{{0,40}}\)?\s*$",
    re.IGNORECASE)
_FLAG = re.compile(
    r"\s*(?:\(\s*(?:flag\s*:?\s*)?[\w .'-]{2,30}?\s*[-\s]?flag(?:ged)?\s*\)|"
    r"\(\s*flag(?:\s+of)?\s*:?\s*[\w .'-]{2,30}\)|"
    r"[,;]?\s*\bflag(?:\s+of)?\s*:\s*[\w .'-]{2,30}$)",
    re.IGNORECASE)
#: ``Panama-flagged``, ``under Liberian flag`` at the end: only when the words name a place
_FLAG_TAIL = re.compile(
    r"[,;]?\s*\b(?:under\s+(?:the\s+)?)?(?P<place>[\w'-]{3,20}(?:\s[\w'-]{3,20})?)"
    r"\s*[-\s]flag(?:ged)?\s*$",
    re.IGNORECASE)
_VOYAGE = re.compile(
    r"\s*[,;]?\s*\b(?:voy(?:age)?\.?\s*(?:no\.?|#)?\s*[A-Z0-9]*\d[A-Z0-9]*|"
    r"v\.\s?\d{1,4}[nsewab]?|v\d{2,4}[nsew])\b\.?",
    re.IGNORECASE)
_PORT = re.compile(
    r"\s*(?:,\s*|\b(?:port(?:\s+of)?|at\s+port)\s*:?\s*)(?:port\s+of\s+)?[^,()]*$",
    re.IGNORECASE)
#: Vessel prefixes with a slash or dots are unambiguous; bare ones (MV, MT) need a vessel
#: query or one of unknown type.
_VESSEL_PREFIX_MARKED = re.compile(
    r"^\s*(?:m/[vtsy]|n/m|t/[bv]|s/[sy]|f/v|r/v|lng/c|lpg/c|m\.\s?[vts]\.|s\.\s?s\.)\s*",
    re.IGNORECASE)
_VESSEL_PREFIX_BARE = re.compile(
    r"^\s*(?:mv|mt|ms|mts|mvs|ss|fv|rv|nm|tb|lngc|lpgc|mtv)\s+(?=\S+)", re.IGNORECASE)
_FORMER = re.compile(
    r"\s*(?:\(\s*(?:ex[-.\s]+|f/k/a\s+|fka\s+|formerly(?:\s+known\s+as)?\s+|"
    r"previously(?:\s+known\s+as)?\s+|renamed\s+from\s+)([^()]+)\)"
    r"|[,;]?\s+(?:ex[-.]\s*|ex\s+|f/k/a\s+|fka\s+|formerly(?:\s+known\s+as)?\s+|"
    r"previously(?:\s+known\s+as)?\s+)([^,()]+))\s*",
    re.IGNORECASE)
#: Other names the text gives: a.k.a., d/b/a, trading as - screened as second names too.
_ALIAS_WORDS = (r"a\.?k\.?a\.?|a/k/a|also\s+known\s+as|d/b/a|d\.b\.a\.|dba|"
                r"doing\s+business\s+as|t/a|trading\s+as")
_ALIAS = re.compile(
    rf"\s*(?:\(\s*(?:{_ALIAS_WORDS})[:\s]\s*([^()]+)\)|[,;]?\s+(?:{_ALIAS_WORDS})[:\s]\s*([^,()]+))\s*",
    re.IGNORECASE)
_LIST_REMARK = re.compile(r"listed\s+as\b", re.IGNORECASE)
_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")
_NOTE_WORDS = re.compile(
    r"\b(?:ref|reference|see|note|attn|invoice|inv|tel|phone|fax|in\s+liquidation|"
    r"liquidation|dissolved|deceased|via|per|for\s+account|ffc|order\s+of|listed\s+as)\b",
    re.IGNORECASE)

VESSEL_SCHEMATA = frozenset({"Vessel", "LegalEntity", "Thing", ""})


def _note(kind: str, text: str) -> str:
    return f"{kind} '{' '.join(text.split())}' removed"


@lru_cache(maxsize=20_000)
def strip_noise(text: str, schema: str = "LegalEntity") -> Cleaned:
    """The names in one party field of a payment or trade document (see module doc)."""
    notes: list[str] = []
    former: list[str] = []
    lines = [ln for ln in re.split(r"[\r\n]+", text) if ln.strip()]
    kept: list[str] = []
    for ln in lines:
        if _ACCOUNT_LINE.match(ln):
            notes.append(_note("account line", ln))
            continue
        for _ in range(3):  # FIELD 59: BENEFICIARY: …
            m = _LABEL.match(ln)
            if not m or not ln[m.end():].strip():
                break
            notes.append(_note("field label", m.group(0)))
            ln = ln[m.end():]
        if _ACCOUNT_LINE.match(ln):
            notes.append(_note("account line", ln))
            continue
        m = _ACCOUNT_LEAD.match(ln)
        if m:
            notes.append(_note("account number", m.group(0)))
            ln = ln[m.end():]
        if ln.strip():
            kept.append(ln.strip())
    if not kept:
        return Cleaned(names=(text,) if text.strip() else ())
    # the first line is the name; more lines are address lines in a party field
    name = kept[0]
    if len(kept) > 1:
        notes.append(_note("address lines", " / ".join(kept[1:])))
    name, n = _sub_all(_ACCOUNT_NO, name, "account number")
    notes += n
    name, n = _sub_all(_IBAN, name, "account number", keep_if=lambda s: not any(
        c.isdigit() for c in s[4:]))
    notes += n
    m = _CARE_OF.search(name)
    if m and m.start() > 0:
        notes.append(_note("in care of", m.group(0).strip(" ,;")))
        name = name[: m.start()]
    # a list's own remark ("formerly listed as") names no former name: left to the
    # bracketed notes below
    found = [(m, (m.group(1) or m.group(2) or "").strip(" ,;.")) for m in _FORMER.finditer(name)]
    found = [(m, old) for m, old in found if not _LIST_REMARK.match(old)]
    for m, old in found:
        if old and name[: m.start()].strip():
            former.append(old)
            notes.append(f"former name '{old}' screened as a second name")
    if former:
        for m, _ in reversed(found):
            name = name[: m.start()] + " " + name[m.end():]
    aliases = []
    for m in list(_ALIAS.finditer(name)):
        other = (m.group(1) or m.group(2) or "").strip(" ,;.")
        if other and name[: m.start()].strip():
            aliases.append(other)
            notes.append(f"other name '{other}' screened as a second name")
    if aliases:
        name = _ALIAS.sub(" ", name)
        former += aliases
    vessel = schema in VESSEL_SCHEMATA
    if vessel:
        m = _VESSEL_PREFIX_MARKED.match(name) or (
            _VESSEL_PREFIX_BARE.match(name) if len(name.split()) >= 2 else None)
        if m and name[m.end():].strip():
            notes.append(_note("vessel prefix", m.group(0)))
            name = name[m.end():]
    name, n = _sub_all(_FLAG, name, "flag")
    notes += n
    m = _FLAG_TAIL.search(name)
    if m:
        place, cut = m.group("place"), m.start()
        if " " in place and not _is_place(_demonym(place)):
            place = place.split(" ", 1)[1]
            cut = m.start("place") + m.group("place").index(" ") + 1
        if name[:cut].strip() and _is_place(_demonym(place)):
            notes.append(_note("flag", name[cut:].strip(" ,;")))
            name = name[:cut]
    if vessel:
        name, n = _sub_all(_VOYAGE, name, "voyage number")
        notes += n
    for pattern in (_BRANCH_AFTER, _BRANCH_BEFORE):
        m = pattern.search(name)
        if m and name[: m.start()].strip():
            notes.append(_note("branch", m.group(0).strip(" -–—,;:()")))
            name = name[: m.start()]
            break
    if vessel and (notes and any(n.startswith(("vessel", "voyage", "flag")) for n in notes)
                   or schema == "Vessel"):
        m = _PORT.search(name)
        if m and name[: m.start()].strip():
            notes.append(_note("port or place", m.group(0).strip(" ,;")))
            name = name[: m.start()]

    def bracket(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if not inner:
            return " "
        if (len(inner.split()) >= 4 or any(c.isdigit() for c in inner)
                or _NOTE_WORDS.search(inner)) and not _is_place(inner):
            notes.append(_note("bracketed note", m.group(0).strip()))
            return " "
        return m.group(0)

    name = _BRACKET.sub(bracket, name)
    name = " ".join(name.split()).strip(" ,;:-–—/")
    names = [name] if name else [text]
    names += [f for f in former if f]
    return Cleaned(names=tuple(dict.fromkeys(names)), notes=tuple(notes))


def _sub_all(pattern: re.Pattern[str], text: str, kind: str, keep_if=None) -> tuple[str, list[str]]:  # noqa: ANN001
    notes: list[str] = []

    def repl(m: re.Match[str]) -> str:
        if keep_if is not None and keep_if(m.group(0)):
            return m.group(0)
        if not (text[: m.start()].strip() or text[m.end():].strip()):
            return m.group(0)  # never remove the whole name
        notes.append(_note(kind, m.group(0).strip(" ,;")))
        return " "

    out = pattern.sub(repl, text)
    return out, notes


def _demonym(word: str) -> str:
    """``Liberian`` → ``Liberia``, ``Maltese`` → ``Malta`` (enough for flag states)."""
    w = word.strip()
    for suffix, rep in (("ese", "a"), ("ian", "ia"), ("an", "a"), ("ish", "")):
        if w.lower().endswith(suffix) and not _is_place(w):
            cand = w[: -len(suffix)] + rep
            if _is_place(cand):
                return cand
    return w


def _is_place(text: str) -> bool:
    """Whether a word group names a country (``(Hong Kong)``, ``Panama``)."""
    from olivebranch.match.places import is_country

    return is_country(text)
