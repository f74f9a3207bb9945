"""conclint's findings and fixes as Language Server Protocol values (lsprotocol).

Positions: conclint counts lines from 1 and columns in characters from 1, the end column one
past the last character; the protocol counts both from 0, and columns in UTF-16 code units
(the encoding every client supports), so a column is converted with the text of its line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

from lsprotocol import types

from conclint import RULE_PAGE_URL
from conclint.autofix.add_noqa import UNSILENCEABLE, noqa_text
from conclint.core.model import Diagnostic, Edit, Fix

SOURCE = "conclint"
# Findings about the file itself (it cannot be parsed, a `noqa` silences nothing) are errors
# an editor should show as such; the others are warnings, as linters' findings are.
ERROR_CODES = frozenset({"CCL001"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Lines:
    """The lines of a buffer, to turn conclint's character columns into UTF-16 offsets."""

    def __init__(self, text: str) -> None:
        self.lines = _LINE_BREAK.split(text)

    def position(self, line: int, column: int) -> types.Position:
        """The protocol position of conclint's 1-based `line` and `column`."""
        number = max(line - 1, 0)
        if number >= len(self.lines):
            return types.Position(line=len(self.lines), character=0)
        prefix = self.lines[number][: max(column - 1, 0)]
        return types.Position(line=number, character=len(prefix.encode("utf-16-le")) // 2)

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column), end=self.position(end_line, end_column))


def diagnostic(finding: Diagnostic, lines: Lines) -> types.Diagnostic:
    """A finding as the protocol shows it: code linked to its rule page, the suggestion after
    the message, and a chain through helpers as related locations, one per link."""
    span = finding.span
    message = f"{finding.message}\n{finding.suggestion}" if finding.suggestion else finding.message
    return types.Diagnostic(
        range=lines.range(span.line, span.column, span.end_line, span.end_column),
        message=message,
        severity=types.DiagnosticSeverity.Error if finding.code in ERROR_CODES else types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=RULE_PAGE_URL.format(code=finding.code)),
        source=SOURCE,
        related_information=chain_information(finding) or None,
    )


def chain_information(finding: Diagnostic) -> list[types.DiagnosticRelatedInformation]:
    """Each link of a finding's chain (its path is absolute: the server lints absolute
    paths) as a location with what happens there."""
    links = finding.chain
    related = []
    for number, link in enumerate(links):
        if not os.path.isabs(link.path):
            continue
        if number + 1 < len(links):
            text = f"`{link.function}` calls `{links[number + 1].function}`"
        else:
            text = f"`{link.function}` blocks here"
        line = max(link.line - 1, 0)
        where = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0))
        location = types.Location(uri=Path(link.path).as_uri(), range=where)
        related.append(types.DiagnosticRelatedInformation(location=location, message=text))
    return related


def code_actions(
    uri: str, findings: Sequence[tuple[Diagnostic, types.Diagnostic]], text: str, lines: Lines
) -> list[types.CodeAction]:
    """For each finding: its fix as a quick fix (a safe one preferred, an unsafe one
    labelled), then a `# noqa: CODE` comment that silences it."""
    actions = []
    for finding, shown in findings:
        if finding.fix is not None:
            actions.append(_fix_action(uri, finding, finding.fix, shown, lines))
        silence = _noqa_action(uri, finding, shown, text, lines)
        if silence is not None:
            actions.append(silence)
    return actions


def _fix_action(uri: str, finding: Diagnostic, fix: Fix, shown: types.Diagnostic, lines: Lines) -> types.CodeAction:
    label = fix.description or f"Fix {finding.code}"
    title = f"{label} ({finding.code})" if fix.safe else f"{label} ({finding.code}, unsafe fix: review the change)"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[shown],
        is_preferred=fix.safe,
        edit=types.WorkspaceEdit(changes={uri: [text_edit(edit, lines) for edit in fix.edits]}),
    )


def text_edit(edit: Edit, lines: Lines) -> types.TextEdit:
    span = edit.span
    return types.TextEdit(range=lines.range(span.line, span.column, span.end_line, span.end_column), new_text=edit.replacement)


def _noqa_action(
    uri: str, finding: Diagnostic, shown: types.Diagnostic, text: str, lines: Lines
) -> types.CodeAction | None:
    """A `# noqa: CODE` where the engine reads it (the finding's line, or its statement's
    first), added to a comment already there; None when no line can take it."""
    if finding.code in UNSILENCEABLE:
        return None
    changed = noqa_text(text, [(finding.line, finding.code)])
    if changed.lines == 0:
        return None
    before, after = _LINE_BREAK.split(text), _LINE_BREAK.split(changed.text)
    number = next((i for i, (old, new) in enumerate(zip(before, after)) if old != new), None)
    if number is None:
        return None
    end = lines.position(number + 1, len(before[number]) + 1)
    edit = types.TextEdit(
        range=types.Range(start=types.Position(line=number, character=0), end=end), new_text=after[number]
    )
    return types.CodeAction(
        title=f"Suppress with `# noqa: {finding.code}`",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[shown],
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


def overlaps(shown: types.Range, wanted: types.Range) -> bool:
    """Whether two protocol ranges share a position (touching counts: a cursor at either end)."""
    start, end = (shown.start.line, shown.start.character), (shown.end.line, shown.end.character)
    return start <= (wanted.end.line, wanted.end.character) and (wanted.start.line, wanted.start.character) <= end
