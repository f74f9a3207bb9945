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

from conclint.analysis.class_attributes import class_attribute_type
from conclint.analysis.flow import assigned_here
from conclint.analysis.scopes import is_none
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
    the lazy iterable to its end, so the work it does is `f`, once per element. The iterable
    may be written there or bound to a local name first (`it = map(f, xs)`)."""
    consumer = facts.resolve(callable_)
    if consumer is None or consumer.local or consumer.instance or consumer.qualname not in CONSUMING_CALLABLES:
        return None
    if isinstance(iterable, cst.Name):
        iterable = assigned_here(iterable, facts.scope)
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
    if is_none(executor):
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
