"""Parameters that carry a callable into a child process, followed through helper functions.

`def run(fn): Process(target=fn).start()` sends its parameter `fn` to a child process, so a
caller writing `run(inner)`, `inner` a function nested in the caller, sends `inner`, which
pickle cannot look up in the child. `ParameterDispatches` is fed, while a rule walks the
module, with the dispatches it meets (`process_dispatches`) and the calls of the module's
own functions; once the module is walked, `sent_through` says which calls pass an
unpicklable callable into a parameter that reaches a dispatch, directly or through other
functions of the module that pass the parameter on.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.pickling import ProcessDispatch, Unpicklable, unpicklable
from conclint.analysis.process_display import function_display
from conclint.analysis.scopes import Scope
from conclint.knowledge import processes as catalog

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts

# How many functions a parameter may be passed through before the search gives up.
MAX_HELPERS = 5

# A parameter of a function of this module: (function qualname, parameter name).
Parameter = tuple[str, str]


@dataclass(frozen=True)
class HelperCall:
    """A call that passes the unpicklable `callable` to `parameter` of a function of the
    module; `statement` is the statement holding the call, for suppression comments."""

    callable: cst.BaseExpression
    problem: Unpicklable
    parameter: Parameter
    statement: cst.CSTNode | None


@dataclass(frozen=True)
class SentThrough:
    """A helper call that reaches a dispatch: the dispatch, and the functions from the helper
    called down to the one that makes the dispatch."""

    call: HelperCall
    dispatch: ProcessDispatch
    chain: tuple[str, ...]

    @property
    def api(self) -> str:
        """The dispatch as a message shows it: "`Process(target=...)` in `run()`"."""
        return f"{self.dispatch.api} in {' -> '.join(f'`{function_display(name)}()`' for name in self.chain)}"


class ParameterDispatches:
    """What one module's functions do with the parameters they are given, for CCL303."""

    def __init__(self) -> None:
        self._sends: dict[Parameter, ProcessDispatch] = {}
        self._passes: dict[Parameter, list[Parameter]] = {}
        self._calls: list[HelperCall] = []

    def dispatch(self, facts: FileFacts, dispatch: ProcessDispatch) -> None:
        """A dispatch met in the walk: when it sends a parameter of the enclosing function,
        that parameter is sent."""
        callable_ = dispatch.callable
        if isinstance(callable_, cst.Call):
            wrapper = facts.resolve(callable_.func)
            if wrapper is None or wrapper.local or wrapper.qualname not in catalog.PARTIAL:
                return
            callable_ = call_argument(callable_, 0, "func")  # functools.partial(fn, ...)
        parameter = _parameter_of(facts.scope, callable_) if callable_ is not None else None
        if parameter is not None and not dispatch.forks:
            self._sends.setdefault(parameter, dispatch)

    def call(self, facts: FileFacts, call: cst.Call) -> None:
        """A call met in the walk: the parameters of the enclosing function it passes on, and
        the unpicklable callables it passes, when it calls a function of the module."""
        arguments = [arg for arg in call.args if isinstance(arg.value, _CARRIERS)]
        if not arguments:
            return
        callee = _callee(facts, call)
        if callee is None:
            return
        qualname, slots = callee
        for arg in arguments:
            slot = _slot(call, arg, slots)
            if slot is None:
                continue
            target = (qualname, slot)
            passed = _parameter_of(facts.scope, arg.value)
            if passed is not None:
                self._passes.setdefault(passed, []).append(target)
                continue
            problem = unpicklable(facts, arg.value)
            if problem is not None:
                self._calls.append(HelperCall(arg.value, problem, target, facts.current_statement))

    def sent_through(self) -> list[SentThrough]:
        """The helper calls whose callable reaches a dispatch, once the module is walked."""
        found = []
        for call in self._calls:
            reached = self._reach(call.parameter)
            if reached is not None:
                found.append(SentThrough(call, *reached))
        return found

    def _reach(self, start: Parameter) -> tuple[ProcessDispatch, tuple[str, ...]] | None:
        """The dispatch `start` flows into, breadth first over the parameters it is passed
        on to, and the functions on the way."""
        parents: dict[Parameter, Parameter | None] = {start: None}
        pending = deque([(start, 1)])
        while pending:
            parameter, depth = pending.popleft()
            dispatch = self._sends.get(parameter)
            if dispatch is not None:
                chain = [parameter[0]]
                step = parents[parameter]
                while step is not None:
                    chain.append(step[0])
                    step = parents[step]
                return dispatch, tuple(reversed(chain))
            if depth >= MAX_HELPERS:
                continue
            for following in self._passes.get(parameter, ()):
                if following not in parents:
                    parents[following] = parameter
                    pending.append((following, depth + 1))
        return None


# The arguments that can carry a callable on, tested before anything is resolved: names,
# lambdas, attributes (`self.method`) and calls (`functools.partial`, a local class's instance).
_CARRIERS = (cst.Name, cst.Lambda, cst.Call, cst.Attribute)


def _parameter_of(scope: Scope, value: cst.BaseExpression) -> Parameter | None:
    """(function, name) when `value` is a plain parameter of an enclosing function, looked
    up the way Python does (comprehension scopes are transparent)."""
    if not isinstance(value, cst.Name):
        return None
    current: Scope | None = scope
    while current is not None and current.kind != "module":
        binding = current.bindings.get(value.value)
        if binding is not None:
            return (current.qualname, value.value) if binding.kind == "param" else None
        if current.kind == "class":
            return None
        current = current.parent
    return None


def _callee(facts: FileFacts, call: cst.Call) -> tuple[str, tuple[list[str], set[str]]] | None:
    """The function of this module `call` calls, with the names of the parameters its
    positional arguments fill (the instance left out for `self.method(...)`) and the names
    its keywords may use. Only plain calls `f(...)` and methods on `self`."""
    func = call.func
    if isinstance(func, cst.Attribute):
        # `self.method(...)`: the method as its class body defines it.
        receiver = facts.scope.lookup(func.value.value) if isinstance(func.value, cst.Name) else None
        if receiver is None or receiver.kind != "self" or receiver.scope is None:
            return None
        binding = receiver.scope.bindings.get(func.attr.value)
        if binding is None or binding.kind != "def" or not isinstance(binding.node, cst.FunctionDef):
            return None
        qualname, node, bound = binding.target, binding.node, True
    elif isinstance(func, cst.Name):
        symbol = facts.resolve(func)
        if symbol is None or not symbol.local or symbol.instance or not isinstance(symbol.node, cst.FunctionDef):
            return None
        qualname, node, bound = symbol.qualname, symbol.node, False
    else:
        return None
    params = node.params
    positional = [param.name.value for param in (*params.posonly_params, *params.params)]
    if bound:
        positional = positional[1:]
    keywords = {param.name.value for param in (*params.params, *params.kwonly_params)}
    return qualname, (positional, keywords)


def _slot(call: cst.Call, arg: cst.Arg, slots: tuple[list[str], set[str]]) -> str | None:
    """The parameter `arg` fills: by keyword, or by its position among the positional
    arguments before any `*args`."""
    positional, keywords = slots
    if arg.keyword is not None:
        return arg.keyword.value if arg.keyword.value in keywords else None
    index = 0
    for other in call.args:
        if other.star or other.keyword is not None:
            return None
        if other is arg:
            return positional[index] if index < len(positional) else None
        index += 1
    return None
