"""Which start method a pool, process or context was created with, by its context.

A process or pool made from `multiprocessing.get_context("fork")` (or given such a context
through `mp_context=` / `context=`) starts its children with fork: they do not re-import the
main module, and nothing is pickled to start them. `context_method`, `forks` and
`creation_forks` answer that for a call or for the object a variable names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.process_literals import string_literal
from conclint.analysis.process_objects import catalogued_origin, origin_call
from conclint.analysis.scopes import Scope
from conclint.knowledge import processes as catalog

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


def context_method(facts: FileFacts, expression: cst.BaseExpression, scope: Scope) -> str | None:
    """"fork", "spawn", ... when `expression` is `multiprocessing.get_context("<method>")`
    or a variable assigned from it."""
    origin = catalogued_origin(expression, scope, catalog.GET_CONTEXT)
    return string_literal(call_argument(origin[0], 0, "method")) if origin is not None else None


def forks(facts: FileFacts, call: cst.Call, scope: Scope) -> bool:
    """The pool or process `call` creates starts its children with fork, by its context."""
    func = call.func
    if isinstance(func, cst.Attribute) and context_method(facts, func.value, scope) == catalog.FORK:
        return True
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in catalog.CONTEXT_KEYWORDS:
            return context_method(facts, arg.value, scope) == catalog.FORK
    return False


def creation_forks(facts: FileFacts, expression: cst.BaseExpression) -> bool:
    """The object `expression` names was made by a call whose context is fork."""
    origin = origin_call(expression, facts.scope)
    return origin is not None and forks(facts, *origin)

