"""CCL001: the file could not be parsed or analysed."""

from __future__ import annotations

from conclint.core.model import Diagnostic, Span
from conclint.rules.base import Invalid, Rule, Valid


class ParseError(Rule):
    """
    ## What it does
    Reports a file that conclint cannot parse or analyse: a syntax error, bytes that do not
    decode in the file's declared encoding, an expression nested too deeply for the parser,
    or a file too large to check (above `max-file-size`, or out of memory).

    A file above `max-file-size` is not parsed at all: parsing and analysis take about
    500 bytes of memory per byte of source, so a file of tens of megabytes would take the
    process down rather than be checked.

    ## Why is this bad?
    A file that cannot be parsed cannot be checked, so any concurrency mistake in it goes
    unseen. The rest of the run continues; only this file is skipped.

    ## Example
    ```python
    async def handler(:
        ...
    ```

    ## Use instead
    Fix the syntax error, or declare the file's encoding with a coding cookie
    (`# -*- coding: latin-1 -*-`). Syntax is judged by the Python conclint runs on, which
    the message names (`syntax error under Python 3.12`): a file written for a newer one (a
    t-string, new in 3.14) is checked by running conclint on that version. Files written for
    Python 2 should be excluded through `exclude` in `[tool.conclint]`. A file above `max-file-size` (generated code, as
    a rule) is best excluded too; raise the setting to check it anyway.

    ## Fix safety
    There is no automatic fix.

    ## Options
    - `exclude`: paths that are not checked at all.
    - `max-file-size`: the largest file checked, in bytes or with a unit (`"4MB"`);
      default 1 MB. Also `--max-file-size` on the command line.

    ## References
    - [PEP 263: source code encodings](https://peps.python.org/pep-0263/)
    """

    CODE = "CCL001"
    NAME = "parse-error"
    MESSAGE = "cannot analyse this file ({reason}); fix it or exclude it"
    VALID = (Valid("x = 1\n"), Valid(""))
    INVALID = (
        Invalid("async def handler(:\n    pass\n", line=1, message_contains=("syntax error",)),
        Invalid("x = (\n", line=1, message_contains=("never closed",)),
    )

    @classmethod
    def diagnostic(cls, path: str, span: Span, reason: str) -> Diagnostic:
        """The finding the engine emits when parsing or analysis fails."""
        return Diagnostic(
            path=path,
            span=span,
            code=cls.CODE,
            name=cls.NAME,
            message=cls.MESSAGE.format(reason=reason),
            suggestion="Fix the syntax error, or add the file to `exclude` in [tool.conclint].",
        )

    @classmethod
    def too_large(cls, path: str, size: int, limit: int) -> Diagnostic:
        """The finding for a file above `max-file-size`, which the engine does not parse: a
        finding rather than an error, so that the run goes on with the other files."""
        return Diagnostic(
            path=path,
            span=Span(1, 1, 1, 2),
            code=cls.CODE,
            name=cls.NAME,
            message=cls.too_large_reason(size, limit),
            suggestion="Raise `max-file-size` in [tool.conclint] (or pass --max-file-size), or add the file to `exclude`.",
        )

    @staticmethod
    def too_large_reason(size: int, limit: int) -> str:
        """Why a file of `size` bytes is not analysed under a limit of `limit` bytes."""
        shown, bound = _size_text(size), _size_text(limit)
        if shown == bound:  # rounded to the same text: say by how much it is over
            shown, bound = f"{size} bytes", f"{limit} bytes"
        return f"file too large to analyse ({shown}, limit {bound}); raise max-file-size to check it"


# Units of the sizes in messages, largest first: binary multiples, as `max-file-size` reads them.
_UNITS = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))


def _size_text(size: int) -> str:
    """`5.2 MB`, `4 MB`, `1000 bytes`: one decimal at most, none when it is zero."""
    for unit, factor in _UNITS:
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
