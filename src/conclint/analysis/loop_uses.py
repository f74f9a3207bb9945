"""Loop-affine calls (CCL406): the asyncio APIs that only the thread running the event loop
may call, as a function's body makes them, and the calls that show a function runs a loop of
its own or checks where it runs.

One judgement serves two readers: the rule, for the functions of the module it lints, and
the summary collector, which keeps the same facts in every function summary
(`FunctionSummary.loop_affine`, `loop_aware`) so that the project index can tell the rule
what a function of another module does once a thread runs it. `LoopUseRecorder` is what the
collector drives from its own callbacks: it adds no walk of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.scopes import instance_attributes
from conclint.analysis.summaries import LoopAffineUse
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge.crossing import (
    ASYNCIO_OBJECTS,
    LOOP_AFFINE_CALLS,
    LOOP_AFFINE_METHODS,
    LOOP_CHECKS,
    OWN_LOOP_CALLS,
    THREAD_CHECKS,
)

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.scopes import Scope

# Every method name LOOP_AFFINE_METHODS holds: an attribute call named otherwise needs no
# look at its receiver.
_METHOD_NAMES = frozenset(name for names in LOOP_AFFINE_METHODS.values() for name in names)


def checks_where_it_runs(name: str | None, comparing: bool) -> bool:
    """Whether a call of `name` (a resolved library name) gives the thread a loop of its own
    (`asyncio.run`, `new_event_loop`...), asks whether a loop runs on it, or, inside a
    comparison (`comparing`), tests which thread it is: loop objects used after it may be
    that loop's, or used only on the loop's thread."""
    return name in OWN_LOOP_CALLS or name in LOOP_CHECKS or (comparing and name in THREAD_CHECKS)


def loop_affine(facts: FileFacts, call: cst.Call, name: str | None, scope: Scope) -> str | None:
    """How messages name `call` (`asyncio.Queue.put_nowait()`, `loop.call_soon()`) when only
    the loop's thread may make it, else None. `name`: what the callee resolves to, when a
    library name; `scope`: the function the call is in (an object it makes is its own)."""
    if name is not None and name in LOOP_AFFINE_CALLS:
        return LOOP_AFFINE_CALLS[name]
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _METHOD_NAMES:
        return None
    kind = asyncio_object(facts, func.value, scope)
    if kind is not None and func.attr.value in LOOP_AFFINE_METHODS[kind]:
        return f"{kind}.{func.attr.value}()"
    return None


def asyncio_object(facts: FileFacts, receiver: cst.BaseExpression, scope: Scope) -> str | None:
    """The kind of asyncio object `receiver` is (`asyncio.Queue`...), by what made it: a
    binding outside the function (a closure's, a global, a parameter's annotation) or the
    first `self.x = ...` of the class."""
    made = _maker(facts, receiver, scope)
    if made is None:
        return None
    expression, where = made
    if isinstance(expression, cst.Call):
        expression = expression.func
    symbol = resolve(expression, where)
    if symbol is None or symbol.local:
        return None
    return ASYNCIO_OBJECTS.get(symbol.qualname)


def _maker(facts: FileFacts, receiver: cst.BaseExpression, scope: Scope) -> tuple[cst.BaseExpression, Scope] | None:
    """The expression that made what `receiver` names, and the scope it is read in."""
    if isinstance(receiver, cst.Name):
        binding = facts.scope.lookup(receiver.value)
        if binding is None or binding.scope is None or binding.scope is scope or binding.node is None:
            return None
        if binding.kind in ("assign", "param") and isinstance(binding.node, cst.BaseExpression):
            return binding.node, binding.scope
        return None
    if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
        owner = facts.scope.lookup(receiver.value.value)
        if owner is None or owner.kind != "self" or owner.scope is None:
            return None
        class_node = owner.scope.node
        parent = owner.scope.parent
        if not isinstance(class_node, cst.ClassDef) or parent is None:
            return None
        return instance_attributes(class_node, parent).get(receiver.attr.value)
    return None


@dataclass
class _Uses:
    """What the recorder saw in one function: its loop-affine calls (node, use) and whether it
    runs a loop of its own or checks where it runs."""

    scope: Scope
    calls: list[tuple[cst.Call, LoopAffineUse]] = field(default_factory=list)
    aware: bool = False


class LoopUseRecorder:
    """The loop-affine calls of each function of a module, for its summaries; driven by the
    summary collector's callbacks (`enter`, `call`, the comparison count), keyed by the
    collector's record of the function. Inactive in a module that never names asyncio: an
    asyncio object or API is only ever reached through that name."""

    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self.active = b"asyncio" in facts.source_bytes
        # How many comparisons the walk is inside: `current_thread() is main_thread()`.
        self.comparisons = 0
        self._functions: dict[int, _Uses] = {}
        # The nodes of each summarized function's uses, by qualified name (for `located`).
        self.nodes: dict[str, list[cst.Call]] = {}

    def enter(self, record: object) -> None:
        """The walk entered the body of the function `record` stands for (its scope is the
        facts' current one). A coroutine function is left out: calling it runs nothing, so
        no thread ever runs its body."""
        if self.active and not self.facts.in_coroutine:
            self._functions[id(record)] = _Uses(self.facts.scope)

    def call(self, record: object, node: cst.Call, symbol: Symbol | None) -> None:
        """A call made directly in the body of the function of `record` (not in a lambda)."""
        uses = self._functions.get(id(record))
        if uses is None or self.facts.frame.kind != "function":
            return
        name = symbol.qualname if symbol is not None and not symbol.local else None
        if checks_where_it_runs(name, self.comparisons > 0):
            uses.aware = True
            return
        what = loop_affine(self.facts, node, name, uses.scope)
        if what is not None:
            uses.calls.append((node, LoopAffineUse(0, what, cst.Module([]).code_for_node(node.func))))

    def summary_of(self, record: object, qualname: str) -> tuple[tuple[LoopAffineUse, ...], bool]:
        """The function's uses (lines 0) and whether it is loop-aware; its nodes are kept
        under `qualname` for `located`."""
        uses = self._functions.get(id(record))
        if uses is None:
            return (), False
        if uses.calls:
            self.nodes[qualname] = [node for node, _ in uses.calls]
        return tuple(use for _, use in uses.calls), uses.aware


__all__ = ["LoopUseRecorder", "asyncio_object", "checks_where_it_runs", "loop_affine"]
