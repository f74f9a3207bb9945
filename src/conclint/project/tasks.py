"""What the runner hands a lint and gets back: plain values shared by the runner, lint ahead
and the fix stage, kept apart so that none of them imports another for its types."""

from __future__ import annotations

from dataclasses import dataclass

from conclint.core.model import Diagnostic
from conclint.core.settings import Settings


@dataclass(frozen=True)
class IndexOptions:
    """Follow calls into other modules of the project (see `conclint.analysis.project_index`), with
    module summaries kept under `store` (a cache directory) or, when None, in memory only.
    `run` tells runs apart: a process keeps the index of one run only, since files may
    change between runs."""

    store: str | None = None
    run: int = 0


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file: its diagnostics, or why it could not be checked."""

    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None


# One file to lint: its path, its settings (per-file ignores folded in), the index options.
Task = tuple[str, Settings, "IndexOptions | None"]
# A lint's outcome, the content digest of the bytes it linted (None when unreadable), and the
# other files its findings were drawn from, with their digests.
Linted = tuple[FileResult, "str | None", "dict[str, str]"]
