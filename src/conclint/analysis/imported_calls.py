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
    nodes = list(_import_time_nodes(tree.body))
    instances = _imported_instances(nodes, imported)
    called: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Call):
            name = _dotted_callee(node.func, imported, instances)
            if name is not None:
                called.add(name)
    return called


def _dotted_callee(func: ast.expr, imported: dict[str, str], instances: dict[str, str]) -> str | None:
    """The dotted name calling `func` runs: `app.jobs.run` through an imported name, or a
    method of an imported class through an instance of it (`op.expval()` after
    `op = Operator(...)`, `Operator(...).expval()`): the libcst rules resolve such a method to
    `app.ops.Operator.expval`, so the project index must be asked about it too."""
    attributes: list[str] = []
    root = func
    while isinstance(root, ast.Attribute):
        attributes.append(root.attr)
        root = root.value
    if isinstance(root, ast.Name) and root.id in imported:
        base = imported[root.id]
    elif attributes and isinstance(root, ast.Name) and root.id in instances:
        base = instances[root.id]
    elif attributes and isinstance(root, ast.Call) and (made := _class_made(root, imported)) is not None:
        base = made
    else:
        return None
    return ".".join([base, *reversed(attributes)])


def _imported_instances(nodes: list[ast.AST], imported: dict[str, str]) -> dict[str, str]:
    """Names an import-time assignment binds to an instance of an imported class of the
    project (`op = Operator(...)`), and that class's dotted name."""
    instances: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        made = _class_made(value, imported) if isinstance(value, ast.Call) else None
        if made is not None:
            for target in targets:
                if isinstance(target, ast.Name):
                    instances[target.id] = made
    return instances


def _class_made(call: ast.Call, imported: dict[str, str]) -> str | None:
    """The imported class `call` instantiates (`Operator(...)`, `ops.Operator(...)`), by the
    same convention the libcst resolution uses for project classes: a capitalised name."""
    name = _dotted_callee(call.func, imported, {})
    return name if name is not None and name.rpartition(".")[2][:1].isupper() else None


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
