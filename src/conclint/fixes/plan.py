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
import re
from dataclasses import dataclass, replace
from typing import Callable, Hashable, Mapping, Sequence, Union

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodeRange

from conclint.fixes.import_order import SortKey, from_key, import_key, is_standard_module, member_key
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
            if isinstance(new, _LOOSE) and not getattr(new, "lpar", ()) and _has_trailer(plan.statement, node):
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


def _has_trailer(statement: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """Whether `node` is followed by a trailer in `statement`: it is the object of an
    attribute or subscript, or the callee of a call (`time.sleep(1).x`), so that an `await`
    put in its place needs parentheses. Unknown without the statement: assumed so, since
    parentheses are never wrong."""
    if statement is None:
        return True
    found: list[bool] = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, visited: cst.CSTNode) -> bool:
            if (isinstance(visited, (cst.Attribute, cst.Subscript)) and visited.value is node) or (
                isinstance(visited, cst.Call) and visited.func is node
            ):
                found.append(True)
            return not found

    statement.visit(Finder())
    return bool(found)


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
    needing the same import agree on its edit and it is added once: the place depends on
    nothing but the module and the import.

    The place is after the docstring and the `__future__` imports. When the imports that
    open the module are sorted the way isort and ruff sort them (ruff's `I001` with its
    default settings), a standard-library import goes where they would put it, so that
    `conclint --fix` followed by `ruff check --select I` in a pre-commit chain passes.
    Otherwise (imports sorted some other way, or an import from outside the standard
    library, whose section conclint cannot tell) it goes before the first import.

    Two different imports may land at the same offset; `autofix.apply` puts them in isort's
    order there (`fixes.import_order.arranged`), whatever order their fixes came in."""
    body = module.body
    start = next((index for index, statement in enumerate(body) if not _is_docstring_or_future(statement)), len(body))
    if start == len(body):
        return _appended(module, imports, lines)
    block = _SortedBlock.read(module, start, positions, lines)
    edits = []
    for text in imports:
        edit = block.insertion(text) if block is not None else None
        edits.append(edit if edit is not None else _before_statement(module, body[start], positions, lines, text))
    return edits


def _before_statement(
    module: cst.Module,
    statement: cst.BaseStatement,
    positions: Mapping[cst.CSTNode, CodeRange],
    lines: LineTable,
    text: str,
) -> Edit:
    """The simple rule: just before the first import, or before the first statement and its
    comments, followed by a blank line, when the module does not start with an import."""
    newline = module.default_newline
    at_import = isinstance(statement, cst.SimpleStatementLine) and isinstance(
        statement.body[0], (cst.Import, cst.ImportFrom)
    )
    line = positions[statement].start.line
    if not at_import:
        line -= len(statement.leading_lines)
    return _insert(lines, lines.offset(line, 1), text + newline + ("" if at_import else newline))


def _appended(module: cst.Module, imports: Sequence[str], lines: LineTable) -> list[Edit]:
    """Only a docstring and `__future__` imports: the imports go at the end."""
    newline = module.default_newline
    lead = "" if not lines.text or lines.text.endswith(("\n", "\r")) else newline
    return [_insert(lines, len(lines.text), lead + text + newline) for text in imports]


def _insert(lines: LineTable, offset: int, text: str) -> Edit:
    where = lines.position(offset)
    return Edit(Span(*where, *where), text)


def _is_docstring_or_future(statement: cst.BaseStatement) -> bool:
    """A statement new imports go after: the docstring, or a `__future__` import, which
    must stay first (a line holding one among other statements counts too)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    if any(_is_future(small) for small in statement.body):
        return True
    return all(
        isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        for small in statement.body
    )


def _is_future(small: cst.BaseSmallStatement) -> bool:
    return (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and isinstance(small.module, cst.Name)
        and small.module.value == "__future__"
    )


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _asname(alias: cst.ImportAlias) -> str | None:
    return _dotted(alias.asname.name) if alias.asname is not None else None  # type: ignore[arg-type]


def _single_import(statement: cst.BaseStatement) -> Union[cst.Import, cst.ImportFrom, None]:
    """The import a line holds alone, or None."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def _statement_key(node: Union[cst.Import, cst.ImportFrom]) -> SortKey | None:
    """The sort key of an import statement; None for one isort would rewrite whatever its
    neighbours (`import a, b`, a star import, names out of order)."""
    if isinstance(node, cst.Import):
        if len(node.names) != 1:
            return None
        return import_key(_dotted(node.names[0].name), _asname(node.names[0]))
    if isinstance(node.names, cst.ImportStar):
        return None
    members = [member_key(_dotted(alias.name), _asname(alias)) for alias in node.names]
    if not _ascending(members):
        return None
    return from_key(len(node.relative), _dotted(node.module) if node.module is not None else "", members[0])


def _ascending(keys: Sequence[SortKey]) -> bool:
    return all(first <= second for first, second in zip(keys, keys[1:]))


def _imports_standard_module(node: Union[cst.Import, cst.ImportFrom]) -> bool:
    if isinstance(node, cst.Import):
        return all(is_standard_module(_dotted(alias.name)) for alias in node.names)
    return not node.relative and node.module is not None and is_standard_module(_dotted(node.module))


def _has_blank_line(statement: cst.SimpleStatementLine) -> bool:
    return any(line.comment is None for line in statement.leading_lines)


@dataclass(frozen=True)
class _Entry:
    """A statement of the module's opening import block, with its sort key."""

    statement: cst.SimpleStatementLine
    node: Union[cst.Import, cst.ImportFrom]
    key: SortKey
    standard: bool


_ADDED = re.compile(r"from ([\w.]+) import (\w+)|import ([\w.]+)")


class _SortedBlock:
    """The imports that open a module (one per line, up to the first other statement),
    known to be sorted as isort sorts them: runs separated by blank lines, each in order,
    the standard library's the first run when there is one."""

    def __init__(
        self, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], lines: LineTable, entries: list[_Entry]
    ) -> None:
        self.module, self.positions, self.lines = module, positions, lines
        self.entries = entries
        self.standard = [entry for entry in entries if entry.standard]

    @classmethod
    def read(
        cls, module: cst.Module, start: int, positions: Mapping[cst.CSTNode, CodeRange], lines: LineTable
    ) -> _SortedBlock | None:
        """The block starting at body index `start`; None when there is none or it is not sorted."""
        entries: list[_Entry] = []
        for statement in module.body[start:]:
            node = _single_import(statement)
            if node is None:
                break
            key = _statement_key(node)
            if key is None:
                return None
            entries.append(_Entry(statement, node, key, _imports_standard_module(node)))  # type: ignore[arg-type]
        if not entries:
            return None
        runs: list[list[_Entry]] = [[entries[0]]]
        for entry in entries[1:]:
            if _has_blank_line(entry.statement):
                runs.append([])
            runs[-1].append(entry)
        if not all(_ascending([entry.key for entry in run]) for run in runs):
            return None
        if any(entry.standard for entry in entries) and not all(entry.standard for entry in runs[0]):
            return None
        if any(entry.standard for run in runs[1:] for entry in run):
            return None
        return cls(module, positions, lines, entries)

    def insertion(self, text: str) -> Edit | None:
        """The edit adding `text` (`import x` or `from x import y`) where isort would put it,
        or None when conclint cannot tell where that is (not a standard-library import)."""
        match = _ADDED.fullmatch(text)
        if match is None:
            return None
        module, name, plain = match.groups()
        if not is_standard_module(module or plain):
            return None
        if not self.standard:
            return self._before_block(text)
        if name is not None:
            merged = self._merged(module, name)
            if merged is not None:
                return merged
            key = from_key(0, module, member_key(name, None))
        else:
            key = import_key(plain, None)
        index = bisect.bisect_right([entry.key for entry in self.standard], key)
        return self._at(self._line(index), text, after_line=name is None)

    def _line(self, index: int) -> int:
        """The line the new import is to start at, to stand at `index` of the standard
        library's run: comments above the import it goes before stay with that import,
        except above the first, where they head the run."""
        standard = self.standard
        if index == len(standard):
            return self.positions[standard[-1].statement].end.line + 1
        statement = standard[index].statement
        line = self.positions[statement].start.line
        return line if index == 0 else line - len(statement.leading_lines)

    def _at(self, line: int, text: str, after_line: bool) -> Edit:
        """The insertion of `text` as the line `line`. An `import x` is written at the end
        of the line before (`\\nimport x`), a `from` import at the start of `line`: two
        fixes adding one of each at the same place then make edits at different offsets,
        which come out in isort's order (`import` lines first) whatever order the fixes
        are applied in."""
        lines, newline = self.lines, self.module.default_newline
        start = lines.offset(line, 1)
        if after_line and line > 1:
            return _insert(lines, _line_end(lines, line - 1), newline + text)
        if start > 0 and lines.text[start - 1] not in "\r\n":  # past the last line, no final newline
            return _insert(lines, start, newline + text)
        return _insert(lines, start, text + newline)

    def _before_block(self, text: str) -> Edit:
        """No standard-library import: the new one opens the block, a blank line after it as
        between two sections, after the blank lines above the first import but before its
        comments (which are about the third-party section)."""
        statement = self.entries[0].statement
        leading = statement.leading_lines
        blank = next((index for index, line in enumerate(leading) if line.comment is not None), len(leading))
        line = self.positions[statement].start.line - len(leading) + blank
        newline = self.module.default_newline
        return _insert(self.lines, self.lines.offset(line, 1), text + newline + newline)

    def _merged(self, module: str, name: str) -> Edit | None:
        """The insertion of `name` among the names of the standard-library statement that
        imports from `module` already (isort makes one statement of the two), or None."""
        for entry in self.standard:
            node = entry.node
            if (
                isinstance(node, cst.ImportFrom)
                and not node.relative
                and node.module is not None
                and _dotted(node.module) == module
                and not isinstance(node.names, cst.ImportStar)
                and all(alias.asname is None for alias in node.names)
            ):
                return self._member_insertion(node, node.names, name)
        return None

    def _member_insertion(self, node: cst.ImportFrom, names: Sequence[cst.ImportAlias], name: str) -> Edit | None:
        present = [_dotted(alias.name) for alias in names]
        if name in present:
            return None
        keys = [member_key(member, None) for member in present]
        index = bisect.bisect_right(keys, member_key(name, None))
        separator = _member_separator(node, names, self.module.default_newline)
        if index < len(names):
            where = self.positions[names[index].name].start
            return _insert(self.lines, self.lines.offset(where.line, where.column + 1), name + separator)
        where = self.positions[names[-1].name].end
        return _insert(self.lines, self.lines.offset(where.line, where.column + 1), separator + name)


def _member_separator(node: cst.ImportFrom, names: Sequence[cst.ImportAlias], newline: str) -> str:
    """What separates two names in this statement (`, ` or, in parentheses, a comma and a
    new line), comments left out."""
    if len(names) > 1 and isinstance(names[0].comma, cst.Comma):
        comma = names[0].comma
        space = comma.whitespace_after
    elif node.lpar is not None:
        space = node.lpar.whitespace_after
    else:
        return ", "
    if isinstance(space, cst.ParenthesizedWhitespace):
        return "," + newline + space.last_line.value
    if isinstance(space, cst.SimpleWhitespace) and space.value:
        return "," + space.value
    return ", "


def _line_end(lines: LineTable, line: int) -> int:
    """The offset of the line break ending `line`, or of the end of the text."""
    if line >= len(lines.starts):
        return len(lines.text)
    following = lines.starts[line]
    return following - (2 if lines.text[following - 2 : following] == "\r\n" else 1)
