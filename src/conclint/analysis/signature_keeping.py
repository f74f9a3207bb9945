"""Decorators of the project that keep the signature of the function they decorate.

A call of a function decorated with something of unknown effect is still followed into the
function's body, but its arguments are not bound to the parameters (the decorator may wrap the
function in one of another signature), so nothing the call passes decides a test in the body.
A decorator the project defines says what it returns: the function it was given (a registry,
shiny's `@add_example()` that only edits a docstring), a wrapper that hands that function its
own arguments unchanged (`def wrapper(*args, **kwargs): return func(*args, **kwargs)`), or,
called first, a nested function that does either. Its annotations may say it too, as type
checkers take them: `def deco(func: F) -> F`, a factory's `-> Callable[[F], F]`.
"""

from __future__ import annotations

import re

import libcst as cst

from conclint.syntax.traversal import nodes_within

_EMPTY_MODULE = cst.Module(body=[])


def keeps_signature(node: cst.FunctionDef, returned: list[str] | None, keepers: set[str]) -> bool:
    """Used as a decorator, or called to make one, `node` gives back a function whose
    parameters are those of the function it decorates. `returned`: the names its returns
    return (None when one returns anything else); `keepers`: its nested functions that keep
    the signature of what they are given."""
    if _annotated_as_identity(node):
        return True
    first = first_parameter(node)
    return bool(returned) and all(name == first or name in keepers for name in returned or ())


def forwards_arguments(node: cst.FunctionDef, wrapped: str) -> bool:
    """`node` is a wrapper that calls `wrapped` with the arguments it was given, unchanged:
    `def wrapper(*args, **kwargs)`, or with leading positional parameters passed on first
    (`def wrapper(self, *args, **kwargs): return wrapped(self, *args, **kwargs)`)."""
    params = node.params
    star = params.star_arg
    if params.kwonly_params or params.posonly_params or not isinstance(star, cst.Param) or params.star_kwarg is None:
        return False
    if any(param.default is not None for param in params.params):
        return False
    expected = [("", param.name.value) for param in params.params]
    expected += [("*", star.name.value), ("**", params.star_kwarg.name.value)]
    for call in nodes_within(node.body, (cst.Call,)):
        if isinstance(call.func, cst.Name) and call.func.value == wrapped:  # type: ignore[attr-defined]
            given = [(arg.star, arg.value.value if isinstance(arg.value, cst.Name) else None) for arg in call.args]  # type: ignore[attr-defined]
            if given == expected and all(arg.keyword is None for arg in call.args):  # type: ignore[attr-defined]
                return True
    return False


def first_parameter(node: cst.FunctionDef) -> str | None:
    """The name of the function's first positional parameter, None when it has none."""
    positional = [*node.params.posonly_params, *node.params.params]
    return positional[0].name.value if positional else None


def _annotated_as_identity(node: cst.FunctionDef) -> bool:
    """`def deco(func: F) -> F`, or a factory `def deco(...) -> Callable[[F], F]`."""
    if node.returns is None:
        return False
    returns = node.returns.annotation
    positional = [*node.params.posonly_params, *node.params.params]
    if isinstance(returns, cst.Name) and positional:
        annotation = positional[0].annotation
        given = annotation.annotation if annotation is not None else None
        return isinstance(given, cst.Name) and given.value == returns.value and _type_variable(returns.value)
    if not isinstance(returns, cst.Subscript) or _last_name(returns.value) != "Callable":
        return False
    match = _FACTORY.fullmatch(re.sub(r"\s+", "", _EMPTY_MODULE.code_for_node(returns)))
    return match is not None and match["given"] == match["made"] and _type_variable(match["made"])


def _last_name(node: cst.BaseExpression) -> str:
    return node.value if isinstance(node, cst.Name) else node.attr.value if isinstance(node, cst.Attribute) else ""


# `Callable[[F], F]` (`typing.Callable`, `collections.abc.Callable` too), blanks removed.
_FACTORY = re.compile(r"(?:[\w.]+\.)?Callable\[\[(?P<given>\w+)\],(?P<made>\w+)\]")


# Plain names that are no type variable: `(func: Callable) -> Callable` says nothing of the
# wrapper's parameters.
_NOT_TYPE_VARIABLES = frozenset({"Callable", "Any", "object", "type", "Type", "Awaitable", "Coroutine"})


def _type_variable(code: str) -> bool:
    """A plain name that stands for a type variable (`F`, `FuncT`), as far as syntax shows."""
    return code.isidentifier() and code not in _NOT_TYPE_VARIABLES
