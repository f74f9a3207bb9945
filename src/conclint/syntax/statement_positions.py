"""Positions of the few nodes a file's findings need, without generating the whole module.

`node_positions` generates the code of every statement of a module to learn where each node
is: for a file with two findings, most of that work is for statements nobody asks about.
`StatementPositions` answers the same questions (a test compares them) by generating only
the statement that holds the node asked for, alone, and finding where that code sits in the
source text.

Why that is exact: libcst writes a statement the same way wherever it is generated, given
the indentation of the blocks around it (an `elif`, written as `if` alone, is never placed
on its own). The statement's text therefore occurs in the source at the line where the
statement starts. When it occurs at exactly one line start, that line is its place, and
every position inside it is its position in the standalone text moved down to that line.
When it occurs at several (a line repeated in the file), the enclosing statement is tried,
up to the module's statements; past them, or once the statements generated add up to half
the module, the whole module's positions are computed, once, as before.

The same walk that finds a node's statement also names the function or class holding it,
as `enclosing.EnclosingNames` does from positions (a decorator belongs to the scope around
its definition, which starts at `def`), so naming a finding needs no position of every
definition either.
"""

from __future__ import annotations

import bisect
import math
import dataclasses
from typing import Callable, Iterator, Mapping

import libcst as cst
from libcst._position import CodePosition, CodeRange
from libcst.metadata.position_provider import NEWLINE_RE

from conclint.core.model import MODULE_LEVEL
from conclint.syntax.node_types import COMPOUND_STATEMENTS, DEFINITIONS
from conclint.syntax.positions import _PositionState, _Range
from conclint.syntax.traversal import _KINDS, _NODE, _SEQUENCE, _child_fields, _kind

# A statement placed on its own: a simple statement line or a compound statement, each
# starting at the beginning of a line.
_UNITS = COMPOUND_STATEMENTS | {cst.SimpleStatementLine}
# Once the statements generated alone hold this share of the module's text, generating the
# whole module once is cheaper than going on statement by statement.
_FULL_SHARE = 0.5
_STARTING_AT_FIRST_STATEMENT = frozenset((cst.Module, cst.IndentedBlock))


class _Context:
    """Where a node sits: its innermost statement (None at module level), the indentation
    of the blocks around that statement and of those around the node, the enclosing
    statement's context, and the qualified name of the definition holding the node, with
    whether that is a function."""

    __slots__ = ("statement", "indents", "inner", "outer", "name", "in_function")

    def __init__(
        self,
        statement: cst.CSTNode | None,
        indents: tuple[str, ...],
        inner: tuple[str, ...],
        outer: _Context | None,
        name: str,
        in_function: bool,
    ) -> None:
        self.statement, self.indents, self.inner, self.outer = statement, indents, inner, outer
        self.name, self.in_function = name, in_function


class StatementPositions(Mapping[cst.CSTNode, CodeRange]):
    """The positions of `module`'s nodes, as `node_positions` gives them, computed for the
    statements of the nodes asked for. `text` is the module's source text; `whole` computes
    every position (asked once, when the statements cannot be placed alone)."""

    def __init__(self, module: cst.Module, text: str, whole: Callable[[], Mapping[cst.CSTNode, CodeRange]]) -> None:
        self._module = module
        # The module writes its last newline even when the file lacks it (and drops it after).
        self._text = text if module.has_trailing_newline or not module.body else text + module.default_newline
        self._whole_positions = whole
        self._whole: Mapping[cst.CSTNode, CodeRange] | None = None
        self._ranges: dict[cst.CSTNode, _Range] = {}
        self._walk: _Walk | None = None
        self._statement_walk: _Walk | None = None
        self._hints: dict[int, cst.CSTNode] = {}
        self._placed: set[int] = set()
        self._unplaceable: set[int] = set()
        self._generated: float = 0
        self._line_starts: list[int] | None = None
        self._functions: list[cst.FunctionDef] = []

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        if self._whole is None and node not in self._ranges:
            self._place(node)
        if self._whole is not None:
            return self._whole[node]
        line, column, end_line, end_column = self._ranges[node]
        return CodeRange(CodePosition(line, column), CodePosition(end_line, end_column))

    def __contains__(self, node: object) -> bool:
        try:
            self[node]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def expect(self, node: cst.CSTNode, statement: cst.CSTNode | None) -> None:
        """Say that `node` lies in `statement` (a simple statement line, or a compound
        statement), as the rules' traversal knew when it reported it: the node is then
        placed from a walk over the statements alone. A wrong hint costs time, not
        correctness: a node missing from the statement's code is looked for by the full
        walk."""
        if statement is not None:
            self._hints[id(node)] = statement

    def enclosing_name(self, node: cst.CSTNode) -> str | None:
        """The qualified name of the innermost function or class holding `node` (the
        definition itself for a `def` or `class` node), MODULE_LEVEL outside every one:
        what `EnclosingNames.name_at` answers for the node's start. None for a node the
        rules' traversal does not visit (whitespace, punctuation), and for a block or the
        module, whose position starts at their first statement."""
        context = self._line_context(node) or self._context_of(node)
        if context is None or type(node) in _STARTING_AT_FIRST_STATEMENT:
            return None
        return context.name or MODULE_LEVEL

    def functions_around(self, node: cst.CSTNode) -> list[cst.FunctionDef]:
        """The functions whose code holds `node`, innermost first (none for a node the
        rules' traversal does not visit)."""
        context = self._line_context(node) or self._context_of(node)
        found = []
        while context is not None:
            if type(context.statement) is cst.FunctionDef:
                found.append(context.statement)
                self._hints[id(context.statement)] = context.statement  # placed from the statement walk
            context = context.outer
        return found  # type: ignore[return-value]

    def placed_functions(self) -> list[cst.FunctionDef]:
        """The functions generated so far: every function inside a statement asked about."""
        return self._functions

    def _all(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._whole is None:
            self._whole = self._whole_positions()
        return self._whole

    def _context_of(self, node: cst.CSTNode) -> _Context | None:
        """`node`'s context, by the walk over every node."""
        if self._walk is None:
            self._walk = _Walk(self._module, _child_fields)
        return self._walk.context_of(node)

    def _hinted_context(self, node: cst.CSTNode) -> _Context | None:
        """The context of the statement `node` is expected in (see `expect`)."""
        statement = self._hints.get(id(node))
        if statement is None:
            return None
        if self._statement_walk is None:
            self._statement_walk = _Walk(self._module, _statement_fields)
        return self._statement_walk.context_of(statement)

    def _line_context(self, node: cst.CSTNode) -> _Context | None:
        """The hinted context when it is `node`'s own, checked on positions: `node` lies in
        the hinted simple statement line, which holds no definition, or in the header of
        the hinted compound statement (`with open(p) as f:`), before the block where a
        definition could sit between them. A wrong hint fails the check."""
        statement = self._hints.get(id(node))
        if statement is None:
            return None
        try:
            inner = self[node]
            if type(statement) is cst.SimpleStatementLine:
                outer = self[statement]
                holds = _start(outer) <= _start(inner) and _end(inner) <= _end(outer)
            else:
                body = getattr(statement, "body", None)
                holds = body is not None and _start(self[statement]) <= _start(inner) and _end(inner) <= _start(self[body])
        except KeyError:  # not a node of this module, or a body the walk does not visit
            return None
        return self._hinted_context(node) if holds else None

    def _place(self, node: cst.CSTNode) -> None:
        """Generate the innermost statement holding `node` that can be placed alone and
        record its nodes' positions (from the statement it is expected in, else from its
        own); the whole module's when none can."""
        hinted = self._hinted_context(node)
        if (hinted is not None and self._place_from(node, hinted)) or self._place_from(node, self._context_of(node)):
            return
        self._all()

    def _place_from(self, node: cst.CSTNode, context: _Context | None) -> bool:
        """Place the statement of `context`, or the nearest enclosing one whose code occurs
        once; whether `node` was placed."""
        while context is not None and context.statement is not None:
            statement = context.statement
            if self._generated > _FULL_SHARE * len(self._text) or id(statement) in self._placed:
                return False  # placed already, and `node` is not in it
            if id(statement) not in self._unplaceable:
                if self._place_statement(statement, context.indents):
                    self._placed.add(id(statement))
                    return node in self._ranges
                self._unplaceable.add(id(statement))
            context = context.outer
        return False

    def _place_statement(self, statement: cst.CSTNode, indents: tuple[str, ...]) -> bool:
        module = self._module
        state = _PositionState(default_indent=module.default_indent, default_newline=module.default_newline, provider=None)
        state.ranges = {}
        state.indent_tokens = list(indents)
        try:
            statement._codegen(state)
        except (RecursionError, KeyError):  # nested too deeply for libcst's recursive writer
            self._generated = math.inf  # the whole module's positions say so (see `whole`)
            return False
        code = "".join(state.tokens)
        self._generated += len(code)
        offset = _only_line_start(self._text, code)
        if offset is None:
            return False
        below = self._line_of(offset) - 1
        ranges = self._ranges
        for each, (line, column, end_line, end_column) in state.ranges.items():
            ranges[each] = (line + below, column, end_line + below, end_column)
            if type(each) is cst.FunctionDef:
                self._functions.append(each)
        return True

    def _line_of(self, offset: int) -> int:
        if self._line_starts is None:
            # A table of line starts where "\r" may end a line; elsewhere counting is faster.
            text = self._text
            self._line_starts = [0, *[match.end() for match in NEWLINE_RE.finditer(text)]] if "\r" in text else []
        if not self._line_starts:
            return self._text.count("\n", 0, offset) + 1
        return bisect.bisect_right(self._line_starts, offset)


def _only_line_start(text: str, code: str) -> int | None:
    """The offset of the one place where `code` occurs in `text` at the start of a line;
    None when it occurs at none or at more than one."""
    found = None
    start = text.find(code)
    while start >= 0:
        if start == 0 or text[start - 1] == "\n" or (text[start - 1] == "\r" and text[start] != "\n"):
            if found is not None:
                return None
            found = start
        start = text.find(code, start + 1)
    return found


class _Walk:
    """The contexts of the module's nodes, walked as far as the nodes asked for need (the
    first finding of a file is often near its top), over the children `fields_of` names
    for each node type: every node the rules' traversal visits (`_child_fields`), or the
    statements only (`_statement_fields`), a small part of them. One loop with no call per
    node: this walk is most of what placing a statement costs. Contexts are kept by id (the
    module keeps its nodes alive, so ids are not reused while it lives)."""

    def __init__(self, module: cst.Module, fields_of: Callable[[type], tuple[str, ...]]) -> None:
        self.module, self.fields_of = module, fields_of
        self.found: dict[int, _Context] = {}
        self.elifs: set[int] = set()  # written differently alone: their nodes belong to the first `if`
        self.pending: list[tuple[cst.CSTNode, _Context]] = [(module, _Context(None, (), (), None, "", False))]

    def context_of(self, node: cst.CSTNode) -> _Context | None:
        key = id(node)
        found, elifs, pending = self.found, self.elifs, self.pending
        push, pop = pending.append, pending.pop
        kinds, fields_of = _KINDS, self.fields_of
        while key not in found and pending:
            node, context = pop()
            kind = type(node)
            inside = context
            if kind in _UNITS and id(node) not in elifs:
                context = inside = _Context(node, context.inner, context.inner, context, context.name, context.in_function)
                if kind in DEFINITIONS:
                    inside = _definition_context(node, context)  # type: ignore[arg-type]
            elif kind is cst.IndentedBlock:
                indent = node.indent  # type: ignore[attr-defined]
                inner = context.inner + (self.module.default_indent if indent is None else indent,)
                inside = _Context(context.statement, context.indents, inner, context.outer, context.name, context.in_function)
            found[id(node)] = inside if kind is not cst.IndentedBlock else context
            if kind is cst.If and type(node.orelse) is cst.If:  # type: ignore[attr-defined]
                elifs.add(id(node.orelse))  # type: ignore[attr-defined]
            for field in fields_of(kind):
                holder = context if field == "decorators" else inside  # a decorator runs outside its definition
                value = getattr(node, field)
                value_kind = kinds.get(type(value)) or _kind(type(value))
                if value_kind == _NODE:
                    push((value, holder))
                elif value_kind == _SEQUENCE:
                    for child in value:
                        if (kinds.get(type(child)) or _kind(type(child))) == _NODE:
                            push((child, holder))
        return found.get(key)


def _definition_context(node: cst.FunctionDef | cst.ClassDef, context: _Context) -> _Context:
    """The context inside a definition whose own statement's context is `context`."""
    name = node.name.value
    qualname = f"{context.name}.<locals>.{name}" if context.in_function else f"{context.name}.{name}" if context.name else name
    return _Context(node, context.indents, context.inner, context.outer, qualname, type(node) is cst.FunctionDef)


# The fields that hold statements, clauses and blocks, in the types that have them.
_BLOCK_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")
_STATEMENT_HOLDERS = COMPOUND_STATEMENTS | {
    cst.Module,
    cst.IndentedBlock,
    cst.SimpleStatementLine,
    cst.SimpleStatementSuite,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
}
_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}


def _statement_fields(kind: type) -> tuple[str, ...]:
    """The fields of `kind` holding statements (a simple statement line's are its small
    statements); none for an expression or a small statement."""
    fields = _STATEMENT_FIELDS.get(kind)
    if fields is None:
        names = {field.name for field in dataclasses.fields(kind)} if kind in _STATEMENT_HOLDERS else set()
        fields = _STATEMENT_FIELDS[kind] = tuple(field for field in _BLOCK_FIELDS if field in names)
    return fields


def _start(where: CodeRange) -> tuple[int, int]:
    return where.start.line, where.start.column


def _end(where: CodeRange) -> tuple[int, int]:
    return where.end.line, where.end.column
