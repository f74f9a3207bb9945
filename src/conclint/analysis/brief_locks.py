"""Locks every holder holds only briefly: waiting for one lasts no longer than the longest
critical section, a few dictionary or list operations, so a coroutine's `with lock:` on it
does not hold up the event loop in any way that matters (CCL108 leaves it alone).

A lock is told apart by how the source spells it: `self._lock` within one class, or any
other name within the module. Its holders are the `with` blocks on that spelling there. A
block is brief when it has no loop, no `await` or `yield`, no nested `with`, and calls
nothing but the builtins of `BRIEF_BUILTINS` and the container methods of `BRIEF_METHODS`
(`self._pending.add(x)`, `len(...)`). An `acquire()` of the same spelling there, whose hold
has no syntactic end, makes the lock not brief; so does any holder that is not. Only the
class or module that holds the lock in question is walked, once per file.
"""

from __future__ import annotations

import libcst as cst

from conclint.analysis.scopes import dotted_name
from conclint.knowledge.blocking import BRIEF_BUILTINS, BRIEF_METHODS
from conclint.syntax.traversal import nodes_within

_NOT_BRIEF = (cst.For, cst.While, cst.Await, cst.Yield, cst.With, cst.FunctionDef, cst.Lambda)


def briefly_held(owner: cst.CSTNode) -> frozenset[str]:
    """The locks whose every holder in `owner` is brief: a class (its `self._lock` and such)
    or a module (its module-level locks; what its classes hold is theirs)."""
    brief: dict[str, bool] = {}
    for node in nodes_within(owner, (cst.With, cst.Call)):
        if isinstance(node, cst.With):
            if node.asynchronous is None:
                for item in node.items:
                    spelling = dotted_name(item.item)
                    if spelling:
                        brief[spelling] = brief.get(spelling, True) and _brief(node.body)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "acquire":  # type: ignore[attr-defined]
            brief[dotted_name(node.func.value)] = False  # type: ignore[attr-defined]
    return frozenset(spelling for spelling, held_briefly in brief.items() if held_briefly)


def _brief(body: cst.BaseSuite) -> bool:
    return all(isinstance(node, cst.Call) and _brief_call(node.func) for node in nodes_within(body, (*_NOT_BRIEF, cst.Call)))


def _brief_call(func: cst.BaseExpression) -> bool:
    if isinstance(func, cst.Name):
        return func.value in BRIEF_BUILTINS
    if not isinstance(func, cst.Attribute) or func.attr.value not in BRIEF_METHODS:
        return False
    return not (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"))  # a method of the project
