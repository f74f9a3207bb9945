"""Executors a class holds in an attribute, known to be process pools elsewhere in the module.

A strategy class often names its executor's class in a class attribute and calls it in a
method (`executor_factory = Executor` ... `self.executor_factory()`), and a subclass picks the
pool (`executor_factory = ProcessPoolExecutor`). The base class's methods then run with a
process pool whenever that subclass is used, so a callable they submit is pickled.
`factory_process_executor` finds such a subclass in the module for the receiver of a
`submit`/`map` call, following the object back to the call that made it, through methods of
the class that return `self.<factory>()`. `attribute_process_executor` finds, for
`self.<attr>.submit(...)`, an assignment of a `ProcessPoolExecutor()` to that attribute: in a
method of the class, or at module level on an instance of it (`bank.executor =
ProcessPoolExecutor()`), which makes every method using the attribute send work to processes.
"""

from __future__ import annotations

from typing import Callable, Sequence

import libcst as cst

from conclint.analysis.process_objects import origin_call
from conclint.analysis.scopes import Scope, dotted_name, iter_statements, own_method
from conclint.analysis.symbols import resolve
from conclint.knowledge import processes as catalog

# Methods followed from the call that made the executor to the factory it calls.
_MAX_METHODS = 4


def factory_process_executor(receiver: cst.BaseExpression, scope: Scope) -> str | None:
    """The name of a class of this module that makes `receiver` (evaluated in `scope`, a
    method's) a process pool executor: the method's class or a subclass of it whose body
    sets the factory attribute the object was made with to a process pool executor class,
    and which (nor any class between) overrides the methods the object came through. None
    otherwise."""
    origin = origin_call(receiver, scope)
    if origin is None:
        return None
    found = _factory_attribute(*origin)
    if found is None:
        return None
    owner, attribute, methods = found
    module = owner.parent
    if module is None or not isinstance(owner.node, cst.ClassDef) or not isinstance(module.node, cst.Module):
        return None
    enclosing = _enclosing_method(scope)
    if enclosing is not None:
        methods = (*methods, enclosing)
    for cls in _family(owner.node, module.node, methods):
        value = _class_attribute(cls, attribute)
        if value is not None and _is_process_executor_class(value, module):
            return cls.name.value
    return None


def _factory_attribute(call: cst.Call, scope: Scope) -> tuple[Scope, str, tuple[str, ...]] | None:
    """For `self.<name>()` called with no arguments in a method: the class's scope, the
    attribute that holds the factory (a method of the class returning `self.<other>()` is
    followed to `other`), and the methods followed on the way."""
    func = call.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name) or call.args:
        return None
    binding = scope.lookup(func.value.value)
    if binding is None or binding.kind != "self" or binding.scope is None:
        return None
    owner = binding.scope
    if not isinstance(owner.node, cst.ClassDef):
        return None
    name = func.attr.value
    followed: list[str] = []
    for _ in range(_MAX_METHODS):
        method = own_method(owner.node, name)
        if method is None:
            return owner, name, tuple(followed)
        returned = _returned_self_call(method)
        if returned is None:
            return None
        followed.append(name)
        name = returned
    return None


def _returned_self_call(method: cst.FunctionDef) -> str | None:
    """`other` when the method's only return is `return self.other()` (no arguments)."""
    params = [*method.params.posonly_params, *method.params.params]
    if not params or method.decorators:
        return None
    returns = [s for s in iter_statements(method.body.body) if isinstance(s, cst.Return)]
    if len(returns) != 1 or not isinstance(returns[0].value, cst.Call) or returns[0].value.args:
        return None
    func = returns[0].value.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == params[0].name.value:
        return func.attr.value
    return None


def _enclosing_method(scope: Scope) -> str | None:
    """The name of the method of the class that `scope` (a function, maybe nested) runs in."""
    current: Scope | None = scope
    while current is not None and current.parent is not None:
        if current.parent.kind == "class" and isinstance(current.node, cst.FunctionDef):
            return current.node.name.value
        current = current.parent
    return None


def _family(base: cst.ClassDef, module: cst.Module, methods: tuple[str, ...]) -> list[cst.ClassDef]:
    """`base` and the classes at the module's top level deriving from it, at any depth, that
    inherit `methods` from it: a class overriding one of them (and its subclasses) runs its
    own code, not the method judged."""
    classes = [s for s in iter_statements(module.body) if isinstance(s, cst.ClassDef)]
    family = [base]
    pending = True
    while pending:
        pending = False
        for cls in classes:
            if cls in family or any(own_method(cls, name) is not None for name in methods):
                continue
            if any(_names_class(arg.value, family) for arg in cls.bases if arg.keyword is None and not arg.star):
                family.append(cls)
                pending = True
    return family


def _names_class(expression: cst.BaseExpression, classes: list[cst.ClassDef]) -> bool:
    return isinstance(expression, cst.Name) and any(cls.name.value == expression.value for cls in classes)


def _class_attribute(cls: cst.ClassDef, name: str) -> cst.BaseExpression | None:
    """The value the class body assigns to `name` (`executor_factory = ProcessPoolExecutor`)."""
    for statement in iter_statements(cls.body.body):
        if isinstance(statement, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value == name for t in statement.targets
        ):
            return statement.value
        if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name) and statement.target.value == name:
            return statement.value
    return None


def _is_process_executor_class(value: cst.BaseExpression, module: Scope) -> bool:
    """`value` names a process pool executor class (not an instance), resolved at module level."""
    symbol = resolve(value, module)
    return symbol is not None and not symbol.instance and not symbol.local and symbol.qualname in catalog.PROCESS_EXECUTOR_TYPES


def attribute_process_executor(receiver: cst.BaseExpression, scope: Scope) -> str | None:
    """For `receiver` = `self.<attr>` in a method: how the module makes that attribute a
    process pool executor (`` `bank.executor = ProcessPoolExecutor()` ``), when a method of
    the class assigns it `self.<attr> = ProcessPoolExecutor(...)` or a module-level statement
    assigns it on an instance of the class. None otherwise."""
    if not isinstance(receiver, cst.Attribute) or not isinstance(receiver.value, cst.Name):
        return None
    binding = scope.lookup(receiver.value.value)
    if binding is None or binding.kind != "self" or binding.scope is None:
        return None
    owner, module = binding.scope, binding.scope.parent
    if not isinstance(owner.node, cst.ClassDef) or module is None or not isinstance(module.node, cst.Module):
        return None
    attribute = receiver.attr.value
    for method in iter_statements(owner.node.body.body):
        if isinstance(method, cst.FunctionDef):
            params = [*method.params.posonly_params, *method.params.params]
            if params:
                found = _assigned_executor(method.body.body, attribute, module, lambda name: name == params[0].name.value)
                if found is not None:
                    return found
    return _assigned_executor(module.node.body, attribute, module, lambda name: _instance_of(name, owner.node, module))


def _assigned_executor(
    statements: Sequence[cst.CSTNode], attribute: str, module: Scope, is_owner: Callable[[str], bool]
) -> str | None:
    """The first `<name>.<attribute> = <a ProcessPoolExecutor() call>` among `statements`
    (blocks entered, defs not) whose `<name>` `is_owner` accepts, as the source spells it."""
    for statement in iter_statements(statements):
        if not isinstance(statement, cst.Assign) or not isinstance(statement.value, cst.Call):
            continue
        for target in statement.targets:
            node = target.target
            if (
                isinstance(node, cst.Attribute)
                and node.attr.value == attribute
                and isinstance(node.value, cst.Name)
                and is_owner(node.value.value)
            ):
                symbol = resolve(statement.value, module)
                if symbol is not None and symbol.instance and not symbol.local and symbol.qualname in catalog.PROCESS_EXECUTOR_TYPES:
                    shown = dotted_name(statement.value.func) or "ProcessPoolExecutor"
                    return f"`{node.value.value}.{attribute} = {shown}()`"
    return None


def _instance_of(name: str, cls: cst.ClassDef, module: Scope) -> bool:
    """`name`, at module level, holds an instance of the module's class `cls`."""
    symbol = resolve(cst.Name(name), module)
    return symbol is not None and symbol.instance and symbol.local and symbol.node is cls
