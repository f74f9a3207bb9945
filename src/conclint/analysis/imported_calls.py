"""What a module calls, while it is imported, of the functions it imports from its project.

A script `run.py` holding `from app.workers import main` and a bare `main()` starts processes
at import time when `main` does, yet mentions nothing about processes: the token prefilter
would never send it to libcst. These names, read off CPython's tree (which the prefilter
builds anyway to check the syntax, at a tenth of libcst's cost), let the engine ask the
project index whether any of them starts processes, and parse the file only then.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterator

from conclint.analysis.scopes import resolve_relative


def imported_calls_at_import_time(tree: ast.Module, anchor: str, in_project: Callable[[str], bool]) -> set[str]:
    """The dotted names of the functions a statement run at import time (module level, class
    bodies, decorators, defaults; not function bodies, lambdas or the `__main__` guard)
    calls through a name bound by a relative import, or by an import of a module that
    `in_project` says is the project's. `anchor` resolves relative imports."""
    imported = _imported_names(tree, anchor, in_project)
    if not imported:
        return set()
    called: set[str] = set()
    for node in _import_time_nodes(tree.body):
        if isinstance(node, ast.Call):
            attributes: list[str] = []
            root = node.func
            while isinstance(root, ast.Attribute):
                attributes.append(root.attr)
                root = root.value
            if isinstance(root, ast.Name) and root.id in imported:
                called.add(".".join([imported[root.id], *reversed(attributes)]))
    return called


def _imported_names(tree: ast.Module, anchor: str, in_project: Callable[[str], bool]) -> dict[str, str]:
    """Module-level names bound by imports of the project, and what they denote."""
    names: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if in_project(alias.name):
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        top = alias.name.partition(".")[0]
                        names[top] = top
        elif isinstance(statement, ast.ImportFrom):
            module = statement.module or ""
            if statement.level:
                module = resolve_relative(anchor, statement.level, module)
                if module.startswith("."):
                    continue  # cannot be anchored
            elif not in_project(module):
                continue
            for alias in statement.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{module}.{alias.name}" if module else alias.name
    return names


def _import_time_nodes(statements: list[ast.stmt]) -> Iterator[ast.AST]:
    pending: list[ast.AST] = list(reversed(statements))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            children: list[ast.AST] = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]  # type: ignore[list-item]
        elif isinstance(node, ast.Lambda):
            children = list(node.args.defaults)
        elif isinstance(node, ast.If) and _is_main_guard(node.test):
            children = list(node.orelse)
        else:
            children = list(ast.iter_child_nodes(node))
        pending.extend(reversed([child for child in children if child is not None]))


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


__all__ = ["imported_calls_at_import_time"]
