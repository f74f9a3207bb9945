"""Where calls sit in a function's statements, and whether one runs before another on a path.

CCL305 asks of two calls of one function (or of the module's body): can the second run after
the first, on one path through the statements? `unit_paths` walks the body once, giving each
statement and each wanted call a `Path`: the steps from the body down to it, each the index of
a statement in its block and the part of a compound statement entered (`head` for an `if`
test, a `with` item, a `for` iterable; `body`, `orelse`, `try`, `handler<i>`, `else`,
`finally`, `case<i>`), `None` for the statement itself. `runs_after` answers from two paths;
when unsure (the other branch of an `if`, a loop's next round, an `except` handler after the
`try` body), it answers no: precision first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Sequence

import libcst as cst

Step = tuple[int, "str | None"]
Path = tuple[Step, ...]

# Statements after which the rest of their block never runs.
_ENDS_BLOCK = (cst.Return, cst.Raise, cst.Continue, cst.Break)
# Nested scopes: their bodies run when called, not where they are written.
_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Parts of a compound statement that run after another part of the same statement: a `try`
# body's `else` and `finally`, and a handler's or an `else`'s `finally`. A statement's head runs
# before all its parts.
_FOLLOWING_PARTS = frozenset({("try", "else"), ("try", "finally"), ("else", "finally")})


@dataclass
class UnitPaths:
    """The paths of one function's (or the module's) statements and wanted calls.

    positions: node id -> (its path, its rank in a walk of the body in source order).
    exits: block (the path of its compound part) -> index of its first `return`, `raise`,
        `break` or `continue`: statements after it, and anything after the block, are not
        reached from before it in that block.
    blocks: block -> its statements.
    """

    positions: dict[int, tuple[Path, int]] = field(default_factory=dict)
    exits: dict[Path, int] = field(default_factory=dict)
    blocks: dict[Path, Sequence[cst.CSTNode]] = field(default_factory=dict)

    def path(self, node: cst.CSTNode) -> Path | None:
        found = self.positions.get(id(node))
        return found[0] if found is not None else None

    def runs_after(self, first: cst.CSTNode, second: cst.CSTNode) -> bool:
        """`second` may run after `first` has run, on a path of the unit's statements that
        does not leave a block of `first` by a `return`, `raise`, `break` or `continue`
        first. False whenever one of them was not found."""
        one, two = self.positions.get(id(first)), self.positions.get(id(second))
        if one is None or two is None:
            return False
        (path_one, rank_one), (path_two, rank_two) = one, two
        for depth, (step_one, step_two) in enumerate(zip(path_one, path_two)):
            if step_one == step_two:
                if step_one[1] is None or step_one[1] == "head":
                    return rank_one < rank_two  # the same statement, or the same head
                continue
            index_one, part_one = step_one
            index_two, part_two = step_two
            if index_one > index_two:
                return False
            if index_one == index_two and not _part_follows(part_one, part_two):
                return False
            return not self._left_early(path_one, depth + 1)
        return False

    def inside(self, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
        """`node` lies in a part of the compound `statement` (its head counts)."""
        own, outer = self.path(node), self.path(statement)
        if own is None or outer is None or len(own) <= len(outer):
            return False
        return own[: len(outer) - 1] == outer[:-1] and own[len(outer) - 1][0] == outer[-1][0]

    def _left_early(self, path: Path, depth: int) -> bool:
        """A block of `path` from `depth` down ends (`return`, `raise`, ...) at or after the
        statement the path passes through: what follows the block is not reached from it."""
        for level in range(depth, len(path)):
            end = self.exits.get(path[:level])
            if end is not None and end >= path[level][0]:
                return True
        return False


def _part_follows(first: str | None, second: str | None) -> bool:
    """Part `second` of a compound statement may run after part `first` has run."""
    if first == "head":
        return second != "head"
    if second == "finally":
        return first is not None and (first.startswith("handler") or (first, second) in _FOLLOWING_PARTS)
    return (first, second) in _FOLLOWING_PARTS


def unit_paths(body: Sequence[cst.CSTNode], wanted: set[int], holders: set[int]) -> UnitPaths:
    """The paths of the statements of `body` and of the calls in it whose ids are `wanted`
    (calls inside nested functions, classes and lambdas are not the body's). `holders`: the
    statements that hold them (a statement line, or a compound statement whose head or
    one-line suite does); only those, and one-line suites, are searched for the calls. A call
    not found has no path, and `runs_after` says no for it."""
    walker = _Walker(wanted, holders)
    try:
        walker.block(body, ())
    except RecursionError:
        return UnitPaths()  # nested deeper than the stack allows (a long `elif` chain): no paths, no finding
    return walker.paths


class _Walker:
    def __init__(self, wanted: set[int], holders: set[int]) -> None:
        self.wanted = wanted
        self.holders = holders
        self.paths = UnitPaths()
        self.rank = 0

    def block(self, statements: Sequence[cst.CSTNode], prefix: Path) -> None:
        paths = self.paths
        paths.blocks[prefix] = statements
        for index, statement in enumerate(statements):
            here: Path = (*prefix, (index, None))
            self._place(statement, here)
            if isinstance(statement, cst.SimpleStatementLine):
                held = id(statement) in self.holders
                for small in statement.body:
                    if held:
                        self._calls(small, here)
                    if isinstance(small, _ENDS_BLOCK) and prefix not in paths.exits:
                        paths.exits[prefix] = index
            elif isinstance(statement, cst.BaseSmallStatement):
                self._calls(statement, here)
                if isinstance(statement, _ENDS_BLOCK) and prefix not in paths.exits:
                    paths.exits[prefix] = index
            elif not isinstance(statement, _NESTED):
                self._compound(statement, prefix, index)

    def _compound(self, statement: cst.CSTNode, prefix: Path, index: int) -> None:
        head: Path = (*prefix, (index, "head"))
        if id(statement) in self.holders:
            for expression in _heads(statement):
                self._calls(expression, head)
        for part, suite in _parts(statement):
            self.block(_statements(suite), (*prefix, (index, part)))

    def _place(self, node: cst.CSTNode, path: Path) -> None:
        self.paths.positions[id(node)] = (path, self.rank)
        self.rank += 1

    def _calls(self, node: cst.CSTNode, path: Path) -> None:
        wanted = self.wanted
        stack = [node]
        while stack:
            current = stack.pop()
            if id(current) in wanted:
                self._place(current, path)
            stack.extend(reversed([child for child in current.children if not isinstance(child, _NESTED)]))


def _heads(statement: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The expressions a compound statement evaluates before it enters a part."""
    if isinstance(statement, (cst.If, cst.While)):
        yield statement.test
    elif isinstance(statement, cst.For):
        yield statement.iter
    elif isinstance(statement, cst.With):
        yield from statement.items
    elif isinstance(statement, cst.Match):
        yield statement.subject


def _parts(statement: cst.CSTNode) -> Iterator[tuple[str, cst.CSTNode]]:
    """The suites of a compound statement, each with the name of its part."""
    if isinstance(statement, cst.If):
        yield "body", statement.body
        if isinstance(statement.orelse, cst.If):
            yield "orelse", statement.orelse
        elif statement.orelse is not None:
            yield "orelse", statement.orelse.body
    elif isinstance(statement, (cst.For, cst.While)):
        yield "body", statement.body
        if statement.orelse is not None:
            yield "orelse", statement.orelse.body
    elif isinstance(statement, cst.With):
        yield "body", statement.body
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        yield "try", statement.body
        for number, handler in enumerate(statement.handlers):
            yield f"handler{number}", handler.body
        if statement.orelse is not None:
            yield "else", statement.orelse.body
        if statement.finalbody is not None:
            yield "finally", statement.finalbody.body
    elif isinstance(statement, cst.Match):
        for number, case in enumerate(statement.cases):
            yield f"case{number}", case.body


def _statements(suite: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The statements of a suite; an `elif` (an `If` in an `orelse`) is a block of one."""
    if isinstance(suite, cst.If):
        return (suite,)
    if isinstance(suite, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return suite.body
    return ()
