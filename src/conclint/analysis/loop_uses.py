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
from typing import TYPE_CHECKING, NamedTuple

import libcst as cst

from conclint.analysis.flow import reaching_binding
from conclint.analysis.scopes import instance_attributes, is_none
from conclint.analysis.summaries import LoopAffineUse
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge.crossing import (
    ANNOTATED_ASYNCIO_TYPES,
    ASYNCIO_OBJECTS,
    LOOP_AFFINE_CALLS,
    LOOP_AFFINE_METHODS,
    LOOP_CHECKS,
    LOOP_GUARD_METHODS,
    LOOP_TYPE,
    OWN_LOOP_CALLS,
    THREAD_CHECKS,
)
from conclint.knowledge.types import OPTIONAL_ANNOTATIONS

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.scopes import Scope

# Every method name LOOP_AFFINE_METHODS holds: an attribute call named otherwise needs no
# look at its receiver.
_METHOD_NAMES = frozenset(name for names in LOOP_AFFINE_METHODS.values() for name in names)
# The loop's methods only its thread may call (`call_soon`...), by their name.
_LOOP_METHODS = frozenset(name.rpartition(".")[2] for name in LOOP_AFFINE_CALLS if name.startswith(f"{LOOP_TYPE}."))


def checks_where_it_runs(name: str | None, comparing: bool, call: cst.Call | None = None) -> bool:
    """Whether a call of `name` (a resolved library name) gives the thread a loop of its own
    (`asyncio.run`, `new_event_loop`...), asks whether a loop runs on it, or, inside a
    comparison (`comparing`), tests which thread it is: loop objects used after it may be
    that loop's, or used only on the loop's thread. `call`, given unless its callee is a
    function of this module, counts when it names a loop's `run_forever()` or
    `is_running()` (LOOP_GUARD_METHODS): its receiver may be a loop the rule cannot type."""
    if name in OWN_LOOP_CALLS or name in LOOP_CHECKS or (comparing and name in THREAD_CHECKS):
        return True
    return call is not None and isinstance(call.func, cst.Attribute) and call.func.attr.value in LOOP_GUARD_METHODS


class Getter(NamedTuple):
    """A loop-affine method called on what a function returned (`loop =
    get_global_event_loop()` then `loop.create_task(...)`): the function (a local `def`'s
    node and qualified name, or another module's dotted name), the method, and whether the
    value was bound in the calling function itself (a queue it made there would be its own)."""

    name: str
    node: cst.FunctionDef | None
    scope: Scope | None
    method: str
    own: bool


def returned_receiver(facts: FileFacts, call: cst.Call, scope: Scope) -> Getter | None:
    """The function whose result `call`'s receiver is, when `call` names a loop-affine
    method and its receiver is that result (`get_loop().call_soon(f)`) or a name bound to
    it once (`loop = get_loop()`); None otherwise. Its return annotation, read by
    `returned_affine`, says what the receiver is."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method not in _METHOD_NAMES and method not in _LOOP_METHODS:
        return None
    made, own, where = func.value, True, facts.scope
    if isinstance(made, cst.Name):
        binding = reaching_binding(made, facts.scope)
        if binding is None or binding.kind != "assign" or binding.entered or binding.scope is None:
            return None
        made, own, where = binding.node, binding.scope is scope, binding.scope  # type: ignore[assignment]
    if not isinstance(made, cst.Call):
        return None
    getter = resolve(made.func, where)
    if getter is None or getter.instance:
        return None
    if getter.local:
        node = getter.node if isinstance(getter.node, cst.FunctionDef) and getter.node.asynchronous is None else None
        return Getter(getter.qualname, node, getter.scope, method, own) if node is not None else None
    return Getter(getter.qualname, None, None, method, own)


def returned_affine(getter: Getter, returns: str) -> str | None:
    """How messages name the call `getter` stands for, when the function returns `returns`
    (an asyncio kind, ANNOTATED_ASYNCIO_TYPES) and only the loop's thread may make it. A
    queue, event or future counts only when bound outside the calling function: one it
    fetched itself may be one the getter made for it, as the loop may for a loop (whose
    getter then makes or tests a loop, which its caller checks)."""
    if returns == LOOP_TYPE:
        return LOOP_AFFINE_CALLS.get(f"{LOOP_TYPE}.{getter.method}")
    if getter.own or getter.method not in LOOP_AFFINE_METHODS.get(returns, ()):
        return None
    return f"{returns}.{getter.method}()"


def local_returns(getter: Getter) -> str:
    """The asyncio kind a function of this module is annotated to return, or ""."""
    node, scope = getter.node, getter.scope
    if node is None or scope is None or node.returns is None:
        return ""
    return annotated_asyncio(node.returns.annotation, scope) or ""


def annotated_asyncio(annotation: cst.BaseExpression, scope: Scope, depth: int = 0) -> str | None:
    """The asyncio kind (ANNOTATED_ASYNCIO_TYPES) an annotation names: `asyncio.Queue`,
    `Optional[asyncio.AbstractEventLoop]`, `asyncio.Future[int] | None`, the same as a
    string; None for anything else, a union of two kinds included."""
    if depth > 8:
        return None
    if isinstance(annotation, cst.SimpleString):
        try:
            annotation = cst.parse_expression(annotation.evaluated_value)  # type: ignore[arg-type]
        except (cst.ParserSyntaxError, TypeError):
            return None
    members: list[cst.BaseExpression] = []
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        members = [annotation.left, annotation.right]
    elif isinstance(annotation, cst.Subscript):
        base = resolve(annotation.value, scope)
        if base is not None and not base.instance and base.qualname in OPTIONAL_ANNOTATIONS:
            members = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
        else:
            annotation = annotation.value  # `asyncio.Future[int]`: a future
    if members:
        kinds = {annotated_asyncio(member, scope, depth + 1) for member in members if not is_none(member)}
        return kinds.pop() if len(kinds) == 1 else None
    symbol = resolve(annotation, scope)
    if symbol is None or symbol.instance or symbol.local:
        return None
    return ANNOTATED_ASYNCIO_TYPES.get(symbol.qualname)




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
    # Loop-affine method calls on what a function of this module returned, judged at the
    # end by its annotation (`returned_affine`), once every function's awareness is known.
    getters: list[tuple[cst.Call, Getter]] = field(default_factory=list)
    # The asyncio kind its return annotation names (FunctionSummary.returns_asyncio), or "".
    returns: str = ""


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
        # The same, by the function's qualified name: a getter's awareness is looked up there.
        self._named: dict[str, _Uses] = {}
        # The nodes of each summarized function's uses, by qualified name (for `located`).
        self.nodes: dict[str, list[cst.Call]] = {}

    def enter(self, record: object) -> None:
        """The walk entered the body of the function `record` stands for (its scope is the
        facts' current one). A coroutine function is left out: calling it runs nothing, so
        no thread ever runs its body."""
        if self.active and not self.facts.in_coroutine:
            scope = self.facts.scope
            node = scope.node
            returns = ""
            if isinstance(node, cst.FunctionDef) and node.returns is not None and scope.parent is not None:
                returns = annotated_asyncio(node.returns.annotation, scope.parent) or ""
            uses = self._functions[id(record)] = self._named[scope.qualname] = _Uses(scope, returns=returns)

    def call(self, record: object, node: cst.Call, symbol: Symbol | None) -> None:
        """A call made directly in the body of the function of `record` (not in a lambda)."""
        uses = self._functions.get(id(record))
        if uses is None or self.facts.frame.kind != "function":
            return
        name = symbol.qualname if symbol is not None and not symbol.local else None
        if checks_where_it_runs(name, self.comparisons > 0, node if symbol is None or not symbol.local else None):
            uses.aware = True
            return
        what = loop_affine(self.facts, node, name, uses.scope)
        if what is not None:
            uses.calls.append((node, LoopAffineUse(0, what, cst.Module([]).code_for_node(node.func))))
        elif name is None:
            getter = returned_receiver(self.facts, node, uses.scope)
            # Only this module's functions: a summary never depends on another module.
            if getter is not None and getter.node is not None:
                uses.getters.append((node, getter))

    def summary_of(self, record: object, qualname: str) -> tuple[tuple[LoopAffineUse, ...], bool]:
        """The function's uses (lines 0) and whether it is loop-aware; its nodes are kept
        under `qualname` for `located`."""
        uses = self._functions.get(id(record))
        if uses is None:
            return (), False
        for node, getter in uses.getters:
            made = self._named.get(getter.name)
            what = returned_affine(getter, local_returns(getter)) if made is None or not made.aware else None
            if what is not None:
                uses.calls.append((node, LoopAffineUse(0, what, cst.Module([]).code_for_node(node.func))))
        uses.getters.clear()
        if uses.calls:
            self.nodes[qualname] = [node for node, _ in uses.calls]
        return tuple(use for _, use in uses.calls), uses.aware

    def returns_of(self, record: object) -> str:
        """The asyncio kind the function of `record` is annotated to return, or ""."""
        uses = self._functions.get(id(record))
        return uses.returns if uses is not None else ""


__all__ = [
    "Getter",
    "LoopUseRecorder",
    "annotated_asyncio",
    "asyncio_object",
    "checks_where_it_runs",
    "local_returns",
    "loop_affine",
    "returned_affine",
    "returned_receiver",
]
