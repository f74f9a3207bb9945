"""Locks every holder holds only briefly: waiting for one lasts no longer than the longest
critical section, a few dictionary or list operations, so a coroutine's `with lock:` on it
does not hold up the event loop in any way that matters (CCL108 leaves it alone).

A lock is told apart by how the module spells it: `self._lock` within one class, or a
module-level name. Its holders are the `with` blocks on that spelling. A block is brief when
it has no loop, no `await` or `yield`, no nested `with`, and calls nothing but the
builtins of `BRIEF_BUILTINS` and the container methods of `BRIEF_METHODS`
(`self._pending.add(x)`, `len(...)`). An
`acquire()` of the same spelling anywhere, whose hold has no syntactic end, makes the lock
not brief; so does any holder that is not.
"""

from __future__ import annotations

import libcst as cst

from conclint.analysis.scopes import dotted_name
from conclint.knowledge.blocking import BRIEF_BUILTINS, BRIEF_METHODS
from conclint.syntax.traversal import nodes_within

# (class name, "" for module level; the lock as spelled: "self._lock", "_lock")
LockKey = tuple[str, str]

_NOT_BRIEF = (cst.For, cst.While, cst.Await, cst.Yield, cst.With, cst.FunctionDef, cst.Lambda)


def briefly_held(module: cst.Module) -> frozenset[LockKey]:
    """The locks of `module` whose every holder is brief."""
    brief: dict[LockKey, bool] = {}
    for owner, node in _holders_and_acquires(module):
        if isinstance(node, cst.With):
            for item in node.items:
                key = (owner, dotted_name(item.item))
                if key[1]:
                    brief[key] = brief.get(key, True) and _brief(node.body)
        else:
            brief[(owner, dotted_name(node.func.value))] = False  # type: ignore[attr-defined]
    return frozenset(key for key, held_briefly in brief.items() if held_briefly)


def _holders_and_acquires(module: cst.Module):  # type: ignore[no-untyped-def]
    """(owner, node) for each `with` and each `x.acquire()`: owner is the class whose
    methods hold `self.x`, "" for the module's functions and body."""
    in_classes: set[int] = set()
    for cls in nodes_within(module, (cst.ClassDef,)):
        for node in nodes_within(cls.body, (cst.With, cst.Call)):  # type: ignore[attr-defined]
            in_classes.add(id(node))
            if _holds_or_acquires(node):
                yield cls.name.value, node  # type: ignore[attr-defined]
    for node in nodes_within(module, (cst.With, cst.Call)):
        if id(node) not in in_classes and _holds_or_acquires(node):
            yield "", node


def _holds_or_acquires(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.With):
        return node.asynchronous is None
    func = node.func  # type: ignore[attr-defined]
    return isinstance(func, cst.Attribute) and func.attr.value == "acquire"


def _brief(body: cst.BaseSuite) -> bool:
    return all(isinstance(node, cst.Call) and _brief_call(node.func) for node in nodes_within(body, (*_NOT_BRIEF, cst.Call)))


def _brief_call(func: cst.BaseExpression) -> bool:
    if isinstance(func, cst.Name):
        return func.value in BRIEF_BUILTINS
    if not isinstance(func, cst.Attribute) or func.attr.value not in BRIEF_METHODS:
        return False
    return not (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"))  # a method of the project
