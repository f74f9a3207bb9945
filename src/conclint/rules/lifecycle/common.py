"""What the lifecycle rules (CCL4xx) share: reading `target-version`, and telling a call whose
result is thrown away from one whose result is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

import libcst as cst

from conclint.analysis.scopes import is_none, iter_statements, own_method
from conclint.syntax.traversal import names_within

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.symbols import Symbol


def version(target_version: str) -> tuple[int, int]:
    """`"3.11"` as `(3, 11)`: settings hold the version normalised (`py311` is `3.11`)."""
    major, _, minor = target_version.partition(".")
    return int(major), int(minor or 0)


def dropped_call(statement: cst.Expr, through_callback: bool = False) -> cst.Call | None:
    """The call an expression statement evaluates and throws away: `f(x)` as a statement.
    With `through_callback`, also the receiver of a chained `.add_done_callback(...)`:
    `create_task(c).add_done_callback(cb)` registers a callback on the task but keeps no
    reference to it either (the task holds the callback, not the reverse)."""
    value = statement.value
    if not isinstance(value, cst.Call):
        return None
    func = value.func
    if through_callback and isinstance(func, cst.Attribute) and func.attr.value == "add_done_callback" and isinstance(func.value, cst.Call):
        return func.value
    return value


def local_function(facts: FileFacts, symbol: Symbol) -> cst.FunctionDef | None:
    """The `def` a local symbol names: a function, or a method of a module-level class
    (`self.method` resolves to `Class.method` without its node); None when it is something
    else or defined elsewhere (an inherited method)."""
    if isinstance(symbol.node, cst.FunctionDef):
        return symbol.node
    owner, _, method = symbol.qualname.partition(".")
    binding = facts.module_scope.bindings.get(owner)
    if method and "." not in method and binding is not None and isinstance(binding.node, cst.ClassDef):
        return own_method(binding.node, method)
    return None


Bound = TypeVar("Bound")


class UnreadBindings(Generic[Bound]):
    """Mixin for the rules that judge a value bound to a local name by whether its function
    ever reads the name (CCL401's coroutine, CCL403's task): what the rule bound in each open
    function; `unread` gets the bindings whose name the function's body (nested functions
    included: a closure may read its parent's names) never reads, when the function ends.
    The body's names are read then, and only for a function that bound something: most bind
    nothing, and a `visit_Name` would run on every name of every file."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        # Per open function: (name, what the rule bound to it).
        self._open_functions: list[list[tuple[str, Bound]]] = []
        self._binding_names: set[int] = set()  # the Name nodes that bind: not reads

    def in_function_body(self) -> bool:
        return bool(self._open_functions)

    def bind(self, target: cst.Name, bound: Bound) -> None:
        """`bound` is kept in `target`, judged when the function ends (inside one only)."""
        self._binding_names.add(id(target))
        self._open_functions[-1].append((target.value, bound))

    def unread(self, bindings: list[tuple[str, Bound]]) -> None:
        """The bindings (name, what was bound) of a function that never read their name."""
        raise NotImplementedError

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._open_functions.append([])

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        bindings = self._open_functions.pop()
        if not bindings:
            return
        binding = self._binding_names
        reads = {name.value for name in names_within(node.body) if id(name) not in binding}
        self.unread([(name, bound) for name, bound in bindings if name not in reads])


Fact = TypeVar("Fact")


class BranchFacts(Generic[Fact]):
    """Mixin for the rules that know something inside an `if` branch from its test (CCL401:
    the callee a test says is no coroutine function; CCL404: a branch that runs only on old
    Pythons or while a loop runs): `branch_fact(test, taken)` for each branch as it opens,
    kept in `branch_facts` (innermost last) until it closes."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.branch_facts: list[Fact] = []

    def branch_fact(self, test: cst.BaseExpression, taken: bool) -> Fact:
        """What holds in the branch where `test` is `taken`."""
        raise NotImplementedError

    def visit_If_body(self, node: cst.If) -> None:
        self.branch_facts.append(self.branch_fact(node.test, True))

    def leave_If_body(self, node: cst.If) -> None:
        self.branch_facts.pop()

    def visit_If_orelse(self, node: cst.If) -> None:
        self.branch_facts.append(self.branch_fact(node.test, False))

    def leave_If_orelse(self, node: cst.If) -> None:
        self.branch_facts.pop()


class _Suspension(cst.CSTVisitor):
    """Finds where a coroutine's own body may suspend; nested functions and classes are
    their own code."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Await(self, node: cst.Await) -> bool:
        self.found = True
        return False

    def visit_For(self, node: cst.For) -> bool:
        self.found |= node.asynchronous is not None
        return not self.found

    def visit_With(self, node: cst.With) -> bool:
        self.found |= node.asynchronous is not None
        return not self.found

    def visit_CompFor(self, node: cst.CompFor) -> bool:
        self.found |= node.asynchronous is not None
        return not self.found

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def suspends(function: cst.FunctionDef) -> bool:
    """Whether the body of the coroutine function `function` has an `await`, `async for` or
    `async with` of its own: without one, a call runs it to the end in one step."""
    finder = _Suspension()
    function.body.visit(finder)
    return finder.found


def does_nothing(function: cst.FunctionDef) -> bool:
    """Whether a function's body (a docstring aside) is only `pass`, `...` or a bare
    `return` / `return None`: a hook a subclass fills in."""
    return all(
        isinstance(statement, cst.Pass)
        or (isinstance(statement, cst.Return) and (statement.value is None or is_none(statement.value)))
        or (isinstance(statement, cst.Expr) and isinstance(statement.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)))
        for statement in iter_statements(function.body.body)
    )
