"""The fix for processes started at import time (CCL301, CCL302).

The module-level statements from the one that starts processes onward move under
`if __name__ == "__main__":`, except definitions and imports (which children importing the
module still need, and which start nothing). An existing plain guard receives them, in
source order around its own body; otherwise a new guard closes the module. Statements that
test `__name__` themselves stay where they are.

Unsafe: names those statements define no longer exist when the module is imported (a
spawned child imports it), and definitions after them now run before them.

The findings of one module share the fix of the first (see `plan.FromStatement`): it moves
the statements of the later ones too, and a fix per finding would cost the rest of the file
each, quadratic in a file with many process starts.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from conclint.analysis.guards import main_guard_branch
from conclint.fixes.plan import FixPlan, FromStatement

GUARD_TEST = '__name__ == "__main__"'
DESCRIPTION = 'Move the statements from here on under `if __name__ == "__main__":`'
# The description of the fix a finding shares with an earlier one in the module.
SHARED_DESCRIPTION = 'Move the statements from the first process start on under `if __name__ == "__main__":`'
# The FromStatement group of the guard fixes of one module (with the module's identity).
GROUP = "main-guard"


def main_guard_fix(module: cst.Module, node: cst.CSTNode) -> FromStatement:
    """The plan moving the module-level statement holding `node`, and the code after it,
    under the `__main__` guard. The engine builds it once it knows that statement (and none
    when `node` is not inside a module-level statement); the findings of one module share
    the fix of the first of them, which moves the statements of the others too."""
    return FromStatement(
        node,
        group=(GROUP, id(module)),
        plan=lambda index: _plan(module, index),
        joins=lambda index: _moved_after_earlier_start(module.body[index]),
        shared_description=SHARED_DESCRIPTION,
    )


def _moved_after_earlier_start(statement: cst.BaseStatement) -> bool:
    """Whether the plan for an earlier statement moves this one (see `_plan`)."""
    return not (_defines_only(statement) or _tests_name(statement))


def _plan(module: cst.Module, index: int) -> FixPlan | None:
    """The plan moving `module.body[index]`, and the code after it, under the guard."""
    body = list(module.body)
    if _tests_name(body[index]):
        return None
    guard_index = _plain_guard(body)
    moved = [
        position
        for position in range(index, len(body))
        if position != guard_index and (position == index or _moved_after_earlier_start(body[position]))
    ]
    edits: dict[int, tuple[cst.BaseStatement, ...]] = {position: () for position in moved}
    if guard_index is not None:
        guard = body[guard_index]
        assert isinstance(guard, cst.If)
        before = [_indented(body[p]) for p in moved if p < guard_index]
        after = [_indented(body[p]) for p in moved if p > guard_index]
        statements = _first_without_blank_lines([*before, *_block_statements(guard.body), *after])
        if isinstance(guard.body, cst.IndentedBlock):
            block = guard.body.with_changes(body=statements)
        else:
            block = cst.IndentedBlock(body=statements, header=guard.body.trailing_whitespace)
        leading = body[moved[0]].leading_lines if before else guard.leading_lines
        edits[guard_index] = (guard.with_changes(body=block, leading_lines=leading),)
    else:
        last = len(body) - 1
        kept = () if last in edits else (body[last],)
        blank = (cst.EmptyLine(), cst.EmptyLine()) if kept or moved[0] > 0 else ()
        guard = cst.If(
            test=cst.parse_expression(GUARD_TEST),
            body=cst.IndentedBlock(body=_first_without_blank_lines([_indented(body[p]) for p in moved])),
            leading_lines=blank,
        )
        edits[last] = (*kept, guard)
    return FixPlan(
        DESCRIPTION,
        False,
        statements=tuple((body[position], replacement) for position, replacement in sorted(edits.items())),
    )


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


def _tests_name(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.If) and main_guard_branch(statement.test) is not None


def _defines_only(statement: cst.CSTNode) -> bool:
    """Definitions, imports, dunder assignments (`__all__`), and `if`/`try` blocks of those."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return True
    if isinstance(statement, cst.SimpleStatementLine):
        return all(_defining_small(small) for small in statement.body)
    if isinstance(statement, (cst.If, cst.Try)):
        return all(_defines_only(inner) for inner in _nested_statements(statement))
    return False


def _defining_small(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass)):
        return True
    if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
        names = [t.target.value for t in small.targets]  # type: ignore[attr-defined]
        dunder = all(name.startswith("__") and name.endswith("__") for name in names)
        return dunder or (isinstance(small.value, cst.Name) and small.value.value == "None")
    return False


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
    """The statement as it will sit in the guard's block: blank lines before it stay blank,
    without the block's indentation."""
    lines = statement.leading_lines
    if all(line.comment is not None or not line.indent for line in lines):
        return statement
    blank = [line.with_changes(indent=False) if line.comment is None else line for line in lines]
    return statement.with_changes(leading_lines=blank)
