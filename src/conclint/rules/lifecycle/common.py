"""What the lifecycle rules (CCL4xx) share: reading `target-version`, and telling a call whose
result is thrown away from one whose result is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

import libcst as cst

from conclint.analysis.scopes import own_method

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
    ever reads the name (CCL401's coroutine, CCL403's task): the names each open function
    reads, nested functions included (a closure may read its parent's names), beside what
    the rule bound there; `unread` gets the bindings never read when the function ends."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        # Per open function: the names read, and (name, what the rule bound to it).
        self._open_functions: list[tuple[set[str], list[tuple[str, Bound]]]] = []
        self._binding_names: set[int] = set()  # the Name nodes that bind: not reads

    def in_function_body(self) -> bool:
        return bool(self._open_functions)

    def bind(self, target: cst.Name, bound: Bound) -> None:
        """`bound` is kept in `target`, judged when the function ends (inside one only)."""
        self._binding_names.add(id(target))
        self._open_functions[-1][1].append((target.value, bound))

    def unread(self, bindings: list[tuple[str, Bound]]) -> None:
        """The bindings (name, what was bound) of a function that never read their name."""
        raise NotImplementedError

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._open_functions.append((set(), []))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        reads, bindings = self._open_functions.pop()
        self.unread([(name, bound) for name, bound in bindings if name not in reads])
        if self._open_functions:
            self._open_functions[-1][0].update(reads)

    def visit_Name(self, node: cst.Name) -> None:
        if self._open_functions and id(node) not in self._binding_names:
            self._open_functions[-1][0].add(node.value)
