"""The type a class attribute holds, for a class of this module: what `self.__class__._pool`
or `Cls._pool` reads when the instances share one object the class keeps (CCL406 asks it of
an executor handed a callable: livekit's decoder keeps its `ThreadPoolExecutor` so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.analysis.scopes import Scope, bind_parameters, collect_bindings, dotted_name, instance_attributes, is_none, iter_statements
from conclint.analysis.symbols import annotated_type, resolve

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts


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
    types = {_instance_type(value, where) for value, where in values if not is_none(value)}
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


def _instance_type(value: cst.BaseExpression, scope: Scope) -> str | None:
    """The known type of what `value` makes, evaluated in `scope`; None when unknown."""
    symbol = resolve(value, scope)
    return symbol.qualname if symbol is not None and symbol.instance and not symbol.local else None
