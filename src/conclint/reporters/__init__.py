"""Reporters: the only code that writes a run's results. Each format is one module.

A reporter is a function `write(result, stream, options)`; file errors (paths that could not
be checked) are written by `write_errors`, to stderr, whatever the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence, TextIO

from conclint.reporters import json_reporter, text
from conclint.runner import RunResult


@dataclass(frozen=True)
class ReportOptions:
    """How much to write: `statistics` replaces the findings by counts per code;
    `quiet` drops everything but the findings (no summary line)."""

    statistics: bool = False
    quiet: bool = False


Reporter = Callable[[RunResult, TextIO, ReportOptions], None]

REPORTERS: Mapping[str, Reporter] = {
    "text": text.write,
    "json": json_reporter.write,
}


def write_errors(errors: Sequence[tuple[str, str]], stream: TextIO) -> None:
    """One `path: error: message` line per path that could not be checked."""
    for path, message in errors:
        stream.write(f"{path}: error: {message}\n")
