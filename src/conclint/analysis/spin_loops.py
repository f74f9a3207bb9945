"""Spin-wait loops: a `while` loop with a path through one round that reaches the next round
without any call that sleeps, waits or may block, and without changing any state.

Such a round checks the same state again at once: the loop busy-waits for another thread
(or the clock) to change it, holding the GIL that thread needs (CCL201, CCL203). A thread
that sleeps on one path (`time.sleep(1)` while roasting) and spins on another still spins.

Precision first, so a round counts only when every step of it is proven:
- every call on it is known to return at once (`len`, `time.monotonic`, `event.is_set()`,
  `knowledge.polling.STATE_READS`), or is a function of the project whose summary shows it
  only reads (checked later, by name: `SpinLoop.requires`), or a non-blocking take
  (`q.get_nowait()`) that raised into an `except` handler; any other call may wait;
- it changes nothing: no attribute, item, global or augmented assignment, no mutating
  method, no call whose result it throws away (called for its effect), no local that a
  later round reads before assigning it (`i += 1`, `node = node.next` are progress);
- it has no nested loop, comprehension, `with`, `await` or `yield` (work, or a wait);
- it ends at the end of the body or at `continue`, not at `break`, `return` or `raise`.

Every `if` branch is taken as possible. A statement inside `try` that polls (a take) may
raise there, so a round entering a handler has run the statements before it and the calls
of that statement (the stricter reading); an exception of any other statement may be a
one-off (a race retried), so no round spins through its handler. `SpinCalls` judges calls
from the file's facts; `spin_loop` walks one loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence

import libcst as cst

from conclint.knowledge.polling import MUTATING_METHODS, STATE_READS, TAKES_AT_ONCE, changes_state
from conclint.knowledge.threads import BUILTIN_TYPE_METHODS, PURE, PURE_METHODS_ANY_RECEIVER, call_kind

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts

# What a call is, for a round of a loop: returns at once and changes nothing (READS), a
# function of the project that must be shown to only read (PROJECT), returns at once but
# takes something when it returns normally (TAKES), anything else (OTHER: may wait).
READS, PROJECT, TAKES, OTHER = "reads", "project", "takes", "other"

# Functions of this module are named `<local>.qualname` (conclint.analysis.summaries.LOCAL).
_LOCAL = "<local>."

# Past this many distinct partial rounds a loop is not judged (it has no spin then).
MAX_PATHS = 32
# A condition quoted in a message is cut to this many characters.
_QUOTED = 48

# Expressions a round cannot be proven to spin through: work over data, waits, hand-offs.
_REFUSED = (
    cst.Await,
    cst.Yield,
    cst.GeneratorExp,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.NamedExpr,
)


class SpinLoop(NamedTuple):
    """A spin found: why (the conditions of the round that spins), and the functions of the
    project the round calls, which must only read (`<local>.`-prefixed for this module's)."""

    reason: str
    requires: tuple[str, ...]


class _Round(NamedTuple):
    """One partial path through a round: project functions called, locals assigned, names
    read before this round assigned them, and the conditions taken (as quoted)."""

    requires: frozenset[str]
    assigned: frozenset[str]
    read: frozenset[str]
    conditions: tuple[str, ...]


class _TooMany(Exception):
    """More partial rounds than MAX_PATHS: the loop is not judged."""


class SpinCalls:
    """Judges the calls of one file for `spin_loop`. `builtin_type(expression)` tells the
    builtin type of a receiver when the file shows it (the summary collector's)."""

    def __init__(self, facts: FileFacts, builtin_type: Callable[[cst.BaseExpression], str | None]) -> None:
        self.facts = facts
        self.builtin_type = builtin_type

    def judge(self, call: cst.Call) -> tuple[str, str]:
        """(kind, name): the kind of `call` (READS, PROJECT, TAKES, OTHER) and, for PROJECT,
        the function's name (`<local>.Class.method` for this module's)."""
        facts = self.facts
        symbol = facts.resolve(call.func)
        if symbol is None:
            return self._method(call.func), ""
        if symbol.local:
            node = symbol.node
            if symbol.instance or not (node is None or (type(node) is cst.FunctionDef and node.asynchronous is None)):
                return OTHER, ""  # an object's __call__, a class, a coroutine function
            return PROJECT, _LOCAL + symbol.qualname
        name = symbol.qualname
        if symbol.instance or facts.blocking_call(call) is not None:
            return OTHER, ""
        if name in STATE_READS:
            return READS, ""
        if name in TAKES_AT_ONCE:
            return TAKES, ""  # `get_nowait()`, or `get(block=False)`: not blocking, as checked above
        if facts.catalog.lookup(name) is not None:
            return OTHER, ""
        kind = call_kind(name)[0]
        if kind == PURE:
            return (OTHER if changes_state(name) else READS), ""
        if kind is None and not name.startswith(("builtins.", ".")):
            return PROJECT, name  # of another module: the project index may know it
        return OTHER, ""

    def _method(self, func: cst.BaseExpression) -> str:
        """A method on a receiver that does not resolve: it reads when it is one of the pure
        methods of the receiver's builtin type (or of any receiver) and changes nothing."""
        if type(func) is not cst.Attribute:
            return OTHER
        method = func.attr.value
        if method in MUTATING_METHODS:
            return OTHER
        receiver = self.builtin_type(func.value)
        pure = BUILTIN_TYPE_METHODS.get(receiver, frozenset()) if receiver is not None else PURE_METHODS_ANY_RECEIVER
        return READS if method in pure else OTHER

    def shared(self, name: str) -> bool:
        """A name the function declares `global` or `nonlocal`: assigning it changes state
        another function sees."""
        scope = self.facts.scope
        return name in scope.declared_global or name in scope.declared_nonlocal

    def quoted(self, node: cst.CSTNode) -> str:
        text = " ".join(self.facts.module.code_for_node(node).split())
        return text if len(text) <= _QUOTED else text[: _QUOTED - 3].rstrip() + "..."


def spin_loop(node: cst.While, calls: SpinCalls) -> SpinLoop | None:
    """The first round of the loop `node` that spins, else None."""
    try:
        start = _expression(node.test, _Round(frozenset(), frozenset(), frozenset(), ()), calls, True)
        if start is None:
            return None
        ends, continued = _block(node.body, [start], calls)
    except _TooMany:
        return None
    for found in (*ends, *continued):
        return SpinLoop(_reason(found.conditions), tuple(sorted(found.requires)))
    return None


def _reason(conditions: tuple[str, ...]) -> str:
    if not conditions:
        return "never sleeps or waits"
    shown = " and ".join(conditions[:2]) + (" and ..." if len(conditions) > 2 else "")
    return f"spins without sleeping or waiting when {shown}"


Paths = list[_Round]


def _unique(rounds: Iterable[_Round]) -> Paths:
    found = list(dict.fromkeys(rounds))
    if len(found) > MAX_PATHS:
        raise _TooMany
    return found


def _block(block: cst.BaseSuite, rounds: Paths, calls: SpinCalls) -> tuple[Paths, Paths]:
    """The rounds that leave `block` at its end, and those that leave it by `continue`."""
    continued: Paths = []
    for statement in _statements(block):
        if not rounds:
            break
        rounds, more = _statement(statement, rounds, calls)
        continued += more
    return _unique(rounds), _unique(continued)


def _statements(block: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    return block.body  # IndentedBlock: statements; SimpleStatementSuite: small statements


def _statement(statement: cst.CSTNode, rounds: Paths, calls: SpinCalls) -> tuple[Paths, Paths]:
    kind = type(statement)
    if kind is cst.SimpleStatementLine:
        continued: Paths = []
        for small in statement.body:  # type: ignore[attr-defined]
            rounds, more = _small(small, rounds, calls)
            continued += more
        return rounds, continued
    if kind is cst.If:
        return _if(statement, rounds, calls)  # type: ignore[arg-type]
    if kind is cst.Try:
        return _try(statement, rounds, calls)  # type: ignore[arg-type]
    if isinstance(statement, cst.BaseSmallStatement):
        return _small(statement, rounds, calls)
    return [], []  # a nested loop, `with`, `match`, a definition: not proven


def _small(statement: cst.CSTNode, rounds: Paths, calls: SpinCalls) -> tuple[Paths, Paths]:
    kind = type(statement)
    if kind is cst.Pass:
        return rounds, []
    if kind is cst.Continue:
        return [], rounds
    if kind in (cst.Global, cst.Nonlocal):
        return rounds, []
    if kind is cst.Expr:
        value = statement.value  # type: ignore[attr-defined]
        if type(value) is cst.Call and calls.judge(value)[0] != READS:
            return [], []  # called for what it does: a round that does something
        return _each(rounds, lambda r: _expression(value, r, calls, True)), []
    if kind is cst.Assert:
        return _each(rounds, lambda r: _expression(statement.test, r, calls, True)), []  # type: ignore[attr-defined]
    if kind is cst.Assign:
        targets = [target.target for target in statement.targets]  # type: ignore[attr-defined]
        return _each(rounds, lambda r: _assign(targets, statement.value, r, calls)), []  # type: ignore[attr-defined]
    if kind is cst.AnnAssign:
        if statement.value is None:  # type: ignore[attr-defined]
            return rounds, []
        return _each(rounds, lambda r: _assign([statement.target], statement.value, r, calls)), []  # type: ignore[attr-defined]
    return [], []  # break, return, raise leave the loop; augmented assignments, del, import ...


def _each(rounds: Paths, step: Callable[[_Round], _Round | None]) -> Paths:
    return _unique(found for r in rounds if (found := step(r)) is not None)


def _assign(targets: list[cst.BaseExpression], value: cst.BaseExpression, round: _Round, calls: SpinCalls) -> _Round | None:
    found = _expression(value, round, calls, True)
    if found is None:
        return None
    names: list[str] = []
    for target in targets:
        if not _local_names(target, names):
            return None  # an attribute or an item: state another round or thread sees
    for name in names:
        if name in found.read or calls.shared(name):
            return None  # carried to the next round (`n = n // 2`), or a global
    return found._replace(assigned=found.assigned | frozenset(names))


def _local_names(target: cst.BaseExpression, names: list[str]) -> bool:
    kind = type(target)
    if kind is cst.Name:
        names.append(target.value)  # type: ignore[attr-defined]
        return True
    if kind in (cst.Tuple, cst.List):
        return all(_local_names(element.value, names) for element in target.elements)  # type: ignore[attr-defined]
    return False


def _expression(node: cst.BaseExpression, round: _Round, calls: SpinCalls, completes: bool) -> _Round | None:
    """`round` once `node` is evaluated, or None when that may wait or change state.
    `completes`: the evaluation returns normally (a take that returns took something)."""
    requires = set(round.requires)
    read = set(round.read)
    for found in _parts(node):
        if found is None:
            return None
        if type(found) is cst.Name:
            if found.value not in round.assigned:
                read.add(found.value)
            continue
        kind, name = calls.judge(found)  # type: ignore[arg-type]
        if kind == OTHER or (kind == TAKES and completes):
            return None
        if kind == PROJECT:
            requires.add(name)
    return round._replace(requires=frozenset(requires), read=frozenset(read))


def _parts(node: cst.CSTNode) -> Iterator[cst.CSTNode | None]:
    """The calls and the names read in an expression; None for a part no round can be
    proven through (`_REFUSED`). A lambda's body does not run there."""
    pending = [node]
    while pending:
        current = pending.pop()
        kind = type(current)
        if kind is cst.Name:
            yield current
        elif kind is cst.Attribute:
            pending.append(current.value)  # type: ignore[attr-defined]
        elif kind is cst.Arg:
            pending.append(current.value)  # type: ignore[attr-defined]
        elif kind is cst.Lambda:
            continue
        elif kind in _REFUSED:
            yield None
            return
        else:
            if kind is cst.Call:
                yield current
            pending.extend(current.children)


def _if(node: cst.If, rounds: Paths, calls: SpinCalls) -> tuple[Paths, Paths]:
    tested = _each(rounds, lambda r: _expression(node.test, r, calls, True))
    test = calls.quoted(node.test)
    taken = [r._replace(conditions=(*r.conditions, f"`{test}` is true")) for r in tested]
    ends, continued = _block(node.body, taken, calls)
    skipped = [r._replace(conditions=(*r.conditions, f"`{test}` is false")) for r in tested]
    orelse = node.orelse
    if orelse is None:
        return _unique([*ends, *skipped]), continued
    if type(orelse) is cst.If:
        more_ends, more_continued = _if(orelse, skipped, calls)  # type: ignore[arg-type]
    else:
        more_ends, more_continued = _block(orelse.body, skipped, calls)
    return _unique([*ends, *more_ends]), _unique([*continued, *more_continued])


def _try(node: cst.Try, rounds: Paths, calls: SpinCalls) -> tuple[Paths, Paths]:
    """A round that completes the body (then `else`), and one that raises at each statement
    of the body into each handler; all of them through `finally`."""
    ends: Paths = []
    continued: Paths = []
    current = rounds
    raised: Paths = []
    for statement in _statements(node.body):
        raised += [found for r in current if (found := _raising(statement, r, calls)) is not None]
        if not current:
            break
        current, more = _statement(statement, current, calls)
        continued += more
    if node.orelse is not None:
        current, more = _block(node.orelse.body, current, calls)
        continued += more
    ends += current
    raised = _unique(raised)
    for handler in node.handlers:
        caught = f"`{calls.quoted(handler.type)}` is raised" if handler.type is not None else "an exception is raised"
        entered = [r._replace(conditions=(*r.conditions, caught)) for r in raised]
        handled, more = _block(handler.body, entered, calls)
        ends += handled
        continued += more
    if node.finalbody is not None:
        ends, more = _block(node.finalbody.body, _unique(ends), calls)
        continued, later = _block(node.finalbody.body, _unique(continued), calls)
        continued = [*more, *continued, *later]
    return _unique(ends), _unique(continued)


def _raising(statement: cst.CSTNode, round: _Round, calls: SpinCalls) -> _Round | None:
    """`round` having run every call of `statement` and raised there, when one of them is a
    take (`q.get_nowait()` raising `queue.Empty`: nothing yet, until another thread puts
    something). An exception of any other call may be a one-off (a race retried, `except
    RuntimeError: pass`), so it makes no spin. The calls must not wait (a take that raised
    took nothing); nothing the statement assigns is assigned."""
    polled = False
    for part in _statement_parts(statement):
        if part is None:
            return None
        round = _expression(part, round, calls, False)  # type: ignore[assignment]
        if round is None:
            return None
        polled = polled or any(type(found) is cst.Call and calls.judge(found)[0] == TAKES for found in _parts(part))  # type: ignore[arg-type]
    return round if polled else None


def _statement_parts(statement: cst.CSTNode) -> Iterator[cst.BaseExpression | None]:
    """The expressions a simple statement evaluates, or None for a compound one (not judged)."""
    if type(statement) is not cst.SimpleStatementLine:
        yield None
        return
    for small in statement.body:  # type: ignore[attr-defined]
        for child in small.children:
            if isinstance(child, cst.BaseExpression):
                yield child  # a value, a test, an augmented target: assignment targets are not read


__all__ = ["MAX_PATHS", "OTHER", "PROJECT", "READS", "TAKES", "SpinCalls", "SpinLoop", "spin_loop"]
