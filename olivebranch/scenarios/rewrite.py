"""Rule rewrites scenarios make from host data: condition leaves replaced, so a rewritten rule
is compared by value like any changed parameter (``host_list``, ``territory``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def rewrite_leaves(cond: Any, fn: Callable[[Any], Any]) -> Any:
    """The condition with every leaf replaced by ``fn(leaf)`` (which may return a node)."""
    from olivebranch.rules.conditions import Leaf, Node

    if cond is None:
        return None
    if isinstance(cond, Leaf):
        return fn(cond)
    if isinstance(cond, Node):
        return Node(cond.kind, tuple(rewrite_leaves(c, fn) for c in cond.children))
    return cond


def leaf_holds(leaf: Any, value: Any, params: Mapping[str, Any]) -> bool:
    """Whether ``leaf`` holds when its fact has ``value``."""
    from olivebranch.rules.conditions import OPERATORS, _resolve

    return bool(OPERATORS[leaf.op][0](value, _resolve(leaf.value, params)))


def as_if(leaf: Any, value: Any, where: Any, params: Mapping[str, Any]) -> Any:
    """``leaf``, except that where ``where`` holds the fact reads ``value``:
    (where and leaf(value)) or (not where and leaf)."""
    from olivebranch.rules.conditions import Node

    if leaf_holds(leaf, value, params):
        return Node("any", (leaf, where))
    return Node("all", (leaf, Node("not", (where,))))
