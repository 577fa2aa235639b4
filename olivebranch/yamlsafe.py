"""Loading user-written YAML (deals, scenarios, the OFAC supplement) with limits.

``yaml.safe_load`` never runs code, but it does expand aliases: a 600-byte file whose anchors
refer to anchors (``b: &b [*a, *a, …]``, nine levels deep) stands for hundreds of millions of
values. PyYAML builds it cheaply as shared objects; whatever walks it next (validation, an
error message built from its ``repr``) takes gigabytes. So the document is composed into YAML
nodes first, its size *with every alias expanded* and its depth are counted on the node graph
(each shared node counted once per use, without building anything), and only a document within
the limits is turned into Python objects. Recursive aliases are refused too.
"""

from __future__ import annotations

import reprlib
from typing import Any

import yaml

MAX_BYTES = 2_000_000
MAX_NODES = 200_000  # values after expanding aliases; the largest bundled deal has ~600
MAX_DEPTH = 64


class YamlLimitError(ValueError):
    """The document is over a limit; ``line`` is where the offending node starts (1-based)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(
    text: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse one YAML document safely. Raises ``yaml.YAMLError`` for invalid YAML and
    ``YamlLimitError`` for a document over the limits."""
    if len(text) > max_bytes:
        raise YamlLimitError(f"file of {len(text):,} characters is over the {max_bytes:,} limit")
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise YamlLimitError(f"nested more than {max_depth} levels deep") from None
        if node is None:
            return None
        check_node(node, max_nodes=max_nodes, max_depth=max_depth)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def check_node(root: yaml.Node, *, max_nodes: int, max_depth: int) -> None:
    """Count values with aliases expanded, and the depth, without recursion or expansion."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _children(node)
            total = 1 + sum(size[id(k)] for k in kids)
            deep = 1 + max((depth[id(k)] for k in kids), default=0)
            if total > max_nodes:
                raise YamlLimitError(
                    f"the document expands to over {max_nodes:,} values once its aliases "
                    f"(*name) are resolved (an alias bomb?); refused", _line(node))
            if deep > max_depth:
                raise YamlLimitError(f"nested more than {max_depth} levels deep", _line(node))
            size[key], depth[key] = total, deep
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlLimitError("an alias refers to a value that contains it (a recursive "
                                 "alias); refused", _line(node))
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) not in size:
                stack.append((kid, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _line(node: yaml.Node) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 60, 60
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4


def short(value: object, limit: int = 80) -> str:
    """A ``repr`` for error messages that stays short whatever the value holds."""
    text = _SHORT.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
