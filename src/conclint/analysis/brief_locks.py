"""Locks every holder holds only briefly: waiting for one lasts no longer than the longest
critical section, a few dictionary or list operations, so a coroutine's `with lock:` on it
does not hold up the event loop in any way that matters (CCL108 leaves it alone).

A lock is told apart by how the source spells it: `self._lock` within one class, or any
other name within the module. Its holders are the `with` blocks on that spelling there. A
block is brief when it has no `while` loop, no `await` or `yield`, no nested `with`, and calls
nothing but the builtins of `BRIEF_BUILTINS`, the container methods of `BRIEF_METHODS`
(`self._pending.add(x)`, `len(...)`) and functions of its own that are brief in the same way
(`self._purge_expired()`, a method of the class; `_Entry(key)`, a class of the module whose
`__init__` is; `_next_id()`, a function of the module), at most MAX_DEPTH calls deep, but for
the calls of a block that runs only while a value is unset and sets it (`if _registry is
None: _registry = Registry()`): they run once, and every later holder only tests. A `for`
loop is brief when its body is: it walks a container already in memory (what it iterates is
one of those calls too). An `acquire()` of the same spelling there, whose hold has no
syntactic end, makes the lock not brief; so does any holder that is not. Only the class or
module that holds the lock in question, and the module's functions, are walked, once per file.
"""

from __future__ import annotations

from typing import Mapping

import libcst as cst

from conclint.analysis.expressions import set_up_once
from conclint.analysis.scopes import dotted_name
from conclint.knowledge.blocking import BRIEF_BUILTINS, BRIEF_METHODS
from conclint.syntax.traversal import nodes_within

_NOT_BRIEF = (cst.While, cst.Await, cst.Yield, cst.With, cst.FunctionDef, cst.Lambda)
# How many calls deep a critical section's own functions are followed.
MAX_DEPTH = 3

# The functions a critical section may call by name: ("self", method) for the class's methods,
# ("", name) for the module's functions and classes.
_Own = Mapping[tuple[str, str], cst.CSTNode]


def briefly_held(owner: cst.CSTNode, module: cst.Module | None = None) -> frozenset[str]:
    """The locks whose every holder in `owner` is brief: a class (its `self._lock` and such)
    or a module (its module-level locks; what its classes hold is theirs). `module`, for a
    class: the module around it, whose functions and classes its holders may call."""
    own = _own_functions(owner, module)
    brief: dict[str, bool] = {}
    holders: dict[str, list[cst.With]] = {}
    acquired: set[str] = set()
    for node in nodes_within(owner, (cst.With, cst.Call)):
        if isinstance(node, cst.With):
            if node.asynchronous is None:
                for item in node.items:
                    spelling = dotted_name(item.item)
                    if spelling:
                        brief[spelling] = brief.get(spelling, True) and _brief(node.body, own, 0)
                        holders.setdefault(spelling, []).append(node)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "acquire":  # type: ignore[attr-defined]
            brief[dotted_name(node.func.value)] = False  # type: ignore[attr-defined]
            acquired.add(dotted_name(node.func.value))  # type: ignore[attr-defined]
    found = {spelling for spelling, held_briefly in brief.items() if held_briefly}
    rest = [spelling for spelling in holders if spelling not in found and spelling not in acquired]
    if rest:
        in_coroutine = _holders_in_coroutines(owner)
        loop_store = isinstance(owner, cst.ClassDef) and module is not None and _used_by_coroutines_only(owner, module)
        found.update(
            spelling
            for spelling in rest
            if (loop_store or all(_loop_only(node, in_coroutine) for node in holders[spelling])) and _own_lock(owner, spelling)
        )
    return frozenset(found)


def _used_by_coroutines_only(owner: cst.ClassDef, module: cst.Module) -> bool:
    """Whether the class is a private store of other classes' coroutines: a `_Name` whose
    every mention in the module makes an instance in an `__init__` (`self._store =
    _SchemaStore()`), each such attribute used nowhere in its class but as the receiver of
    calls in the class's coroutines' own bodies (`self._store.set(...)`), and whose own
    methods are never handed on uncalled (`Thread(target=self._poll)`). Its methods then run
    on the event loop's thread alone, and they cannot await while they hold the class's
    lock: taking it never waits (confluent-kafka's async mock schema registry, whose stores
    keep the `threading.Lock` of their sync twin)."""
    name = owner.name.value
    if not name.startswith("_") or not _methods_only_called(owner):
        return False
    makes = 0
    mentions = sum(1 for node in nodes_within(module, (cst.Name,)) if node.value == name) - 1  # type: ignore[attr-defined]
    for user in nodes_within(module, (cst.ClassDef,)):
        if user is owner:
            continue
        stored = _stored_instances(user, name)  # type: ignore[arg-type]
        makes += len(stored)
        if stored and not _called_in_coroutines_only(user, {attribute for attribute, _ in stored}, {id(target) for _, target in stored}):  # type: ignore[arg-type]
            return False
    return makes > 0 and makes == mentions


def _methods_only_called(owner: cst.ClassDef) -> bool:
    """No `self.method` of the class is mentioned but as the function of a call."""
    methods = {statement.name.value for statement in owner.body.body if isinstance(statement, cst.FunctionDef)}
    called = {id(call.func) for call in nodes_within(owner, (cst.Call,))}  # type: ignore[attr-defined]
    return all(
        id(mention) in called
        for mention in nodes_within(owner, (cst.Attribute,))
        if mention.attr.value in methods and dotted_name(mention.value) == "self"  # type: ignore[attr-defined]
    )


def _stored_instances(user: cst.ClassDef, name: str) -> list[tuple[str, cst.CSTNode]]:
    """`self.attr = Name()` statements of the class's `__init__`: each attribute with its
    target node."""
    found: list[tuple[str, cst.CSTNode]] = []
    for function in user.body.body:
        if not isinstance(function, cst.FunctionDef) or function.name.value != "__init__":
            continue
        for assign in nodes_within(function, (cst.Assign,)):
            value = assign.value  # type: ignore[attr-defined]
            if isinstance(value, cst.Call) and dotted_name(value.func) == name:
                for target in assign.targets:  # type: ignore[attr-defined]
                    spelling = dotted_name(target.target)
                    if spelling.startswith("self.") and spelling.count(".") == 1:
                        found.append((spelling[5:], target.target))
    return found


def _called_in_coroutines_only(user: cst.ClassDef, attributes: set[str], targets: set[int]) -> bool:
    """Every `self.attr` of `attributes` in the class, but the assignments `targets`, is the
    receiver of a call written in the own body of one of the class's coroutines."""
    receivers = {
        id(call.func.value)  # type: ignore[attr-defined]
        for function in user.body.body
        if isinstance(function, cst.FunctionDef) and function.asynchronous is not None
        for call in _own_nodes(function, cst.Call)
        if isinstance(call.func, cst.Attribute)  # type: ignore[attr-defined]
    }
    return all(
        id(mention) in receivers or id(mention) in targets
        for mention in nodes_within(user, (cst.Attribute,))
        if mention.attr.value in attributes and dotted_name(mention.value) == "self"  # type: ignore[attr-defined]
    )


def _own_lock(owner: cst.CSTNode, spelling: str) -> bool:
    """A class's `self._lock` that the class makes itself, every assignment of it a new lock
    (`self._lock = threading.Lock()`): no other code holds the same lock under another
    spelling (llama-stack's telemetry adapter binds `self._lock = _global_lock`, which a
    logging thread holds too). Any other spelling is the module's own."""
    receiver, _, name = spelling.partition(".")
    if not isinstance(owner, cst.ClassDef) or receiver != "self" or "." in name:
        return True
    values = [
        node.value
        for node in nodes_within(owner, (cst.Assign,))
        for target in node.targets  # type: ignore[attr-defined]
        if dotted_name(target.target) == spelling
    ]
    return bool(values) and all(isinstance(value, cst.Call) and dotted_name(value.func).rpartition(".")[2] in _LOCK_TYPES for value in values)


# What makes a new lock (`threading.Lock()`, `RLock()`).
_LOCK_TYPES = frozenset({"Lock", "RLock"})


def _loop_only(holder: cst.With, in_coroutine: set[int]) -> bool:
    """A holder only the event loop's thread runs, that does not await while it holds."""
    return id(holder) in in_coroutine and next(nodes_within(holder.body, (cst.Await,)), None) is None


def _holders_in_coroutines(owner: cst.CSTNode) -> set[int]:
    """The `with` statements written in the body of a coroutine itself (not of a function or
    lambda nested in it), or of a private method of the class that only its coroutines and
    its `__init__` call (`_loop_methods`). When every holder of a thread lock is one, and
    none awaits while it holds the lock, only the event loop's thread takes it, one holder at
    a time: taking it never waits (a2a-sdk's task registry, an `RLock` its coroutines alone
    take; google-api-core's `AsyncOperation._set_result_from_operation`)."""
    found: set[int] = set()
    loop_methods = _loop_methods(owner) if isinstance(owner, cst.ClassDef) else set()
    for function in nodes_within(owner, (cst.FunctionDef,)):
        if function.asynchronous is None and id(function) not in loop_methods:  # type: ignore[attr-defined]
            continue
        found.update(id(node) for node in _own_nodes(function, cst.With))  # type: ignore[arg-type]
    return found


def _loop_methods(owner: cst.ClassDef) -> set[int]:
    """The class's private sync methods (`_name`, undecorated) whose every mention in the
    class is a call `self._name(...)` in the body of one of its coroutines or of its
    `__init__` (where the object is not shared yet): only the loop's thread runs them once
    the object is in use. A method handed on uncalled (`Thread(target=self._poll)`,
    `to_thread(self._load)`) is not one."""
    methods = {
        function.name.value: function
        for function in owner.body.body
        if isinstance(function, cst.FunctionDef) and function.asynchronous is None and not function.decorators
        and function.name.value.startswith("_") and not function.name.value.endswith("__")
    }
    if not methods:
        return set()
    called: dict[str, bool] = {}
    loop_calls: set[int] = set()
    for function in owner.body.body:
        if isinstance(function, cst.FunctionDef) and (function.asynchronous is not None or function.name.value == "__init__"):
            loop_calls.update(id(call.func) for call in _own_nodes(function, cst.Call))  # type: ignore[attr-defined]
    for mention in nodes_within(owner, (cst.Attribute,)):
        name = mention.attr.value  # type: ignore[attr-defined]
        if name in methods and isinstance(mention.value, cst.Name) and mention.value.value == "self":  # type: ignore[attr-defined]
            called[name] = called.get(name, True) and id(mention) in loop_calls
    return {id(methods[name]) for name, only_loop in called.items() if only_loop}


def _own_nodes(function: cst.FunctionDef, kind: type[cst.CSTNode]) -> list[cst.CSTNode]:
    """The nodes of `kind` in a function's body itself, not in a function or lambda nested
    in it (they run when called, not where they are written)."""
    nested = {id(node) for inner in nodes_within(function.body, _NESTED) for node in nodes_within(inner, (kind,))}
    return [node for node in nodes_within(function.body, (kind,)) if id(node) not in nested]


# Functions whose bodies run when called, not where they are written.
_NESTED = (cst.FunctionDef, cst.Lambda)


def _own_functions(owner: cst.CSTNode, module: cst.Module | None) -> dict[tuple[str, str], cst.CSTNode]:
    found: dict[tuple[str, str], cst.CSTNode] = {}
    around = module if module is not None else owner
    for statement in around.body if isinstance(around, cst.Module) else ():
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            found[("", statement.name.value)] = statement
    if isinstance(owner, cst.ClassDef):
        for statement in owner.body.body:
            if isinstance(statement, cst.FunctionDef):
                found[("self", statement.name.value)] = statement
    return found


def _brief(body: cst.CSTNode, own: _Own, depth: int) -> bool:
    once = _set_up_once(body)
    for node in nodes_within(body, (*_NOT_BRIEF, cst.For, cst.Call)):
        if isinstance(node, cst.For):
            if node.asynchronous is not None:
                return False
            continue  # what it iterates and its body are walked like the rest
        if id(node) in once:
            continue
        if not isinstance(node, cst.Call) or not (_brief_call(node.func) or _brief_own(node.func, own, depth)):
            return False
    return True


def _set_up_once(body: cst.CSTNode) -> set[int]:
    """The calls in blocks that set a value up once (`expressions.set_up_once`): every later
    holder finds it set and only tests it."""
    return {id(call) for block in nodes_within(body, (cst.If,)) if set_up_once(block) for call in nodes_within(block.body, (cst.Call,))}  # type: ignore[arg-type]


def _brief_call(func: cst.BaseExpression) -> bool:
    if isinstance(func, cst.Name):
        return func.value in BRIEF_BUILTINS
    if not isinstance(func, cst.Attribute) or func.attr.value not in BRIEF_METHODS:
        return False
    return not (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"))  # a method of the project


def _brief_own(func: cst.BaseExpression, own: _Own, depth: int) -> bool:
    """A call of the class's method (`self.m()`) or of the module's function or class whose
    body (a class's `__init__`) is brief, within MAX_DEPTH calls."""
    if depth >= MAX_DEPTH:
        return False
    if isinstance(func, cst.Name):
        target = own.get(("", func.value))
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        target = own.get(("self", func.attr.value))
    else:
        return False
    if isinstance(target, cst.ClassDef):
        target = _initializer(target)
    if not isinstance(target, cst.FunctionDef) or target.decorators:
        return False
    if target.asynchronous is not None:
        return True  # calling a coroutine function only makes the coroutine
    return _brief(target.body, own, depth + 1)


def _initializer(node: cst.ClassDef) -> cst.FunctionDef | None:
    """The `__init__` a class of the module defines itself; None when it has none (a base's,
    of unknown body, runs) or has decorators (a dataclass's is generated)."""
    if node.decorators:
        return None
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
            return statement
    return None
