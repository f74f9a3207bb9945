"""The layout's contract: layers import only downward, no module imports itself back in a
cycle, and the top of the package holds only the interfaces (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import conclint

PACKAGE = Path(conclint.__file__).parent
REPOSITORY = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / ("lint-imports.exe" if os.name == "nt" else "lint-imports")
# The stages, and the interfaces that sit on top of them; anything else at the top level
# is a module that has not found its stage.
TOP_LEVEL = {
    "__init__.py", "__main__.py", "cli.py", "flake8_plugin.py", "docs.py", "server",
    "core", "knowledge", "syntax", "analysis", "fixes", "rules", "engine", "project", "autofix", "reporters",
}


def test_layers_import_only_downward() -> None:
    if not (REPOSITORY / "pyproject.toml").is_file():
        pytest.skip("not run from a checkout")
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=REPOSITORY, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (iterative Tarjan)."""
    edges = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            module, position = work.pop()
            if position == 0:
                index[module] = low[module] = len(index)
                stack.append(module)
                on_stack.add(module)
            if position < len(edges[module]):
                work.append((module, position + 1))
                target = edges[module][position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
    return found


def test_no_import_cycles_at_run_time() -> None:
    """Imports made only for type annotations (under TYPE_CHECKING) are left out: they never run."""
    graph = grimp.build_graph("conclint", exclude_type_checking_imports=True, cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.c", imported="a.d")
    assert _cycles(graph) == [["a.b", "a.c"]]


def test_the_top_level_holds_only_interfaces_and_stages() -> None:
    names = {entry.name for entry in PACKAGE.iterdir() if entry.name != "__pycache__"}
    assert names == TOP_LEVEL


def test_every_batched_visitor_collects_its_methods_once_per_class() -> None:
    """libcst's own `get_visitors` scans `dir()` of the visitor on every file (about a
    thousand names): a visitor of the lint that lacks CachedVisitorMethods costs milliseconds
    per file, measured at 1 s of celery's run for one such class."""
    import importlib
    import inspect
    import pkgutil

    import libcst as cst

    from conclint.syntax.traversal import CachedVisitorMethods

    lacking = []
    for info in pkgutil.walk_packages([str(PACKAGE)], "conclint."):
        if info.name.startswith(("conclint.server", "conclint.__main__", "conclint.project.quiet_forkserver")):
            # An optional extra; the entry point runs the CLI when imported; the forkserver's
            # preload ignores SIGINT in the process importing it (and every child it starts).
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and value.__module__ == module.__name__
                and issubclass(value, cst.BatchableCSTVisitor)
                and not issubclass(value, CachedVisitorMethods)
            ):
                lacking.append(f"{info.name}.{name}")
    assert lacking == []
