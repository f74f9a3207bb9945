"""Scopes and bindings, found by a statement-level pre-scan of each scope's body.

Python decides at compile time which names are local to a function, so a scope's bindings
are collected when the scope is entered (walking statements only, never expressions or
nested definitions), and names then resolve through the chain of enclosing scopes.
"""

from __future__ import annotations

import ast
import bisect

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import libcst as cst

from conclint.knowledge.types import canonical_name
from conclint.syntax.node_types import SMALL_STATEMENTS
from conclint.syntax.parsing import cpython_tree
from conclint.syntax.traversal import nodes_within


@dataclass(eq=False)
class Binding:
    """What a name is bound to in one scope.

    kind: "import" (target is the imported dotted name), "def" / "class" (node is the
    definition), "assign" (node is the assigned expression, resolved lazily), "self"
    (the first parameter of a method; scope is the class scope), "param" (node is the
    annotation, if any), "element" (node is an iterable, the name one of its elements: a
    `for` variable), "part" (node is a call, the name the part `target`, "index/count", of
    the tuple it returns: `model, tokenizer = load(name)`), "merge" (one of `candidates`,
    where control flow joins), or "other" (bound to something we do not track).

    site: the id of the statement (or `except` handler) that binds the name, 0 for a
    parameter; the flow pass (conclint.analysis.flow) finds a statement's bindings by it.
    """

    kind: str
    target: str = ""
    node: cst.CSTNode | None = None
    scope: Scope | None = None
    resolved: object = None
    resolving: bool = False
    done: bool = False
    site: int = 0
    candidates: tuple[Binding, ...] = ()
    # A parameter's default value: an `IO` parameter defaulting to `sys.stderr` is a terminal
    # stream at least as often as a file.
    default: cst.BaseExpression | None = None
    # `with X as x`: x is what X's `__enter__` returns (X itself, unless a class of this
    # module says otherwise).
    entered: bool = False
    # What iterating over (False) or subscripting (True) the bound value gives, once known;
    # None while being computed, so that a cycle is unknown.
    elements: dict[bool, object] | None = None
    # `x: dict[str, Session] = {}`: the annotation of an assignment, which tells what the
    # elements of a value built empty will be.
    annotation: cst.BaseExpression | None = None


@dataclass(eq=False)
class Scope:
    """A namespace: module, class, function, lambda or comprehension."""

    kind: str
    qualname: str
    parent: Scope | None
    node: cst.CSTNode | None = None
    is_async: bool = False
    bindings: dict[str, Binding] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    class_attributes: dict[int, dict[str, tuple[cst.BaseExpression, Scope]]] = field(default_factory=dict)
    class_methods: dict[int, frozenset[str]] = field(default_factory=dict)
    # On the module scope: per class, whether its `__new__` returns an instance it keeps.
    kept_instances: dict[int, bool] = field(default_factory=dict)
    # On the module scope: per function, what its own body stores in `self` attributes (the
    # value and the statement's index), by attribute.
    stored_parameters: dict[int, dict[str, tuple[cst.BaseExpression, int]]] = field(default_factory=dict)
    base_inits: dict[int, tuple[cst.Call, cst.BaseExpression | None, Scope] | None] = field(default_factory=dict)
    properties: dict[tuple[int, str], tuple[cst.BaseExpression, Scope] | None] = field(default_factory=dict)
    class_assignments: dict[int, Counter[str]] = field(default_factory=dict)
    # On the module scope: what each function returns or yields (`function_value`).
    function_values: dict[tuple[int, bool], tuple[cst.BaseExpression, Scope] | None] = field(default_factory=dict)
    # On the module scope, with a project index: the library type a function of another
    # module returns (or, a generator, yields), asked only for a receiver of a method of that
    # name some catalogued type has: (function, method) -> (type, is a generator) or None.
    returns_of: Callable[[str, str], tuple[str, bool] | None] | None = None
    # Likewise, what a global of another module holds and its elements hold (`ModuleSummary.
    # globals`): (global, method) -> (type, element type) or None.
    global_of: Callable[[str, str], tuple[str, str] | None] | None = None
    # Every binding of a name bound more than once (`x = None` left out), in source order:
    # which one a use sees is decided by the flow pass, computed on first need into `flow`.
    rebound: dict[str, list[Binding]] = field(default_factory=dict)
    flow: object = None
    # On the module scope: the qualified names of the scopes where `:=` binds a name (the
    # module's is ""), whose pre-scan looks into expressions too (`walrus_scopes`).
    walrus: frozenset[str] = frozenset()

    def bind(self, name: str, binding: Binding, fallback: bool = False) -> None:
        """Record a binding; `x = None` never hides a real binding of the same name (the
        `try: import x / except ImportError: x = None` idiom), nor does a `fallback`: a
        binding an `except ImportError:` handler makes for a name its `try` imported."""
        previous = self.bindings.get(name)
        if binding.kind == "assign" and is_none(binding.node):
            if previous is None:
                self.bindings[name] = binding
            return
        if previous is not None and not _is_none_binding(previous):
            self.rebound.setdefault(name, [previous]).append(binding)
            if fallback and previous.kind == "import":
                return
        self.bindings[name] = binding

    def lookup(self, name: str) -> Binding | None:
        """The binding `name` refers to from code in this scope, following Python's rules:
        class scopes are invisible to the functions nested in them."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.declared_global:
                return self.module().bindings.get(name)
            if (scope is self or scope.kind != "class") and name not in scope.declared_nonlocal:
                found = scope.bindings.get(name)
                if found is not None:
                    return found
            scope = scope.parent
        return None

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def child_qualname(self, name: str) -> str:
        if self.kind == "module":
            return name
        if self.kind == "class":
            return f"{self.qualname}.{name}"
        return f"{self.qualname}.<locals>.{name}"


def is_none(node: cst.CSTNode | None) -> bool:
    """Whether `node` is the literal `None`."""
    return isinstance(node, cst.Name) and node.value == "None"


def _is_none_binding(binding: Binding) -> bool:
    return binding.kind == "assign" and is_none(binding.node)


def assigned_attributes(target: cst.BaseExpression) -> list[cst.Attribute]:
    """The attributes an assignment target sets (`self.x`, also in `self.x, y = ...`)."""
    if isinstance(target, (cst.Tuple, cst.List)):
        return [found for element in target.elements for found in assigned_attributes(element.value)]
    return [target] if isinstance(target, cst.Attribute) else []


def attributes_set_on(function: cst.CSTNode, receiver: str) -> Iterator[str]:
    """The names of the attributes a function's assignments set on `receiver` (`self.x = ...`,
    `self.x += ...`, `self.x: T = ...`), anywhere in its body."""
    for assignment in nodes_within(function, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
        for target in assignment.targets if isinstance(assignment, cst.Assign) else (assignment,):  # type: ignore[attr-defined]
            for attribute in assigned_attributes(target.target):
                if isinstance(attribute.value, cst.Name) and attribute.value.value == receiver:
                    yield attribute.attr.value


def dotted_name(node: cst.BaseExpression | None) -> str:
    """`a.b.c` for an Attribute/Name chain, "" for anything else."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return ""
    parts.append(node.value)
    return ".".join(reversed(parts))


def last_name(node: cst.BaseExpression | None) -> str:
    """The name an expression ends with: `b` of `a.b`, `f` of `f`; "" for anything else."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


def iter_statements(statements: Iterable[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Every statement reachable without entering a def or class body: compound statements
    first, then the statements of their blocks; small statements are yielded one by one.

    Dispatched on the exact node type: libcst's node classes are ABCs, whose `isinstance`
    misses cost several times a dict look-up, and this walk runs for every scope."""
    stack = list(statements)
    stack.reverse()
    while stack:
        statement = stack.pop()
        kind = type(statement)
        if kind in _STATEMENT_LINES:
            stack.extend(reversed(statement.body))  # type: ignore[attr-defined]
            continue
        yield statement
        inner = _INNER_STATEMENTS.get(kind)
        if inner is not None:
            stack.extend(reversed(inner(statement)))


_STATEMENT_LINES = frozenset((cst.SimpleStatementLine, cst.SimpleStatementSuite))


def _else_statements(orelse: cst.CSTNode | None) -> list[cst.CSTNode]:
    """An `else:` block's statements; an `elif` is the `If` statement itself."""
    if orelse is None:
        return []
    return list(orelse.body.body) if isinstance(orelse, cst.Else) else [orelse]


def _try_statements(statement: cst.Try | cst.TryStar) -> list[cst.CSTNode]:
    inner: list[cst.CSTNode] = [*statement.body.body]
    for handler in statement.handlers:
        inner.extend(handler.body.body)
    if statement.orelse is not None:
        inner.extend(statement.orelse.body.body)
    if statement.finalbody is not None:
        inner.extend(statement.finalbody.body.body)
    return inner


def _looping_statements(statement: cst.If | cst.For | cst.While) -> list[cst.CSTNode]:
    return [*statement.body.body, *_else_statements(statement.orelse)]


# The statements directly inside each kind of compound statement's blocks, in source order
# (def and class bodies are scopes of their own: not entered).
_INNER_STATEMENTS: dict[type, Callable[[Any], list[cst.CSTNode]]] = {
    cst.If: _looping_statements,
    cst.For: _looping_statements,
    cst.While: _looping_statements,
    cst.With: lambda statement: list(statement.body.body),
    cst.Try: _try_statements,
    cst.TryStar: _try_statements,
    cst.Match: lambda statement: [inner for case in statement.cases for inner in case.body.body],
}


def collect_bindings(scope: Scope, statements: Iterable[cst.CSTNode], module_name: str = "") -> None:
    """Fill `scope` with the bindings its statements create."""
    fallbacks: set[int] = set()  # statements of `except ImportError:` handlers
    walrus = scope.qualname in scope.module().walrus
    for statement in iter_statements(statements):
        site = id(statement)
        fallback = site in fallbacks
        if walrus:
            for name in walrus_targets(statement):
                scope.bind(name, Binding("other", site=site))
        if type(statement) not in _BINDING_STATEMENTS:
            continue  # most statements are expressions, returns, raises: spare the checks below
        if isinstance(statement, cst.FunctionDef):
            name = statement.name.value
            scope.bind(name, Binding("def", scope.child_qualname(name), statement, scope, site=site), fallback)
        elif isinstance(statement, cst.ClassDef):
            name = statement.name.value
            scope.bind(name, Binding("class", scope.child_qualname(name), statement, scope, site=site), fallback)
        elif isinstance(statement, cst.Import):
            for alias in statement.names:
                full = dotted_name(alias.name)
                if alias.asname is not None:
                    bind_target(scope, alias.asname.name, Binding("import", canonical_name(full), site=site), fallback)
                else:
                    top = full.split(".")[0]
                    scope.bind(top, Binding("import", canonical_name(top), site=site), fallback)
        elif isinstance(statement, cst.ImportFrom):
            _bind_import_from(scope, statement, module_name, fallback)
        elif isinstance(statement, cst.Assign):
            for target in statement.targets:
                bind_target(scope, target.target, Binding("assign", node=statement.value, scope=scope, site=site), fallback)
        elif isinstance(statement, cst.AnnAssign):
            value = statement.value
            # `x: T`, `x: T = ...` and `x: T = None` (set later) declare the type; a real value
            # says more than its annotation.
            annotation = statement.annotation.annotation
            binding = (
                Binding("assign", node=value, scope=scope, site=site, annotation=annotation)
                if value is not None and not isinstance(value, cst.Ellipsis) and not is_none(value)
                else Binding("param", node=annotation, scope=scope, site=site)
            )
            bind_target(scope, statement.target, binding, fallback)
        elif isinstance(statement, cst.AugAssign):
            bind_target(scope, statement.target, Binding("other", site=site), fallback)
        elif isinstance(statement, cst.For):
            binding = loop_binding(statement.target, statement.iter, scope, statement.asynchronous is not None)
            binding.site = site
            bind_target(scope, statement.target, binding, fallback)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    # `with X() as x` is taken to bind `X()` itself, as most `__enter__`s
                    # return self; an `__aenter__` often returns another object (a session
                    # of an async client), so `async with` binds something unknown.
                    binding = (
                        Binding("other", site=site)
                        if statement.asynchronous is not None
                        else Binding("assign", node=item.item, scope=scope, site=site, entered=True)
                    )
                    bind_target(scope, item.asname.name, binding, fallback)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            if catches_only_import_errors(statement):
                fallbacks.update(id(inner) for handler in statement.handlers for inner in iter_statements(handler.body.body))
            for handler in statement.handlers:
                if handler.name is not None:
                    bind_target(scope, handler.name.name, Binding("other", site=id(handler)), fallback)
        elif isinstance(statement, cst.Global):
            scope.declared_global.update(item.name.value for item in statement.names)
        elif isinstance(statement, cst.Nonlocal):
            scope.declared_nonlocal.update(item.name.value for item in statement.names)


# The statements that may bind a name of their scope (a `:=` aside).
_BINDING_STATEMENTS = frozenset((
    cst.FunctionDef, cst.ClassDef, cst.Import, cst.ImportFrom, cst.Assign, cst.AnnAssign, cst.AugAssign,
    cst.For, cst.With, cst.Try, cst.TryStar, cst.Global, cst.Nonlocal,
))

# Fields of libcst nodes that hold only whitespace or punctuation: never a name.
_SKIPPED_FIELDS = (
    "whitespace", "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after",
    "header", "footer", "colon", "equal", "operator", "lbracket", "rbracket", "lbrace",
    "rbrace", "dot", "newline", "asynchronous", "walrus", "arrow", "prefix", "quote",
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def expression_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold expressions, computed once per type: walking
    them is many times faster than libcst's `children`."""
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(
            item.name for item in dataclasses.fields(kind) if not any(part in item.name for part in _SKIPPED_FIELDS)
        )
    return names


_IS_NODE: dict[type, bool] = {}


def expression_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The nodes in `node`'s expression fields (see expression_fields), in field order.
    Whether a field's value is a node is remembered per type: `isinstance` against libcst's
    abstract base classes costs several dict look-ups, and these walks test every field."""
    children: list[cst.CSTNode] = []
    is_node = _IS_NODE
    for name in expression_fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                known = is_node.get(type(item))
                if known or (known is None and _learn_node_type(type(item))):
                    children.append(item)
            continue
        known = is_node.get(kind)
        if known or (known is None and _learn_node_type(kind)):
            children.append(value)
    return children


def _learn_node_type(kind: type) -> bool:
    known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return known


def walrus_scopes(source: str | bytes) -> frozenset[str]:
    """The qualified names of the scopes in which `:=` binds a name (`""` for the module),
    read off CPython's tree: looking for the targets in every expression of every statement
    cost up to a tenth of a file's lint, and few scopes of a file that uses `:=` do."""
    if (":=" if isinstance(source, str) else b":=") not in source:
        return frozenset()
    tree = cpython_tree(source)
    if tree is None:
        return frozenset()  # what CPython rejects, only a newer libcst parses: no walrus there
    marked = _walrus_lines(source)
    found: set[str] = set()
    pending: list[tuple[ast.AST, str, str]] = [(tree, "", "module")]
    while pending:
        node, scope, kind = pending.pop()
        for child in ast.iter_child_nodes(node):
            if not _spans_a_line(child, marked):
                continue  # no `:=` within its lines: nothing below binds one
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = child.name if kind == "module" else f"{scope}.{child.name}" if kind == "class" else f"{scope}.<locals>.{child.name}"
                # Decorators, defaults and bases are evaluated in the enclosing scope.
                outer = [*child.decorator_list, *(child.bases if isinstance(child, ast.ClassDef) else _defaults(child.args))]
                pending.extend((part, scope, kind) for part in outer)
                pending.append((ast.Module(body=child.body, type_ignores=[]), name, "class" if isinstance(child, ast.ClassDef) else "function"))
            elif isinstance(child, ast.Lambda):
                continue  # binds in the lambda, which the pre-scan does not follow
            else:
                if isinstance(child, ast.NamedExpr):
                    found.add(scope)
                pending.append((child, scope, kind))
    return frozenset(found)


def _walrus_lines(source: str | bytes) -> list[int]:
    """The lines (1-based, ascending) where the text `:=` appears, in code or not."""
    text = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    lines: list[int] = []
    at = text.find(b":=")
    while at >= 0:
        lines.append(text.count(b"\n", 0, at) + 1)
        at = text.find(b":=", at + 2)
    return lines


def _spans_a_line(node: ast.AST, lines: list[int]) -> bool:
    """Whether one of `lines` lies within the node's lines (a node without a position, such
    as `arguments` or a comprehension's `for`, is always entered)."""
    first = getattr(node, "lineno", None)
    if first is None:
        return True
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (node.end_lineno or first)  # type: ignore[attr-defined]


def _defaults(arguments: ast.arguments) -> list[ast.expr]:
    return [*arguments.defaults, *(default for default in arguments.kw_defaults if default is not None)]


def walrus_targets(statement: cst.CSTNode) -> Iterator[str]:
    """The names `:=` binds in a statement's own expressions (a compound statement's header,
    comprehensions included: they bind in the enclosing scope; not lambdas' bodies)."""
    if isinstance(statement, (cst.If, cst.While)):
        roots: list[cst.CSTNode] = [statement.test]
    elif isinstance(statement, cst.For):
        roots = [statement.iter]
    elif isinstance(statement, cst.With):
        roots = [item.item for item in statement.items]
    elif isinstance(statement, cst.Match):
        roots = [statement.subject, *(case.guard for case in statement.cases if case.guard is not None)]
    elif type(statement) in SMALL_STATEMENTS:
        roots = [statement]
    else:
        return
    stack = roots
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Lambda):
            continue
        if isinstance(node, cst.NamedExpr) and isinstance(node.target, cst.Name):
            yield node.target.value
        stack.extend(expression_children(node))


# A `try` whose every handler catches only these is an import with a fallback.
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def catches_only_import_errors(statement: cst.Try | cst.TryStar) -> bool:
    """`try: import x / except ImportError: import y as x`: the handlers run only when an
    import failed, so what they bind stands in for what the `try` imported."""
    if not statement.handlers:
        return False
    for handler in statement.handlers:
        caught = handler.type
        names = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
        if not names or any(last_name(name) not in IMPORT_ERRORS for name in names):  # type: ignore[arg-type]
            return False
    return True


def _bind_import_from(scope: Scope, statement: cst.ImportFrom, module_name: str, fallback: bool = False) -> None:
    if isinstance(statement.names, cst.ImportStar):
        return
    module = dotted_name(statement.module) if statement.module is not None else ""
    if statement.relative:
        module = resolve_relative(module_name, len(statement.relative), module)
    for alias in statement.names:
        name = dotted_name(alias.name)
        local = alias.asname.name if alias.asname is not None else alias.name
        target = f"{module}.{name}" if module else name
        bind_target(scope, local, Binding("import", canonical_name(target), site=id(statement)), fallback)


def resolve_relative(module_name: str, level: int, module: str) -> str:
    """The absolute name of a relative import; a leading "." marks one we cannot anchor."""
    if not module_name:
        return "." * level + module
    package = module_name.split(".")
    base = package[: len(package) - level] if level <= len(package) else []
    if not base:
        return "." * level + module
    return ".".join(base + ([module] if module else []))


def bind_target(scope: Scope, target: cst.CSTNode, binding: Binding, fallback: bool = False) -> None:
    """Bind the names an assignment target introduces; only a plain name keeps the value,
    and each name of `a, b = x, y` its own element."""
    if isinstance(target, cst.Name):
        scope.bind(target.value, binding, fallback)
    elif isinstance(target, (cst.Tuple, cst.List)):
        values = _unpacked(target, binding)
        # `model, tokenizer = load(name)`: each name one part of what the call returns.
        parts = not values and binding.kind == "assign" and isinstance(binding.node, cst.Call)
        parts = parts and all(isinstance(element, cst.Element) for element in target.elements)
        count = len(target.elements)
        for index, element in enumerate(target.elements):
            value = values[index] if values else None
            if value:
                part = Binding("assign", node=value, scope=binding.scope, site=binding.site)
            elif parts:
                part = Binding("part", target=f"{index}/{count}", node=binding.node, scope=binding.scope, site=binding.site)
            else:
                part = Binding("other", site=binding.site)
            bind_target(scope, element.value, part, fallback)
    elif isinstance(target, cst.StarredElement):
        bind_target(scope, target.value, Binding("other", site=binding.site), fallback)


def _parameter_binding(param: cst.Param, scope: Scope) -> Binding:
    annotation = param.annotation.annotation if param.annotation is not None else None
    return Binding("param", node=annotation, scope=scope.parent, default=param.default)


def _unpacked(target: cst.Tuple | cst.List, binding: Binding) -> list[cst.BaseExpression]:
    """The values `a, b = x, y` assigns one by one; empty when they cannot be paired."""
    value = binding.node
    if binding.kind != "assign" or not isinstance(value, (cst.Tuple, cst.List)) or len(value.elements) != len(target.elements):
        return []
    elements = [*value.elements, *target.elements]
    if any(not isinstance(element, cst.Element) for element in elements):
        return []
    return [element.value for element in value.elements]


def loop_binding(target: cst.BaseExpression, iterable: cst.BaseExpression, scope: Scope, asynchronous: bool) -> Binding:
    """What a `for` (or comprehension) variable holds: an element of the iterable when it
    is a plain name of a sync loop; an async iterator's items are something else."""
    if isinstance(target, cst.Name) and not asynchronous:
        return Binding("element", node=iterable, scope=scope)
    return Binding("other")


def bind_parameters(scope: Scope, params: cst.Parameters, self_scope: Scope | None) -> None:
    """Bind a function's parameters; the first one of a method is `self` when `self_scope` is given."""
    ordered = [*params.posonly_params, *params.params]
    for index, param in enumerate(ordered):
        if index == 0 and self_scope is not None:
            scope.bind(param.name.value, Binding("self", scope=self_scope))
        else:
            scope.bind(param.name.value, _parameter_binding(param, scope))
    for param in params.kwonly_params:
        scope.bind(param.name.value, _parameter_binding(param, scope))
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            scope.bind(star.name.value, Binding("other"))


def instance_attributes(class_node: cst.ClassDef, scope: Scope) -> dict[str, tuple[cst.BaseExpression, Scope]]:
    """What `self.x` holds for a class defined in `scope`: the first `self.x = <expr>` in its
    methods that is not `None` (see `_hold`), else the class body's own `x = <expr>`, so
    that `self.x.method()` resolves.

    Each expression comes with the scope it is evaluated in: the method's (in
    `self.run = run`, `run` is the parameter, not a module-level import of that name) or the
    class body's. Computed once per class and kept on the module scope."""
    module = scope.module()
    cached = module.class_attributes.get(id(class_node))
    if cached is not None:
        return cached
    found: dict[str, tuple[cst.BaseExpression, Scope]] = {}
    class_scope = Scope("class", scope.child_qualname(class_node.name.value), scope, class_node)
    collect_bindings(class_scope, class_node.body.body)
    for statement in class_node.body.body:
        if not isinstance(statement, cst.FunctionDef) or not is_instance_method(statement):
            continue
        params = [*statement.params.posonly_params, *statement.params.params]
        if not params:
            continue
        self_name = params[0].name.value
        method_scope: Scope | None = None
        for inner in iter_statements(statement.body.body):
            if isinstance(inner, cst.Assign):
                targets, value = [t.target for t in inner.targets], inner.value
            elif isinstance(inner, cst.AnnAssign) and inner.value is not None:
                targets, value = [inner.target], inner.value
            else:
                continue
            for target in targets:
                if (
                    isinstance(target, cst.Attribute)
                    and isinstance(target.value, cst.Name)
                    and target.value.value == self_name
                ):
                    if method_scope is None:
                        method_scope = _method_scope(statement, class_scope)
                    _hold(found, target.attr.value, _given(value, method_scope, statement, class_node, scope))
    for statement in iter_statements(class_node.body.body):
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                if isinstance(target.target, cst.Name):
                    found.setdefault(target.target.value, (statement.value, class_scope))
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, cst.Name):
                found.setdefault(statement.target.value, (statement.value, class_scope))
    module.class_attributes[id(class_node)] = found
    return found


def assignment_counts(class_node: cst.ClassDef, scope: Scope) -> Counter[str]:
    """How many statements anywhere in a class (its body, its methods, their nested blocks
    and functions) assign each name, as `x = ...`, `<anything>.x = ...`, `x: T = ...` or
    `x += ...` (a tuple target counts for none of its parts). Computed once per class and
    kept on the module scope: rules ask it for every call through an attribute."""
    module = scope.module()
    counts = module.class_assignments.get(id(class_node))
    if counts is not None:
        return counts
    counts = Counter()
    pending: list[cst.CSTNode] = list(class_node.body.body)
    while pending:
        statement = pending.pop()
        kind = type(statement)
        if kind is cst.FunctionDef or kind is cst.ClassDef:
            pending.extend(statement.body.body)  # type: ignore[attr-defined]
            continue
        for inner in iter_statements([statement]):
            inner_kind = type(inner)
            if inner_kind is cst.Assign:
                targets = [target.target for target in inner.targets]  # type: ignore[attr-defined]
            elif (inner_kind is cst.AnnAssign and inner.value is not None) or inner_kind is cst.AugAssign:  # type: ignore[attr-defined]
                targets = [inner.target]  # type: ignore[attr-defined]
            elif inner is not statement and (inner_kind is cst.FunctionDef or inner_kind is cst.ClassDef):
                pending.extend(inner.body.body)  # type: ignore[attr-defined]
                continue
            else:
                continue
            for target in targets:
                name = last_name(target)
                if name:
                    counts[name] += 1
    module.class_assignments[id(class_node)] = counts
    return counts


def _hold(found: dict[str, tuple[cst.BaseExpression, Scope]], name: str, value: tuple[cst.BaseExpression, Scope]) -> None:
    """Keep the first value assigned to `self.name`, unless it is `None`: an attribute set to
    `None` in `__init__` and to an object later (made on first use) holds that object
    whenever a method is called on it."""
    kept = found.get(name)
    if kept is None or (is_none(kept[0]) and not is_none(value[0])):
        found[name] = value


def _given(
    value: cst.BaseExpression, method_scope: Scope, method: cst.FunctionDef, class_node: cst.ClassDef, scope: Scope
) -> tuple[cst.BaseExpression, Scope]:
    """`self.x = x` in `__init__`, `x` a parameter without annotation, in a class of the
    module made exactly once at module level (`graph = Graph(Embedder())`): `x` holds that
    construction's argument, evaluated at module level. Otherwise `value` itself."""
    if method.name.value != "__init__" or not isinstance(value, cst.Name) or scope.kind != "module":
        return value, method_scope
    binding = method_scope.bindings.get(value.value)
    if binding is None or binding.kind != "param" or binding.node is not None:
        return value, method_scope
    call = _only_construction(class_node, scope)
    argument = argument_for(call, method.params, value.value) if call is not None else None
    return (argument, scope) if argument is not None else (value, method_scope)


def _only_construction(class_node: cst.ClassDef, module: Scope) -> cst.Call | None:
    """The one call of the class in the module's own statements (outside every function)."""
    name = class_node.name.value
    found: list[cst.Call] = []
    for statement in iter_statements(module.node.body if isinstance(module.node, cst.Module) else ()):
        value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign, cst.Expr)) else None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == name:
            found.append(value)
    return found[0] if len(found) == 1 else None


def global_assignments(module: cst.Module, name: str) -> list[cst.BaseExpression | None]:
    """The values a module global is given: at module level and in every function that
    declares it `global` (`_queue: Queue` at module level, `_queue = Queue()` in `init()`),
    `x = None` left out (the global is not set up yet); None for an assignment whose value
    cannot be told (`name += ...`, `name, other = ...`)."""
    blocks: list[Iterable[cst.CSTNode]] = [module.body]
    for function in nodes_within(module, (cst.FunctionDef,)):
        body = function.body.body  # type: ignore[attr-defined]
        if any(isinstance(s, cst.Global) and name in {item.name.value for item in s.names} for s in iter_statements(body)):
            blocks.append(body)
    found: list[cst.BaseExpression | None] = []
    for block in blocks:
        for statement in iter_statements(block):
            if isinstance(statement, cst.Assign):
                targets = [target.target for target in statement.targets]
            elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)) and statement.value is not None:
                targets = [statement.target]
            else:
                continue
            for target in targets:
                if isinstance(target, cst.Name) and target.value == name and not isinstance(statement, cst.AugAssign):
                    if not is_none(statement.value):
                        found.append(statement.value)
                elif any(inner.value == name for inner in nodes_within(target, (cst.Name,))):  # type: ignore[attr-defined]
                    found.append(None)
    return found


def argument_for(call: cst.Call, params: cst.Parameters, name: str) -> cst.BaseExpression | None:
    """The argument `call` passes to the parameter `name` of a method (after `self`)."""
    if any(arg.star for arg in call.args):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [arg.value for arg in call.args if arg.keyword is None]
    ordered = [param.name.value for param in (*params.posonly_params, *params.params)][1:]
    index = ordered.index(name) if name in ordered else -1
    return positional[index] if 0 <= index < len(positional) else None


def base_init_call(class_node: cst.ClassDef, scope: Scope) -> tuple[cst.Call, cst.BaseExpression | None, Scope] | None:
    """The one call by which the `__init__` of a class defined in `scope` runs its base's:
    `super().__init__(...)` (with None), or `Base.__init__(self, ...)` (with `Base`), its
    arguments then shifted past `self`; with the scope of `__init__` the arguments are
    evaluated in. None without an own `__init__`, or when it makes no such call or several.
    Found once per class and kept on the module scope."""
    cache = scope.module().base_inits
    key = id(class_node)
    if key not in cache:
        cache[key] = _base_init_call(class_node, scope)
    return cache[key]


def _base_init_call(class_node: cst.ClassDef, scope: Scope) -> tuple[cst.Call, cst.BaseExpression | None, Scope] | None:
    init = own_method(class_node, "__init__")
    if init is None:
        return None
    params = [*init.params.posonly_params, *init.params.params]
    self_name = params[0].name.value if params else ""
    found: list[tuple[cst.Call, cst.BaseExpression | None]] = []
    for statement in iter_statements(init.body.body):
        call = statement.value if isinstance(statement, cst.Expr) else None
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or call.func.attr.value != "__init__":
            continue
        owner = call.func.value
        if isinstance(owner, cst.Call) and dotted_name(owner.func) == "super":
            found.append((call, None))
        elif call.args and dotted_name(call.args[0].value) == self_name and self_name and not call.args[0].keyword:
            found.append((call.with_changes(args=call.args[1:]), owner))
    if len(found) != 1:
        return None
    return found[0][0], found[0][1], scope_of_method(init, class_node, scope)


def declared_field(class_node: cst.ClassDef, name: str) -> bool:
    """Whether the class body declares `name: T` (a dataclass, attrs or pydantic field)."""
    return any(
        isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name) and statement.target.value == name
        for statement in iter_statements(class_node.body.body)
    )


def property_return(class_node: cst.ClassDef, scope: Scope, name: str) -> tuple[cst.BaseExpression, Scope] | None:
    """What reading the `@property` `name` of a class defined in `scope` returns, when its
    body returns one value (`return self._model` after making it on first use), with the
    scope that value is evaluated in; None for any other member. Found once per class and
    name and kept on the module scope."""
    cache = scope.module().properties
    key = (id(class_node), name)
    if key not in cache:
        cache[key] = _property_return(class_node, scope, name)
    return cache[key]


def _property_return(class_node: cst.ClassDef, scope: Scope, name: str) -> tuple[cst.BaseExpression, Scope] | None:
    method = own_method(class_node, name)
    if method is None or not is_property(method):
        return None
    returned = one_returned(method)
    return (returned, scope_of_method(method, class_node, scope)) if returned is not None else None


def method_value(method: cst.FunctionDef, class_node: cst.ClassDef, scope: Scope) -> tuple[cst.BaseExpression, Scope] | None:
    """The one value a sync method of a class defined in `scope` returns (`return
    httpx.Client(...)` of `def _client(self)`), with the method's own scope; None when it
    returns several, or is a coroutine or a generator. Kept on the module scope, per method."""
    if method.asynchronous is not None:
        return None
    cache = scope.module().function_values
    key = (id(method), False)
    if key not in cache:
        returned = _returned_value(method)
        cache[key] = (returned, scope_of_method(method, class_node, scope)) if returned is not None else None
    return cache[key]


def one_returned(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The one value `function` returns (`return None` aside, like an attribute's `None`), or
    None when it returns several or none.

    A memoizing function returns twice, what it keeps and what it makes, and is read as
    returning what it makes: a return that reads a container (`return self._cache[key]`,
    `return _models.get(name)`) is set aside when the function itself stores into that
    container the value of another of its returns (`self._cache[key] = model` with
    `return model`)."""
    returned = [
        statement.value
        for statement in iter_statements(function.body.body)
        if isinstance(statement, cst.Return) and statement.value is not None and not is_none(statement.value)
    ]
    if len(returned) > 1:
        stored = _stored_names(function)
        returned_names = {value.value for value in returned if isinstance(value, cst.Name)}
        made = [value for value in returned if not _reads_cache_of(value, stored, returned_names)]
        returned = made if len(made) == 1 else returned
    return returned[0] if len(returned) == 1 else None


def _stored_names(function: cst.FunctionDef) -> list[tuple[cst.BaseExpression, str]]:
    """(container, name) of each `container[key] = name` in the function's body."""
    stored = []
    for statement in iter_statements(function.body.body):
        if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Name):
            for target in statement.targets:
                if isinstance(target.target, cst.Subscript):
                    stored.append((target.target.value, statement.value.value))
    return stored


def _reads_cache_of(value: cst.BaseExpression, stored: list[tuple[cst.BaseExpression, str]], returned_names: set[str]) -> bool:
    """`container[key]` or `container.get(key)` of a container the function stores one of
    its returned names into."""
    if isinstance(value, cst.Subscript):
        container = value.value
    elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "get":
        container = value.func.value
    else:
        return False
    return any(name in returned_names and container.deep_equals(kept) for kept, name in stored)


def _yielded(function: cst.FunctionDef) -> list[cst.BaseExpression | None]:
    """What each `yield` statement of the function yields (None for a `yield from`)."""
    return [
        None if isinstance(statement.value.value, cst.From) else statement.value.value
        for statement in iter_statements(function.body.body)
        if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Yield)
    ]


def _returned_value(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """`one_returned`, for a function that is no generator (a generator's call returns the
    generator, not what it returns)."""
    return None if _yielded(function) else one_returned(function)


# How a getter is decorated, as written (`dotted_name`).
PROPERTY_DECORATORS = frozenset({"property", "functools.cached_property", "cached_property"})


def is_property(function: cst.FunctionDef) -> bool:
    """Whether `def` is a getter: decorated `@property` or `@cached_property`."""
    return any(dotted_name(d.decorator) in PROPERTY_DECORATORS for d in function.decorators)


_ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abc.abstractmethod"})


def is_stub(function: cst.FunctionDef) -> bool:
    """Whether a method is left to subclasses: its body (a docstring aside) only raises
    `NotImplementedError`, or it is an `@abstractmethod` whose body does nothing else (`...`,
    `pass`). A call of it on `self` runs a subclass's override."""
    if len(function.body.body) > 2:
        return False  # most bodies: told at once, without a walk
    statements = [s for s in iter_statements(function.body.body) if not _is_docstring(s)]
    if len(statements) != 1:
        return False
    only = statements[0]
    if isinstance(only, cst.Raise) and only.exc is not None:
        raised = only.exc.func if isinstance(only.exc, cst.Call) else only.exc
        if dotted_name(raised) == "NotImplementedError":
            return True
    abstract = any(dotted_name(d.decorator) in _ABSTRACT_DECORATORS for d in function.decorators)
    return abstract and (isinstance(only, cst.Pass) or (isinstance(only, cst.Expr) and isinstance(only.value, cst.Ellipsis)))


def _is_docstring(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.Expr) and isinstance(statement.value, (cst.SimpleString, cst.ConcatenatedString))


def function_value(function: cst.FunctionDef, scope: Scope, yielded: bool) -> tuple[cst.BaseExpression, Scope] | None:
    """The one value a sync function defined in `scope` (a module or a function) returns, or
    with `yielded` the one value a generator yields (`next(get_db())`), with the function's
    own scope to evaluate it in; None when it returns or yields several, or none. Built on
    first need and kept on the module scope, per function."""
    if function.asynchronous is not None or scope.kind not in ("module", "function"):
        return None
    module = scope.module()
    key = (id(function), yielded)
    cache = module.function_values
    if key not in cache:
        cache[key] = _function_value(function, scope, yielded)
    return cache[key]


def _function_value(function: cst.FunctionDef, scope: Scope, yielded: bool) -> tuple[cst.BaseExpression, Scope] | None:
    if yielded:
        yields = _yielded(function)
        value = yields[0] if len(yields) == 1 else None
    else:
        value = _returned_value(function)
    if value is None:
        return None
    own = Scope("function", scope.child_qualname(function.name.value), scope, function)
    bind_parameters(own, function.params, None)
    collect_bindings(own, function.body.body)
    return value, own


def scope_of_method(method: cst.FunctionDef, class_node: cst.ClassDef, scope: Scope) -> Scope:
    """The own scope of `method` of a class defined in `scope`, built outside the traversal."""
    return _method_scope(method, Scope("class", scope.child_qualname(class_node.name.value), scope, class_node))


def _method_scope(method: cst.FunctionDef, class_scope: Scope) -> Scope:
    """A method's own scope, built outside the traversal; like every function nested in a
    class, it sees the scope around the class, not the class body. As in the traversal, the
    first parameter is `self` unless the method is a static or class method."""
    assert class_scope.parent is not None
    scope = Scope("function", class_scope.child_qualname(method.name.value), class_scope.parent, method)
    bind_parameters(scope, method.params, class_scope if is_instance_method(method) else None)
    collect_bindings(scope, method.body.body)
    return scope


def own_method(class_node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    """The `def name` of the class body itself (bases aside), or None."""
    for statement in iter_statements(class_node.body.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def keeps_its_instance(class_node: cst.ClassDef, scope: Scope) -> bool:
    """Every `return` of the class's own `__new__` returns an instance kept on the class
    (`return cls._instance`, `return cls._instances[port]`): every construction with the same
    key gives the one object, which lives as long as the process (kept on the module scope).
    One `return super().__new__(cls)` among them makes fresh objects too."""
    module = scope.module()
    cached = module.kept_instances.get(id(class_node))
    if cached is None:
        new = own_method(class_node, "__new__")
        cached = False
        if new is not None and new.params.params:
            owner = new.params.params[0].name.value + "."
            returned = [found.value for found in nodes_within(new.body, (cst.Return,))]  # type: ignore[attr-defined]
            cached = bool(returned) and all(dotted_name(_container(value)).startswith(owner) for value in returned)
        module.kept_instances[id(class_node)] = cached
    return cached


def _container(value: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """`cls._instances` for `cls._instances[port]`: what a subscript reads from."""
    while isinstance(value, cst.Subscript):
        value = value.value
    return value


def class_methods(class_node: cst.ClassDef, scope: Scope) -> frozenset[str]:
    """The names a class body defines with `def` (kept on the module scope, once per class)."""
    module = scope.module()
    cached = module.class_methods.get(id(class_node))
    if cached is None:
        cached = frozenset(
            statement.name.value for statement in iter_statements(class_node.body.body) if isinstance(statement, cst.FunctionDef)
        )
        module.class_methods[id(class_node)] = cached
    return cached


def is_instance_method(function: cst.FunctionDef) -> bool:
    for decorator in function.decorators:
        if dotted_name(decorator.decorator) in ("staticmethod", "classmethod"):
            return False
    return True
