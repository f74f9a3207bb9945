"""Which binding of a name a use sees: a flow pass over one scope's statements.

A name bound more than once in a function (`path = Path(f)`, later `for path, m in items:`)
holds different things at different places, so the last binding is not what every use sees.
For such names (only them, and only when a scope is asked about one), one pass over the
scope's statements in execution order records, for each use, the binding that reaches it:
the latest one on the straight-line path, or, where branches, loops, `try` and `with`
join paths that carry different bindings, a "merge" binding that resolves only when all of
them denote the same thing. Soundness comes first: a type is given to a use only when every
path to it agrees, because a wrong type makes false findings.

Conventions the pass shares with `Scope.bind`: `x = None` changes nothing (no method is ever
called on None, so a use whose method is called sees one of the other bindings), an unbound
path adds nothing (it would raise NameError), and what an `except ImportError:` handler binds
for a name its `try` imported stands in for that import (`scopes.catches_only_import_errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from conclint.analysis.scopes import Binding, Scope, catches_only_import_errors, expression_children, iter_statements
from conclint.syntax.node_types import SMALL_STATEMENTS

State = dict[str, Binding]

# What a use sees where the name has no binding yet on some path that the pass cannot
# rule out, or where it is rebound to something unknown (`:=`, `case ... as`).
UNKNOWN = Binding("other")

# Scopes whose statements the pass walks; class bodies and comprehensions keep the last binding.
_FLOW_SCOPES = frozenset({"function", "module"})


@dataclass
class ScopeFlow:
    """The result of the pass over one scope."""

    tracked: frozenset[str]  # the rebound names the pass follows
    uses: dict[int, Binding]  # id of a Name node read in the scope -> the binding it sees
    end: State  # the bindings after the scope's last statement
    defaults: dict[str, Binding] = field(default_factory=dict)


def assigned_here(node: cst.Name, scope: Scope) -> cst.BaseExpression | None:
    """The value an assignment of `scope` itself gives the name `node` read there (`it =
    map(f, xs)` before `to_thread(list, it)`); None for any other binding: a parameter, a
    name of an enclosing scope, `with ... as it`."""
    binding = reaching_binding(node, scope)
    if binding is None or binding.kind != "assign" or binding.entered or binding.scope is not scope:
        return None
    return binding.node  # type: ignore[return-value]


def reaching_binding(node: cst.Name, scope: Scope) -> Binding | None:
    """The binding the name `node`, read in `scope`, sees; None when it names no binding of
    this module (a builtin, or unknown). Follows the scope rules of `Scope.lookup`."""
    name = node.value
    current: Scope | None = scope
    while current is not None:
        if name in current.declared_global:
            return _binding_in(current.module(), name, node)
        if (current is scope or current.kind != "class") and name not in current.declared_nonlocal:
            if name in current.bindings:
                return _binding_in(current, name, node)
        current = current.parent
    return None


def _binding_in(scope: Scope, name: str, node: cst.Name) -> Binding | None:
    found = scope.bindings.get(name)
    if name not in scope.rebound or scope.kind not in _FLOW_SCOPES:
        return found
    flow = scope.flow if isinstance(scope.flow, ScopeFlow) else _compute(scope)
    if name not in flow.tracked:
        return found
    seen = flow.uses.get(id(node))
    if seen is not None:
        return seen
    # A use the pass did not walk: in a nested function, lambda or class body, which may run
    # at any time. Module names are read by functions after the module ran: its end state.
    if scope.kind == "module":
        return flow.end.get(name, UNKNOWN)
    default = flow.defaults.get(name)
    if default is None:
        default = flow.defaults[name] = _merge_all(scope.rebound[name])
    return default


def _tracked(scope: Scope) -> frozenset[str]:
    """The rebound names worth following: one binding at least tells something, and the
    scope does not hand the name to another scope (`global`, `nonlocal`)."""
    return frozenset(
        name
        for name, bindings in scope.rebound.items()
        if name not in scope.declared_global
        and name not in scope.declared_nonlocal
        and any(binding.kind != "other" for binding in bindings)
    )


def _compute(scope: Scope) -> ScopeFlow:
    tracked = _tracked(scope)
    walker = _Walker(scope, tracked)
    body = _body(scope.node)
    end = walker.block(body, walker.entry_state()) if tracked else {}
    flow = ScopeFlow(tracked, walker.finish(), walker.finish_state(end if end is not None else {}))
    scope.flow = flow
    return flow


def _body(node: cst.CSTNode | None) -> Sequence[cst.CSTNode]:
    if isinstance(node, cst.Module):
        return node.body
    if isinstance(node, cst.FunctionDef):
        return node.body.body
    return ()


# A join of more bindings than this is left unknown: past a few they seldom agree, and
# comparing them all would take quadratic time on generated code.
MAX_CANDIDATES = 16
_TOO_MANY = Binding("other")


def _merge(first: Binding, second: Binding) -> Binding:
    """The binding a join of two paths sees: one of both (a "merge")."""
    if first is second:
        return first
    if first is _TOO_MANY or second is _TOO_MANY:
        return _TOO_MANY
    candidates = list(first.candidates or (first,))
    seen = {id(candidate) for candidate in candidates}
    for candidate in second.candidates or (second,):
        if id(candidate) not in seen:
            seen.add(id(candidate))
            candidates.append(candidate)
    if len(candidates) > MAX_CANDIDATES:
        return _TOO_MANY
    return candidates[0] if len(candidates) == 1 else Binding("merge", candidates=tuple(candidates))


def _merge_all(bindings: Iterable[Binding]) -> Binding:
    merged: Binding | None = None
    for binding in bindings:
        merged = binding if merged is None else _merge(merged, binding)
    return merged if merged is not None else UNKNOWN


def join(*states: State | None) -> State | None:
    """The state where paths meet; None stands for a path that does not get there (it
    returned, raised, broke out); a name unbound on one path takes the other's binding."""
    result: State | None = None
    for state in states:
        if state is None:
            continue
        if result is None:
            result = dict(state)
            continue
        for name, binding in state.items():
            known = result.get(name)
            result[name] = binding if known is None else _merge(known, binding)
    return result


# `isinstance(path, str)`: the argument arrived as text, to be made an object of its own.
_TEXT_TYPES = frozenset(("str", "bytes"))


def coerced_parameter(node: cst.If) -> str | None:
    """The name an `if` without `else` converts to one type, when the idiom says so:

    - `if not isinstance(p, Path): p = Path(p)`: after it, `p` is a `Path` on both paths;
    - `if isinstance(p, str): p = Path(p)`: text is made an object, and what was not text is
      taken to be that object already (the code goes on to call its methods).

    The flow pass then lets the path that skipped the conversion hold what the converted
    path holds, for a parameter only: a name with a binding of its own keeps the merge."""
    test = node.test
    negated = isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
    call = test.expression if negated else test  # type: ignore[attr-defined]
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "isinstance"
        and len(call.args) == 2
        and isinstance(call.args[0].value, cst.Name)
    ):
        return None
    name = call.args[0].value.value
    tested = call.args[1].value
    for statement in iter_statements(node.body.body):
        if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0].target, statement.value
        if not (isinstance(target, cst.Name) and target.value == name and isinstance(value, cst.Call)):
            continue
        first = value.args[0].value if value.args else None
        if not (isinstance(first, cst.Name) and first.value == name):
            continue
        if negated and value.func.deep_equals(tested):
            return name
        if not negated and _names_text_types(tested):
            return name
    return None


def _names_text_types(expression: cst.BaseExpression) -> bool:
    """`str`, `bytes`, `(str, bytes)` or `str | bytes`."""
    if isinstance(expression, cst.Name):
        return expression.value in _TEXT_TYPES
    if isinstance(expression, cst.Tuple):
        return bool(expression.elements) and all(_names_text_types(element.value) for element in expression.elements)
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.BitOr):
        return _names_text_types(expression.left) and _names_text_types(expression.right)
    return False


# Small statements that read no tracked name and may bind one.
_BINDING_ONLY = frozenset((cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.Pass))

_COMPREHENSIONS = frozenset((cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp))


class _Walker:
    """One pass over a scope's statements in execution order, for the tracked names only."""

    def __init__(self, scope: Scope, tracked: frozenset[str]) -> None:
        self.scope = scope
        self.tracked = tracked
        self.sites: dict[int, list[tuple[str, Binding]]] = {}
        for name in tracked:
            for binding in scope.rebound[name]:
                self.sites.setdefault(binding.site, []).append((name, binding))
        self.uses: dict[int, Binding] = {}
        self.used: dict[str, list[int]] = {}
        self.poisoned: set[str] = set()

    def entry_state(self) -> State:
        """The parameters: bindings made before the first statement."""
        return {name: binding for name, binding in self.sites.get(0, ())}

    def finish(self) -> dict[int, Binding]:
        for name in self.poisoned:
            for use in self.used.get(name, ()):
                self.uses[use] = UNKNOWN
        return self.uses

    def finish_state(self, end: State) -> State:
        for name in self.poisoned:
            end[name] = UNKNOWN
        return end

    # ----- statements ------------------------------------------------------------------------

    def block(self, statements: Sequence[cst.CSTNode], state: State) -> State | None:
        """Walk statements in order; None when no path falls through the end. Statements after
        a `return` are still walked (with the last state) so their uses are recorded."""
        falls_through = True
        for statement in statements:
            after = self.statement(statement, state)
            if after is None:
                falls_through = False
            else:
                state = after
        return state if falls_through else None

    def suite(self, suite: cst.BaseSuite, state: State) -> State | None:
        return self.block(suite.body, state)

    def bind(self, site: int, state: State) -> None:
        for name, binding in self.sites.get(site, ()):
            state[name] = binding

    def statement(self, node: cst.CSTNode, state: State) -> State | None:
        # Dispatched on the exact type: `isinstance` against libcst's abstract classes is slow.
        kind = type(node)
        if kind is cst.SimpleStatementLine or kind is cst.SimpleStatementSuite:
            return self.block(node.body, state)  # type: ignore[attr-defined]
        if kind is cst.If:
            return self.if_statement(node, state)  # type: ignore[arg-type]
        if kind is cst.For or kind is cst.While:
            return self.loop(node, state)  # type: ignore[arg-type]
        if kind is cst.Try or kind is cst.TryStar:
            return self.try_statement(node, state)  # type: ignore[arg-type]
        if kind is cst.With:
            return self.with_statement(node, state)  # type: ignore[arg-type]
        if kind is cst.Match:
            return self.match(node, state)  # type: ignore[arg-type]
        if kind is cst.FunctionDef or kind is cst.ClassDef:
            self.definition(node, state)  # type: ignore[arg-type]
            return state
        if kind in SMALL_STATEMENTS:
            return self.small(node, state)  # type: ignore[arg-type]
        self.loads(node, state)
        return state

    def small(self, node: cst.BaseSmallStatement, state: State) -> State | None:
        kind = type(node)
        if kind is cst.Return:
            self.loads(node.value, state)  # type: ignore[attr-defined]
            return None
        if kind is cst.Raise:
            self.loads(node.exc, state)  # type: ignore[attr-defined]
            self.loads(node.cause, state)  # type: ignore[attr-defined]
            return None
        if kind is cst.Break or kind is cst.Continue:
            return None
        if kind is cst.Assign:
            self.loads(node.value, state)  # type: ignore[attr-defined]
            for target in node.targets:  # type: ignore[attr-defined]
                self.target_loads(target.target, state)
        elif kind is cst.AnnAssign:
            self.loads(node.value, state)  # type: ignore[attr-defined]
            self.target_loads(node.target, state)  # type: ignore[attr-defined]
        elif kind is cst.AugAssign:
            self.loads(node.target, state)  # type: ignore[attr-defined]
            self.loads(node.value, state)  # type: ignore[attr-defined]
        elif kind is cst.Del:
            self.delete(node.target, state)  # type: ignore[attr-defined]
            return state
        elif kind not in _BINDING_ONLY:
            self.loads(node, state)
            return state
        self.bind(id(node), state)
        return state

    def delete(self, target: cst.BaseExpression, state: State) -> None:
        if isinstance(target, cst.Name):
            state.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.delete(element.value, state)
        else:
            self.loads(target, state)

    def target_loads(self, target: cst.BaseExpression, state: State) -> None:
        """The names an assignment target reads: `x` of `x[i] = v` or `x.a = v`."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.target_loads(element.value, state)
        elif isinstance(target, cst.StarredElement):
            self.target_loads(target.value, state)
        elif not isinstance(target, cst.Name):
            self.loads(target, state)

    def if_statement(self, node: cst.If, state: State) -> State | None:
        self.loads(node.test, state)
        then = self.suite(node.body, dict(state))
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            other = self.statement(orelse, dict(state))
        elif isinstance(orelse, cst.Else):
            other = self.suite(orelse.body, dict(state))
        else:
            other = state
            coerced = coerced_parameter(node)
            if coerced is not None and then is not None and coerced in then:
                entry = state.get(coerced)
                if entry is not None and entry.kind == "param" and then[coerced] is not entry:
                    # The path that skipped the conversion holds what the converted one does.
                    other = {**state, coerced: then[coerced]}
        return join(then, other)

    def loop(self, node: cst.For | cst.While, state: State) -> State | None:
        """A loop body runs any number of times: at its head every binding the loop makes
        may have happened. The loop ends at its head (or at a `break`, whose bindings the head
        holds already), then runs its `else`."""
        if isinstance(node, cst.For):
            self.loads(node.iter, state)
        head = self.anywhere(state, [node], node.body.body)
        if isinstance(node, cst.While):
            self.loads(node.test, head)
        body = dict(head)
        if isinstance(node, cst.For):
            self.target_loads(node.target, body)
            self.bind(id(node), body)
        self.suite(node.body, body)
        if node.orelse is None:
            return head
        return join(self.suite(node.orelse.body, dict(head)), head)

    def anywhere(self, state: State, heads: Sequence[cst.CSTNode], statements: Sequence[cst.CSTNode]) -> State:
        """`state` joined with every binding the statements (and the `heads` themselves) make:
        what a point sees that may come after any part of them."""
        result = dict(state)
        for site in _sites([*heads], statements):
            for name, binding in self.sites.get(site, ()):
                known = result.get(name)
                result[name] = binding if known is None else _merge(known, binding)
        return result

    def try_statement(self, node: cst.Try | cst.TryStar, state: State) -> State | None:
        """A handler may start after any statement of the body; `finally` after anything."""
        body = self.suite(node.body, dict(state))
        raised = self.anywhere(state, [], node.body.body)
        handlers: list[State | None] = []
        for handler in node.handlers:
            entered = dict(raised)
            self.loads(handler.type, entered)
            self.bind(id(handler), entered)
            handlers.append(self.suite(handler.body, entered))
        normal = body
        if node.orelse is not None:
            normal = self.suite(node.orelse.body, dict(body if body is not None else raised))
            if body is None:
                normal = None
        if normal is not None and catches_only_import_errors(node):
            imported = {name for site in _sites([], node.body.body) for name, binding in self.sites.get(site, ()) if binding.kind == "import"}
            kept = {name: normal[name] for name in imported if name in normal}
            handlers = [{**ended, **kept} if ended is not None else None for ended in handlers]
        after = join(normal, *handlers)
        if node.finalbody is None:
            return after
        statements = [*node.body.body, *(inner for handler in node.handlers for inner in handler.body.body)]
        if node.orelse is not None:
            statements.extend(node.orelse.body.body)
        everything = self.anywhere(state, list(node.handlers), statements)
        ended = self.suite(node.finalbody.body, everything)
        return ended if after is not None else None

    def with_statement(self, node: cst.With, state: State) -> State | None:
        """A context manager may swallow an exception raised anywhere in the body."""
        for item in node.items:
            self.loads(item.item, state)
            if item.asname is not None:
                self.target_loads(item.asname.name, state)  # type: ignore[arg-type]
        self.bind(id(node), state)
        ended = self.suite(node.body, dict(state))
        return join(ended, self.anywhere(state, [], node.body.body))

    def match(self, node: cst.Match, state: State) -> State | None:
        """Capture patterns bind names the pre-scan does not see: those names are unknown."""
        self.loads(node.subject, state)
        ends: list[State | None] = [state]
        for case in node.cases:
            self.poisoned.update(_captured(case.pattern) & self.tracked)
            entered = dict(state)
            self.loads(case.guard, entered)
            ends.append(self.suite(case.body, entered))
        return join(*ends)

    def definition(self, node: cst.FunctionDef | cst.ClassDef, state: State) -> None:
        """What a `def` or `class` statement evaluates now: decorators, defaults, bases."""
        for decorator in node.decorators:
            self.loads(decorator.decorator, state)
        if isinstance(node, cst.FunctionDef):
            self.loads(node.params, state)
            self.loads(node.returns, state)
        else:
            for argument in (*node.bases, *node.keywords):
                self.loads(argument.value, state)
        self.bind(id(node), state)

    # ----- expressions -----------------------------------------------------------------------

    def loads(self, root: cst.CSTNode | None, state: State) -> None:
        """Record the binding each tracked name read in `root` sees. Lambdas' bodies run later
        (their reads are left to the default); a comprehension's own variables are not reads
        of the scope's names."""
        if root is None:
            return
        tracked = self.tracked
        stack: list[tuple[cst.CSTNode, frozenset[str]]] = [(root, frozenset())]
        while stack:
            node, shadowed = stack.pop()
            kind = type(node)
            if kind is cst.Name:
                name = node.value  # type: ignore[attr-defined]
                if name in tracked and name not in shadowed:
                    self.uses[id(node)] = state.get(name, UNKNOWN)
                    self.used.setdefault(name, []).append(id(node))
                continue
            if kind is cst.Attribute or kind is cst.Arg:
                stack.append((node.value, shadowed))  # type: ignore[attr-defined]
                continue
            if kind is cst.Lambda:
                params = node.params  # type: ignore[attr-defined]
                for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                    if param.default is not None:
                        stack.append((param.default, shadowed))
                continue
            if kind is cst.NamedExpr:
                # The pre-scan bound the target (a file with `:=` is scanned for them), so
                # loop heads know it; from here on the name holds something unknown. Reads
                # the walk reaches after this one in the same expression see it too: sound.
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, cst.Name) and target.value in tracked:
                    state[target.value] = UNKNOWN
                stack.append((node.value, shadowed))  # type: ignore[attr-defined]
                continue
            if kind is cst.Param:
                for part in (node.annotation, node.default):  # type: ignore[attr-defined]
                    if part is not None:
                        stack.append((part, shadowed))
                continue
            if kind in _COMPREHENSIONS:
                shadowed = shadowed | _comprehension_names(node)  # type: ignore[arg-type]
            stack.extend((child, shadowed) for child in expression_children(node))


def _sites(heads: Sequence[cst.CSTNode], statements: Sequence[cst.CSTNode]) -> Iterator[int]:
    """The binding sites of the heads and of every statement (and `except` handler) in
    `statements`, nested blocks included, nested definitions' bodies not."""
    for head in heads:
        yield id(head)
    for statement in iter_statements(statements):
        yield id(statement)
        if isinstance(statement, (cst.Try, cst.TryStar)):
            for handler in statement.handlers:
                yield id(handler)


def _comprehension_names(node: cst.BaseComp) -> frozenset[str]:
    names: set[str] = set()
    clause: cst.CompFor | None = node.for_in
    while clause is not None:
        names.update(target_names(clause.target))
        clause = clause.inner_for_in
    return frozenset(names)


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """The names an assignment target binds, those of `a, (b, *c)` included."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def _captured(pattern: cst.MatchPattern) -> set[str]:
    """The names a `case` pattern captures."""
    names: set[str] = set()
    stack: list[object] = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            names.add(node.name.value)
        if isinstance(node, cst.MatchMapping) and node.rest is not None:
            names.add(node.rest.value)
        if isinstance(node, cst.CSTNode):
            stack.extend(node.children)
    return names


__all__ = ["ScopeFlow", "reaching_binding", "join", "UNKNOWN"]
