"""The fix for processes started at import time (CCL301, CCL302).

What moves. The module-level statement that starts processes moves into a function `main()`
called under `if __name__ == "__main__":`, with the module-level statements after it that
nothing left at module level needs (so their order is kept), and the statements before it
that bind names only the moved code uses (`ctx = mp.get_context("spawn")`, the `Process`
object it starts): names they bind become locals of `main()`, as children importing the
module should not see them. When the moved code binds no name (a bare `main()` call) it is
put straight under the guard, without a function.

What stays. Definitions (functions and classes whose decorators, defaults and bases run no
call, and whose class body only defines), imports, statements testing `__name__`, and every
statement binding or changing (`x.attr = ...`, `x[key] = ...`) a name that something left at
module level needs: a function or class body (default values, decorators, `global`
statements included), a statement that stays, dunder names (`__all__`, `__version__`), the
names listed in `__all__`, and, in a module of a package (other than `__main__`), every
public name, which another module may import: the project index does not tell a module's
importers, so any public name counts as imported. Names read through `globals()`, `vars()`,
`locals()`, `exec` or `eval` cannot be told, so a module using them keeps the code at module
level (no fix when the moved code binds names).

Where it goes. The module's own plain `if __name__ == "__main__":` (the last one, without
`else` or other conditions) receives the call, at the start of its body when the moved code
comes before it, at its end when it comes after; otherwise a new guard closes the module,
after the new function. An existing module-level `def main():` receives the moved code at
the start of its body when that is clearly the same program: no parameters, decorators,
`global`/`nonlocal` or `yield`, no local name shared with the moved code, not exported, and
called exactly once, by the first statement of that guard, after which the moved code used
to run. Otherwise the function is called `_main` or `main_`, whichever is free.

When there is no fix (the finding keeps its suggestion). The start itself must stay (a
function reads the pool it binds, another module may import it); or the order cannot be
kept: the moved code now runs after every statement that stays, so a statement that stays
but used to run after moved code (or before it, for code after the guard) must be a pure
definition, import or constant assignment (no call), bind names bound nowhere else, and bind
nothing the moved code reads; or a name is bound both by moved code and by code that stays
and the moved code reads it (it would be an unbound local); or the moved code would sit on
both sides of the guard while binding names; or the moved code holds what a function body
may not (`from x import *`, a `global` statement).

Unsafe: a moved statement that changes an object by calling a method (`CONFIG.update(...)`)
is not seen, and now runs in the main process only; a module imported for its side effects
(a script also imported as a module) stops having them.

The findings of one module share the fix of the first (see `plan.FromStatement`): it moves
the statements of the later ones too, and a fix per finding would cost the rest of the file
each, quadratic in a file with many process starts. The analysis of the module's names is
made once, by the first plan, and shared by the findings of the module (`_ModuleFix`).
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

import libcst as cst

from conclint.analysis.guards import main_guard_branch
from conclint.fixes.plan import FixPlan, FromStatement

GUARD_TEST = '__name__ == "__main__"'
# Descriptions start alike whatever the layout, so that a list of fixes reads the same.
DESCRIPTION = 'Move the statements from here on under `if __name__ == "__main__":`'
FUNCTION_DESCRIPTION = (
    "Move the statements from here on that start processes, and the code only they use, "
    'into `{name}()` called under `if __name__ == "__main__":`'
)
# The description of the fix a finding shares with an earlier one in the module.
SHARED_DESCRIPTION = 'Move the statements from the first process start on under `if __name__ == "__main__":`'
# The FromStatement group of the guard fixes of one module (with the module's identity).
GROUP = "main-guard"
# The names the function holding the moved code may take, in order of preference.
FUNCTION_NAMES = ("main", "_main", "main_")
# Builtins through which code reads names the analysis cannot see.
DYNAMIC_SCOPE = frozenset({"globals", "locals", "vars", "exec", "eval"})

# What a module-level statement is, for the fix.
GUARD = "guard"  # tests `__name__`: stays where it is
DEFINITION = "definition"  # import, def, class, docstring: stays; runs no call
CONSTANT = "constant"  # names bound to call-free expressions: may move, may stay
ACTION = "action"  # anything else: runs code
# The kinds a statement may have to run before or after moved code it used to follow or precede.
REORDERABLE = frozenset({DEFINITION, CONSTANT})


def main_guard_fix(module: cst.Module, node: cst.CSTNode, module_name: str = "") -> FromStatement:
    """The plan moving the module-level statement holding `node`, and the code that goes
    with it, into `main()` under the `__main__` guard. The engine builds it once it knows that
    statement (and none when `node` is not inside a module-level statement); the findings of
    one module share the fix of the first of them, which moves the statements of the others
    too. `module_name` is the module's dotted name (its anchor, `pkg.mod` or `pkg.__init__`):
    a module of a package may have its public names imported by others."""
    exports = _exports_public_names(module_name)
    key = (id(module), exports)
    state = _STATES.get(key)
    if state is None or state.module is not module:
        state = _ModuleFix(module, exports)
        _STATES[key] = state
    return FromStatement(
        node,
        group=(GROUP, id(module)),
        plan=state.plan,
        joins=state.joins,
        shared_description=SHARED_DESCRIPTION,
    )


def _exports_public_names(module_name: str) -> bool:
    """Whether other modules may import the module's public names: it sits in a package
    (`pkg.mod`, or `pkg.__init__` for the package itself) and is not a `__main__`."""
    return "." in module_name and module_name.rpartition(".")[2] != "__main__"


# ----- one module's fix, shared by its findings --------------------------------------------------


class _ModuleFix:
    """The analysis of one module and the layouts built from it, shared by the findings of
    the module (each builds its own FromStatement). `joins` answers for the layout of the
    first plan built, which is the one the engine shares (it builds the lowest first)."""

    def __init__(self, module: cst.Module, exports: bool) -> None:
        self.module, self.exports = module, exports
        self._names: _ModuleNames | None = None
        self._analysed = False
        self._layouts: dict[int, _Layout | None] = {}
        self._shared: _Layout | None = None

    def plan(self, index: int) -> FixPlan | None:
        layout = self._layout(index)
        if layout is None:
            return None
        if self._shared is None:
            self._shared = layout
        return _render(self.module, layout)

    def joins(self, index: int) -> bool:
        """Whether the shared plan moves the statement at `index` (carries out its fix)."""
        return self._shared is not None and index in self._shared.moved

    def _layout(self, index: int) -> _Layout | None:
        if index not in self._layouts:
            names = self._analysis()
            try:
                self._layouts[index] = None if names is None else _arrange(names, index)
            except RecursionError:
                self._layouts[index] = None
        return self._layouts[index]

    def _analysis(self) -> _ModuleNames | None:
        """The module's names, analysed on first use; None when it is too deeply nested to
        tell which names it uses."""
        if not self._analysed:
            self._analysed = True
            try:
                self._names = _ModuleNames(self.module, self.exports)
            except RecursionError:
                self._names = None
        return self._names


# One per module being fixed: alive while a finding's FromStatement holds it.
_STATES: weakref.WeakValueDictionary[tuple[int, bool], _ModuleFix] = weakref.WeakValueDictionary()


# ----- what each module-level statement binds and uses ------------------------------------------


@dataclass(frozen=True)
class _Statement:
    """One module-level statement, as the fix sees it.

    binds: the module-level names it binds (or deletes).
    uses: the module-level names it reads when it runs, or that its functions and classes
        read later (their free names, and the names they declare `global`).
    mutates: names whose object it changes through an attribute or item target.
    module_only: it holds what a function body may not (`from x import *`, `global`).
    """

    node: cst.BaseStatement
    kind: str
    binds: frozenset[str]
    uses: frozenset[str]
    mutates: frozenset[str]
    module_only: bool


class _ModuleNames:
    """The statements of a module with the names each binds and uses, and what the module
    as a whole tells: how many statements bind each name, every name written anywhere,
    the names exported."""

    def __init__(self, module: cst.Module, exports: bool) -> None:
        walker = _Walker()
        self.statements = [walker.statement(statement) for statement in module.body]
        self.binders: Counter[str] = Counter(name for s in self.statements for name in s.binds)
        self.written = walker.names | set(self.binders)
        self.exports = exports
        self.listed = _all_names(module)
        self.dynamic = any(s.uses & DYNAMIC_SCOPE for s in self.statements)
        self.guard = _plain_guard(module.body)

    def needed_anyway(self, name: str) -> bool:
        """Whether `name` must stay a module global whatever the module's code reads."""
        dunder = name.startswith("__") and name.endswith("__")
        return dunder or name in self.listed or (self.exports and not name.startswith("_"))

    def bound_once(self, index: int) -> bool:
        return all(self.binders[name] == 1 for name in self.statements[index].binds)

    def uses_of(self, indices: Iterable[int]) -> set[str]:
        return {name for index in indices for name in self.statements[index].uses}

    def binds_of(self, indices: Iterable[int]) -> set[str]:
        return {name for index in indices for name in self.statements[index].binds}


def _all_names(module: cst.Module) -> frozenset[str]:
    """The strings of literal `__all__ = [...]` and `__all__ += [...]` statements."""
    listed: set[str] = set()
    for statement in module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else []
            if isinstance(small, cst.AugAssign):
                targets = [small.target]
            value = getattr(small, "value", None)
            if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets) and isinstance(
                value, (cst.List, cst.Tuple)
            ):
                listed.update(
                    element.value.evaluated_value
                    for element in value.elements
                    if isinstance(element.value, cst.SimpleString) and isinstance(element.value.evaluated_value, str)
                )
    return frozenset(listed)


MODULE, FUNCTION, CLASS, COMPREHENSION = "module", "function", "class", "comprehension"


class _Scope:
    """Names of one scope while it is walked. `loads` are read while it runs (by it or by
    the comprehensions and classes it runs), `lazy` later, by the functions it defines."""

    __slots__ = ("kind", "parent", "eager", "loads", "lazy", "stores", "globals", "nonlocals")

    def __init__(self, kind: str, parent: _Scope | None) -> None:
        self.kind, self.parent = kind, parent
        self.eager = kind != FUNCTION and (parent is None or parent.eager)
        self.loads: set[str] = set()
        self.lazy: set[str] = set()
        self.stores: set[str] = set()
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()

    def close(self) -> None:
        """Hand the names read from outside this scope to the enclosing one."""
        parent = self.parent
        assert parent is not None
        if self.kind == FUNCTION:
            local = self.stores - self.globals - self.nonlocals
            parent.lazy |= ((self.loads | self.lazy) - local - self.nonlocals) | self.globals
        elif self.kind == COMPREHENSION:
            parent.loads |= self.loads - self.stores
            parent.lazy |= self.lazy - self.stores
        else:  # a class body: its own names do not hide globals from its methods
            parent.loads |= self.loads | self.globals
            parent.lazy |= self.lazy


class _Walker:
    """Finds the names a module-level statement binds and uses, scope by scope."""

    def __init__(self) -> None:
        self.names: set[str] = set()  # every name read or bound anywhere
        self._mutates: set[str] = set()
        self._module_only = False

    def statement(self, statement: cst.BaseStatement) -> _Statement:
        scope = _Scope(MODULE, None)
        self._mutates, self._module_only = set(), False
        self.walk(statement, scope)
        return _Statement(
            statement,
            _kind(statement),
            frozenset(scope.stores),
            frozenset(scope.loads | scope.lazy),
            frozenset(self._mutates),
            self._module_only,
        )

    def walk(self, node: cst.CSTNode, scope: _Scope) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, scope)
        else:
            self.walk_all(_children(node), scope)

    def walk_all(self, nodes: Iterable[cst.CSTNode | None], scope: _Scope) -> None:
        for node in nodes:
            if node is not None:
                self.walk(node, scope)

    def load(self, name: str, scope: _Scope) -> None:
        scope.loads.add(name)
        self.names.add(name)

    def bind(self, name: str, scope: _Scope) -> None:
        scope.stores.add(name)
        self.names.add(name)

    def store(self, target: cst.CSTNode, scope: _Scope) -> None:
        """An assignment (or `del`) target: names bound, the objects of attribute and item
        targets changed."""
        if isinstance(target, cst.Name):
            self.bind(target.value, scope)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.store(element.value, scope)
        elif isinstance(target, cst.StarredElement):
            self.store(target.value, scope)
        else:
            self.walk(target, scope)
            root = _root_name(target)
            if root is not None and scope.eager:
                self._mutates.add(root)

    def module_only(self) -> None:
        self._module_only = True

    # ----- the nodes that are not read as plain expressions ---------------------------------

    def name(self, node: cst.Name, scope: _Scope) -> None:
        self.load(node.value, scope)

    def value_only(self, node: cst.Attribute | cst.Arg, scope: _Scope) -> None:
        """`a.b` reads `a`, not `b`; `f(key=a)` reads `a`, not `key`."""
        self.walk(node.value, scope)

    def match_keyword(self, node: cst.MatchKeywordElement, scope: _Scope) -> None:
        self.walk(node.pattern, scope)

    def function(self, node: cst.FunctionDef, scope: _Scope) -> None:
        self.walk_all(node.decorators, scope)
        self.walk(node.params, scope)
        if node.returns is not None:
            self.walk(node.returns.annotation, scope)
        self.bind(node.name.value, scope)
        inner = _Scope(FUNCTION, scope)
        self._parameters(node.params, inner)
        self.walk(node.body, inner)
        inner.close()

    def lambda_(self, node: cst.Lambda, scope: _Scope) -> None:
        self.walk(node.params, scope)
        inner = _Scope(FUNCTION, scope)
        self._parameters(node.params, inner)
        self.walk(node.body, inner)
        inner.close()

    def parameters(self, node: cst.Parameters, scope: _Scope) -> None:
        """Defaults and annotations, which run where the function is defined."""
        for param in _all_parameters(node):
            self.walk_all((param.default, param.annotation.annotation if param.annotation else None), scope)

    def _parameters(self, node: cst.Parameters, scope: _Scope) -> None:
        for param in _all_parameters(node):
            self.bind(param.name.value, scope)

    def class_(self, node: cst.ClassDef, scope: _Scope) -> None:
        self.walk_all(node.decorators, scope)
        self.walk_all((arg.value for arg in (*node.bases, *node.keywords)), scope)
        self.bind(node.name.value, scope)
        inner = _Scope(CLASS, scope)
        self.walk(node.body, inner)
        inner.close()

    def comprehension(self, node: cst.BaseComp, scope: _Scope) -> None:
        inner = _Scope(COMPREHENSION, scope)
        loop: cst.CompFor | None = node.for_in  # type: ignore[attr-defined]
        first = True
        while loop is not None:
            self.walk(loop.iter, scope if first else inner)  # the first iterable runs outside
            self.store(loop.target, inner)
            self.walk_all((condition.test for condition in loop.ifs), inner)
            loop, first = loop.inner_for_in, False
        parts = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)  # type: ignore[attr-defined]
        self.walk_all(parts, inner)
        inner.close()

    def named(self, node: cst.NamedExpr, scope: _Scope) -> None:
        self.walk(node.value, scope)
        target = scope
        while target.kind == COMPREHENSION and target.parent is not None:
            target = target.parent  # `:=` in a comprehension binds in the enclosing scope
        self.store(node.target, target)

    def assign(self, node: cst.Assign, scope: _Scope) -> None:
        self.walk(node.value, scope)
        for target in node.targets:
            self.store(target.target, scope)

    def annotated(self, node: cst.AnnAssign, scope: _Scope) -> None:
        self.walk_all((node.annotation.annotation, node.value), scope)
        self.store(node.target, scope)

    def augmented(self, node: cst.AugAssign, scope: _Scope) -> None:
        self.walk(node.value, scope)
        if isinstance(node.target, cst.Name):
            self.load(node.target.value, scope)
        self.store(node.target, scope)

    def for_(self, node: cst.For, scope: _Scope) -> None:
        self.walk(node.iter, scope)
        self.store(node.target, scope)
        self.walk_all((node.body, node.orelse), scope)

    def with_(self, node: cst.With, scope: _Scope) -> None:
        for item in node.items:
            self.walk(item.item, scope)
            if item.asname is not None:
                self.store(item.asname.name, scope)
        self.walk(node.body, scope)

    def handler(self, node: cst.ExceptHandler | cst.ExceptStarHandler, scope: _Scope) -> None:
        self.walk_all((node.type,), scope)
        if node.name is not None:
            self.store(node.name.name, scope)
        self.walk(node.body, scope)

    def delete(self, node: cst.Del, scope: _Scope) -> None:
        self.store(node.target, scope)

    def import_(self, node: cst.Import, scope: _Scope) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self.store(alias.asname.name, scope)
            else:
                self.bind(_dotted(alias.name).partition(".")[0], scope)

    def import_from(self, node: cst.ImportFrom, scope: _Scope) -> None:
        if isinstance(node.names, cst.ImportStar):
            self.module_only()
            return
        for alias in node.names:
            if alias.asname is not None:
                self.store(alias.asname.name, scope)
            else:
                self.bind(_dotted(alias.name), scope)

    def global_(self, node: cst.Global, scope: _Scope) -> None:
        if scope.kind == MODULE:
            self.module_only()
        for item in node.names:
            scope.globals.add(item.name.value)
            self.names.add(item.name.value)

    def nonlocal_(self, node: cst.Nonlocal, scope: _Scope) -> None:
        scope.nonlocals.update(item.name.value for item in node.names)

    def match_as(self, node: cst.MatchAs | cst.MatchStar, scope: _Scope) -> None:
        self.walk_all((getattr(node, "pattern", None),), scope)
        if node.name is not None:
            self.bind(node.name.value, scope)

    def match_mapping(self, node: cst.MatchMapping, scope: _Scope) -> None:
        self.walk_all(node.elements, scope)
        if node.rest is not None:
            self.bind(node.rest.value, scope)


def _all_parameters(node: cst.Parameters) -> Iterator[cst.Param]:
    yield from node.posonly_params
    yield from node.params
    if isinstance(node.star_arg, cst.Param):
        yield node.star_arg
    yield from node.kwonly_params
    if node.star_kwarg is not None:
        yield node.star_kwarg


# How the walker treats the nodes that are not plain expressions (others: their children).
_HANDLERS: dict[type, Callable[[_Walker, cst.CSTNode, _Scope], None]] = {
    cst.Name: _Walker.name,
    cst.Attribute: _Walker.value_only,
    cst.Arg: _Walker.value_only,
    cst.MatchKeywordElement: _Walker.match_keyword,
    cst.FunctionDef: _Walker.function,
    cst.Lambda: _Walker.lambda_,
    cst.Parameters: _Walker.parameters,
    cst.ClassDef: _Walker.class_,
    cst.ListComp: _Walker.comprehension,
    cst.SetComp: _Walker.comprehension,
    cst.GeneratorExp: _Walker.comprehension,
    cst.DictComp: _Walker.comprehension,
    cst.NamedExpr: _Walker.named,
    cst.Assign: _Walker.assign,
    cst.AnnAssign: _Walker.annotated,
    cst.AugAssign: _Walker.augmented,
    cst.For: _Walker.for_,
    cst.With: _Walker.with_,
    cst.ExceptHandler: _Walker.handler,
    cst.ExceptStarHandler: _Walker.handler,
    cst.Del: _Walker.delete,
    cst.Import: _Walker.import_,
    cst.ImportFrom: _Walker.import_from,
    cst.Global: _Walker.global_,
    cst.Nonlocal: _Walker.nonlocal_,
    cst.MatchAs: _Walker.match_as,
    cst.MatchStar: _Walker.match_as,
    cst.MatchMapping: _Walker.match_mapping,
}  # type: ignore[dict-item]


# Fields that hold only punctuation, whitespace and comments: never a name.
_LAYOUT_FIELDS = frozenset(
    {"lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer", "comma", "semicolon",
     "newline", "trailing_whitespace", "equal", "colon", "dot", "operator", "asynchronous", "star"}
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The child nodes of `node` that may hold code, read off its fields (libcst's own
    `children` rebuilds the node to list them)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = tuple(
            f.name for f in dataclasses.fields(node) if f.name not in _LAYOUT_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS[type(node)] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (item for item in value if isinstance(item, cst.CSTNode))


def _root_name(target: cst.CSTNode) -> str | None:
    """`config` for `config.a[1].b`."""
    while isinstance(target, (cst.Attribute, cst.Subscript)):
        target = target.value
    return target.value if isinstance(target, cst.Name) else None


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


# ----- what kind of statement: definitions, constants, actions -----------------------------------

# Expressions that run code of their own, or bind names: not part of a constant.
_RUNS_CODE = (cst.Call, cst.Await, cst.Yield, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.NamedExpr)


def _pure(node: cst.CSTNode | None) -> bool:
    """Whether evaluating `node` calls nothing (a lambda's body does not run)."""
    if node is None:
        return True
    if isinstance(node, _RUNS_CODE):
        return False
    if isinstance(node, cst.Lambda):
        return all(_pure(param.default) for param in _all_parameters(node.params))
    return all(_pure(child) for child in _children(node))


def _kind(statement: cst.CSTNode) -> str:
    if isinstance(statement, cst.If) and main_guard_branch(statement.test) is not None:
        return GUARD
    classify = _KINDS.get(type(statement))
    return classify(statement) if classify is not None else ACTION


def _function_kind(node: cst.FunctionDef) -> str:
    parts = [p.default for p in _all_parameters(node.params)]
    parts += [p.annotation.annotation for p in _all_parameters(node.params) if p.annotation is not None]
    parts += [node.returns.annotation] if node.returns is not None else []
    pure = all(map(_plain_decorator, node.decorators)) and all(map(_pure, parts))
    return DEFINITION if pure else ACTION


def _class_kind(node: cst.ClassDef) -> str:
    header = all(map(_plain_decorator, node.decorators)) and all(_pure(a.value) for a in (*node.bases, *node.keywords))
    members = all(_class_member(member) for member in _block_statements(node.body))
    return DEFINITION if header and members else ACTION


def _plain_decorator(decorator: cst.Decorator) -> bool:
    """`@name`, `@a.b`, or `@a.b(constants)`: defines, as far as the fix can tell."""
    expression = decorator.decorator
    if isinstance(expression, cst.Call):
        return _pure(expression.func) and all(_pure(arg.value) for arg in expression.args)
    return _pure(expression)


def _class_member(statement: cst.BaseStatement) -> bool:
    """Methods, nested classes, docstrings and constant class attributes."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return _kind(statement) == DEFINITION
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(_small_kind(small, class_body=True) != ACTION for small in statement.body)


def _line_kind(statement: cst.SimpleStatementLine) -> str:
    kinds = {_small_kind(small) for small in statement.body}
    return ACTION if ACTION in kinds else CONSTANT if CONSTANT in kinds else DEFINITION


def _small_kind(small: cst.BaseSmallStatement, class_body: bool = False) -> str:
    if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass)) or _is_docstring(small):
        return DEFINITION
    if isinstance(small, cst.Assign):
        targets = all(_names_only(target.target) for target in small.targets)
        return CONSTANT if targets and _pure(small.value) else ACTION
    if isinstance(small, cst.AnnAssign):
        pure = _names_only(small.target) and _pure(small.value) and _pure(small.annotation.annotation)
        return CONSTANT if pure and (class_body or small.value is not None) else ACTION
    return ACTION


def _names_only(target: cst.CSTNode) -> bool:
    if isinstance(target, (cst.Tuple, cst.List)):
        return all(_names_only(element.value) for element in target.elements)
    return isinstance(target, cst.Name)


def _is_docstring(small: cst.BaseSmallStatement) -> bool:
    return isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))


def _block_kind(statement: cst.If | cst.Try) -> str:
    """`if`/`try` blocks of definitions (`try: import x` / `except ImportError: x = None` is
    not one: its `x = None` is a constant), with call-free tests."""
    tests: list[cst.CSTNode | None] = [statement.test] if isinstance(statement, cst.If) else []
    if isinstance(statement, cst.Try):
        tests += [handler.type for handler in statement.handlers]
    inner = _nested_statements(statement)
    return DEFINITION if all(map(_pure, tests)) and all(_kind(s) == DEFINITION for s in inner) else ACTION


_KINDS: dict[type, Callable[[cst.CSTNode], str]] = {
    cst.FunctionDef: _function_kind,
    cst.ClassDef: _class_kind,
    cst.SimpleStatementLine: _line_kind,
    cst.If: _block_kind,
    cst.Try: _block_kind,
}  # type: ignore[dict-item]


def _nested_statements(statement: cst.If | cst.Try) -> list[cst.CSTNode]:
    blocks: list[cst.BaseSuite] = [statement.body]
    if isinstance(statement, cst.If):
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            return [*_block_statements(statement.body), orelse]
        if orelse is not None:
            blocks.append(orelse.body)
    else:
        blocks += [handler.body for handler in statement.handlers]
        blocks += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
    return [inner for block in blocks for inner in _block_statements(block)]


def _plain_guard(body: Sequence[cst.BaseStatement]) -> int | None:
    """The last `if __name__ == "__main__":` without `else`, `and` or other conditions."""
    for index in range(len(body) - 1, -1, -1):
        statement = body[index]
        if (
            isinstance(statement, cst.If)
            and statement.orelse is None
            and isinstance(statement.test, cst.Comparison)
            and main_guard_branch(statement.test) == "body"
        ):
            return index
    return None


# ----- which statements move, and where the moved code runs ---------------------------------------


@dataclass(frozen=True)
class _Layout:
    """What the fix does: the statements it moves (indices of the module body), the guard
    that calls them (None: a new one at the end), and the function holding them (None:
    straight under the guard; `reuse`: the index of the existing `def main` receiving them)."""

    moved: frozenset[int]
    guard: int | None
    function: str | None
    reuse: int | None = None


def _arrange(names: _ModuleNames, index: int) -> _Layout | None:
    """The layout of the fix for the start at `index`; None when it cannot be made safely."""
    start = names.statements[index]
    if start.kind == GUARD or start.module_only:
        return None
    after = _moved_from(names, index)
    if after is None:
        return None
    guard = names.guard
    movers = _movers(names, index, after) if guard is None or guard > index else set()
    if movers or names.binds_of(after):
        layout = _in_function(names, after | movers)
        if layout is not None or names.binds_of(after):
            return layout
    inline = _Layout(frozenset(after), guard, None)
    return inline if _keeps_meaning(names, inline) else None


def _moved_from(names: _ModuleNames, index: int) -> set[int] | None:
    """The start and the statements after it that may move (not definitions or guards),
    less those something left at module level needs; None when the start is needed."""
    statements = names.statements
    movable = {j for j in range(index, len(statements)) if j == index or statements[j].kind in (CONSTANT, ACTION)}
    staying = _needed(names, movable)
    return None if index in staying else movable - staying


def _needed(names: _ModuleNames, movable: set[int]) -> set[int]:
    """The statements of `movable` that must stay: they bind or change a name needed at
    module level, by a statement that stays (those outside `movable`, and these ones in
    turn), by the functions such a statement defines, or by importers."""
    statements = names.statements
    touching: defaultdict[str, list[int]] = defaultdict(list)
    for j in movable:
        for name in statements[j].binds | statements[j].mutates:
            touching[name].append(j)
    seen = names.uses_of(j for j in range(len(statements)) if j not in movable)
    pending = [name for name in touching if name in seen or names.needed_anyway(name)]
    seen.update(pending)
    staying: set[int] = set()
    while pending:
        for j in touching.get(pending.pop(), ()):
            if j not in staying:
                staying.add(j)
                fresh = statements[j].uses - seen
                seen |= fresh
                pending += fresh
    return staying


def _movers(names: _ModuleNames, index: int, after: set[int]) -> set[int]:
    """The statements before the start whose names only the moved code uses, moved with it
    while nothing that stays between them and the call would change order with them in a
    way that matters (see `_reorderable`). Walked from the start backwards: one that stays
    and cannot run before them ends the walk."""
    statements = names.statements
    end = names.guard if names.guard is not None else len(statements)
    moved_uses = names.uses_of(after)
    moved_binds = Counter(name for j in after for name in statements[j].binds)
    kept_uses = Counter(name for j in range(len(statements)) if j not in after for name in statements[j].uses)
    between: set[str] = set()  # names bound by what stays between a candidate and the call
    for j in range(index + 1, end):
        if j not in after:
            if not _reorderable(names, j):
                return set()
            between |= statements[j].binds
    chosen: set[int] = set()
    for k in range(index - 1, -1, -1):
        statement = statements[k]
        if _may_join(names, statement, moved_uses, moved_binds, kept_uses, between):
            chosen.add(k)
            moved_uses |= statement.uses
            moved_binds.update(statement.binds)
            kept_uses.subtract(statement.uses)
            continue
        if not _reorderable(names, k):
            break
        between |= statement.binds
    return chosen


def _may_join(
    names: _ModuleNames,
    statement: _Statement,
    moved_uses: set[str],
    moved_binds: Counter[str],
    kept_uses: Counter[str],
    between: set[str],
) -> bool:
    """Whether a statement before the start binds only names the moved code alone uses
    (every other statement binding them moves too), reads nothing that what stays between
    it and the call binds, and changes no object."""
    if statement.kind not in (CONSTANT, ACTION) or not statement.binds or statement.module_only or statement.mutates:
        return False
    if not statement.binds <= moved_uses or statement.uses & between:
        return False
    return all(
        not names.needed_anyway(name)
        and kept_uses[name] - (name in statement.uses) <= 0
        and names.binders[name] == 1 + moved_binds[name]
        for name in statement.binds
    )


def _reorderable(names: _ModuleNames, index: int) -> bool:
    """Whether a statement that stays may run before (or after) moved code it used to follow
    (or precede): it runs no call, and binds names bound nowhere else (a star import binds
    names no one can tell)."""
    statement = names.statements[index]
    return statement.kind in REORDERABLE and not statement.module_only and names.bound_once(index)


def _in_function(names: _ModuleNames, moved: set[int]) -> _Layout | None:
    """The layout moving `moved` into a function, or None."""
    guard = names.guard
    if names.dynamic or (guard is not None and min(moved) < guard < max(moved)):
        return None
    reuse = _reusable_main(names, moved) if "main" in names.written else None
    for name in FUNCTION_NAMES:
        if name not in names.written or (name == "main" and reuse is not None):
            layout = _Layout(frozenset(moved), guard, name, reuse if name == "main" else None)
            return layout if _keeps_meaning(names, layout) else None
    return None


def _keeps_meaning(names: _ModuleNames, layout: _Layout) -> bool:
    """The checks every layout passes: nothing moved is needed where it stays, no name
    becomes an unbound local, and the statements whose order changes may change it."""
    statements = names.statements
    moved = layout.moved
    kept = [j for j in range(len(statements)) if j not in moved]
    kept_uses = names.uses_of(kept)
    for j in moved:
        statement = statements[j]
        if statement.kind == GUARD or statement.module_only:
            return False
        if any(name in kept_uses or names.needed_anyway(name) for name in statement.binds | statement.mutates):
            return False
    if layout.function is not None and names.binds_of(moved) & names.binds_of(kept) & names.uses_of(moved):
        return False  # read in the function before it binds it: an unbound local
    return _order_kept(names, layout)


def _order_kept(names: _ModuleNames, layout: _Layout) -> bool:
    """Whether every statement that stays and now runs on the other side of moved code may
    (`_reorderable`) and binds nothing that moved code reads.

    The moved code runs at one point: the end of the module, or the start or end of the
    guard's body (straight under the guard, the code before and after the guard runs at
    its start and its end). A statement that stays between a moved one and its point
    changes order with it: after the moved ones before it (forward), or before the moved
    ones after it (backward)."""
    size = len(names.statements)
    points: defaultdict[float, list[int]] = defaultdict(list)
    for j in sorted(layout.moved):
        points[_point(layout, size, j)].append(j)
    for point, group in points.items():
        forward = range(group[0], min(size, math.ceil(point)))
        backward = range(group[-1], math.floor(point), -1)
        if not (_may_cross(names, layout, group, forward) and _may_cross(names, layout, group, backward)):
            return False
    return True


def _may_cross(names: _ModuleNames, layout: _Layout, group: list[int], order: range) -> bool:
    """Walking `order` from a moved statement towards its point: whether each statement that
    stays may change order with the moved ones of `group` passed on the way."""
    members = set(group)
    reads: set[str] = set()
    for k in order:
        statement = names.statements[k]
        if k in members:
            reads |= statement.uses
        elif k not in layout.moved and reads and not (_reorderable(names, k) and not statement.binds & reads):
            return False
    return True


def _point(layout: _Layout, size: int, index: int) -> float:
    """Where the moved statement at `index` now runs, in the positions of the module body."""
    guard = layout.guard
    if guard is None:
        return size
    if layout.function is not None:
        return guard - 0.5 if min(layout.moved) < guard else guard + 0.5
    return guard - 0.5 if index < guard else guard + 0.5


def _reusable_main(names: _ModuleNames, moved: set[int]) -> int | None:
    """The index of the module's `def main():` when the moved code can open its body: see
    the module docstring for when that keeps the program's meaning."""
    guard = names.guard
    if guard is None or max(moved) > guard or names.binders["main"] != 1 or names.needed_anyway("main"):
        return None
    index = next(j for j, s in enumerate(names.statements) if "main" in s.binds)
    node = names.statements[index].node
    if not (isinstance(node, cst.FunctionDef) and _plain_function(node)):
        return None
    users = [j for j, s in enumerate(names.statements) if "main" in s.uses]
    if users != [guard] or not _calls_main_first(names.statements[guard].node):
        return None
    local = _function_locals(node)
    if local & (names.uses_of(moved) | names.binds_of(moved)):
        return None
    return index


def _plain_function(node: cst.FunctionDef) -> bool:
    """No parameters, decorators, `async`, `global`, `nonlocal` or `yield`."""
    params = node.params
    empty = not (params.params or params.posonly_params or params.kwonly_params or params.star_kwarg)
    empty = empty and not isinstance(params.star_arg, cst.Param)
    return (
        empty
        and not node.decorators
        and node.asynchronous is None
        and not any(isinstance(inner, (cst.Global, cst.Nonlocal, cst.Yield)) for inner in _descendants(node.body))
    )


def _calls_main_first(guard: cst.BaseStatement) -> bool:
    """Whether the guard's first statement is `main()`, `sys.exit(main())` or
    `raise SystemExit(main())`, and its body names `main` nowhere else."""
    assert isinstance(guard, cst.If)
    block = _block_statements(guard.body)
    mentions = sum(isinstance(n, cst.Name) and n.value == "main" for n in _descendants(guard.body))
    if mentions != 1 or not isinstance(block[0], cst.SimpleStatementLine) or len(block[0].body) != 1:
        return False
    small = block[0].body[0]
    call = small.value if isinstance(small, cst.Expr) else small.exc if isinstance(small, cst.Raise) else None
    if isinstance(call, cst.Call) and _is_main_call(call):
        return True
    return (
        isinstance(call, cst.Call)
        and _pure(call.func)
        and len(call.args) == 1
        and isinstance(call.args[0].value, cst.Call)
        and _is_main_call(call.args[0].value)
    )


def _is_main_call(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Name) and call.func.value == "main" and not call.args


def _function_locals(node: cst.FunctionDef) -> set[str]:
    scope = _Scope(FUNCTION, _Scope(MODULE, None))
    walker = _Walker()
    walker._parameters(node.params, scope)
    walker.walk(node.body, scope)
    return scope.stores


def _descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_children(current))


# ----- the plan: the edits that carry out a layout -------------------------------------------------


def _render(module: cst.Module, layout: _Layout) -> FixPlan:
    """The statements to write in place of the moved ones, the guard and the module's end."""
    body = list(module.body)
    moved = sorted(layout.moved)
    current = _close_gaps(body, layout.moved)
    edits: dict[int, tuple[cst.BaseStatement, ...]] = {position: () for position in moved}
    if layout.function is None:
        _render_inline(body, moved, layout.guard, current, edits)
        description = DESCRIPTION
    else:
        _render_function(body, moved, layout, current, edits)
        description = FUNCTION_DESCRIPTION.format(name=layout.function)
    for position, statement in current.items():
        edits.setdefault(position, (statement,))
    return FixPlan(
        description,
        False,
        statements=tuple((body[position], replacement) for position, replacement in sorted(edits.items())),
    )


def _close_gaps(body: Sequence[cst.BaseStatement], moved: frozenset[int]) -> dict[int, cst.BaseStatement]:
    """The statements that stay right after moved ones, given the blank lines the first moved
    one had before it when they have none (the code around keeps its spacing)."""
    current: dict[int, cst.BaseStatement] = {}
    for position in range(1, len(body)):
        if position in moved or position - 1 not in moved:
            continue
        first = position - 1
        while first - 1 in moved:
            first -= 1
        blank = [line for line in body[first].leading_lines if line.comment is None]
        own = body[position].leading_lines
        if blank and not any(line.comment is None for line in own):
            current[position] = body[position].with_changes(leading_lines=[*blank, *own])
    return current


def _render_inline(
    body: Sequence[cst.BaseStatement],
    moved: list[int],
    guard_index: int | None,
    current: dict[int, cst.BaseStatement],
    edits: dict[int, tuple[cst.BaseStatement, ...]],
) -> None:
    """The moved statements straight under the guard: the module's own, around its body, or
    a new one closing the module."""
    if guard_index is not None:
        guard = current.get(guard_index, body[guard_index])
        assert isinstance(guard, cst.If)
        before = [_indented(body[p]) for p in moved if p < guard_index]
        after = [_indented(body[p]) for p in moved if p > guard_index]
        statements = _first_without_blank_lines([*before, *_block_statements(guard.body), *after])
        edits[guard_index] = (guard.with_changes(body=_block(guard, statements)),)
        return
    last = len(body) - 1
    kept = () if last in edits else (current.get(last, body[last]),)
    blank = (cst.EmptyLine(), cst.EmptyLine()) if kept or moved[0] > 0 else ()
    new_guard = cst.If(
        test=cst.parse_expression(GUARD_TEST),
        body=cst.IndentedBlock(body=_first_without_blank_lines([_indented(body[p]) for p in moved])),
        leading_lines=blank,
    )
    edits[last] = (*kept, new_guard)


def _render_function(
    body: Sequence[cst.BaseStatement],
    moved: list[int],
    layout: _Layout,
    current: dict[int, cst.BaseStatement],
    edits: dict[int, tuple[cst.BaseStatement, ...]],
) -> None:
    """The moved statements in a function the guard calls: the module's `def main`, or a new
    function before the module's guard, or before a new guard closing the module."""
    name = layout.function
    assert name is not None
    statements = [_indented(body[p]) for p in moved]
    if layout.reuse is not None:
        function = current.get(layout.reuse, body[layout.reuse])
        assert isinstance(function, cst.FunctionDef)
        edits[layout.reuse] = (_opened_with(function, statements),)
        return
    two_blank = (cst.EmptyLine(), cst.EmptyLine())
    call = cst.SimpleStatementLine(body=[cst.Expr(cst.Call(func=cst.Name(name)))])
    guard_index = layout.guard
    if guard_index is None:
        last = len(body) - 1
        kept = () if last in layout.moved else (current.get(last, body[last]),)
        function = _new_function(name, statements, two_blank if len(moved) < len(body) else ())
        guard = cst.If(test=cst.parse_expression(GUARD_TEST), body=cst.IndentedBlock(body=[call]), leading_lines=two_blank)
        edits[last] = (*kept, function, guard)
        return
    old = current.get(guard_index, body[guard_index])
    assert isinstance(old, cst.If)
    block = _block_statements(old.body)
    calls = [call, *block] if moved[0] < guard_index else [*block, call]
    before = any(p not in layout.moved for p in range(guard_index))
    comments = [line for line in old.leading_lines if line.comment is not None]
    edits[guard_index] = (
        _new_function(name, statements, two_blank if before else ()),
        old.with_changes(body=_block(old, calls), leading_lines=[*two_blank, *comments]),
    )


def _new_function(name: str, statements: list[cst.BaseStatement], leading: Sequence[cst.EmptyLine]) -> cst.FunctionDef:
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(),
        body=cst.IndentedBlock(body=_first_without_blank_lines(statements)),
        leading_lines=leading,
    )


def _opened_with(function: cst.FunctionDef, statements: list[cst.BaseStatement]) -> cst.FunctionDef:
    """`function` with `statements` at the start of its body, after its docstring."""
    block = _block_statements(function.body)
    documented = (
        isinstance(block[0], cst.SimpleStatementLine) and len(block[0].body) == 1 and _is_docstring(block[0].body[0])
    )
    head = block[:1] if documented else []
    body = [*head, *_first_without_blank_lines(statements), *block[len(head):]]
    return function.with_changes(body=_block(function, body))


def _block(owner: cst.If | cst.FunctionDef, statements: Sequence[cst.BaseStatement]) -> cst.IndentedBlock:
    """`owner`'s block holding `statements`: a one-line body becomes an indented block."""
    if isinstance(owner.body, cst.IndentedBlock):
        return owner.body.with_changes(body=statements)
    return cst.IndentedBlock(body=statements, header=owner.body.trailing_whitespace)


def _block_statements(block: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return list(block.body)
    assert isinstance(block, cst.SimpleStatementSuite)
    return [cst.SimpleStatementLine(body=block.body)]


def _first_without_blank_lines(statements: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """The first statement of a block starts right under its header: blank lines dropped,
    comments kept."""
    if not statements:
        return statements
    first = statements[0]
    lines = getattr(first, "leading_lines", ())
    kept = [line for line in lines if line.comment is not None]
    if len(kept) != len(lines):
        statements = [first.with_changes(leading_lines=kept), *statements[1:]]
    return statements


def _indented(statement: cst.BaseStatement) -> cst.BaseStatement:
    """The statement as it will sit in a block: blank lines before it stay blank, without
    the block's indentation."""
    lines = statement.leading_lines
    if all(line.comment is not None or not line.indent for line in lines):
        return statement
    blank = [line.with_changes(indent=False) if line.comment is None else line for line in lines]
    return statement.with_changes(leading_lines=blank)
