"""Callables sent to other processes, and why a child process could not load them.

`pickle` stores a function or class by reference: its module and qualified name, looked up
again in the child. A lambda has no such name, a function nested in another function (or a
class defined in one) cannot be looked up (`outer.<locals>.inner`), and a function defined
under `if __name__ == "__main__":` does not exist in a child started with spawn, which imports
the main module without running that block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.dispatch import call_argument
from conclint.analysis.process_factories import attribute_process_executor, factory_process_executor
from conclint.analysis.processes import callee_text, creation_forks, module_layout
from conclint.analysis.scopes import Scope
from conclint.analysis.symbols import Symbol, resolve
from conclint.knowledge import processes as catalog

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts

GUARD = 'if __name__ == "__main__":'
# An executor a class makes through a factory attribute is one of these when a subclass
# sets that attribute to the class (conclint.analysis.process_factories).
_PROCESS_EXECUTOR = "concurrent.futures.ProcessPoolExecutor"


@dataclass(frozen=True)
class ProcessDispatch:
    """`api` sends `callable` to a child process.

    `always_pickled`: pool tasks are pickled under every start method; a Process target or an
    initializer only under spawn and forkserver. `forks`: the process or pool was made from a
    `get_context("fork")` context, so nothing is pickled to start it.
    """

    callable: cst.BaseExpression
    api: str
    always_pickled: bool
    forks: bool


def process_dispatches(facts: FileFacts, call: cst.Call) -> list[ProcessDispatch]:
    """The callables `call` hands to child processes (stdlib pools, executors, Process)."""
    func = call.func
    found: list[ProcessDispatch] = []
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        if method == catalog.RUN_IN_EXECUTOR:
            executor = call_argument(call, 0, "executor")
            if executor is not None and _is_process_executor(facts, executor):
                _add(found, call, catalog.RUN_IN_EXECUTOR_DISPATCH, f"`{callee_text(func)}()`", False)
            return found
        receiver = facts.resolve(func.value)
        if receiver is not None and receiver.instance and not receiver.local:
            dispatch = catalog.POOL_DISPATCH.get(receiver.qualname, {}).get(method)
            if dispatch is not None:
                _add(found, call, dispatch, f"`{callee_text(func)}()`", creation_forks(facts, func.value))
                return found
        dispatch = catalog.POOL_DISPATCH[_PROCESS_EXECUTOR].get(method)
        if dispatch is not None and receiver is None:
            made_by = factory_process_executor(func.value, facts.scope)
            if made_by is not None:
                _add(found, call, dispatch, f"`{callee_text(func)}()` (a `{made_by}` makes a process pool)", False)
                return found
            assigned = attribute_process_executor(func.value, facts.scope)
            if assigned is not None:
                _add(found, call, dispatch, f"`{callee_text(func)}()` (the module sets {assigned})", False)
                return found
    symbol = facts.resolve(func)
    if symbol is None or symbol.local or symbol.instance:
        return found
    dispatches = catalog.CONSTRUCTOR_DISPATCH.get(symbol.qualname, ())
    if dispatches:
        forks = creation_forks(facts, call)
        for dispatch in dispatches:
            _add(found, call, dispatch, f"`{callee_text(func)}({dispatch.keyword}=...)`", forks)
    return found


def _add(found: list[ProcessDispatch], call: cst.Call, dispatch: catalog.Dispatch, api: str, forks: bool) -> None:
    argument = call_argument(call, dispatch.position, dispatch.keyword)
    if argument is not None:
        found.append(ProcessDispatch(argument, api, dispatch.always_pickled, forks))


def _is_process_executor(facts: FileFacts, expression: cst.BaseExpression) -> bool:
    symbol = facts.resolve(expression)
    return symbol is not None and symbol.instance and symbol.qualname in catalog.PROCESS_EXECUTOR_TYPES


@dataclass(frozen=True)
class Unpicklable:
    """Why a child process cannot load a callable.

    `subject` names it as the message starts (`a lambda`, "`inner`"), `reason` says why,
    `fix` what to do; `spawn_only` when only a spawned child fails (fork copies the parent,
    guard-defined functions included).
    """

    subject: str
    reason: str
    fix: str
    spawn_only: bool = False


_LAMBDA_FIX = "Define the function with `def` at module level and pass its name"


def unpicklable(facts: FileFacts, expression: cst.BaseExpression) -> Unpicklable | None:
    """Why the callable `expression` (evaluated in the current scope) cannot reach a child."""
    return _unpicklable(facts, expression, facts.scope, 0)


def _unpicklable(facts: FileFacts, expression: cst.BaseExpression, scope: Scope, depth: int) -> Unpicklable | None:
    if depth > 8:
        return None
    if isinstance(expression, cst.Lambda):
        return Unpicklable("a lambda", "pickle refers to a function by its importable name, and a lambda has none", _LAMBDA_FIX)
    if isinstance(expression, cst.Name):
        binding = scope.lookup(expression.value)
        if binding is None:
            return None
        if binding.kind == "assign" and binding.node is not None and binding.scope is not None:
            inner = _unpicklable(facts, binding.node, binding.scope, depth + 1)  # type: ignore[arg-type]
            if inner is not None and isinstance(binding.node, cst.Lambda):
                return Unpicklable(
                    f"`{expression.value}`",
                    "it is bound to a lambda, and pickle refers to a function by its importable name, "
                    "which a lambda does not have (its name is `<lambda>`)",
                    f"Define `{expression.value}` with `def` at module level",
                )
            return inner
        if binding.kind in ("def", "class"):
            return _definition(facts, expression.value, binding.target, binding.node, "")
        return None
    if isinstance(expression, cst.Call):
        callee = resolve(expression.func, scope)
        if callee is not None and not callee.local and callee.qualname in catalog.PARTIAL:
            wrapped = call_argument(expression, 0, "func")
            inner = _unpicklable(facts, wrapped, scope, depth + 1) if wrapped is not None else None
            if inner is not None:
                return Unpicklable(f"`functools.partial` of {inner.subject}", inner.reason, inner.fix, inner.spawn_only)
            return None
        made = resolve(expression, scope)
        if made is not None and made.local and made.instance:
            return _instance(facts, made, f"`{callee_text(expression.func)}()`")
        return None
    if isinstance(expression, cst.Attribute):
        owner = resolve(expression.value, scope)
        if owner is None or not owner.local or not isinstance(owner.node, cst.ClassDef):
            return None
        text = callee_text(expression)
        found = _definition(facts, owner.node.name.value, owner.qualname, owner.node, f"`{text}`")
        if found is None:
            return None
        kind = "a method of" if owner.instance or _defines_method(owner.node, expression.attr.value) else "an attribute of"
        return Unpicklable(f"`{text}`", f"it is {kind} {found.reason.removeprefix('it is ')}", found.fix, found.spawn_only)
    return None


def _definition(facts: FileFacts, name: str, qualname: str, node: cst.CSTNode | None, subject: str) -> Unpicklable | None:
    """A def or class of this module that a child cannot look up by name."""
    what = "class" if isinstance(node, cst.ClassDef) else "function"
    subject = subject or f"`{name}`"
    if "<locals>" in qualname:
        outer = qualname.split(".<locals>.")[0]
        return Unpicklable(
            subject,
            f"it is the {what} `{name}` defined inside `{outer}()`, which a child process cannot import",
            f"Move `{name}` to module level and pass what it uses from `{outer}()` as arguments "
            "(`functools.partial` of a module-level function pickles fine)",
        )
    if node is not None and id(node) in module_layout(facts).guard_defined:
        return Unpicklable(
            subject,
            f"it is the {what} `{name}` defined under `{GUARD}`, which a child process started with "
            "spawn does not run, so the child cannot find it",
            f"Define `{name}` at module level, above the `{GUARD}` block",
            spawn_only=True,
        )
    return None


def _instance(facts: FileFacts, made: Symbol, subject: str) -> Unpicklable | None:
    node = made.node
    if not isinstance(node, cst.ClassDef):
        return None
    found = _definition(facts, node.name.value, made.qualname, node, subject)
    if found is None:
        return None
    return Unpicklable(subject, f"it is an instance of {found.reason.removeprefix('it is ')}", found.fix, found.spawn_only)


def _defines_method(node: cst.ClassDef, name: str) -> bool:
    return any(isinstance(statement, cst.FunctionDef) and statement.name.value == name for statement in node.body.body)
