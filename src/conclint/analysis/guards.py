"""Tests whose branch the source decides: `if __name__ == "__main__":` in all its spellings,
and the literals and module flags that leave one branch of an `if` never taken."""

from __future__ import annotations

from typing import Iterator, Mapping, Union

import libcst as cst

from conclint.analysis.scopes import dotted_name, iter_statements
from conclint.syntax.traversal import nodes_within


def _is_dunder_name(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "__name__"


def _is_main_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value in ("__main__", b"__main__")


def main_guard_branch(test: cst.BaseExpression) -> str | None:
    """"body" when `if <test>:` runs its body only as the main module, "orelse" when only its
    else branch does (`__name__ != "__main__"`), None when the test is not a main guard.

    A guard joined with `and` still guards the body (`if __name__ == "__main__" and args:`);
    one joined with `or` still guards the else branch; `not` swaps the branches."""
    if isinstance(test, cst.BooleanOperation):
        wanted = "body" if isinstance(test.operator, cst.And) else "orelse"
        sides = (main_guard_branch(test.left), main_guard_branch(test.right))
        return wanted if wanted in sides else None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return {"body": "orelse", "orelse": "body"}.get(main_guard_branch(test.expression) or "")
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    left, right = test.left, target.comparator
    if not (
        (_is_dunder_name(left) and _is_main_string(right))
        or (_is_main_string(left) and _is_dunder_name(right))
    ):
        return None
    if isinstance(target.operator, (cst.Equal, cst.Is)):
        return "body"
    if isinstance(target.operator, (cst.NotEqual, cst.IsNot)):
        return "orelse"
    return None


# Literal tests whose truth the source states: `if True:  # ASYNC` in code generated for
# both an async and a sync flavour, `if 0:` around disabled code, and the flags such code
# keeps in a module constant (pymongo's `_IS_SYNC = False`).
_CONSTANT_TRUTH = {"True": True, "False": False, "None": False}

# What a module constant holds (`module_constants`).
Scalar = Union[bool, int, float, str]


def never_taken_branch(test: cst.BaseExpression, flags: Mapping[str, bool]) -> str | None:
    """"body" when `if <test>:` never runs its body (`if False:`, `if 0:`, `if _IS_SYNC and
    connect:` with `_IS_SYNC = False`), "orelse" when it never runs its else branch (`if
    True:`), None when the literals and `flags` (the module's constants bound to `True` or
    `False`, `module_constants`) do not decide the test."""
    truth = _literal_truth(test, flags)
    if truth is None:
        return None
    return "orelse" if truth else "body"


# How deep `not`, `and` and `or` are looked into: a test of hundreds of `and`s is decided by
# none of its literals often enough to be worth a deep recursion.
MAX_TEST_DEPTH = 16


def _literal_truth(test: cst.BaseExpression, flags: Mapping[str, bool], depth: int = 0) -> bool | None:
    if depth > MAX_TEST_DEPTH:
        return None
    if isinstance(test, cst.Name):
        return _CONSTANT_TRUTH[test.value] if test.value in _CONSTANT_TRUTH else flags.get(test.value)
    if isinstance(test, cst.Integer):
        return test.evaluated_value != 0
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _literal_truth(test.expression, flags, depth + 1)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left, right = _literal_truth(test.left, flags, depth + 1), _literal_truth(test.right, flags, depth + 1)
        decisive = isinstance(test.operator, cst.Or)  # `or` is decided by a true side, `and` by a false one
        if decisive in (left, right):
            return decisive
        return None if left is None or right is None else not decisive
    return None


def module_constants(module: cst.Module, may_declare_global: bool = True, literals: Mapping[str, Scalar | None] | None = None) -> dict[str, Scalar]:
    """The module's constants: names bound once, by a statement of the module's own body
    (its compound statements' blocks included), to `True`, `False`, a number or a plain
    string, that no `global` statement lets a function rebind (looked for only if
    `may_declare_global`: the source spells `global`). `default_host = "127.0.0.1"` passed
    to a function that resolves only `"localhost"` decides its test there. `literals`: the
    module's `module_literals`, when known."""
    literals = module_literals(module) if literals is None else literals
    constants = {name: value for name, value in literals.items() if value is not None}
    if constants and may_declare_global:
        for node in nodes_within(module, (cst.Global,)):
            for item in node.names:  # type: ignore[attr-defined]
                constants.pop(item.name.value, None)
    return constants


def module_literals(module: cst.Module) -> dict[str, Scalar | None]:
    """The names a statement of the module's own body binds once, to a literal: `True`,
    `False`, `None`, a number or a plain string. What a parameter's default spells so
    (seleniumbase's `AUTO = None`, then `def __init__(self, path=AUTO)`) is that literal: the
    default is evaluated once, when the `def` runs, and a later `global` rebinding does not
    change it (a module's `None` is mostly such a marker, or set later, so
    `module_constants` leaves it out)."""
    bound: dict[str, object] = {}
    for statement in iter_statements(module.body):
        for name, value in _bindings(statement):
            bound[name] = _NOT_LITERAL if name in bound or value is None else _literal(value)
    return {name: value for name, value in bound.items() if value is not _NOT_LITERAL}  # type: ignore[misc]


def context_vars_set_at_import(module: cst.Module) -> frozenset[str]:
    """The module's context variables (`var = ContextVar(...)`) that importing the module
    sets: a statement of its own body calls `var.set(...)`, or a function or method of the
    module that does (flytekit's `FlyteContextManager.initialize()`, run at the end of its
    module). Every task the event loop later runs starts from a copy of the context that
    made it, so a coroutine finds them set; a getter's `if not var.get(): initialize()` is
    then set-up that the import did (in a new thread the variable is unset again, but no
    coroutine runs there)."""
    body = list(iter_statements(module.body))
    variables = {name for statement in body for name, value in _bindings(statement) if _makes_context_var(value)}
    if not variables:
        return frozenset()
    calls = [statement.value for statement in body if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call)]
    called = {dotted_name(call.func) for call in calls}  # type: ignore[attr-defined]
    set_here = {_sets_variable(call, variables) for call in calls}  # type: ignore[arg-type]
    for spelling, function in _module_functions(body):
        if spelling in called:
            set_here.update(_sets_variable(call, variables) for call in nodes_within(function, (cst.Call,)))  # type: ignore[arg-type]
    return frozenset(set_here - {""})


def _makes_context_var(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Call) and dotted_name(value.func).rpartition(".")[2] == "ContextVar"


def _sets_variable(call: cst.Call, variables: set[str]) -> str:
    """The variable `call` sets (`var.set(value)`), or ""."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "set" and isinstance(func.value, cst.Name) and func.value.value in variables:
        return func.value.value
    return ""


def _module_functions(body: list[cst.CSTNode]) -> Iterator[tuple[str, cst.FunctionDef]]:
    """The module's functions and its classes' methods, as a statement of the module calls
    them (`initialize`, `Manager.initialize`)."""
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            yield statement.name.value, statement
        elif isinstance(statement, cst.ClassDef):
            for member in iter_statements(statement.body.body):
                if isinstance(member, cst.FunctionDef):
                    yield f"{statement.name.value}.{member.name.value}", member


def _literal(value: cst.BaseExpression) -> object:
    """The value of `True`, `False`, `None`, a number or a plain string written out;
    `_NOT_LITERAL` for any other expression."""
    if isinstance(value, cst.Name):
        return _CONSTANT_TRUTH[value.value] if value.value in ("True", "False") else None if value.value == "None" else _NOT_LITERAL
    if isinstance(value, (cst.Integer, cst.Float)):
        return value.evaluated_value
    if isinstance(value, cst.SimpleString) and "b" not in value.prefix.lower():
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else _NOT_LITERAL
    return _NOT_LITERAL


_NOT_LITERAL = object()


def _bindings(statement: cst.CSTNode) -> list[tuple[str, cst.BaseExpression | None]]:
    """(name, value) for each plain name a statement binds; value None where the name is
    bound to no flag: an import, an augmented assignment, a `def` or `class`, a `for`
    target, a `with ... as` or `except ... as` name."""
    if isinstance(statement, cst.Assign):
        return [(target.target.value, statement.value) for target in statement.targets if isinstance(target.target, cst.Name)]
    if isinstance(statement, (cst.AnnAssign, cst.AugAssign)) and isinstance(statement.target, cst.Name):
        return [(statement.target.value, statement.value if isinstance(statement, cst.AnnAssign) else None)]
    if isinstance(statement, (cst.Import, cst.ImportFrom)) and not isinstance(statement.names, cst.ImportStar):
        return [(_bound_name(alias), None) for alias in statement.names]
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return [(statement.name.value, None)]
    targets: list[cst.BaseExpression] = []
    if isinstance(statement, cst.For):
        targets.append(statement.target)
    elif isinstance(statement, cst.With):
        targets.extend(item.asname.name for item in statement.items if item.asname is not None)
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        targets.extend(handler.name.name for handler in statement.handlers if handler.name is not None)
    return [(node.value, None) for target in targets for node in nodes_within(target, (cst.Name,))]  # type: ignore[attr-defined]


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value
    return name.value if isinstance(name, cst.Name) else ""
