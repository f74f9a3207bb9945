"""Human-readable output: `path:line:col: CODE message`, one finding a line, then a summary."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Sequence, TextIO

from conclint.model import Diagnostic

if TYPE_CHECKING:
    from conclint.reporters import ReportOptions
    from conclint.runner import RunResult


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    if options.statistics:
        stream.writelines(f"{line}\n" for line in statistics_lines(result.diagnostics))
    else:
        stream.writelines(f"{format_diagnostic(d)}\n" for d in result.diagnostics)
    if not options.quiet:
        stream.write(summary(result) + "\n")


def format_diagnostic(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code} {diagnostic.message}"


def statistics(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int]]:
    """`(code, name, count)` per code, most frequent first, then by code."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    return sorted(((code, name, n) for (code, name), n in counts.items()), key=lambda row: (-row[2], row[0]))


def statistics_lines(diagnostics: Sequence[Diagnostic]) -> list[str]:
    rows = statistics(diagnostics)
    width = max((len(str(count)) for _, _, count in rows), default=1)
    return [f"{count:>{width}}  {code}  {name}" for code, name, count in rows]


def summary(result: RunResult) -> str:
    """The closing line: how many problems in how many files, and how many paths failed."""
    problems, files = len(result.diagnostics), result.files_with_findings
    unchecked = f"{_plural(len(result.errors), 'path')} could not be checked." if result.errors else ""
    if problems:
        found = f"Found {_plural(problems, 'problem')} in {_plural(files, 'file')}."
        return f"{found} {unchecked}".strip()
    if unchecked:
        return f"No problems found, but {unchecked}"
    if result.files_checked == 0:
        return "No Python files found."
    return "All checks passed."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
