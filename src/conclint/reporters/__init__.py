"""Reporters: the only code that writes a run's results. Each format is one module.

A reporter is a function `write(result, stream, options)`; file errors (paths that could not
be checked) are written by `write_errors`, to stderr, whatever the format.

Each format's module is imported only when a report is written in it: a run pays for its own
format alone (SARIF's imports every rule, and with them libcst; JSON's the json module), which
matters for the one-file runs of pre-commit and editors, where start-up is most of the time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Sequence, TextIO

from conclint.reporters.names import one_line
from conclint.reporters.options import ReportOptions

if TYPE_CHECKING:
    from conclint.project.runner import RunResult


Reporter = Callable[["RunResult", TextIO, ReportOptions], None]


def _text(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    from conclint.reporters import text

    text.write(result, stream, options)


def _json(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    from conclint.reporters import json_reporter

    json_reporter.write(result, stream, options)


def _sarif(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    from conclint.reporters import sarif

    sarif.write(result, stream, options)


def _github(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    from conclint.reporters import github

    github.write(result, stream, options)


REPORTERS: Mapping[str, Reporter] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "github": _github,
}

# Formats that can show counts per rule instead of the findings.
STATISTICS_FORMATS = frozenset({"text", "json"})


def write_errors(errors: Sequence[tuple[str, str]], stream: TextIO) -> None:
    """One `path: error: message` line per path that could not be checked, in every format.
    A newline in a file name is written as `\\n`: it must not split the line, nor (in GitHub
    Actions, which reads workflow commands from stderr too) start a command."""
    for path, message in errors:
        stream.write(f"{one_line(path)}: error: {one_line(message)}\n")
