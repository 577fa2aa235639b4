"""Hardened XML parsing shared by every XML list parser.

Official list files never need a DTD. A hostile file might carry one to expand entities
(billion laughs) or to pull in external files or URLs (XXE). We let libxml2 read the prolog
(so a decoy ``<!DOCTYPE`` in a comment fools nobody), refuse any DTD that declares entities or
names an external subset, and parse with lxml settings that never resolve entities, never load
DTDs, never touch the network and keep libxml2's size limits (``huge_tree=False``). Every
failure becomes a ``ParseError`` naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from lxml import etree

from olivebranch.errors import ParseError
from olivebranch.lists.base import check_size

_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s/>]")
_CHUNK = 1 << 16
FALLBACK_BYTES = 64 * 1024 * 1024


_SETTINGS = {"resolve_entities": False, "no_network": True, "huge_tree": False,
             "load_dtd": False, "dtd_validation": False}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_SETTINGS, remove_comments=True, remove_pis=True)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_dtd(path: Path, data: bytes) -> None:
    """Refuse a document whose DTD declares entities or names an external DTD.

    The prolog is read by libxml2 itself (an incremental parser fed until the root element
    starts), so comments, processing instructions and decoys are what they are to every XML
    reader: a ``<!DOCTYPE`` inside a comment is a comment. Entities are never substituted
    (``resolve_entities=False``) and nothing is fetched (``no_network``, no DTD loading).
    """
    _check_prolog(path, (data[i : i + _CHUNK] for i in range(0, len(data), _CHUNK)),
                  lambda: data)


def _check_prolog(path: Path, chunks: Iterable[bytes], read: Callable[[], bytes]) -> None:
    """Feed ``chunks`` to an incremental parser until the root element starts, then look at
    the DTD libxml2 read; ``read`` gives the bytes seen, to name the line of a declaration."""
    pull = etree.XMLPullParser(events=("start",), **_SETTINGS)
    root = None
    for chunk in chunks:
        try:
            pull.feed(chunk)
        except etree.XMLSyntaxError:
            failed = True  # libxml2 stops at the first error; what it read is still checked
        else:
            failed = False
        root = next((el for _ev, el in pull.read_events()), None)
        if root is not None or failed:
            break
    if root is None:
        return  # no root element read: the full parse reports what is wrong, with its line
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    names = [e.name for e in dtd.iterentities()] if dtd is not None else []
    if names:
        raise ParseError(
            path,
            _entity_line(read(), names[0]),
            f"the XML declares entities in a DTD ({', '.join(str(n) for n in names[:5])}): a "
            f"possible entity-expansion bomb or external-entity attack; refused",
        )
    if info.system_url or info.public_id:
        raise ParseError(
            path,
            f"line {max(1, (root.sourceline or 1) - 1)}",
            "the XML refers to an external DTD (possible external-entity attack); refused",
        )


def _entity_line(data: bytes, name: object) -> str | None:
    """The line of an entity declaration, to point the user at it."""
    m = re.search(rb"<!ENTITY\s+(?:%\s+)?" + re.escape(str(name).encode()) + rb"\b", data)
    return f"line {_line_of(data, m.start())}" if m else None


def parse_bytes(path: Path, data: bytes) -> etree._Element:
    """Parse ``data`` (the content of ``path``) safely and return the root element."""
    if not data.strip():
        raise ParseError(path, None, "file is empty")
    check_dtd(path, data)
    return _parse(path, data)


def _parse(path: Path, source: bytes | Path) -> etree._Element:
    """The full parse of bytes, or of a file libxml2 reads itself (no copy in memory)."""
    try:
        if isinstance(source, Path):
            root = etree.parse(str(source), parser=_parser()).getroot()
        else:
            root = etree.fromstring(source, parser=_parser())
    except OSError as exc:
        # libxml2 reports some errors of a file it reads itself (bad encoding) as a read
        # error without a line; parse the bytes again to say where, if the file is not huge
        if isinstance(source, Path) and source.stat().st_size <= FALLBACK_BYTES:
            return _parse(path, source.read_bytes())
        reason = str(exc).replace(str(source), "").replace("Error reading file '':", "").strip()
        raise ParseError(path, None, f"cannot read the XML: {reason}") from exc
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
    check_tree(path, root)
    return root


def check_tree(path: Path, root: etree._Element) -> None:
    """After parsing: no DTD entities, no external DTD, no entity reference left in the tree
    (the pre-check makes these unreachable; this keeps them so if it is ever bypassed)."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if (dtd is not None and any(True for _ in dtd.iterentities())) or info.system_url:
        raise ParseError(path, None, "the XML carries a DTD with entities or an external DTD; "
                                     "refused")
    for node in root.iter(etree.Entity):
        raise ParseError(path, f"line {node.sourceline}",
                         f"entity reference {node.text} in the XML; refused")


def parse_file(path: Path) -> etree._Element:
    """Read and parse an XML file with the hardened settings (size-checked first)."""
    path = Path(path)
    check_size(path)
    with open(path, "rb") as fh:
        start = fh.read(_CHUNK)
        if not start.strip() and not fh.read(1):
            raise ParseError(path, None, "file is empty")
        fh.seek(0)
        # the prolog is checked from the file's first chunks; only their bytes are kept for
        # pointing at an entity declaration
        kept: list[bytes] = []

        def chunks() -> Iterator[bytes]:
            while block := fh.read(_CHUNK):
                if len(kept) < 16:
                    kept.append(block)
                yield block

        _check_prolog(path, chunks(), lambda: b"".join(kept))
    return _parse(path, path)


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
