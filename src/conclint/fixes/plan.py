"""A fix as a rule states it (nodes to replace, imports to add), and its text form.

Rules see CST nodes, not positions: a `FixPlan` names the original nodes to replace and the
nodes to put there. The engine, which computes positions for files with findings, turns the
plan into a `model.Fix` of text `Edit`s with `to_fix`. Expression nodes are replaced over
their own span (parentheses around them excluded, as libcst positions exclude them);
module-level statements over their whole text, leading comments and blank lines included, so
that moving a statement moves its comments with it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Callable, Hashable, Mapping, Sequence, Union

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodeRange

from conclint.fixes.lines import LineTable
from conclint.core.model import Edit, Fix, Span


@dataclass(frozen=True)
class FixPlan:
    """What a fix changes.

    expressions: (original node, new node) pairs; the original's parentheses stay in the
        source (its span excludes them), the new node is written as it is.
    statements: (module-level statement, statements to write in its place) pairs; an empty
        tuple deletes the statement.
    imports: import statements the rewrite needs (`import asyncio`), added once each after
        the module docstring and `__future__` imports.
    statement: the statement holding the expressions: continuation lines of a multi-line
        replacement are indented relative to it, as libcst writes code inside a block.
    safe: the rewrite keeps behaviour; unsafe ones are right in the usual case but need review.
    """

    description: str
    safe: bool
    expressions: tuple[tuple[cst.CSTNode, cst.CSTNode], ...] = ()
    statements: tuple[tuple[cst.BaseStatement, tuple[cst.BaseStatement, ...]], ...] = ()
    imports: tuple[str, ...] = ()
    statement: cst.CSTNode | None = None


@dataclass(frozen=True)
class FromStatement:
    """A plan for the module-level statement holding `node` and the code after it: the
    `__main__` guard fix, which moves every statement from there on.

    One such plan per finding would cost the rest of the file each, quadratic in a file
    with many findings, though the first one's fix carries out all the others. So the
    findings of one `group` share one fix: that of the lowest statement index among them
    that can be built. A finding whose statement the shared fix leaves in place (`joins`
    says no) gets its own. The engine finds each statement index from positions, by
    bisection over the module's statements, so no finding walks the tree either.

    plan: the plan for the statement at an index of the module body, or None.
    joins: whether the plan for an earlier statement carries out the one for this index.
    shared_description: the description of the shared fix when given to a later finding.
    """

    node: cst.CSTNode
    group: Hashable
    plan: Callable[[int], Union[FixPlan, None]]
    joins: Callable[[int], bool]
    shared_description: str


# A rule may hand over a plan, or a callable that builds it: the engine calls it only for
# findings it keeps (not suppressed), so costly plans are built only when needed.
Plan = Union[FixPlan, FromStatement]
PlanSource = Union[Plan, Callable[[], Union[Plan, None]]]


def build_fixes(
    module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], text: str, sources: Sequence[PlanSource | None]
) -> list[Fix | None]:
    """The fix of each of one file's findings (None for a finding without one), sharing one
    table of the file's lines between them, and one fix within each `FromStatement` group.

    `text` is the decoded source, which is `module.code` (libcst round-trips it exactly)
    without the code generation that costs as much as the parse."""
    fixes: list[Fix | None] = [None] * len(sources)
    if all(source is None for source in sources):
        return fixes
    lines = LineTable(text)
    groups: dict[Hashable, list[tuple[int, int, FromStatement]]] = {}
    holder = _Holders(module, positions)
    for number, source in enumerate(sources):
        plan = source() if callable(source) else source
        if isinstance(plan, FromStatement):
            index = holder.index(plan.node)
            if index is not None:
                groups.setdefault(plan.group, []).append((index, number, plan))
        elif plan is not None:
            fixes[number] = to_fix(plan, module, positions, lines)
    for members in groups.values():
        _share(members, fixes, module, positions, lines)
    return fixes


def _share(
    members: list[tuple[int, int, FromStatement]],
    fixes: list[Fix | None],
    module: cst.Module,
    positions: Mapping[cst.CSTNode, CodeRange],
    lines: LineTable,
) -> None:
    """Fill in the fixes of one group's findings (statement index, finding number, plan):
    the first that builds is shared with the later ones it carries out."""
    shared: tuple[int, Fix] | None = None
    for index, number, source in sorted(members, key=lambda member: member[:2]):
        if shared is not None and index == shared[0]:
            fixes[number] = shared[1]
        elif shared is not None and source.joins(index):
            fixes[number] = replace(shared[1], description=source.shared_description)
        else:
            plan = source.plan(index)
            fix = to_fix(plan, module, positions, lines) if plan is not None else None
            fixes[number] = fix
            if shared is None and fix is not None:
                shared = (index, fix)


class _Holders:
    """The index of the module-level statement holding a node, by bisection over the start
    positions of the module's statements (listed on first use: a file without a
    `FromStatement` plan does not pay for it)."""

    def __init__(self, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.module, self.positions = module, positions
        self.starts: list[tuple[int, int]] | None = None

    def index(self, node: cst.CSTNode) -> int | None:
        body, positions = self.module.body, self.positions
        if self.starts is None:
            self.starts = [(where.start.line, where.start.column) for where in map(positions.__getitem__, body)]
        try:
            where = positions[node]
        except KeyError:
            return None
        index = bisect.bisect_right(self.starts, (where.start.line, where.start.column)) - 1
        if index < 0 or (where.end.line, where.end.column) > _end(positions[body[index]]):
            return None
        return index


def _end(where: CodeRange) -> tuple[int, int]:
    return where.end.line, where.end.column


def to_fix(
    plan: FixPlan, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], lines: LineTable
) -> Fix | None:
    """The text edits of a plan; None when a node cannot be placed.

    Statement spans are checked against the module's code, so a plan that does not match
    the source is dropped rather than applied wrongly.
    """
    edits: list[Edit] = []
    try:
        indent = _indentation(plan.statement, positions, lines)
        for node, new in plan.expressions:
            where = positions[node]
            code = _code(module, new, indent)
            if isinstance(new, _LOOSE) and not getattr(new, "lpar", ()) and _followed_by_trailer(lines, where):
                code = f"({code})"  # `(await f()).json()`: a trailer would bind tighter than `await`
            edits.append(Edit(_span(where), code))
        for statement, new_statements in plan.statements:
            span = _statement_span(module, statement, positions, lines)
            if span is None:
                return None
            edits.append(Edit(span, "".join(module.code_for_node(s) for s in new_statements)))
    except KeyError:
        return None
    if plan.imports:
        edits.extend(_import_edits(module, plan.imports, positions, lines))
    return Fix(tuple(edits), plan.safe, plan.description)


# Expressions that bind looser than a trailer (`.name`, `[...]`, `(...)`) after them.
_LOOSE = (
    cst.Await,
    cst.UnaryOperation,
    cst.BinaryOperation,
    cst.BooleanOperation,
    cst.Comparison,
    cst.IfExp,
    cst.Lambda,
    cst.NamedExpr,
    cst.Yield,
)


def _followed_by_trailer(lines: LineTable, where: CodeRange) -> bool:
    """Whether the code after `where` goes on with `.`, `[` or `(` applied to it (space,
    line continuations and comments skipped)."""
    text = lines.text
    index = lines.offset(where.end.line, where.end.column + 1)
    while index < len(text):
        char = text[index]
        if char == "#":
            while index < len(text) and text[index] not in "\r\n":
                index += 1
        elif char in " \t\f\r\n\\":
            index += 1
        else:
            return char in ".[("
    return False


def _indentation(statement: cst.CSTNode | None, positions: Mapping[cst.CSTNode, CodeRange], lines: LineTable) -> str:
    if statement is None:
        return ""
    start = positions[statement].start
    line_start = lines.offset(start.line, 1)
    return lines.text[line_start : line_start + start.column]


def _code(module: cst.Module, node: cst.CSTNode, indent: str) -> str:
    """`node`'s code as written inside a block indented by `indent`."""
    state = CodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=[indent] if indent else [],
    )
    node._codegen(state)
    return "".join(state.tokens)


def _span(where: CodeRange) -> Span:
    return Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)


def _statement_span(
    module: cst.Module, statement: cst.BaseStatement, positions: Mapping[cst.CSTNode, CodeRange], lines: LineTable
) -> Span | None:
    """The span of a module-level statement's whole text, leading lines included."""
    first_line = positions[statement].start.line - len(getattr(statement, "leading_lines", ()))
    start = lines.offset(first_line, 1)
    code = module.code_for_node(statement)
    if lines.text[start : start + len(code)] != code:
        # The last statement of a file that does not end with a newline.
        code = code.rstrip("\r\n")
        if lines.text[start:] != code:
            return None
    return Span(*lines.position(start), *lines.position(start + len(code)))


def _import_edits(
    module: cst.Module, imports: Sequence[str], positions: Mapping[cst.CSTNode, CodeRange], lines: LineTable
) -> list[Edit]:
    """One insertion per import, at the same place for every fix of the file, so that fixes
    needing the same import agree on its edit and it is added once."""
    newline = module.default_newline
    for statement in module.body:
        if _is_docstring_or_future(statement):
            continue
        at_import = isinstance(statement, cst.SimpleStatementLine) and isinstance(
            statement.body[0], (cst.Import, cst.ImportFrom)
        )
        line = positions[statement].start.line
        if not at_import:
            line -= len(statement.leading_lines)
        offset = lines.offset(line, 1)
        trailer = "" if at_import else newline
        return [Edit(Span(*lines.position(offset), *lines.position(offset)), text + newline + trailer) for text in imports]
    # Only a docstring and `__future__` imports: append at the end.
    end = len(lines.text)
    lead = "" if not lines.text or lines.text.endswith(("\n", "\r")) else newline
    where = lines.position(end)
    return [Edit(Span(*where, *where), lead + text + newline) for text in imports]


def _is_docstring_or_future(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "__future__":
            continue
        if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            continue
        return False
    return True
