"""Files -> diagnostics. Reads each file's bytes and hands them to the engine.

Files whose cached result is still valid (see `cache.py`) are answered from the cache; the
rest are linted in this process, or by a pool of worker processes when there are enough of
them (`jobs`). Output does not depend on either: diagnostics and errors come out sorted.
One file's failure (unreadable, not a file, an engine bug, even a worker process that
crashes on it) never stops the others: it becomes an error for that file. One file's lint is
`lint_one`'s; the pool's, `pool`'s.

The engine, and with it libcst, is imported only when a file needs linting, so a run served
entirely from the cache starts and ends without loading it. A module the project index needs
may be linted before its turn, once (see `lint_ahead`).

`per-file-ignores` patterns are matched here, against each file's path relative to the
project root (the directory of the pyproject.toml in use), so they apply the same whether
conclint runs from the root, from a sub-directory or on absolute paths; the engine then
sees them as plain ignores. Given `Configurations`, each file gets the settings of its own
configuration (the nearest pyproject.toml with `[tool.conclint]` above it), its patterns
relative to that file's directory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import gc
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, ContextManager, Iterable, Iterator, Sequence

from conclint.core.digests import content_digest
from conclint.core.model import Diagnostic
from conclint.core.settings import Settings
from conclint.project import lint_ahead
from conclint.project.cache import Cache, cache_key
from conclint.project.configuration import Configurations
from conclint.project.deep_stack import run_with_deep_stack
from conclint.project.discovery import PathError, discover
from conclint.project.lint_one import LINT_GC_THRESHOLDS, EngineUnavailable, lint_for_run, read_source
from conclint.project.tasks import FileResult, IndexOptions, Linted, Task
from conclint.rules.registry import select_catalog

__all__ = ["EngineUnavailable", "FileResult", "IndexOptions", "RunResult", "check", "default_jobs", "lint_paths"]

# `progress(files)` is entered around the run; the callable it yields is called with each
# file's path once that file is done (in any order: a pool lints the biggest files first).
Progress = Callable[[Sequence[str]], ContextManager[Callable[[str], None]]]

# Below this many files to lint, starting worker processes (about half a second) costs more
# than it saves.
PARALLEL_MIN_FILES = 16
# The cache key's `dependencies` part for results drawn with the project index.
_INDEXED = "project-index"
_RUNS = itertools.count(1)


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
    jobs: int = 1,
    cache: Cache | None = None,
    project: IndexOptions | None = None,
    configurations: Configurations | None = None,
) -> RunResult:
    """Discover the files under `paths` (honouring `settings.exclude`) and lint them.

    `root` is the project directory (default: the working directory): `exclude` and
    `per-file-ignores` patterns are relative to it. With the run's `configurations`, each
    path follows its own configuration instead of `settings`, and `root` only says where the
    cache's paths are relative to. `jobs`, `cache`, `project`: see `lint_paths`.
    ConfigError when a configuration met on the way cannot be used.
    """
    if configurations is not None:
        files, discovery_errors = discover(paths, configurations=configurations)
    else:
        files, discovery_errors = discover(paths, settings.exclude, root, respect_gitignore=settings.respect_gitignore)
    with (progress or _no_progress)(files) as advance:
        result = lint_paths(
            files, configurations or settings, root, on_file_done=advance, jobs=jobs, cache=cache, project=project
        )
    result.errors = sorted([*discovery_errors, *result.errors])
    return result


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lint_paths(
    files: Sequence[str],
    settings: Settings | Configurations,
    root: str | os.PathLike[str] | None = None,
    *,
    on_file_done: Callable[[str], None] | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
    project: IndexOptions | None = None,
) -> RunResult:
    """Lint each file in `files`; diagnostics sorted by path, position and code.

    `settings` may be the run's `Configurations`: each file then gets its own (see
    `settings_for_file`).

    With a `cache`, files whose cached result is still valid are not linted, and new results
    are saved to it. The others are linted by `jobs` worker processes when there are at
    least PARALLEL_MIN_FILES of them, in this process otherwise. With `project`, rules follow
    calls into the other modules of each file's project, read on demand (only the files
    given are reported on).
    """
    scope = _INDEXED if project is not None else ""
    if project is not None:
        project = dataclasses.replace(project, run=next(_RUNS))
    base = Path(root) if root is not None else Path.cwd()
    file_settings = [settings_for_file(path, settings, base) for path in files]
    advance = on_file_done or (lambda path: None)
    outcomes: dict[int, FileResult] = {}
    todo: list[int] = []
    for index, path in enumerate(files):
        cached = _from_cache(cache, path, file_settings[index], scope) if cache is not None else None
        if cached is not None:
            outcomes[index] = cached
            advance(path)
        else:
            todo.append(index)
    tasks = [(files[index], file_settings[index], project) for index in todo]
    if jobs > 1 and len(tasks) >= PARALLEL_MIN_FILES:
        # Imported here: multiprocessing and concurrent.futures take 10 to 20 ms to import,
        # which a run on a few files (pre-commit, an editor) never needs.
        from conclint.project import pool

        # More workers than cores only adds start-up time and memory.
        linted = pool.lint_in_pool(tasks, min(jobs, default_jobs()), advance, _lint_serially)
    else:
        linted = _lint_serially(tasks, advance)
    for index, (outcome, digest, dependencies) in zip(todo, linted):
        outcomes[index] = outcome
        if cache is not None and outcome.error is None and digest is not None:
            key = cache_key(digest, file_settings[index], scope)
            cache.put(outcome.path, key, outcome.diagnostics, dependencies)
    if cache is not None:
        cache.save()
    return _collect(outcomes[index] for index in range(len(files)))


def _collect(outcomes: Iterable[FileResult]) -> RunResult:
    result = RunResult()
    for outcome in outcomes:
        if outcome.error is not None:
            result.errors.append((outcome.path, outcome.error))
        else:
            result.files_checked += 1
            result.diagnostics.extend(outcome.diagnostics)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.errors.sort()
    return result


def _from_cache(cache: Cache, path: str, settings: Settings, scope: str) -> FileResult | None:
    """The cached result of `path`, None when it must be linted (a file the cache has never
    seen is not even read here: the worker that lints it computes its digest)."""
    if not cache.has_entry(path):
        return None
    try:
        source = read_source(path)
    except OSError:
        return None  # linting reports it
    diagnostics = cache.get(path, cache_key(content_digest(source), settings, scope))
    return FileResult(path, diagnostics=diagnostics) if diagnostics is not None else None


def settings_for_file(path: str, settings: Settings | Configurations, root: Path) -> Settings:
    """`settings` with the `per-file-ignores` entries matching `path` folded into `ignore`.

    Patterns match the path relative to `root` (a file outside it: the path as given). The
    ignored selectors become rule names, the most specific selector there is, so a per-file
    ignore wins over any `select`, as it should. Given the run's `Configurations`, the
    settings and the patterns' directory are those of the configuration of `path`.
    """
    if isinstance(settings, Configurations):
        configuration = settings.for_file(path)
        settings, root = configuration.settings, configuration.ignores_base
    if not settings.per_file_ignores:
        return settings
    relative = project_relative_path(path, root)
    selectors = [
        selector
        for pattern, codes in settings.per_file_ignores
        if _matches(relative, pattern)
        for selector in codes
    ]
    names = {rule.name for rule in select_catalog(tuple(selectors), ())} if selectors else set()
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
def _no_progress(files: Sequence[str]) -> Iterator[Callable[[str], None]]:
    yield lambda path: None


def _lint_serially(tasks: Sequence[Task], advance: Callable[[str], None]) -> list[Linted]:
    """Lint `tasks` here, in a thread set up like a worker's, so the findings for a deeply
    nested file do not depend on whether a pool ran."""
    if not tasks:
        return []
    results: list[Linted] = []  # `lint_for_run` loads the engine for the first file that needs it

    def lint_all() -> None:
        for task in tasks:
            results.append(lint_ahead.lint_task(task, lint_for_run))
            advance(task[0])

    previous = gc.get_threshold()
    gc.set_threshold(*LINT_GC_THRESHOLDS)
    lint_ahead.current = lint_ahead.RunState(lint_for_run, lint_ahead.by_path(tasks), stash=None)
    try:
        run_with_deep_stack(lint_all)
    finally:
        lint_ahead.current = None
        gc.set_threshold(*previous)
    return results
