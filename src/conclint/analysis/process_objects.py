"""What a process-related object is, and the call that made it.

`process_object_kind` tells a `multiprocessing.Process`, a manager, an object of a subclass
defined in the module (`class_kind`), or the variable of a loop over a list of those;
`origin_call` follows a variable back to the call assigned to it (`pool = Pool()`), for the
questions asked about that call: does it start processes, which start method it picks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection

import libcst as cst

from conclint.analysis.process_layout import module_layout
from conclint.analysis.scopes import Scope
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge import processes as catalog

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


def process_object_kind(facts: FileFacts, expression: cst.BaseExpression) -> str | None:
    """"process" or "manager" when `expression` is an object whose `.start()` starts one:
    a `multiprocessing.Process`, a manager, an object of a subclass defined in this module,
    or the variable of a `for` loop over a list of those."""
    symbol = facts.resolve(expression)
    if symbol is None and isinstance(expression, cst.Name):
        symbol = _loop_element(facts, expression.value)
    if symbol is None or not symbol.instance:
        return None
    if symbol.local:
        if isinstance(symbol.node, cst.ClassDef) and symbol.scope is not None:
            return class_kind(facts, symbol.node, symbol.scope)
        return None
    return catalog.PROCESS_TYPES.get(symbol.qualname)


def class_kind(facts: FileFacts, node: cst.ClassDef, scope: Scope, depth: int = 0) -> str | None:
    """"process" / "manager" when the local class derives from a Process or a manager."""
    memo = module_layout(facts).class_kinds
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = None  # cycles end here
    found = None
    for base in node.bases:
        if base.keyword is not None or base.star:
            continue
        symbol = resolve(base.value, scope)
        if symbol is None:
            continue
        if symbol.local:
            if isinstance(symbol.node, cst.ClassDef) and symbol.scope is not None and depth < 20:
                found = class_kind(facts, symbol.node, symbol.scope, depth + 1)
        elif not symbol.instance:
            found = catalog.PROCESS_BASE_CLASSES.get(symbol.qualname)
        if found is not None:
            break
    memo[key] = found
    return found


def _loop_element(facts: FileFacts, name: str) -> Symbol | None:
    """What `name` holds when it is the variable of an enclosing `for` loop or comprehension
    over a list, tuple or comprehension of known objects (`for p in procs: p.start()`)."""
    binding = facts.scope.lookup(name)
    if binding is None or binding.kind not in ("other", "element"):
        return None
    scope: Scope | None = facts.scope
    while scope is not None and scope.kind == "comprehension":
        clause = getattr(scope.node, "for_in", None)
        while clause is not None:
            if isinstance(clause.target, cst.Name) and clause.target.value == name:
                return _element(clause.iter, scope.parent or scope)
            clause = clause.inner_for_in
        scope = scope.parent
    for statement in reversed(facts.statements):
        if isinstance(statement, cst.For) and isinstance(statement.target, cst.Name) and statement.target.value == name:
            return _element(statement.iter, facts.scope)
    return None


def _element(iterable: cst.BaseExpression, scope: Scope, depth: int = 0) -> Symbol | None:
    if depth > 5:
        return None
    if isinstance(iterable, cst.Name):
        binding = scope.lookup(iterable.value)
        if binding is not None and binding.kind == "assign" and binding.node is not None and binding.scope is not None:
            return _element(binding.node, binding.scope, depth + 1)  # type: ignore[arg-type]
        return None
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        for element in iterable.elements:
            if isinstance(element, cst.Element):
                symbol = resolve(element.value, scope)
                if symbol is not None:
                    return symbol
        return None
    if isinstance(iterable, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return resolve(iterable.elt, scope)
    return None


def origin_call(expression: cst.BaseExpression, scope: Scope, depth: int = 0) -> tuple[cst.Call, Scope] | None:
    """The call that made the object `expression` names: itself when it is a call, else the
    call assigned to the variable (`pool = Pool()`, `with Pool() as pool`)."""
    if isinstance(expression, cst.Call):
        return expression, scope
    if isinstance(expression, cst.Name) and depth < 10:
        binding = scope.lookup(expression.value)
        if binding is not None and binding.kind == "assign" and binding.node is not None and binding.scope is not None:
            return origin_call(binding.node, binding.scope, depth + 1)  # type: ignore[arg-type]
    return None


def catalogued_origin(
    expression: cst.BaseExpression, scope: Scope, names: Collection[str]
) -> tuple[cst.Call, Scope] | None:
    """`origin_call` of `expression` when that call is of one of the library functions `names`
    (`multiprocessing.get_context`, joblib's `Parallel`); None otherwise."""
    origin = origin_call(expression, scope)
    if origin is None:
        return None
    call, where = origin
    symbol = resolve(call.func, where)
    if symbol is None or symbol.local or symbol.qualname not in names:
        return None
    return origin
