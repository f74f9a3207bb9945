"""Resolve expressions to what they denote: a dotted library name, an instance of a known type,
or something defined in this module. Cheap enough to run on every call in the file."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst

from conclint.analysis.flow import reaching_binding, target_names
from conclint.analysis.scopes import (
    Binding,
    Scope,
    argument_for,
    base_init_call,
    bind_target,
    class_methods,
    declared_field,
    dotted_name,
    function_value,
    instance_attributes,
    is_instance_method,
    is_none,
    is_property,
    iter_statements,
    last_name,
    loop_binding,
    method_value,
    own_method,
    property_return,
)
from conclint.knowledge.libraries import is_library_name
from conclint.knowledge.types import (
    ANNOTATION_TYPES,
    ATTRIBUTE_RESULTS,
    CALL_RESULTS,
    ELEMENT_PRESERVING,
    EMPTY_BASES,
    ITERATION_RESULTS,
    KNOWN_TYPES,
    MAPPING_ANNOTATIONS,
    OPTIONAL_ANNOTATIONS,
    PATH_TYPES,
    STANDARD_STREAMS,
    SEQUENCE_ANNOTATIONS,
    SUBSCRIPT_RESULTS,
    UNKNOWN_IN_SUBCLASSES,
    canonical_name,
)

_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Symbol:
    """What an expression denotes.

    qualname: a dotted name (`time.sleep`, `requests.Session.get`), or for an instance the
    name of its type. `instance`: the expression is a value of that type. `local`: the name
    is defined in this module (`qualname` is then its path inside the module).
    """

    qualname: str
    instance: bool = False
    local: bool = False
    node: cst.CSTNode | None = None
    scope: Scope | None = None
    # `super()` in a method of the local class `qualname`: its members are the bases'.
    bases_only: bool = False


def resolve(expression: cst.CSTNode, scope: Scope, depth: int = 0) -> Symbol | None:
    """The symbol `expression` denotes when evaluated in `scope`, or None when unknown."""
    if depth > 20:
        return None
    if isinstance(expression, cst.Name):
        return _resolve_name(expression, scope, depth)
    if isinstance(expression, cst.Attribute):
        base = resolve(expression.value, scope, depth + 1)
        if base is None or (not base.instance and not base.local):
            base = _typed_by_project(base, expression, scope, depth + 1)
        return _member(base, expression.attr.value, depth + 1) if base is not None else None
    if isinstance(expression, cst.Call):
        func = expression.func
        if isinstance(func, cst.Subscript):
            # `Chan[Frame]()`: a generic class, subscripted, makes an instance of the class.
            return _call_result(_generic_class(func, scope, depth + 1))
        callee = resolve(func, scope, depth + 1)
        if callee is not None and callee.qualname == "builtins.super" and not expression.args:
            return _super(scope)
        if callee is not None and callee.qualname == "builtins.next" and len(expression.args) == 1:
            return _next_of(expression.args[0].value, scope, depth + 1)
        result = _call_result(callee, depth)
        if result is None and callee is not None and callee.local and callee.node is None and isinstance(func, cst.Attribute):
            return _method_result(func, scope, depth + 1)
        return result
    if isinstance(expression, cst.Subscript):
        base = resolve(expression.value, scope, depth + 1)
        if base is not None and base.instance and base.qualname in SUBSCRIPT_RESULTS:
            return Symbol(SUBSCRIPT_RESULTS[base.qualname], instance=True)
        if len(expression.slice) == 1 and isinstance(expression.slice[0].slice, cst.Index):
            return element_symbol(expression.value, scope, depth + 1, indexed=True)
        return None
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.Divide):
        base = resolve(expression.left, scope, depth + 1)
        if base is not None and base.instance and base.qualname in PATH_TYPES:
            return base
        return None
    if isinstance(expression, cst.IfExp):
        # `Path(root).resolve() if root is not None else Path.cwd().resolve()`: one type either way.
        body = resolve(expression.body, scope, depth + 1)
        if body is not None and body.instance and body == resolve(expression.orelse, scope, depth + 1):
            return body
        return None
    if isinstance(expression, cst.Await):
        return None
    return None


def _resolve_name(node: cst.Name, scope: Scope, depth: int) -> Symbol | None:
    """The binding that reaches this use of the name (conclint.analysis.flow), resolved."""
    binding = reaching_binding(node, scope)
    if binding is None:
        name = node.value
        return Symbol(f"builtins.{name}") if name in _BUILTINS else None
    return binding_symbol(binding, depth)


def binding_symbol(binding: Binding, depth: int = 0) -> Symbol | None:
    """What a binding denotes; assignments are resolved once, then remembered."""
    if binding.done:
        return binding.resolved  # type: ignore[return-value]
    if binding.resolving:
        return None
    binding.resolving = True
    try:
        symbol = _binding_symbol(binding, depth)
    finally:
        binding.resolving = False
    binding.resolved, binding.done = symbol, True
    return symbol


def _binding_symbol(binding: Binding, depth: int) -> Symbol | None:
    kind = binding.kind
    if kind == "import":
        return Symbol(binding.target)
    if kind in ("def", "class"):
        return Symbol(binding.target, local=True, node=binding.node, scope=binding.scope)
    if kind == "merge":
        # Where paths join: known only when every binding that may reach denotes the same.
        first = binding_symbol(binding.candidates[0], depth + 1)
        if first is None:
            return None
        same = all(binding_symbol(other, depth + 1) == first for other in binding.candidates[1:])
        return first if same else None
    if kind == "self" and binding.scope is not None:
        class_scope = binding.scope
        return Symbol(class_scope.qualname, instance=True, local=True, node=class_scope.node, scope=class_scope.parent)
    if kind == "assign" and binding.node is not None and binding.scope is not None:
        value = resolve(binding.node, binding.scope, depth + 1)
        if binding.entered and value is not None and value.local and value.instance:
            return _entered(value, depth + 1)
        return value
    if kind == "param" and binding.node is not None and binding.scope is not None:
        if binding.default is not None and _is_standard_stream(binding.default, binding.scope, depth):
            return None
        annotated = annotated_type(binding.node, binding.scope, depth + 1)
        if annotated is not None:
            return Symbol(annotated, instance=True)
        return annotated_class(binding.node, binding.scope, depth + 1)
    if kind == "element" and binding.node is not None and binding.scope is not None:
        return element_symbol(binding.node, binding.scope, depth + 1)
    if kind == "part" and isinstance(binding.node, cst.Call) and binding.scope is not None:
        return _returned_part(binding.node, binding.target, binding.scope, depth + 1)
    return None


def _returned_part(call: cst.Call, part: str, scope: Scope, depth: int) -> Symbol | None:
    """Part `index/count` of the tuple a factory of this module returns (`return model,
    tokenizer`), when it returns one tuple display of that length."""
    value = _called_value(call, scope, depth, yielded=False)
    index, _, count = part.partition("/")
    if value is None or not isinstance(value[0], (cst.Tuple, cst.List)) or len(value[0].elements) != int(count):
        return None
    element = value[0].elements[int(index)]
    return resolve(element.value, value[1], depth + 1) if isinstance(element, cst.Element) else None


def element_symbol(iterable: cst.CSTNode, scope: Scope, depth: int = 0, indexed: bool = False) -> Symbol | None:
    """What iterating over `iterable` yields (or, when `indexed`, what `iterable[i]` is),
    when every element is known to denote the same thing: a list, tuple or set display or a
    comprehension of such values (a dict's values when indexed), a container annotation
    (`list[X]`, `dict[K, V]`), `Path.iterdir()`-like calls, `sorted(...)` of those.
    None otherwise: an empty display, mixed elements, anything built by appending."""
    if depth > 20:
        return None
    if isinstance(iterable, cst.Name):
        binding = reaching_binding(iterable, scope)
        return _binding_elements(binding, depth + 1, indexed) if binding is not None else None
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        if any(not isinstance(element, cst.Element) for element in iterable.elements):
            return None
        return _same(resolve(element.value, scope, depth + 1) for element in iterable.elements)
    if isinstance(iterable, cst.Dict):
        if not indexed or any(not isinstance(element, cst.DictElement) for element in iterable.elements):
            return None
        return _same(resolve(element.value, scope, depth + 1) for element in iterable.elements)
    if isinstance(iterable, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return resolve(iterable.elt, comprehension_scope(iterable, scope), depth + 1)
    if isinstance(iterable, cst.DictComp):
        return resolve(iterable.value, comprehension_scope(iterable, scope), depth + 1) if indexed else None
    if isinstance(iterable, cst.Call):
        return _call_elements(iterable, scope, depth + 1)
    return None


def _call_elements(call: cst.Call, scope: Scope, depth: int) -> Symbol | None:
    func = call.func
    positional = [arg.value for arg in call.args if not arg.keyword and not arg.star]
    if isinstance(func, cst.Attribute) and func.attr.value == "values" and not call.args:
        return element_symbol(func.value, scope, depth, indexed=True)  # `d.values()`
    callee = resolve(func, scope, depth)
    if callee is None or callee.instance or callee.local:
        return None
    made = ITERATION_RESULTS.get(callee.qualname)
    if made is not None:
        return Symbol(made, instance=True)
    if callee.qualname in ELEMENT_PRESERVING and len(positional) == 1 and len(call.args) == 1:
        return element_symbol(positional[0], scope, depth)
    return None


def _binding_elements(binding: Binding, depth: int, indexed: bool) -> Symbol | None:
    """The elements of what a binding holds, remembered on it (merges share candidates)."""
    if binding.elements is None:
        binding.elements = {}
    elif indexed in binding.elements:
        return binding.elements[indexed]  # type: ignore[return-value]
    binding.elements[indexed] = None
    found = _compute_binding_elements(binding, depth, indexed)
    binding.elements[indexed] = found
    return found


def _compute_binding_elements(binding: Binding, depth: int, indexed: bool) -> Symbol | None:
    if binding.kind == "assign" and binding.node is not None and binding.scope is not None:
        found = element_symbol(binding.node, binding.scope, depth, indexed)
        if found is None and binding.annotation is not None:
            return _annotated_elements(binding.annotation, binding.scope, depth, indexed)
        return found
    if binding.kind == "param" and binding.node is not None and binding.scope is not None:
        return _annotated_elements(binding.node, binding.scope, depth, indexed)
    if binding.kind == "merge":
        return _same(_binding_elements(candidate, depth + 1, indexed) for candidate in binding.candidates)
    return None


def _annotated_elements(annotation: cst.BaseExpression, scope: Scope, depth: int, indexed: bool) -> Symbol | None:
    """`list[X]`, `Sequence[X]`, `set[X]`: X; `dict[K, V]`, `Mapping[K, V]` when indexed: V."""
    if isinstance(annotation, cst.SimpleString):
        try:
            annotation = cst.parse_expression(annotation.evaluated_value)  # type: ignore[arg-type]
        except (cst.ParserSyntaxError, TypeError):
            return None
    if not isinstance(annotation, cst.Subscript):
        return None
    base = resolve(annotation.value, scope, depth + 1)
    if base is None or base.instance:
        return None
    members = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
    if base.qualname in SEQUENCE_ANNOTATIONS and len(members) == 1:
        member = members[0]
    elif base.qualname in MAPPING_ANNOTATIONS and indexed and len(members) == 2:
        member = members[1]
    else:
        return None
    annotated = annotated_type(member, scope, depth + 1)
    return Symbol(annotated, instance=True) if annotated is not None else annotated_class(member, scope, depth + 1)


def _same(symbols: Iterable[Symbol | None]) -> Symbol | None:
    """The one symbol all of `symbols` are; None when one is unknown, they differ, or there
    are none."""
    first: Symbol | None = None
    for symbol in symbols:
        if symbol is None or (first is not None and symbol != first):
            return None
        first = first or symbol
    return first


def comprehension_scope(node: cst.BaseComp, scope: Scope) -> Scope:
    """The scope a comprehension's element is evaluated in: each `for` variable that is a
    plain name holds an element of its iterable (the first evaluated in `scope`)."""
    inner = Scope("comprehension", scope.qualname, scope, node)
    clause: cst.CompFor | None = node.for_in
    outer = scope
    while clause is not None:
        bind_target(inner, clause.target, loop_binding(clause.target, clause.iter, outer, clause.asynchronous is not None))
        outer = inner
        clause = clause.inner_for_in
    return inner


def annotated_class(annotation: cst.BaseExpression, scope: Scope, depth: int = 0) -> Symbol | None:
    """A value annotated with a class of this module or of the project (`db: Database`) is an
    instance of it, so its methods name the class's, whose summaries say what they do. Not
    for library classes: what their methods do is the catalogs' to say (`annotated_type`)."""
    if isinstance(annotation, cst.SimpleString):
        try:
            annotation = cst.parse_expression(annotation.evaluated_value)  # type: ignore[arg-type]
        except (cst.ParserSyntaxError, TypeError):
            return None
    if not isinstance(annotation, (cst.Name, cst.Attribute)):
        return None
    symbol = resolve(annotation, scope, depth + 1)
    if symbol is None or symbol.instance:
        return None
    if symbol.local:
        if not isinstance(symbol.node, cst.ClassDef):
            return None
        return Symbol(symbol.qualname, instance=True, local=True, node=symbol.node, scope=symbol.scope)
    if symbol.qualname.rpartition(".")[2][:1].isupper() and not is_library_name(symbol.qualname):
        return Symbol(symbol.qualname, instance=True)
    return None


def _entered(value: Symbol, depth: int) -> Symbol | None:
    """What `with value as x` binds when `value` is an instance of a class of this module: what
    its `__enter__` is annotated to return, or the instance when it returns `self`; the
    instance too when the class defines no `__enter__` (a base's returns self, as most do)."""
    found = _method(value.node, value.scope, "__enter__", depth)  # type: ignore[arg-type]
    if found is None:
        return value
    method, scope = found
    params = [*method.params.posonly_params, *method.params.params]
    if method.returns is not None:
        annotation = method.returns.annotation
        if isinstance(annotation, (cst.Name, cst.Attribute, cst.SimpleString)) and last_name(annotation) in ("Self", value.qualname.rpartition(".")[2]):
            return value
        annotated = annotated_type(annotation, scope, depth + 1)
        return Symbol(annotated, instance=True) if annotated is not None else annotated_class(annotation, scope, depth + 1)
    returns = [
        statement.value for statement in iter_statements(method.body.body) if isinstance(statement, cst.Return)
    ]
    if params and returns and all(isinstance(v, cst.Name) and v.value == params[0].name.value for v in returns):
        return value
    return None


def _method(class_node: cst.ClassDef, scope: Scope, name: str, depth: int) -> tuple[cst.FunctionDef, Scope] | None:
    """The `def name` of a class of this module or of its local bases (depth first, left to
    right), with the scope its annotations are evaluated in; None when none defines it."""
    found = _defining_class(class_node, scope, name, depth)
    return (found[0], found[1]) if found is not None else None


def _defining_class(
    class_node: cst.ClassDef, scope: Scope, name: str, depth: int
) -> tuple[cst.FunctionDef, Scope, cst.ClassDef] | None:
    """`_method`, with the class whose body has the `def`."""
    if depth > 20:
        return None
    own = own_method(class_node, name)
    if own is not None:
        return own, scope, class_node
    for argument in class_node.bases:
        base = resolve(argument.value, scope, depth + 1)
        if base is not None and base.local and isinstance(base.node, cst.ClassDef) and base.scope is not None:
            found = _defining_class(base.node, base.scope, name, depth + 1)
            if found is not None:
                return found
    return None


def property_getter(attribute: cst.Attribute, scope: Scope) -> str | None:
    """The qualified name of the getter that reading `obj.attr` runs, when `obj` is an
    instance of a class of this module (`self`, or `store = Store()`) and `attr` one of its
    `@property` or `cached_property` members, or of its bases of this module. None for any
    other read (an attribute, a method, an object of another module's class)."""
    found = _instance_method(attribute, scope, 0)
    if found is None or not is_property(found[0]):
        return None
    getter, defined_in, owner = found
    name = attribute.attr.value
    # With a setter or deleter (`@name.setter def name`), the summaries know one function by
    # that name, which may not be the getter.
    defs = [s for s in iter_statements(owner.body.body) if isinstance(s, cst.FunctionDef) and s.name.value == name]
    return f"{defined_in.child_qualname(owner.name.value)}.{name}" if defs == [getter] else None


def _instance_method(attribute: cst.Attribute, scope: Scope, depth: int) -> tuple[cst.FunctionDef, Scope, cst.ClassDef] | None:
    """The `def` that `obj.name` names when `obj` is an instance of a class of this module,
    found in the class or its bases of this module (`_defining_class`)."""
    instance = resolve(attribute.value, scope, depth + 1)
    if instance is None or not (instance.instance and instance.local) or instance.scope is None:
        return None
    if not isinstance(instance.node, cst.ClassDef):
        return None
    return _defining_class(instance.node, instance.scope, attribute.attr.value, depth + 1)


def _is_standard_stream(expression: cst.BaseExpression, scope: Scope, depth: int) -> bool:
    default = resolve(expression, scope, depth + 1)
    return default is not None and not default.instance and default.qualname in STANDARD_STREAMS


def annotated_type(annotation: cst.BaseExpression, scope: Scope, depth: int = 0) -> str | None:
    """The known type a value annotated with `annotation` has: `T`, `T | None`, `Optional[T]`,
    `Union[T, None]`, `IO[str]` and the same written as a string. None for anything else,
    including a union of two different types (which one the call reaches is unknown)."""
    if depth > 20:
        return None
    if isinstance(annotation, cst.SimpleString):
        try:
            parsed = cst.parse_expression(annotation.evaluated_value)  # type: ignore[arg-type]
        except (cst.ParserSyntaxError, TypeError):
            return None
        return annotated_type(parsed, scope, depth + 1)
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _one_type((annotation.left, annotation.right), scope, depth)
    if isinstance(annotation, cst.Subscript):
        base = resolve(annotation.value, scope, depth + 1)
        if base is None or base.instance:
            return None
        if base.qualname in OPTIONAL_ANNOTATIONS:
            members = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
            return _one_type(members, scope, depth)
        return ANNOTATION_TYPES.get(base.qualname)
    symbol = resolve(annotation, scope, depth + 1)
    if symbol is None or symbol.instance:
        return None
    if symbol.qualname in KNOWN_TYPES:
        return symbol.qualname
    return ANNOTATION_TYPES.get(symbol.qualname)


def _one_type(members: Sequence[cst.BaseExpression], scope: Scope, depth: int) -> str | None:
    """The one known type of a union's members besides None, or None."""
    types = {annotated_type(member, scope, depth + 1) for member in members if not is_none(member)}
    return types.pop() if len(types) == 1 else None


def _member(base: Symbol, attr: str, depth: int = 0) -> Symbol | None:
    """`base.attr`: a submodule or function of a module, a method or attribute of an instance."""
    path = f"{base.qualname}.{attr}"
    if not base.instance:
        # `requests.sessions.Session` reached through `import requests` is `requests.Session`.
        return Symbol(path, local=True) if base.local else Symbol(canonical_name(path))
    if base.local:
        return _local_instance_attribute(base, attr, depth)
    exact = ATTRIBUTE_RESULTS.get(path)
    if exact is not None:
        return Symbol(exact, instance=True)
    if path in CALL_RESULTS or _is_known_method(path):
        return Symbol(path)
    wildcard = ATTRIBUTE_RESULTS.get(f"{base.qualname}.*")
    if wildcard is not None and not attr.startswith("_"):
        return Symbol(wildcard, instance=True)
    return Symbol(path)


def member_of(base: Symbol, attr: str) -> Symbol | None:
    """`base.attr` (see `_member`), for a symbol made elsewhere: the type of an object a
    caller passes."""
    return _member(base, attr)


def _is_known_method(path: str) -> bool:
    from conclint.knowledge.blocking import blocking_catalog

    return path in blocking_catalog()


def _local_instance_attribute(base: Symbol, attr: str, depth: int) -> Symbol | None:
    """`self.attr` or `obj.attr` of a class of this module whose methods assign `self.attr = <expr>`
    (or whose body assigns `attr = <expr>`), resolved where that expression is evaluated;
    else what its bases give it (`self.get()` in a subclass of `queue.Queue`)."""
    if not isinstance(base.node, cst.ClassDef) or base.scope is None:
        return Symbol(f"{base.qualname}.{attr}", local=True)
    if not base.bases_only:
        found = _own_member(base.node, base.scope, base.qualname, attr, depth)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        passed = _passed_to_base(base.node, base.scope, attr, depth + 1)
        if passed is not None:
            return passed
    inherited = _inherited_member(base.node, base.scope, attr, depth + 1)
    if inherited is _MISSING or inherited is _UNCERTAIN:
        return None if base.bases_only else Symbol(f"{base.qualname}.{attr}", local=True)
    return inherited  # type: ignore[return-value]


# What a class lookup may answer besides a symbol: the class does not define the name, or a
# base it cannot see into (a library class no catalog describes) may.
_MISSING = object()
_UNCERTAIN = object()


def _own_member(class_node: cst.ClassDef, scope: Scope, qualname: str, attr: str, depth: int) -> object:
    assigned = instance_attributes(class_node, scope).get(attr)
    if assigned is not None:
        value, value_scope = assigned
        return resolve(value, value_scope, depth + 1)
    if attr in class_methods(class_node, scope):
        returned = property_return(class_node, scope, attr)
        if returned is not None:
            return resolve(returned[0], returned[1], depth + 1)
        return Symbol(f"{qualname}.{attr}", local=True)
    return _MISSING


def _passed_to_base(class_node: cst.ClassDef, scope: Scope, attr: str, depth: int) -> Symbol | None:
    """`self.attr` set by the base's `__init__` from what this class's `__init__` hands it:
    `super().__init__(requests.Session())` to a base of this module whose `__init__` does
    `self.client = client`, or `super().__init__(generator=SentenceTransformer(name))` for a
    field the class body declares (`generator: Any`: dataclass-like and pydantic bases set
    a field from the keyword of its name). Only a value of a known type; None otherwise."""
    if depth > 20:
        return None
    found = base_init_call(class_node, scope)
    if found is None:
        return None
    call, named_base, init_scope = found
    value = next((arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == attr), None)
    if value is None or not declared_field(class_node, attr):
        value = _base_parameter_argument(class_node, scope, call, named_base, attr, depth)
    symbol = resolve(value, init_scope, depth + 1) if value is not None else None
    return symbol if symbol is not None and symbol.instance else None


def _base_parameter_argument(
    class_node: cst.ClassDef, scope: Scope, call: cst.Call, named_base: cst.BaseExpression | None, attr: str, depth: int
) -> cst.BaseExpression | None:
    """The argument `call` gives the parameter that the base's `__init__` (a class of this
    module: the first base for `super()`) assigns to `self.attr` as it is (`self.x = x`)."""
    expression = named_base if named_base is not None else (class_node.bases[0].value if class_node.bases else None)
    base = resolve(expression, scope, depth + 1) if expression is not None else None
    if base is None or base.instance or not base.local or not isinstance(base.node, cst.ClassDef) or base.scope is None:
        return None
    init = _method(base.node, base.scope, "__init__", depth + 1)
    if init is None:
        return None
    params = init[0].params
    ordered = [*params.posonly_params, *params.params]
    self_name = ordered[0].name.value if ordered else ""
    statements = list(iter_statements(init[0].body.body))
    for statement in statements:
        if not isinstance(statement, cst.Assign) or not isinstance(statement.value, cst.Name):
            continue
        if f"{self_name}.{attr}" in (dotted_name(target.target) for target in statement.targets):
            name = statement.value.value
            # `client = client or Session()` first: the attribute is not the argument as given.
            rebound = any(name in _target_names(other) for other in statements)
            return None if rebound else argument_for(call, params, name)
    return None


def _target_names(statement: cst.CSTNode) -> set[str]:
    """The names an assignment statement binds (`x = ...`, `x, y = ...`, `x: T = ...`,
    `x += ...`)."""
    if isinstance(statement, cst.Assign):
        targets = [target.target for target in statement.targets]
    elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
        targets = [statement.target]
    else:
        return set()
    return {name for target in targets for name in target_names(target)}


def _inherited_member(class_node: cst.ClassDef, scope: Scope, attr: str, depth: int) -> object:
    """`attr` of the bases of a class of this module, in the order Python searches them
    (depth first, left to right, which the MRO follows unless bases are shared): from a
    local base that defines it, or from the one catalogued type (`queue.Queue`) a base is.
    _UNCERTAIN as soon as a base could define it unseen."""
    if depth > 20:
        return _UNCERTAIN
    for argument in class_node.bases:
        if argument.keyword is not None or argument.star:
            continue
        expression = argument.value.value if isinstance(argument.value, cst.Subscript) else argument.value
        base = resolve(expression, scope, depth + 1)
        if base is None or base.instance:
            return _UNCERTAIN
        if base.local:
            if not isinstance(base.node, cst.ClassDef) or base.scope is None:
                return _UNCERTAIN
            found = _own_member(base.node, base.scope, base.qualname, attr, depth)
            if found is _MISSING:
                found = _inherited_member(base.node, base.scope, attr, depth + 1)
            if found is not _MISSING:
                return found
            continue
        if base.qualname in EMPTY_BASES:
            continue
        made = CALL_RESULTS.get(base.qualname)
        if made is None or not (made == base.qualname or base.qualname.rpartition(".")[2][:1].isupper()):
            return _UNCERTAIN  # not a catalogued class (a factory function cannot be a base)
        member = _member(Symbol(made, instance=True), attr, depth + 1)
        if member is None or member.qualname in UNKNOWN_IN_SUBCLASSES:
            return _UNCERTAIN
        return member
    return _MISSING


def _super(scope: Scope) -> Symbol | None:
    """`super()` in a method of a class of this module: `self`, whose members come from the bases."""
    class_scope = scope.parent
    if scope.kind != "function" or class_scope is None or class_scope.kind != "class":
        return None
    if not isinstance(class_scope.node, cst.ClassDef) or class_scope.parent is None:
        return None
    return Symbol(class_scope.qualname, instance=True, local=True, node=class_scope.node, scope=class_scope.parent, bases_only=True)


def _generic_class(subscript: cst.Subscript, scope: Scope, depth: int) -> Symbol | None:
    """The class `Cls[T]` subscripts, when `Cls` is a class (of this module, or named as
    classes are); None for anything else (`handlers[name]()` calls an element)."""
    base = resolve(subscript.value, scope, depth + 1)
    if base is None or base.instance:
        return None
    if base.local:
        return base if isinstance(base.node, cst.ClassDef) else None
    return base if base.qualname.rpartition(".")[2][:1].isupper() else None


def _next_of(argument: cst.BaseExpression, scope: Scope, depth: int) -> Symbol | None:
    """`next(get_db())`: the value the generator function of this module yields."""
    value = _called_value(argument, scope, depth, yielded=True) if isinstance(argument, cst.Call) else None
    return resolve(value[0], value[1], depth + 1) if value is not None else None


def _called_value(call: cst.Call, scope: Scope, depth: int, yielded: bool) -> tuple[cst.BaseExpression, Scope] | None:
    """The one value the sync function of this module that `call` calls returns (or, with
    `yielded`, yields), with the scope to evaluate it in (`scopes.function_value`)."""
    callee = resolve(call.func, scope, depth + 1)
    if callee is None or not callee.local or not isinstance(callee.node, cst.FunctionDef) or callee.scope is None:
        return None
    return function_value(callee.node, callee.scope, yielded)


def _typed_by_project(base: Symbol | None, attribute: cst.Attribute, scope: Scope, depth: int) -> Symbol | None:
    """The receiver of `attribute` (`receiver.method`) as other modules of the project type
    it, through the hooks a project index gives the module scope: a global of another
    module (`clients.session`, or `session` imported from it) holding a library object or
    an instance of a project class, an element of one (`state.models[name]`), or what
    another module's factory made. `base` (what the receiver resolved to, or None) when
    none of them says more."""
    module = scope.module()
    if module.global_of is None and module.returns_of is None:
        return base  # no project index: nothing to ask
    method = attribute.attr.value
    receiver = attribute.value
    if base is not None:
        held = _imported_global(base, method, module)
        return Symbol(held[0], instance=True) if held is not None and held[0] else base
    if isinstance(receiver, cst.Subscript):
        container = resolve(receiver.value, scope, depth + 1)
        held = _imported_global(container, method, module) if container is not None else None
        return Symbol(held[1], instance=True) if held is not None and held[1] else None
    return _made_in_another_module(receiver, method, scope, depth)


def _imported_global(symbol: Symbol, method: str, module: Scope) -> tuple[str, str] | None:
    """What the global of another module of the project that `symbol` names holds, when a
    method `method` is called on it or its element (`ModuleSummary.globals`)."""
    if symbol.instance or symbol.local or module.global_of is None or is_library_name(symbol.qualname):
        return None
    return module.global_of(symbol.qualname, method)


def global_types(module: Scope) -> dict[str, tuple[Symbol | None, Symbol | None]]:
    """For each module-level name bound once, by an assignment or an annotation: what it
    holds and what its elements hold, when known (`ModuleSummary.globals`)."""
    found: dict[str, tuple[Symbol | None, Symbol | None]] = {}
    for name, binding in module.bindings.items():
        if binding.kind not in ("assign", "param") or name in module.rebound:
            continue
        held = binding_symbol(binding)
        element = _binding_elements(binding, 0, indexed=True)
        if held is not None or element is not None:
            found[name] = (held, element)  # type: ignore[assignment]
    return found


def _made_in_another_module(receiver: cst.BaseExpression, method: str, scope: Scope, depth: int) -> Symbol | None:
    """The receiver of `.method` when it is made by a function of another module of the
    project, `factory()` or `next(generator())`, called there or bound to the name
    (`db = next(database.get_db())`): the library type the project index says that function
    returns or yields. Asked only when nothing else typed the receiver, and answered only for
    a method some catalogued type has (`FileFacts._project_returns`)."""
    returns_of = scope.module().returns_of
    if returns_of is None:
        return None
    if isinstance(receiver, cst.Name):
        binding = reaching_binding(receiver, scope)
        if binding is None or binding.kind != "assign" or binding.scope is None:
            return None
        receiver, scope = binding.node, binding.scope  # type: ignore[assignment]
    if not isinstance(receiver, cst.Call):
        return None
    callee = resolve(receiver.func, scope, depth + 1)
    generator = callee is not None and callee.qualname == "builtins.next" and len(receiver.args) == 1
    if generator:
        inner = receiver.args[0].value
        callee = resolve(inner.func, scope, depth + 1) if isinstance(inner, cst.Call) else None
    if callee is None or callee.local or callee.instance or is_library_name(callee.qualname):
        return None
    found = returns_of(callee.qualname, method)
    return Symbol(found[0], instance=True) if found is not None and found[1] == generator else None


def _declared_return(function: cst.FunctionDef, scope: Scope, depth: int) -> Symbol | None:
    """What a sync function or method of this module is annotated to return, when that is a
    known library type (`def load(name) -> "SentenceTransformer":`, a cache that returns the
    model it made or the one it kept): the value its returns do not show."""
    if function.returns is None or function.asynchronous is not None:
        return None
    annotated = annotated_type(function.returns.annotation, scope, depth + 1)
    return Symbol(annotated, instance=True) if annotated is not None else None


def _method_result(method: cst.Attribute, scope: Scope, depth: int) -> Symbol | None:
    """What calling a method of an instance of a class of this module gives
    (`self._load_model(name)`): the one value the sync method returns, else what it is
    annotated to return (`_declared_return`)."""
    found = _instance_method(method, scope, depth)
    if found is None:
        return None
    function, defined_in, owner = found
    if is_instance_method(function) and not is_property(function):
        value = method_value(function, owner, defined_in)
        made = resolve(value[0], value[1], depth + 1) if value is not None else None
        if made is not None:
            return made
    return _declared_return(function, defined_in, depth)


def _call_result(callee: Symbol | None, depth: int = 0) -> Symbol | None:
    if callee is None:
        return None
    if callee.instance:
        # A factory object called (`SessionLocal()` of a sessionmaker): its `__call__` says.
        made = None if callee.local else CALL_RESULTS.get(f"{callee.qualname}.__call__")
        return Symbol(made, instance=True) if made is not None else None
    if callee.local:
        if isinstance(callee.node, cst.ClassDef):
            return Symbol(callee.qualname, instance=True, local=True, node=callee.node, scope=callee.scope)
        if isinstance(callee.node, cst.FunctionDef) and callee.scope is not None:
            # A factory of this module (`def make_session(): return requests.Session()`).
            value = function_value(callee.node, callee.scope, yielded=False)
            made = resolve(value[0], value[1], depth + 1) if value is not None else None
            return made if made is not None else _declared_return(callee.node, callee.scope, depth)
        return None
    result = CALL_RESULTS.get(callee.qualname)
    if result is not None:
        return Symbol(result, instance=True)
    # `Storage()` of a class imported from elsewhere in the project: an instance of it, so
    # that `Storage().archive()` names `app.storage.Storage.archive` for the project index.
    # Not for the standard library or the packages the catalogs describe: what their calls
    # return is known there, or deliberately left unknown.
    qualname = callee.qualname
    if qualname.rpartition(".")[2][:1].isupper() and not is_library_name(qualname):
        return Symbol(qualname, instance=True)
    return None


__all__ = ["Symbol", "resolve", "binding_symbol", "canonical_name", "member_of"]
