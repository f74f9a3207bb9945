"""`--format github`: one GitHub Actions workflow command per finding, which the Actions
runner turns into an annotation on the pull request's diff.

    ::error file=app.py,line=3,col=5,endLine=3,endColumn=18,title=CCL101::`time.sleep()` blocks ...%0AReplace ...

The message is followed by the suggestion on a second line (an escaped newline).

Escaping follows the runner's rules (actions/toolkit, `command.ts`): `%`, CR and LF in the
message, and additionally `:` and `,` in property values, are percent-encoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from conclint.core.model import Diagnostic
from conclint.reporters.names import encodable

if TYPE_CHECKING:
    from conclint.reporters.options import ReportOptions
    from conclint.project.runner import RunResult

_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    stream.writelines(f"{annotation(d)}\n" for d in result.diagnostics)


def annotation(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    properties = {
        # slashes first: `encodable` writes an undecodable byte as `\xNN`
        "file": encodable(diagnostic.path.replace("\\", "/")),
        "line": span.line,
        "col": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
        "title": diagnostic.code,
    }
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    # The annotation is all a reviewer sees on the diff: the fix goes with the problem.
    text = f"{diagnostic.message}\n{diagnostic.suggestion}" if diagnostic.suggestion else diagnostic.message
    return f"::error {joined}::{escape_data(encodable(text))}"


def escape_data(value: str) -> str:
    for raw, escaped in _DATA_ESCAPES:
        value = value.replace(raw, escaped)
    return value


def escape_property(value: str) -> str:
    for raw, escaped in _PROPERTY_ESCAPES:
        value = value.replace(raw, escaped)
    return value
