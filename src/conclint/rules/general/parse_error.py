"""CCL001: the file could not be parsed or analysed."""

from __future__ import annotations

from conclint.model import Diagnostic, Span
from conclint.rule import Invalid, Rule, Valid


class ParseError(Rule):
    """
    ## What it does
    Reports a file that conclint cannot parse or analyse: a syntax error, bytes that do not
    decode in the file's declared encoding, or an expression nested too deeply for the parser.

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
    (`# -*- coding: latin-1 -*-`). Files written for Python 2 should be excluded
    through `exclude` in `[tool.conclint]`.

    ## Fix safety
    There is no automatic fix.

    ## Options
    - `exclude`: paths that are not checked at all.

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
