"""Thread dispatch sites: a call that hands a callable of this module to a thread.

`thread_dispatch(facts, call)` recognises the APIs of `conclint.knowledge.threads` and
resolves the callable to a function of this module: `f`, `self.method`, `Class.method`,
`functools.partial(f, ...)`, or `lambda: f(...)`, or to a function imported from elsewhere
in the project (for the project index to judge). A builtin that consumes a lazy iterable,
`to_thread(sum, (f(x) for x in xs))` or `run_in_executor(None, list, map(f, xs))`, runs `f`
once per element on the thread: the target is `f`. Anything else (a parameter, a library
function, a callable object) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.scopes import Scope, bind_parameters, collect_bindings, dotted_name, instance_attributes, iter_statements
from conclint.analysis.symbols import annotated_type, resolve
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.threads import (
    CALLABLE_WRAPPERS,
    CONSUMING_CALLABLES,
    EXECUTOR_ARGUMENT_DISPATCH,
    LAZY_APPLY,
    DISPATCH_BY_METHOD_NAME,
    THREAD_DISPATCH,
    THREAD_EXECUTORS,
    ThreadDispatch,
)

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


@dataclass(frozen=True)
class DispatchSite:
    """`api` runs the function `target` on a thread; `wrapper` is "partial" or "lambda" when
    the callable wraps it, "map" or "generator" when a builtin consuming `map(target, ...)` or
    `(target(x) for x in ...)` is what runs, else "". `external`: `target` is not of this module but imported
    (its dotted name), which only a project index can judge."""

    api: ThreadDispatch
    target: str
    wrapper: str = ""
    external: bool = False


# The last component of every dispatch API's name: an attribute call named otherwise
# (`self.items.append(x)`) is not a dispatch, and needs no resolving. Plain names are always
# resolved, since `from threading import Thread as T` renames them.
_LAST_NAMES = frozenset(name.rpartition(".")[2] for name in THREAD_DISPATCH) | {
    method for _, method in EXECUTOR_ARGUMENT_DISPATCH
}
# Text some module must hold for one of its functions to hand a parameter to a thread
# (FunctionSummary.thread_parameters): the names of the dispatch APIs.
THREAD_DISPATCH_TOKENS = tuple(sorted(name.encode() for name in _LAST_NAMES | set(DISPATCH_BY_METHOD_NAME)))


def thread_dispatch(facts: FileFacts, call: cst.Call) -> DispatchSite | None:
    """The dispatch `call` makes, when it runs a function of this module on a thread."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value not in _LAST_NAMES:
        return None
    symbol = facts.resolve(func)
    if symbol is None and isinstance(func, cst.Attribute) and func.attr.value in DISPATCH_BY_METHOD_NAME:
        api = THREAD_DISPATCH.get(DISPATCH_BY_METHOD_NAME[func.attr.value])
    elif symbol is None or symbol.local or symbol.instance:
        return None
    else:
        api = THREAD_DISPATCH.get(symbol.qualname) or _executor_argument_api(symbol.qualname)
    if api is None or not runs_on_thread(facts, call, api):
        return None
    callable_ = call_argument(call, api.position, api.keyword)
    if callable_ is None:
        return None
    site = _local_target(facts, api, callable_, "")
    if site is None and api.position is not None:
        return _consumed_target(facts, api, callable_, call_argument(call, api.position + 1, None))
    return site


# How a target reached through a consumed lazy iterable is shown (DispatchSite.wrapper).
LAZY_WRAPPERS = frozenset({"map", "generator"})


def _consumed_target(
    facts: FileFacts, api: ThreadDispatch, callable_: cst.BaseExpression, iterable: cst.BaseExpression | None
) -> DispatchSite | None:
    """`list` handed `map(f, xs)`, `sum` handed `(f(x) for x in xs)`: the thread iterates
    the lazy iterable to its end, so the work it does is `f`, once per element."""
    consumer = facts.resolve(callable_)
    if consumer is None or consumer.local or consumer.instance or consumer.qualname not in CONSUMING_CALLABLES:
        return None
    if isinstance(iterable, cst.GeneratorExp) and isinstance(iterable.elt, cst.Call):
        return _local_target(facts, api, iterable.elt.func, "generator")
    if not isinstance(iterable, cst.Call):
        return None
    lazy = facts.resolve(iterable.func)
    if lazy is None or lazy.local or lazy.instance or lazy.qualname not in LAZY_APPLY:
        return None
    function = call_argument(iterable, LAZY_APPLY[lazy.qualname], None)
    return _local_target(facts, api, function, "map") if function is not None else None


def forwarded_dispatch(facts: FileFacts, call: cst.Call, api: ThreadDispatch) -> DispatchSite | None:
    """The dispatch `call` makes through a project function that hands one of its parameters
    to a thread (`api` names it: its position and keyword, FunctionSummary.thread_parameters),
    when what the call passes there is a function of this module or of the project."""
    callable_ = call_argument(call, api.position, api.keyword)
    return _local_target(facts, api, callable_, "") if callable_ is not None else None


def runs_on_thread(facts: FileFacts, call: cst.Call, api: ThreadDispatch) -> bool:
    """The executor `call` gives `api`, if it takes one, runs the callable on a thread."""
    if api.executor_keyword is not None:
        return _thread_pool(facts, call_argument(call, api.executor_position, api.executor_keyword))
    if api.executor_position is not None:
        return _runs_on_thread(facts, call_argument(call, api.executor_position, "executor"))
    return True


def _executor_argument_api(qualname: str) -> ThreadDispatch | None:
    """A library method that runs its callable on the executor it is given
    (`optimizer.minimize(f, executor=pool)` of nevergrad, whichever optimizer class)."""
    package, _, rest = qualname.partition(".")
    return EXECUTOR_ARGUMENT_DISPATCH.get((package, rest.rpartition(".")[2])) if rest else None


def _runs_on_thread(facts: FileFacts, executor: cst.BaseExpression | None) -> bool:
    """`run_in_executor(None, ...)` uses the loop's default thread pool."""
    if isinstance(executor, cst.Name) and executor.value == "None":
        return True
    return _thread_pool(facts, executor)


def _thread_pool(facts: FileFacts, executor: cst.BaseExpression | None) -> bool:
    """The executor is known to be a thread pool: `ThreadPoolExecutor()` by its binding, or
    a class attribute of this module holding one (`self.__class__._executor`, a pool the
    instances share), asked only here, where an executor is handed a callable."""
    if executor is None:
        return False
    symbol = facts.resolve(executor)
    if symbol is not None and symbol.instance and symbol.qualname in THREAD_EXECUTORS:
        return True
    return isinstance(executor, cst.Attribute) and class_attribute_type(facts, executor) in THREAD_EXECUTORS


def class_attribute_type(facts: FileFacts, attribute: cst.Attribute) -> str | None:
    """The known type of the class attribute `attribute` reads, for a class of this module:
    `Cls.X`, `self.__class__.X`, `type(self).X`, or `self.X` when no method sets `self.X` (the
    instance then reads the class's). Its annotation in the class body says (`X:
    Optional[ThreadPoolExecutor] = None`), else every value assigned to it there or through
    the class in a method (`cls.X = ...`, `self.__class__.X = ...`) must make the same type."""
    found = _class_of(facts, attribute.value, attribute.attr.value)
    if found is None:
        return None
    class_node, scope = found
    name = attribute.attr.value
    class_scope = Scope("class", scope.child_qualname(class_node.name.value), scope, class_node)
    collect_bindings(class_scope, class_node.body.body)
    values: list[tuple[cst.BaseExpression, Scope]] = []
    for statement in iter_statements(class_node.body.body):
        if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name) and statement.target.value == name:
            annotated = annotated_type(statement.annotation.annotation, class_scope)
            if annotated is not None:
                return annotated
            if statement.value is not None:
                values.append((statement.value, class_scope))
        elif isinstance(statement, cst.Assign) and any(_names(target.target, name) for target in statement.targets):
            values.append((statement.value, class_scope))
        elif isinstance(statement, cst.FunctionDef):
            values.extend(_assigned_through_class(statement, class_node, class_scope, name))
    types = {_instance_type(value, where) for value, where in values if not _is_none(value)}
    return types.pop() if len(types) == 1 else None


def _class_of(facts: FileFacts, owner: cst.BaseExpression, attr: str) -> tuple[cst.ClassDef, Scope] | None:
    """The class of this module whose attribute `owner.attr` reads, with the scope it is
    defined in; None when `owner` is not known to denote one (or, for an instance, when a
    method gives the instance an `attr` of its own)."""
    instance = False
    if isinstance(owner, cst.Attribute) and owner.attr.value == "__class__":
        owner, instance = owner.value, True
    elif isinstance(owner, cst.Call) and len(owner.args) == 1 and facts.qualified_name(owner.func) == "builtins.type":
        owner, instance = owner.args[0].value, True
    symbol = facts.resolve(owner)
    if symbol is None or not symbol.local or not isinstance(symbol.node, cst.ClassDef) or symbol.scope is None:
        return None
    if symbol.instance and not instance:
        # `self.X`: the class attribute only while no method assigns `self.X` itself.
        assigned = instance_attributes(symbol.node, symbol.scope).get(attr)
        if assigned is not None and assigned[1].kind != "class":
            return None
    elif symbol.instance != instance:
        return None
    return symbol.node, symbol.scope


def _assigned_through_class(
    method: cst.FunctionDef, class_node: cst.ClassDef, class_scope: Scope, name: str
) -> list[tuple[cst.BaseExpression, Scope]]:
    """The values `method` assigns to the class attribute `name`: `cls.name = ...` in a
    classmethod, `self.__class__.name = ...` or `type(self).name = ...` in an instance
    method, `Cls.name = ...` in any; each with the method's scope, made only if one is found."""
    params = [*method.params.posonly_params, *method.params.params]
    first = params[0].name.value if params else ""
    decorators = {dotted_name(decorator.decorator) for decorator in method.decorators}
    owners = {class_node.name.value}
    if first and "classmethod" in decorators:
        owners.add(first)
    elif first and "staticmethod" not in decorators:
        owners.update({f"{first}.__class__", f"type({first})"})
    values: list[cst.BaseExpression] = []
    for statement in iter_statements(method.body.body):
        if isinstance(statement, cst.Assign):
            targets = [target.target for target in statement.targets]
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        else:
            continue
        if any(isinstance(t, cst.Attribute) and t.attr.value == name and _owner_text(t.value) in owners for t in targets):
            values.append(statement.value)  # type: ignore[arg-type]
    if not values:
        return []
    assert class_scope.parent is not None
    # Like every function of a class body, the method sees the scope around the class.
    scope = Scope("function", class_scope.child_qualname(method.name.value), class_scope.parent, method)
    bind_parameters(scope, method.params, class_scope if "staticmethod" not in decorators and "classmethod" not in decorators else None)
    collect_bindings(scope, method.body.body)
    return [(value, scope) for value in values]


def _owner_text(owner: cst.BaseExpression) -> str:
    """`self.__class__`, `type(self)` or a plain name as text; "" for anything else."""
    if isinstance(owner, cst.Call) and len(owner.args) == 1 and dotted_name(owner.func) == "type":
        inner = dotted_name(owner.args[0].value)
        return f"type({inner})" if inner else ""
    return dotted_name(owner)


def _names(target: cst.BaseExpression, name: str) -> bool:
    return isinstance(target, cst.Name) and target.value == name


def _is_none(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _instance_type(value: cst.BaseExpression, scope: Scope) -> str | None:
    """The known type of what `value` makes, evaluated in `scope`; None when unknown."""
    symbol = resolve(value, scope)
    return symbol.qualname if symbol is not None and symbol.instance and not symbol.local else None


def _local_target(facts: FileFacts, api: ThreadDispatch, expression: cst.BaseExpression, wrapper: str) -> DispatchSite | None:
    if isinstance(expression, cst.Lambda):
        if wrapper or not isinstance(expression.body, cst.Call):
            return None
        return _local_target(facts, api, expression.body.func, "lambda")
    if isinstance(expression, cst.Call):
        inner = facts.resolve(expression.func)
        if wrapper or inner is None or inner.local or inner.qualname not in CALLABLE_WRAPPERS:
            return None
        first = call_argument(expression, 0, "func")
        return _local_target(facts, api, first, "partial") if first is not None else None
    if not isinstance(expression, (cst.Name, cst.Attribute)):
        return None
    symbol = facts.resolve(expression)
    if symbol is None or symbol.instance or isinstance(symbol.node, cst.ClassDef):
        return None
    if not symbol.local:
        if is_library_name(symbol.qualname) or symbol.qualname.startswith(("builtins.", ".")):
            return None
        return DispatchSite(api, symbol.qualname, wrapper, external=True)
    if isinstance(symbol.node, cst.FunctionDef) or symbol.node is None:
        return DispatchSite(api, symbol.qualname, wrapper)
    return None


def call_argument(call: cst.Call, position: int | None, keyword: str | None) -> cst.BaseExpression | None:
    """The argument at `position` or named `keyword`, if the call passes it plainly: a
    `*args` or `**kwargs` hides the positions from its own on, not those before it."""
    if keyword is not None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
    if position is not None:
        positional = []
        for arg in call.args:
            if arg.keyword is not None or arg.star:
                break
            positional.append(arg.value)
        if position < len(positional):
            return positional[position]
    return None
