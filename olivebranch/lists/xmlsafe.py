"""Hardened XML parsing shared by every XML list parser.

Official list files never need a DTD. A hostile file might carry one to expand entities
(billion laughs) or to pull in external files or URLs (XXE). We refuse any DTD that declares
entities or names an external subset before lxml sees the document, and parse with lxml
settings that never resolve entities, never load DTDs, never touch the network and keep
libxml2's size limits (``huge_tree=False``). Every failure becomes a ``ParseError`` naming
the file and the line.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from olivebranch.errors import ParseError
from olivebranch.lists.base import check_size

_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY\b", re.IGNORECASE)
_EXTERNAL_ID = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s/>]")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_dtd(path: Path, data: bytes) -> None:
    """Refuse a document whose DTD declares entities or points to an external subset."""
    m = _DOCTYPE.search(data)
    if m is None:
        return
    # The DTD ends at "]>" (internal subset) or at the first ">" without one.
    bracket = data.find(b"[", m.start())
    close = data.find(b">", m.start())
    if bracket >= 0 and (close < 0 or bracket < close):
        end = data.find(b"]>", bracket)
        end = len(data) if end < 0 else end + 2
    else:
        end = len(data) if close < 0 else close + 1
    ent = _ENTITY.search(data, m.start(), end)
    if ent is not None:
        raise ParseError(
            path,
            f"line {_line_of(data, ent.start())}",
            "the XML declares entities in a DTD (possible entity-expansion bomb); refused",
        )
    if _EXTERNAL_ID.match(data, m.start()) is not None:
        raise ParseError(
            path,
            f"line {_line_of(data, m.start())}",
            "the XML refers to an external DTD (possible external-entity attack); refused",
        )


def parse_bytes(path: Path, data: bytes) -> etree._Element:
    """Parse ``data`` (the content of ``path``) safely and return the root element."""
    if not data.strip():
        raise ParseError(path, None, "file is empty")
    check_dtd(path, data)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else None)
        where = f"line {line}" if line else None
        msg = str(exc.msg or exc).strip()
        if "Document is empty" in msg or "Start tag expected" in msg:
            reason = f"not an XML document ({msg})"
        elif "Premature end of data" in msg or "EndTag" in msg or "end of data" in msg.lower():
            reason = f"XML is truncated or not closed ({msg})"
        elif "encoding" in msg.lower() or "UTF-8" in msg:
            reason = f"wrong or undeclared character encoding ({msg})"
        else:
            reason = f"malformed XML ({msg})"
        raise ParseError(path, where, reason) from exc
    if root is None:
        raise ParseError(path, None, "XML document has no root element")
    return root


def parse_file(path: Path) -> etree._Element:
    """Read and parse an XML file with the hardened settings (size-checked first)."""
    path = Path(path)
    check_size(path)
    return parse_bytes(path, path.read_bytes())


def root_tag(path: Path, head_bytes: int = 8192) -> str | None:
    """The local name of the document's root element, read from the file's head without
    parsing it (cheap sniffing; skips the XML declaration, comments and DTD)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(head_bytes)
    except OSError:
        return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while True:
        lt = head.find(b"<", pos)
        if lt < 0 or lt + 1 >= len(head):
            return None
        nxt = head[lt + 1 : lt + 2]
        if nxt in (b"?", b"!"):
            if head.startswith(b"<!--", lt):
                end = head.find(b"-->", lt)
                pos = end + 3 if end >= 0 else len(head)
            else:
                end = head.find(b">", lt)
                pos = end + 1 if end >= 0 else len(head)
            continue
        m = _ROOT_TAG.match(head, lt)
        return m.group(2).decode("ascii", "replace") if m else None


def local(tag: object) -> str:
    """Tag name without its ``{namespace}``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def where(el: etree._Element) -> str:
    """A location string for errors: element name and source line."""
    return f"line {el.sourceline}, <{local(el.tag)}>"
