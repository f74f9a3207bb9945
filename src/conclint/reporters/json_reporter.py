"""`--format json`: one JSON array, each element the same keys in the same order (the contract tests/test_cli.py checks)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from conclint.core.model import Diagnostic
from conclint.reporters.text import statistics

if TYPE_CHECKING:
    from conclint.reporters.options import ReportOptions
    from conclint.project.runner import RunResult

FIELDS = ("path", "line", "column", "end_line", "end_column", "code", "name", "message", "suggestion", "fixable", "chain")


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """The findings as a JSON array; with `statistics`, an array of `{code, name, count}`."""
    if options.statistics:
        rows: list[dict[str, Any]] = [
            {"code": code, "name": name, "count": count} for code, name, count in statistics(result.diagnostics)
        ]
    else:
        rows = [to_json(d) for d in result.diagnostics]
    json.dump(rows, stream, indent=2)  # ASCII-only: safe on any console encoding
    stream.write("\n")


def to_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "path": diagnostic.path,
        "line": diagnostic.span.line,
        "column": diagnostic.span.column,
        "end_line": diagnostic.span.end_line,
        "end_column": diagnostic.span.end_column,
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "suggestion": diagnostic.suggestion,
        "fixable": diagnostic.fixable,
        # A finding through helpers: each function from the callee down, then the blocking
        # call; `line` is null when it cannot be told. Empty for any other finding.
        "chain": [{"path": link.path, "line": link.line or None, "function": link.function} for link in diagnostic.chain],
    }
