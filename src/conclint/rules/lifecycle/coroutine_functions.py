"""Whether a callee is a coroutine function, for CCL401 and CCL402: an `async def` of this
module or of the project (through the index) that no decorator may have made sync, or a
library coroutine function of the catalog. Asked once the module's summaries are complete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.helpers import name_space
from conclint.analysis.scopes import assignment_counts
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.lifecycle import COROUTINE_KEEPING_DECORATORS, LIBRARY_COROUTINES

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.project_index import ProjectView
    from conclint.analysis.summaries import FunctionSummary
    from conclint.analysis.symbols import Symbol


def callable_symbol(facts: FileFacts, expression: cst.BaseExpression) -> Symbol | None:
    """What `expression` names when it may be a function (not an object, not a class of
    this module); None otherwise. Resolved while the traversal is in the expression's scope."""
    symbol = facts.resolve(expression)
    if symbol is None or symbol.instance or isinstance(symbol.node, cst.ClassDef):
        return None
    if isinstance(expression, cst.Attribute) and _reassigned_receiver(facts, expression.value):
        return None
    return symbol


def _reassigned_receiver(facts: FileFacts, receiver: cst.BaseExpression) -> bool:
    """`self.session` in `self.session.fetch()` is typed by the first `self.session = ...` of
    its class; a class that assigns the attribute more than once may hold objects of other
    types there (a sync session in one method, an async one in another), so a method reached
    through it is not judged."""
    if not isinstance(receiver, cst.Attribute):
        return False
    owner = facts.resolve(receiver.value)
    if owner is None or not owner.local or not owner.instance or not isinstance(owner.node, cst.ClassDef):
        return False
    return assignment_counts(owner.node, owner.scope or facts.scope)[receiver.attr.value] > 1


def coroutine_kind(facts: FileFacts, symbol: Symbol) -> str | None:
    """How a message names the kind of coroutine function `symbol` is ("an `async def` of
    this module", "... of pkg/a.py", "a library coroutine function"); None when it is not one,
    or not known to be one."""
    if symbol.local:
        collector = facts.summaries
        summary = collector.summary.function(symbol.qualname) if collector is not None else None
        return "an `async def` of this module" if summary is not None and makes_coroutine(summary) else None
    name = symbol.qualname
    if name in LIBRARY_COROUTINES:
        return "a library coroutine function"
    if not may_be_coroutine_elsewhere(facts, name):
        return None  # read off the module's text: not summarized for nothing
    summary = name_space(facts).lookup(name)
    if summary is None or not makes_coroutine(summary) or facts.project is None:
        return None
    return f"an `async def` of {facts.project.where(summary.qualname)}"


def may_be_coroutine_elsewhere(facts: FileFacts, name: str) -> bool:
    """Whether `name`, a function not of this module, may be a coroutine function, as far as
    the catalog and the text of its project module tell (`coroutine_kind` then decides)."""
    if name in LIBRARY_COROUTINES:
        return True
    project = facts.project
    if project is None or is_library_name(name) or name.startswith(("builtins.", ".")):
        return False
    return _may_define_coroutine(project, name)


def _may_define_coroutine(project: ProjectView, name: str) -> bool:
    """Whether the module defining `name` may give it as a coroutine function, told from the
    file's text without the index summarizing the module: it holds `async def <name>`, or an
    import that binds the name (a re-export, which the index follows). Anything else (a plain
    `def`, a class, an attribute of a module-level object) the index could not find as an
    `async def` there; most calls whose result is dropped are of such names."""
    names = project.module_text_names(name)
    last = name.rpartition(".")[2].encode()
    return names is not None and (last in names.async_defined or last in names.imported)


def makes_coroutine(summary: FunctionSummary) -> bool:
    """An `async def` without `yield` whose decorators all keep it a coroutine function
    (`params` is None when a decorator conclint cannot resolve may change the function)."""
    return (
        summary.is_async
        and not summary.is_generator
        and summary.params is not None
        and all(decorator in COROUTINE_KEEPING_DECORATORS for decorator in summary.decorators)
    )
