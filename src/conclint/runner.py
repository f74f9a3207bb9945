"""Files -> diagnostics. Reads each file's bytes and hands them to the engine.

`lint_file` is a pure, top-level function returning a picklable `FileResult`, so the serial
loop in `lint_paths` can become a process pool without changing anything else. One file's
failure (unreadable, not a file, an engine bug) never stops the others: it becomes an error.

`per-file-ignores` patterns are matched here, against each file's path relative to the
project root (the directory of the pyproject.toml in use), so they apply the same whether
conclint runs from the root, from a sub-directory or on absolute paths; the engine then
sees them as plain ignores.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, ContextManager, Iterable, Iterator, Sequence

from conclint.config import Settings
from conclint.discovery import PathError, discover
from conclint.engine import lint_source
from conclint.model import Diagnostic
from conclint.registry import select_rules

# `progress(total)` is entered around the run; the callable it yields is called once per file done.
Progress = Callable[[int], ContextManager[Callable[[], None]]]

# Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK makes open() return
# at once so the fstat check below can refuse it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file: its diagnostics, or why it could not be checked."""

    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None


@dataclass
class RunResult:
    """The outcome of a run: findings in output order, how many files were checked, failures."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    errors: list[PathError] = field(default_factory=list)

    @property
    def files_with_findings(self) -> int:
        return len({diagnostic.path for diagnostic in self.diagnostics})


def check(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings,
    root: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
) -> RunResult:
    """Discover the files under `paths` (honouring `settings.exclude`) and lint them.

    `root` is the project directory (default: the working directory): `exclude` and
    `per-file-ignores` patterns are relative to it.
    """
    files, discovery_errors = discover(paths, settings.exclude, root)
    with (progress or _no_progress)(len(files)) as advance:
        result = lint_paths(files, settings, root, on_file_done=advance)
    result.errors = sorted([*discovery_errors, *result.errors])
    return result


def lint_paths(
    files: Sequence[str],
    settings: Settings,
    root: str | os.PathLike[str] | None = None,
    *,
    on_file_done: Callable[[], None] | None = None,
) -> RunResult:
    """Lint each file in `files`; diagnostics sorted by path, position and code."""
    result = RunResult()
    base = Path(root) if root is not None else Path.cwd()
    file_settings = [settings_for_file(path, settings, base) for path in files]
    for outcome in map(lint_file, files, file_settings):
        if outcome.error is not None:
            result.errors.append((outcome.path, outcome.error))
        else:
            result.files_checked += 1
            result.diagnostics.extend(outcome.diagnostics)
        if on_file_done is not None:
            on_file_done()
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.errors.sort()
    return result


def settings_for_file(path: str, settings: Settings, root: Path) -> Settings:
    """`settings` with the `per-file-ignores` entries matching `path` folded into `ignore`.

    Patterns match the path relative to `root` (a file outside it: the path as given). The
    ignored selectors become rule names, the most specific selector there is, so a per-file
    ignore wins over any `select`, as it should.
    """
    if not settings.per_file_ignores:
        return settings
    relative = project_relative_path(path, root)
    selectors = [
        selector
        for pattern, codes in settings.per_file_ignores
        if _matches(relative, pattern)
        for selector in codes
    ]
    names = {cls.NAME for cls in select_rules(tuple(selectors), ())} if selectors else set()
    return dataclasses.replace(settings, ignore=settings.ignore + tuple(sorted(names)), per_file_ignores=())


def project_relative_path(path: str, root: Path) -> str:
    """`path` relative to `root`, with forward slashes; as given when it lies outside `root`."""
    absolute = Path(os.path.abspath(path))
    for candidate, base in (
        (absolute, root.absolute()),
        (Path(os.path.realpath(absolute)), Path(os.path.realpath(root))),
    ):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.replace("\\", "/")


def _matches(relative: str, pattern: str) -> bool:
    pattern = pattern.replace("\\", "/").removeprefix("./")
    return fnmatch.fnmatch(relative, pattern) or PurePosixPath(relative).match(pattern)


@contextlib.contextmanager
def _no_progress(total: int) -> Iterator[Callable[[], None]]:
    yield lambda: None


def lint_file(path: str, settings: Settings) -> FileResult:
    """Read `path` as bytes (so coding cookies decide the encoding) and run the engine on it."""
    try:
        source = read_source(path)
    except OSError as error:
        return FileResult(path, error=_reason(error))
    try:
        diagnostics = lint_source(source, path, settings)
    except Exception as error:  # noqa: BLE001 - one file's engine failure must not end the run
        detail = " ".join(str(error).split())
        return FileResult(path, error=f"internal error: {type(error).__name__}" + (f": {detail}" if detail else ""))
    return FileResult(path, diagnostics=tuple(diagnostics))


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
