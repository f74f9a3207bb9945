"""Plain, frozen values that leave the engine: no CST node ever escapes into them."""

from __future__ import annotations

from dataclasses import dataclass, field


# The `function` of a finding outside every function and class.
MODULE_LEVEL = "<module>"


@dataclass(frozen=True, order=True)
class Span:
    """A source range: 1-based lines and columns, the end column one past the last character."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text covered by `span` with `replacement`."""

    span: Span
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A rewrite that removes a finding; `safe` fixes keep behaviour, unsafe ones need review."""

    edits: tuple[Edit, ...]
    safe: bool
    description: str = ""


@dataclass(frozen=True)
class ChainLink:
    """One step of a finding through helpers: a function of the chain (`line` is its `def`),
    or, last, the blocking call it makes. `path` is the file as the finding's own path is
    written (relative to the same directory); `line` 0 when it cannot be told."""

    path: str
    line: int
    function: str


@dataclass(frozen=True)
class Diagnostic:
    """One finding in one file."""

    path: str
    span: Span
    code: str
    name: str
    message: str
    suggestion: str = ""
    fix: Fix | None = field(default=None, compare=False)
    # What a baseline matches findings by, instead of lines that move: the qualified name of
    # the function (or class) the finding is in, "<module>" at module level, and for a
    # finding through helpers its chain: the functions from the callee down, then the
    # blocking call (a baseline keys on their names; the reports show where each one is).
    function: str = ""
    chain: tuple[ChainLink, ...] = ()

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, str, str, int, int, str]:
        """Output order: by position, then code and message, then what is left, so that two
        findings at one position come out in the same order whichever way the run went
        (cached or not, one worker or several)."""
        span = self.span
        return (self.path, span.line, span.column, self.code, self.message, span.end_line, span.end_column, self.suggestion)
