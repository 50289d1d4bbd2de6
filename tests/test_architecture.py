"""The shape of the package: no import cycle among ``briefer`` modules.

The graph is built from the source with :mod:`ast`, so it sees every import,
including the deferred ones inside functions (a cycle hidden in a function is
still a cycle: the two modules cannot be understood, or split, apart).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import briefer

PACKAGE = Path(briefer.__file__).parent

#: Cycles tolerated for now, each named (a set of module names); none today.
ALLOWED: frozenset[frozenset[str]] = frozenset()


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The briefer module ``name`` stands for (its nearest importable parent), if any."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The briefer modules ``module`` imports anywhere in its source."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                drop = node.level - 1 if is_package else node.level
                anchor = anchor[: len(anchor) - drop]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from a import b`` may name the submodule a.b or a name in a.
            targets = [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved is not None and resolved != module:
                found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the briefer modules it imports."""
    modules = module_names()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _path_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle inside ``component``, to show in the failure."""
    members = set(component)
    start = component[0]
    seen = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for succ in sorted(graph[node] & members):
                if succ == start:
                    return [*seen[node], start]
                if succ not in seen:
                    seen[succ] = [*seen[node], succ]
                    nxt.append(succ)
        frontier = nxt
    return component


def isolated_graph() -> dict[str, set[str]]:
    """:func:`import_graph` built in a process of its own.

    CPython 3.11's ``ast`` keeps one recursion counter per interpreter: an
    ``ast.parse`` here while a thread left by an earlier test in this worker
    runs ``ast.literal_eval`` (Textual reads actions that way) can fail with
    "AST constructor recursion depth mismatch".
    """
    code = (
        "import json; from tests.test_architecture import import_graph; "
        "print(json.dumps({k: sorted(v) for k, v in import_graph().items()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True, check=True
    ).stdout
    return {k: set(v) for k, v in json.loads(out).items()}


def test_no_import_cycle() -> None:
    graph = isolated_graph()
    new = [c for c in cycles(graph) if frozenset(c) not in ALLOWED]
    shown = "\n".join(" -> ".join(_path_through(graph, c)) for c in new)
    assert not new, f"import cycle among briefer modules:\n{shown}"


def test_cycle_finder_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _path_through(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_graph_sees_deferred_and_relative_imports() -> None:
    graph = isolated_graph()
    assert "briefer.cache" in graph["briefer.loader"]  # imported inside load_log
    assert "briefer.results" in graph["briefer.cache"]
