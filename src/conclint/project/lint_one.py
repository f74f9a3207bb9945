"""One file in, its outcome out: read it safely, digest it, give it its view of the project
index, and run the engine on it.

The engine, and with it libcst, is imported only here and only when a file needs linting, so
a run served entirely from the cache never loads it, nor one whose files no rule needs to
parse (`parse_needed`). Every failure of one file becomes that file's error, never the run's.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from conclint.core.digests import content_digest
from conclint.core.model import Diagnostic
from conclint.core.settings import Settings
from conclint.project import lint_ahead
from conclint.project.parse_needed import needs_engine
from conclint.project.tasks import FileResult, IndexOptions, Linted

if TYPE_CHECKING:
    from conclint.analysis.project_index import ProjectIndex, ProjectView
    from conclint.analysis.summaries import ModuleSummary

# Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK makes open() return
# at once so the fstat check below can refuse it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# The cyclic garbage collector's thresholds while linting. A file's libcst tree is hundreds of
# thousands of container objects that live until its lint ends, and few of them form cycles:
# at Python's default (a collection every 700 allocations, full ones over the whole heap)
# the collector traverses the same tree again and again. Measured over the benchmark corpus,
# serially: 36.4 s at the default, 30.9 s at (10_000, 10, 10), peak memory 175 MB against
# 181 MB. The analysis since keeps more objects per file (flow states, guards, call sites):
# collecting ten times less often cut 4 % of the CPU of a 2-worker cold run of
# bench/compare.py's projects (bench/reference_cost.py), peak memory +10 % (279 MB on
# distributed).
LINT_GC_THRESHOLDS = (100_000, 20, 10)


class EngineUnavailable(Exception):
    """conclint's engine (libcst, the rules) cannot be imported: a broken installation, not
    a problem of any file, so the run stops with this one reason instead of an error per file."""


def load_engine() -> None:
    """Import the engine, or raise EngineUnavailable saying why it cannot be."""
    try:
        from conclint.engine import rules_for_path  # noqa: F401
    except Exception as error:  # noqa: BLE001 - whatever a broken dependency raises on import
        detail = " ".join(str(error).split())
        raise EngineUnavailable(f"{type(error).__name__}: {detail}" if detail else type(error).__name__) from None


def lint_file(path: str, settings: Settings, index: IndexOptions | None = None) -> FileResult:
    """Read `path` as bytes (so coding cookies decide the encoding) and run the engine on it."""
    return lint_for_run(path, settings, index)[0]


def lint_source(source: bytes, path: str, settings: Settings, project: ProjectView | None = None) -> list[Diagnostic]:
    """`conclint.engine.lint_source`, imported on first use: importing it imports libcst.
    A file no rule needs to parse is answered here, without it (`parse_needed`)."""
    if not needs_engine(source, settings, project.is_project_module if project is not None else None):
        return []  # what the engine would find
    load_engine()
    from conclint.engine import lint_source as engine_lint_source

    return engine_lint_source(source, path, settings, project)


def lint_for_run(
    path: str, settings: Settings, index: IndexOptions | None = None, summary_wanted: bool = False
) -> Linted:
    """`lint_file`, the content digest of the bytes it linted (None when unreadable), and the
    other files its findings were drawn from, with their digests. `summary_wanted`: see
    `ProjectView.summary_wanted`."""
    try:
        source = read_source(path)
    except OSError as error:
        return FileResult(path, error=_reason(error)), None, {}
    digest = content_digest(source)
    project = _project_index(settings, index).view(path, digest, source) if index is not None else None
    if project is not None:
        project.summary_wanted = summary_wanted
    try:
        diagnostics = lint_source(source, path, settings, project)
    except EngineUnavailable:
        raise  # the run's problem, not this file's
    except Exception as error:  # noqa: BLE001 - one file's engine failure must not end the run
        detail = " ".join(str(error).split())
        message = f"internal error: {type(error).__name__}" + (f": {detail}" if detail else "")
        return FileResult(path, error=message), digest, {}
    dependencies = project.dependencies if project is not None else {}
    dependencies.pop(os.path.abspath(path), None)
    return FileResult(path, diagnostics=tuple(diagnostics)), digest, dependencies


def project_view(path: str, settings: Settings, options: IndexOptions) -> ProjectView:
    """What the file at `path` sees of its project, through this process's index."""
    return _project_index(settings, options).view(path)


_INDEXES: dict[tuple[Settings, IndexOptions], ProjectIndex] = {}


def _project_index(settings: Settings, options: IndexOptions) -> ProjectIndex:
    """This process's project index for `settings` (summaries depend on the catalog)."""
    key = (settings, options)
    index = _INDEXES.get(key)
    if index is None:
        if any(known.run != options.run for _, known in _INDEXES):
            _INDEXES.clear()
        index = _INDEXES[key] = new_project_index(settings, options.store)
    return index


def new_project_index(settings: Settings, store_directory: str | None) -> ProjectIndex:
    """A project index whose summaries follow `settings` (the catalog), kept under
    `store_directory` (a cache directory) too when given. The runner keeps one per run and
    settings; a language server keeps one for as long as it serves."""
    from conclint.analysis.project_index import ProjectIndex
    from conclint.project.summary_store import SummaryStore
    from conclint.project.cache import engine_fingerprint, settings_digest

    def summarize(source: bytes, anchor: str, located: bool) -> ModuleSummary:
        from conclint.engine import summarize_source  # libcst: only once a module is summarized

        return summarize_source(source, settings, anchor, located=located)

    store = None
    if store_directory is not None:
        store = SummaryStore(store_directory, f"{engine_fingerprint()}-{settings_digest(settings)}")
    return ProjectIndex(summarize, store, lint_ahead.lint_ahead, max_file_size=settings.max_file_size)


def lint_buffer(source: bytes, path: str, settings: Settings, index: ProjectIndex | None) -> Linted:
    """Lint `source` as if it were the content of the file at `path` (standard input, an
    editor's buffer), with `index` when given, on the deep-stack thread as a run lints. An
    engine failure becomes the result's error, as in a run; the diagnostics keep `path`.
    Returned with the digest of `source` and the other files the findings were drawn from
    (what a server re-lints the buffer after). `index` is used from that thread only: a
    caller that shares one must not lint in parallel."""
    from conclint.project.deep_stack import run_with_deep_stack

    digest = content_digest(source)
    outcome: list[Linted] = []

    def lint() -> None:
        project = index.view(path, digest, source) if index is not None else None
        try:
            found = lint_source(source, path, settings, project)
        except EngineUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - a failure of this buffer, reported as its error
            detail = " ".join(str(error).split())
            message = f"internal error: {type(error).__name__}" + (f": {detail}" if detail else "")
            outcome.append((FileResult(path, error=message), digest, {}))
            return
        dependencies = dict(project.dependencies) if project is not None else {}
        dependencies.pop(os.path.abspath(path), None)
        outcome.append((FileResult(path, diagnostics=tuple(found)), digest, dependencies))

    run_with_deep_stack(lint)
    return outcome[0]


def read_source(path: str) -> bytes:
    """The bytes of a regular file; OSError for anything else (directory, FIFO, device)."""
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(0, "is a directory", path)
        if not stat.S_ISREG(mode):
            raise OSError(0, "not a regular file", path)
        with os.fdopen(descriptor, "rb", closefd=True) as stream:
            descriptor = -1
            return stream.read()
    finally:
        if descriptor >= 0:
            os.close(descriptor)


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    return (error.strerror or str(error)).lower()
