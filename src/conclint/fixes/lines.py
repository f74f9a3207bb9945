"""Line and column <-> offset in source text, for edits. Free of libcst, which the command
line must not load before it knows it has a file to lint."""

from __future__ import annotations

import bisect
import re
from typing import Iterable

from conclint.core.model import Edit

# (start offset, end offset, replacement) of an edit in a text.
Offsets = tuple[int, int, str]

# Python's and libcst's line breaks; str.splitlines also breaks at form feeds and other
# separators that are no line break in source, which would misnumber every later line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The physical lines of source `text` as Python and libcst number them, without their
    line breaks (the text after the last break is a line only when not empty)."""
    lines = LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


class LineTable:
    """Offsets of line starts, splitting lines the way libcst does (\\r\\n, \\r or \\n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(match.end() for match in LINE_BREAK.finditer(text))]

    def offset(self, line: int, column: int) -> int:
        """The offset of 1-based `line`, 1-based `column`; one line past the end is the end."""
        if line > len(self.starts):
            return len(self.text)
        return self.starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of `offset`."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def edit_offsets(self, edit: Edit) -> Offsets:
        """The offsets an edit covers in the text, with its replacement."""
        span = edit.span
        return self.offset(span.line, span.column), self.offset(span.end_line, span.end_column), edit.replacement


def splice(text: str, edits: Iterable[Offsets], start: int = 0, end: int | None = None) -> str:
    """text[start:end] with the edits (none overlapping, all within it) made."""
    pieces, position = [], start
    for edit_start, edit_end, replacement in sorted(edits, key=lambda edit: edit[:2]):
        pieces += [text[position:edit_start], replacement]
        position = edit_end
    pieces.append(text[position:end])
    return "".join(pieces)
