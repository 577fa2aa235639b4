"""The shape of the code: no import cycles, and the vocabulary defined once.

Both are checked on the source (imports and literals read with ``ast``), so a regression fails
here with the file and the names at fault, before it shows as inconsistent behaviour.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from olivebranch.lists import registry as sources
from olivebranch.paths import PACKAGE_DIR, REPO_DIR
from olivebranch.regimes import registry

#: files whose mutual imports other branches of work are to untangle, inside one package: the
#: matcher's model, profile and scorer (the match index is being rebuilt), and the OFAC CSV
#: parser and its file-set helper (which asks the parser why a file is not a primary file).
#: Every other cycle fails the test.
KNOWN_CYCLES = {
    frozenset({"match/model.py", "match/profile.py", "match/score.py"}),
    frozenset({"lists/ofac.py", "lists/ofac_files.py"}),
}


# ---------------------------------------------------------------------------- import graph
def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module imported anywhere in a file (functions included), except under
    ``if TYPE_CHECKING:``, which is not an import at run time."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join([*pkg, base] if base else pkg)
            yield base
            yield from (f"{base}.{a.name}" for a in node.names)
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, set[str]]:
    """file (relative to the package) -> files it imports."""
    mods = _modules()
    rel = {m: str(p.relative_to(PACKAGE_DIR)) for m, p in mods.items()}
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = set()
        for name in _imports(tree, mod, path.name == "__init__.py"):
            if name in mods and name != mod:
                targets.add(rel[name])
        graph[rel[mod]] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(comp)
    return out


def _unit(path: str) -> str:
    """The package a file belongs to (``api``, ``lists``), or the top-level module itself."""
    return path.split("/")[0].removesuffix(".py")


def test_no_import_cycles_between_files() -> None:
    found = [c for c in cycles(import_graph()) if frozenset(c) not in KNOWN_CYCLES]
    assert not found, f"import cycles: {[sorted(c) for c in found]}"


def test_no_import_cycles_between_packages() -> None:
    units: dict[str, set[str]] = {}
    for src, targets in import_graph().items():
        units.setdefault(_unit(src), set()).update(
            _unit(t) for t in targets if _unit(t) != _unit(src))
    assert not cycles(units), f"package cycles: {[sorted(c) for c in cycles(units)]}"
    # the ones the workspace issue named
    assert "web" not in units["api"], "the API must not import the web UI"
    assert "ownership" not in units["lists"]
    graph = import_graph()
    assert "lists/ofac_xml.py" not in graph["lists/ofac.py"]


# ---------------------------------------------------------------------------- one definition
def _literals(tree: ast.AST) -> Iterator[tuple[int, list[str]]]:
    """String members of every list, tuple, set literal and every dict literal's keys."""
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        strings = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        if strings:
            yield node.lineno, strings


#: files whose literals merely share words with a vocabulary, and why
NOT_VOCABULARY = {
    "olivebranch/parties/refs.py": "record-number schemes (UN, UK, EU references), not regimes",
}

VOCABULARIES = {
    "regimes": (set(registry().ids), 3),
    "rule kinds": (set(registry().kind_ids), 3),
    "effects": (set(registry().effect_ids) - {"clear", "risk"}, 2),
    "lifted_by": (set(registry().lifted_by_ids), 2),
    "list sources": ({s for s in sources() if s not in ("ftm",)}, 3),
}


@pytest.mark.parametrize("vocabulary", list(VOCABULARIES))
def test_vocabulary_is_defined_once(vocabulary: str) -> None:
    """No module spells out a set of regimes, rule kinds, effects, ``lifted_by`` values or list
    sources: they come from ``data/regimes.yaml`` and the sources' specs."""
    words, at_least = VOCABULARIES[vocabulary]
    offenders = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if str(path.relative_to(REPO_DIR)) in NOT_VOCABULARY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, strings in _literals(tree):
            hits = sorted(set(strings) & words)
            if len(hits) >= at_least:
                offenders.append(f"{path.relative_to(REPO_DIR)}:{line} {hits}")
    assert not offenders, f"{vocabulary} spelled out in code: {offenders}"


def test_regimes_and_classification_live_in_one_place_each() -> None:
    data = REPO_DIR / "data"
    yaml_files = [*data.rglob("*.yaml"), *PACKAGE_DIR.rglob("*.yaml")]
    defining = [p for p in yaml_files
                if any(line.startswith("regimes:") for line in p.read_text().splitlines())]
    assert [p.name for p in defining] == ["regimes.yaml"]
    classifying = [p for p in [*yaml_files, *PACKAGE_DIR.rglob("*.py")]
                   if "designation_classes" in p.read_text()
                   or "superseded_sources" in p.read_text()]
    assert not classifying, "source classification lives on the sources' specs"
    assert (REPO_DIR / "docs" / "extending.md").is_file()
