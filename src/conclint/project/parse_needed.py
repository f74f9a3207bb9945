"""Whether a file needs the engine at all, decided without importing it (nor libcst).

Most of a cold one-file run is importing libcst (issue 19, item 6). The engine parses a file
with libcst only for the rules whose prefilter the file passes (`engine.lint._may_apply`);
for a file that passes none, its only possible finding is CCL001, from CPython's check. This
module makes the same decision from the table of `conclint.knowledge.rule_tokens` and the
rule catalog, and runs CPython's check itself. Whenever the answer depends on something only
the engine knows (a file CPython rejects, per-file ignores, a size above the limit, an import
a rule following imported calls might follow), it says the engine is needed: the engine
then decides exactly as it always did.
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Iterator, Mapping

from conclint.core.settings import Settings
from conclint.knowledge.rule_tokens import RULE_PREFILTERS, Prefilter
from conclint.rules.registry import select_catalog
from conclint.syntax.cpython_check import SourceError, cpython_precheck, release
from conclint.syntax.prefilter import ASYNCIO, CALLBACKS, COROUTINE, THREADS, holds

# The rule that reports a file CPython's check rejects (`rules.general.parse_error`).
PARSE_ERROR = "CCL001"
# The patterns `Prefilter.pattern` names.
PATTERNS: Mapping[str, re.Pattern[bytes]] = {"coroutine": COROUTINE, "asyncio": ASYNCIO, "threads": THREADS, "callbacks": CALLBACKS}


def needs_engine(source: bytes, settings: Settings, in_project: Callable[[str], bool] | None) -> bool:
    """False only when the engine would report nothing in `source`: no selected rule passes
    its prefilter, and CPython accepts the file (when CCL001 is selected, or a rule following
    imported calls needs its tree). `in_project`: with a project index, whether a module
    name is the project's (`ProjectView.is_project_module`); None without one."""
    prefilters = _selected(settings)
    if prefilters is None or len(source) > settings.max_file_size:
        return True
    others = [prefilter for code, prefilter in prefilters.items() if code != PARSE_ERROR]
    if any(_passes(prefilter, source) for prefilter in others):
        return True
    follows = in_project is not None and any(prefilter.follows_imported_calls for prefilter in others)
    if PARSE_ERROR not in prefilters and not follows:
        return False
    try:
        tree, error = cpython_precheck(source, keep=True)
    except (SourceError, MemoryError):
        return True
    if error is not None or tree is None:
        return True
    needed = follows and in_project is not None and _may_call_imported(tree, in_project)
    if not needed:
        release(source)  # the engine will not check it: let the kept tree go
    return needed


def _selected(settings: Settings) -> dict[str, Prefilter] | None:
    """The prefilters of the rules the engine would run on any file with `settings`; None
    when they depend on the file's path (per-file ignores) or a rule is missing from the table."""
    if settings.per_file_ignores:
        return None
    codes = [info.code for info in select_catalog(settings.select, settings.ignore)]
    if any(code not in RULE_PREFILTERS for code in codes):
        return None
    chosen = {code: RULE_PREFILTERS[code] for code in codes}
    if settings.free_threaded:
        chosen = {code: prefilter for code, prefilter in chosen.items() if not prefilter.requires_gil}
    return chosen


def _passes(prefilter: Prefilter, source: bytes) -> bool:
    """`engine.lint._may_apply` on the table's facts."""
    if not prefilter.tokens:
        return True
    pattern = PATTERNS[prefilter.pattern] if prefilter.pattern is not None else None
    return holds(prefilter.tokens, pattern, source)


def _may_call_imported(tree: ast.Module, in_project: Callable[[str], bool]) -> bool:
    """Whether the module may call at import time a function it imports from its project:
    what the engine asks `analysis.imported_calls` before it follows such calls (CCL302),
    which imports libcst. This answer errs on the side of yes: any call outside function
    bodies whose callee starts with a name a module-level import of the project binds (a
    relative import always counts), including `__main__` guards and annotations."""
    imported = _project_imports(tree, in_project)
    return bool(imported) and any(_root_name(call.func) in imported for call in _calls_outside_functions(tree))


def _project_imports(tree: ast.Module, in_project: Callable[[str], bool]) -> set[str]:
    """The names module-level imports of the project (or relative ones) bind."""
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            kept = [alias for alias in statement.names if in_project(alias.name)]
            names.update(alias.asname or alias.name.partition(".")[0] for alias in kept)
        elif isinstance(statement, ast.ImportFrom) and (statement.level or in_project(statement.module or "")):
            names.update(alias.asname or alias.name for alias in statement.names if alias.name != "*")
    return names


def _root_name(func: ast.expr) -> str | None:
    """The name a callee's attribute chain starts from (`a` of `a.b.c`, and of `a(...).b`)."""
    while isinstance(func, (ast.Attribute, ast.Call)):
        func = func.value if isinstance(func, ast.Attribute) else func.func
    return func.id if isinstance(func, ast.Name) else None


def _calls_outside_functions(tree: ast.Module) -> Iterator[ast.Call]:
    """Every call of the module but those in the bodies of functions and lambdas (one loop
    over exact types: this runs on every file no rule needs to parse)."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind in _NO_CALLS:
            continue
        if kind is ast.Call:
            yield node  # type: ignore[misc]
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            pending.extend([*node.decorator_list, node.args, *([node.returns] if node.returns else [])])  # type: ignore[attr-defined]
            pending.extend(getattr(node, "type_params", []))
        elif kind is ast.Lambda:
            pending.append(node.args)  # type: ignore[attr-defined]
        else:
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    pending.extend(value)
                elif isinstance(value, ast.AST):
                    pending.append(value)


# Nodes below which no call can be, and the None a list field may hold (`{**d}`'s key).
_NO_CALLS = frozenset(
    (ast.Import, ast.ImportFrom, ast.Name, ast.Constant, ast.Pass, ast.Global, ast.Nonlocal, ast.alias, ast.Load, ast.Store, type(None))
)
