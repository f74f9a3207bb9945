"""Reporters: the only code that writes a run's results. Each format is one module.

A reporter is a function `write(result, stream, options)`; file errors (paths that could not
be checked) are written by `write_errors`, to stderr, whatever the format.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence, TextIO

from conclint.reporters import github, json_reporter, text
from conclint.reporters.names import one_line
from conclint.reporters.options import ReportOptions
from conclint.project.runner import RunResult


Reporter = Callable[[RunResult, TextIO, ReportOptions], None]


def _sarif(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    # SARIF describes every rule from its class, which imports libcst: imported only when
    # asked for, so that a fully cached run in another format never loads libcst.
    from conclint.reporters import sarif

    sarif.write(result, stream, options)


REPORTERS: Mapping[str, Reporter] = {
    "text": text.write,
    "json": json_reporter.write,
    "sarif": _sarif,
    "github": github.write,
}

# Formats that can show counts per rule instead of the findings.
STATISTICS_FORMATS = frozenset({"text", "json"})


def write_errors(errors: Sequence[tuple[str, str]], stream: TextIO) -> None:
    """One `path: error: message` line per path that could not be checked, in every format.
    A newline in a file name is written as `\\n`: it must not split the line, nor (in GitHub
    Actions, which reads workflow commands from stderr too) start a command."""
    for path, message in errors:
        stream.write(f"{one_line(path)}: error: {one_line(message)}\n")
