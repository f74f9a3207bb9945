"""Human-readable output: `path:line:col: CODE message`, one finding a line, then a summary.

Colour comes from click: `click.style` marks the parts, `click.echo` drops the marks unless
`options.color` says otherwise or the stream is a terminal. With `show_source`, each finding
is followed by a code frame (the reported lines, the span underlined with carets) and the
suggested fix.
"""

from __future__ import annotations

import io
import tokenize
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Sequence, TextIO

import click

from conclint.core.model import Diagnostic, Span
from conclint.reporters.names import one_line

if TYPE_CHECKING:
    from conclint.reporters.options import ReportOptions
    from conclint.project.runner import RunResult

# A span longer than this shows its first lines and an ellipsis.
MAX_FRAME_LINES = 5


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    lines: list[str] = []
    if options.statistics:
        lines += statistics_lines(result.diagnostics, styled=True)
    else:
        sources = _SourceLines()
        for diagnostic in result.diagnostics:
            lines.append(format_diagnostic(diagnostic, styled=True))
            if options.show_source:
                lines += code_frame(diagnostic, sources.get(diagnostic.path))
    if not options.quiet:
        passed = not result.diagnostics and not result.errors
        closing = summary(result, options.fixed, options.unsafe_fixable)
        lines.append(click.style(closing, bold=True, fg="green" if passed else None))
    if lines:
        # one echo: click decides once whether to keep the colour, and flushes once
        click.echo("\n".join(lines), file=stream, color=options.color)


def format_diagnostic(diagnostic: Diagnostic, styled: bool = False) -> str:
    """`path:line:col: CODE message`; `[*]` before the message marks a finding `--fix` removes.
    The path is shown on one line and encodable (see `names.one_line`), whatever the file is called."""
    path, code = one_line(diagnostic.path), diagnostic.code
    mark = "[*] " if diagnostic.fixable else ""
    if styled:
        path, code = click.style(path, bold=True), click.style(code, fg="red", bold=True)
        mark = click.style(mark, fg="cyan", bold=True) if mark else ""
    return f"{path}:{diagnostic.line}:{diagnostic.column}: {code} {mark}{diagnostic.message}"


def statistics(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int]]:
    """`(code, name, count)` per code, most frequent first, then by code."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    return sorted(((code, name, n) for (code, name), n in counts.items()), key=lambda row: (-row[2], row[0]))


def statistics_lines(diagnostics: Sequence[Diagnostic], styled: bool = False) -> list[str]:
    rows = statistics(diagnostics)
    width = max((len(str(count)) for _, _, count in rows), default=1)
    return [
        f"{count:>{width}}  {click.style(code, fg='red', bold=True) if styled else code}  {name}"
        for code, name, count in rows
    ]


def summary(result: RunResult, fixed: int | None = None, unsafe_fixable: int = 0) -> str:
    """The closing line: how many problems in how many files (how many `--fix` would remove,
    how many more `--unsafe-fixes` would), how many paths failed; after `--fix` (`fixed`
    given), how many were fixed and how many remain."""
    problems, files = len(result.diagnostics), result.files_with_findings
    unchecked = f"{_plural(len(result.errors), 'path')} could not be checked." if result.errors else ""
    fixable = sum(d.fixable for d in result.diagnostics)
    if fixed:
        left = ", ".join([f"{problems} remaining", *_fixable_counts(fixable, unsafe_fixable)])
        return f"Found {_plural(problems + fixed, 'problem')} ({fixed} fixed, {left}). {unchecked}".strip()
    if problems:
        counts = ", ".join(_fixable_counts(fixable, unsafe_fixable))
        found = f"Found {_plural(problems, 'problem')} in {_plural(files, 'file')}"
        found += f" ({counts})." if counts else "."
        return f"{found} {unchecked}".strip()
    if unchecked:
        return f"No problems found, but {unchecked}"
    if result.files_checked == 0:
        return "No Python files found."
    return "All checks passed."


def _fixable_counts(fixable: int, unsafe: int) -> list[str]:
    """`["2 fixable with --fix", "1 more with --unsafe-fixes"]`: what each option would remove."""
    counts = [f"{fixable} fixable with --fix"] if fixable else []
    if unsafe:
        counts.append(f"{unsafe} more with --unsafe-fixes" if fixable else f"{unsafe} fixable with --fix --unsafe-fixes")
    return counts


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- code frames ---------------------------------------------------------------------------------


def code_frame(diagnostic: Diagnostic, lines: Sequence[str] | None) -> list[str]:
    """The lines under a finding: the source of its span with carets under the part of the
    span on its first line, then the suggestion. Without the source (the file changed or vanished), the suggestion only."""
    frame: list[str] = []
    span = diagnostic.span
    width = len(str(span.line))
    if lines is not None and 0 < span.line <= len(lines):
        last = min(span.end_line, len(lines), span.line + MAX_FRAME_LINES - 1)
        width = len(str(last))
        gutter = click.style(" " * width + " |", fg="blue", bold=True)
        frame.append(gutter)
        for number in range(span.line, last + 1):
            source = lines[number - 1]
            frame.append(click.style(f"{number:>{width}} |", fg="blue", bold=True) + f" {source}".rstrip())
            if number != span.line:
                continue  # a call over several lines: its first line says where it is, not every argument
            start, end = _underlined_columns(span, number, source)
            if end > start:
                carets = click.style("^" * _display_width(source[start:end]), fg="red", bold=True)
                frame.append(f"{gutter} {_blank_like(source[:start])}{carets}")
        if last < span.end_line:
            frame.append(click.style(" " * width + " ...", fg="blue", bold=True))
    if diagnostic.suggestion:
        indent = " " * (width + 1) if frame else "  "
        frame.append(f"{indent}{click.style('= help:', fg='cyan', bold=True)} {diagnostic.suggestion}")
    if frame:
        frame.append("")
    return frame


def _underlined_columns(span: Span, number: int, source: str) -> tuple[int, int]:
    """0-based [start, end) of the part of `source` (line `number`) that lies in `span`."""
    content_start = len(source) - len(source.lstrip())
    content_end = len(source.rstrip())
    start = span.column - 1 if number == span.line else content_start
    end = span.end_column - 1 if number == span.end_line else content_end
    end = min(end, len(source))
    if number == span.line == span.end_line and end <= start:
        end = start + 1  # an empty span (end of file, a parse error) still gets one caret
    return max(start, 0), end


def _blank_like(prefix: str) -> str:
    """Whitespace as wide as `prefix` on screen: tabs kept, so carets line up under them."""
    return "".join("\t" if char == "\t" else " " * _char_width(char) for char in prefix)


def _display_width(text: str) -> int:
    return max(sum(_char_width(char) for char in text), 1)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class _SourceLines:
    """Each reported file's lines, read once, decoded as Python decodes source."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str] | None] = {}

    def get(self, path: str) -> list[str] | None:
        if path not in self._cache:
            self._cache[path] = _read_lines(path)
        return self._cache[path]


def _read_lines(path: str) -> list[str] | None:
    from conclint.project.lint_one import read_source

    try:
        data = read_source(path)
    except OSError:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
