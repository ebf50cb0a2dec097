"""No import circles between the project's modules: a circle works only by the luck of import order.

The graph has one node per module of ``detector``, ``ingest``, ``training`` and ``service``, and an edge A -> B when
A imports B while being imported:

- counted: ``import x.y`` and ``from x import y`` at module level, also inside module-level ``if``/``try``/``with``
  blocks and class bodies, since all of those run at import time. ``from x import y`` points at the module ``x.y``
  when there is one, else at ``x``;
- not counted: imports inside functions (they run later, when the function is called) and inside
  ``if TYPE_CHECKING:`` blocks (they never run; with ``from __future__ import annotations`` they only feed the type
  checker);
- not counted either: the parent packages that Python runs first (``import a.b.c`` runs ``a/__init__`` and
  ``a/b/__init__``). A package ``__init__`` that imports its own submodules is the normal layout; it goes wrong
  only when a submodule imports a name back from the package, and that is an explicit edge, which is counted.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("detector", "ingest", "training", "service")

# Circles known and accepted for now, each named by its modules (sorted). Empty: keep it so.
ALLOWED_CYCLES: set[tuple[str, ...]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_nodes(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is imported (see the module docstring)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _import_time_nodes(node.body)
            yield from _import_time_nodes(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _import_time_nodes(block)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from _import_time_nodes(node.body)


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports at import time."""
    modules = _project_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _import_time_nodes(tree.body):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _absolute(name, node, path.name == "__init__.py")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component of more than one module (Tarjan), as a path back to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle_in(graph, component) for component in components]


def _circle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, staying inside the component."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(graph[node] & component):
                if nxt == start:
                    return [*paths[node], start]
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    raise AssertionError(f"no circle in {sorted(component)}")  # a strongly connected component always has one


def test_the_graph_sees_the_project() -> None:
    graph = import_graph()
    assert "service.cli" in graph  # a package is its __init__
    assert "detector.schema" in graph["detector.scoring"]  # `from detector.schema import ...`
    assert sum(len(targets) for targets in graph.values()) > 100  # the walker found the imports


def test_cycles_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back_through_others() -> None:
    found = cycles(import_graph())
    unexpected = [c for c in found if tuple(sorted(set(c))) not in ALLOWED_CYCLES]
    assert not unexpected, "import circles:\n" + "\n".join(" -> ".join(c) for c in unexpected)


def test_the_allowed_circles_still_exist() -> None:
    """An allowed circle that is gone must leave the list, so the list stays a true record."""
    found = {tuple(sorted(set(c))) for c in cycles(import_graph())}
    assert found >= ALLOWED_CYCLES, sorted(ALLOWED_CYCLES - found)
