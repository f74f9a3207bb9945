"""Files -> diagnostics. Reads each file's bytes and hands them to the engine.

Files whose cached result is still valid (see `cache.py`) are answered from the cache; the
rest are linted in this process, or by a pool of worker processes when there are enough of
them (`jobs`). Output does not depend on either: diagnostics and errors come out sorted.
One file's failure (unreadable, not a file, an engine bug, even a worker process that
crashes on it) never stops the others: it becomes an error for that file.

The engine, and with it libcst, is imported only when a file needs linting, so a run served
entirely from the cache starts and ends without loading it. A module the project index needs
may be linted before its turn, once (see `lint_ahead`).

`per-file-ignores` patterns are matched here, against each file's path relative to the
project root (the directory of the pyproject.toml in use), so they apply the same whether
conclint runs from the root, from a sub-directory or on absolute paths; the engine then
sees them as plain ignores.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import fnmatch
import gc
import itertools
import multiprocessing
import os
import queue
import shutil
import signal
import stat
import sys
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, ContextManager, Iterable, Iterator, Sequence

from conclint.project import lint_ahead
from conclint.project.child_processes import ParentWatch, WorkerWatch, safe_import_path_flags, stop_workers, watch_parent
from conclint.project.cache import Cache, cache_key, content_digest
from conclint.core.settings import Settings
from conclint.project.tasks import FileResult, IndexOptions, Linted, Task
from conclint.project.discovery import PathError, discover, file_size
from conclint.core.model import Diagnostic
from conclint.rules.registry import select_catalog

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from conclint.analysis.project_index import ProjectIndex, ProjectView

# `progress(total)` is entered around the run; the callable it yields is called once per file done.
Progress = Callable[[int], ContextManager[Callable[[], None]]]

# Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK makes open() return
# at once so the fstat check below can refuse it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

# Below this many files to lint, starting worker processes (about half a second) costs more
# than it saves.
PARALLEL_MIN_FILES = 16
# A chunk (one task for a worker) holds at most this many files and, past its first file,
# this many bytes: big enough that the pool's per-task cost vanishes, small enough to keep
# both cores busy to the end and to bound what one crash sends back for a retry.
CHUNK_MAX_FILES = 32
CHUNK_MAX_BYTES = 256 * 1024
# Chunks submitted ahead of the results, per worker.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
# A file this large is linted with at most jobs // 2 other such files at once (see `_run_pool`).
HEAVY_FILE_BYTES = 128 * 1024
# Files are linted in a thread with this much stack (reserved, committed only as used) and
# this recursion limit. libcst's parser and its code generation (positions) recurse once per
# nesting level or more, so under the default limit of 1000 an `elif` chain of 400 branches,
# an implicit concatenation of 1,000 strings or a sum of 1,000 terms is CCL001 ("too deeply
# nested"); at this limit they are linted, up to the ~3,000 levels CPython's own check lets
# through (see `parsing.py`). No file of the benchmark corpus needs it.
WORKER_STACK_BYTES = 256 * 1024 * 1024
WORKER_RECURSION_LIMIT = 10_000
# The cyclic garbage collector's thresholds while linting. A file's libcst tree is hundreds of
# thousands of container objects that live until its lint ends, and few of them form cycles:
# at Python's default (a collection every 700 allocations, full ones over the whole heap)
# the collector traverses the same tree again and again. Measured over the benchmark corpus,
# serially: 36.4 s at the default, 30.9 s at these, peak memory 175 MB against 181 MB.
LINT_GC_THRESHOLDS = (10_000, 10, 10)
# A pool that keeps breaking points at the machine, not at a file (workers killed, or unable
# to start): after this many breaks, the files not linted yet are reported, not retried.
MAX_POOL_BREAKS = 8


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
) -> RunResult:
    """Discover the files under `paths` (honouring `settings.exclude`) and lint them.

    `root` is the project directory (default: the working directory): `exclude` and
    `per-file-ignores` patterns are relative to it. `jobs`, `cache`, `project`: see `lint_paths`.
    """
    files, discovery_errors = discover(paths, settings.exclude, root)
    with (progress or _no_progress)(len(files)) as advance:
        result = lint_paths(files, settings, root, on_file_done=advance, jobs=jobs, cache=cache, project=project)
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
    settings: Settings,
    root: str | os.PathLike[str] | None = None,
    *,
    on_file_done: Callable[[], None] | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
    project: IndexOptions | None = None,
) -> RunResult:
    """Lint each file in `files`; diagnostics sorted by path, position and code.

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
    advance = on_file_done or (lambda: None)
    outcomes: dict[int, FileResult] = {}
    todo: list[int] = []
    for index, path in enumerate(files):
        cached = _from_cache(cache, path, file_settings[index], scope) if cache is not None else None
        if cached is not None:
            outcomes[index] = cached
            advance()
        else:
            todo.append(index)
    tasks = [(files[index], file_settings[index], project) for index in todo]
    if jobs > 1 and len(tasks) >= PARALLEL_MIN_FILES:
        linted = _lint_in_pool(tasks, jobs, advance)
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
def _no_progress(total: int) -> Iterator[Callable[[], None]]:
    yield lambda: None


def lint_file(path: str, settings: Settings, index: IndexOptions | None = None) -> FileResult:
    """Read `path` as bytes (so coding cookies decide the encoding) and run the engine on it."""
    return _lint_file(path, settings, index)[0]


def lint_source(source: bytes, path: str, settings: Settings, project: ProjectView | None = None) -> list[Diagnostic]:
    """`conclint.engine.lint_source`, imported on first use: importing it imports libcst."""
    from conclint.engine import lint_source as engine_lint_source

    return engine_lint_source(source, path, settings, project)


def _lint_file(
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
    project = _project_index(settings, index).view(path, digest) if index is not None else None
    if project is not None:
        project.summary_wanted = summary_wanted
    try:
        diagnostics = lint_source(source, path, settings, project)
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


# The cache key's `dependencies` part for results drawn with the project index.
_INDEXED = "project-index"
_INDEXES: dict[tuple[Settings, IndexOptions], ProjectIndex] = {}
_RUNS = itertools.count(1)


def _project_index(settings: Settings, options: IndexOptions) -> ProjectIndex:
    """This process's project index for `settings` (summaries depend on the catalog)."""
    key = (settings, options)
    index = _INDEXES.get(key)
    if index is None:
        if any(known.run != options.run for _, known in _INDEXES):
            _INDEXES.clear()
        from conclint.analysis.project_index import ProjectIndex
        from conclint.project.summary_store import SummaryStore
        from conclint.project.cache import engine_fingerprint, settings_digest
        from conclint.engine import summarize_source

        store = None
        if options.store is not None:
            store = SummaryStore(options.store, f"{engine_fingerprint()}-{settings_digest(settings)}")
        index = _INDEXES[key] = ProjectIndex(
            lambda source, anchor, located: summarize_source(source, settings, anchor, located=located),
            store,
            lint_ahead.lint_ahead,
            max_file_size=settings.max_file_size,
        )
    return index


# --- Linting many files: in this process, or in a pool of worker processes ----------------------



def _lint_serially(tasks: Sequence[Task], advance: Callable[[], None]) -> list[Linted]:
    """Lint `tasks` here, in a thread set up like a worker's, so the findings for a deeply
    nested file do not depend on whether a pool ran."""
    if not tasks:
        return []
    load_engine()
    results: list[Linted] = []

    def lint_all() -> None:
        for task in tasks:
            results.append(lint_ahead.lint_task(task, _lint_file))
            advance()

    previous = gc.get_threshold()
    gc.set_threshold(*LINT_GC_THRESHOLDS)
    lint_ahead.current = lint_ahead.RunState(_lint_file, lint_ahead.by_path(tasks), stash=None)
    try:
        _run_with_deep_stack(lint_all)
    finally:
        lint_ahead.current = None
        gc.set_threshold(*previous)
    return results


def _run_with_deep_stack(function: Callable[[], None]) -> None:
    """Run `function` on the deep-stack thread (WORKER_STACK_BYTES of stack) under
    WORKER_RECURSION_LIMIT, restoring the recursion limit after; exceptions propagate.
    Where no such thread can be had, `function` runs here, under the current limit."""
    thread = _deep_stack_thread()
    if thread is None:
        function()
        return
    done = threading.Event()
    failure: list[BaseException] = []

    def job() -> None:
        try:
            function()
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            failure.append(error)
        finally:
            done.set()

    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, WORKER_RECURSION_LIMIT))
    try:
        thread.jobs.put(job)
        done.wait()
    finally:
        sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]


class _DeepStackThread(threading.Thread):
    """A long-lived daemon thread with a large stack that runs the jobs put in its queue.

    One per process, not one per call: glibc gives every new thread its own malloc arena,
    and a thread per chunk was measured to leave each worker ~100 MB larger. A daemon, so
    that Ctrl-C (raised in the waiting main thread) ends the process.
    """

    def __init__(self) -> None:
        super().__init__(name="conclint-lint", daemon=True)
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.pid = os.getpid()

    def run(self) -> None:
        while True:
            self.jobs.get()()


_deep_stack_lock = threading.Lock()
_deep_stack: _DeepStackThread | None = None


def _deep_stack_thread() -> _DeepStackThread | None:
    global _deep_stack
    with _deep_stack_lock:
        if _deep_stack is not None and _deep_stack.pid == os.getpid() and _deep_stack.is_alive():
            return _deep_stack
        try:
            previous_stack = threading.stack_size(WORKER_STACK_BYTES)
        except (ValueError, RuntimeError):  # the platform refuses such a stack
            return None
        try:
            thread = _DeepStackThread()
            thread.start()
        except RuntimeError:  # no thread with such a stack (memory limits)
            return None
        finally:
            threading.stack_size(previous_stack)
        _deep_stack = thread
        return thread


def _lint_chunk(chunk: Sequence[Task]) -> list[Linted]:
    """The worker's task: lint a chunk of files. Top-level, so the pool can pickle it."""
    if _worker_failure is not None:
        raise _worker_failure
    results: list[Linted] = []
    _run_with_deep_stack(lambda: results.extend(lint_ahead.lint_task(task, _lint_file) for task in chunk))
    _release_memory()
    return results


def _release_memory() -> None:
    """Give the memory of the trees just dropped back to the system. Without it a worker keeps
    the peak of the largest file it ever linted (measured: 220 MB after a 300 KB file, 47 MB
    after trimming, for ~3 ms a call)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _find_malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None


_malloc_trim = _find_malloc_trim()


# Why this worker cannot lint, answered to every chunk (a failing initializer would break the
# pool, which reads as a crash on every file).
_worker_failure: EngineUnavailable | None = None


def _init_worker(tasks: dict[str, Task], stash: str | None, parent: WorkerWatch) -> None:
    """Set a worker up: Ctrl-C is the parent's to handle, and the worker ends when the parent
    does (see `child_processes.watch_parent`); know the run's tasks (see
    `lint_ahead.RunState`); import the engine and rules once, then leave what the imports
    made out of every garbage collection (`gc.freeze`) and collect at LINT_GC_THRESHOLDS."""
    global _worker_failure
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)
    lint_ahead.current = lint_ahead.RunState(_lint_file, tasks, stash)
    try:
        load_engine()
    except EngineUnavailable as error:
        _worker_failure = error
        return
    from conclint.core.settings import DEFAULT_SETTINGS
    from conclint.engine import rules_for_path

    rules_for_path("warm-up.py", DEFAULT_SETTINGS)
    gc.freeze()
    gc.set_threshold(*LINT_GC_THRESHOLDS)


def _pool_context() -> BaseContext:
    """forkserver where there is one (Linux, macOS): its server imports the engine once and
    each worker starts as a fork of it, about twice as fast as a spawned interpreter that
    imports libcst again (measured: ~0.5 s against ~1 s for two workers) and free of what
    `fork` copies from a threaded parent. spawn elsewhere (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["conclint.project.runner", "conclint.engine"])
        return context
    return multiprocessing.get_context("spawn")


def _chunks(tasks: Sequence[Task], order: Sequence[int], sizes: Sequence[int]) -> list[list[int]]:
    chunks: list[list[int]] = []
    current: list[int] = []
    current_bytes = 0
    for index in order:
        if current and (len(current) >= CHUNK_MAX_FILES or current_bytes + sizes[index] > CHUNK_MAX_BYTES):
            chunks.append(current)
            current, current_bytes = [], 0
        current.append(index)
        current_bytes += sizes[index]
    if current:
        chunks.append(current)
    return chunks


def _lint_in_pool(tasks: Sequence[Task], jobs: int, advance: Callable[[], None]) -> list[Linted]:
    """Lint `tasks` in `jobs` worker processes; results in the order of `tasks`.

    Biggest files first (so no large file starts last and leaves a core idle), in chunks.
    When a worker dies (a crash in native code takes its process down and breaks the pool),
    the files of the chunks in flight are retried in a fresh pool one per task, and those
    lost again to a break are linted one at a time: a file that breaks a pool alone is
    reported as an error, and nothing else is lost.
    """
    sizes = [file_size(task[0]) for task in tasks]
    order = sorted(range(len(tasks)), key=lambda index: -sizes[index])
    heavy = frozenset(index for index in order if sizes[index] >= HEAVY_FILE_BYTES)
    results: dict[int, Linted] = {}
    queue: collections.deque[list[int]] = collections.deque(_chunks(tasks, order, sizes))
    # More workers than cores only adds start-up time and memory; more than chunks, idle ones.
    jobs = max(1, min(jobs, default_jobs(), len(queue)))
    suspects: list[int] = []
    breaks = 0
    indexed = lint_ahead.by_path(tasks)
    stash = tempfile.mkdtemp(prefix="conclint-run-") if indexed else None
    setup = (indexed, stash)
    try:
        while queue and breaks <= MAX_POOL_BREAKS:
            failed = _run_pool(tasks, queue, jobs, results, advance, heavy, setup)
            breaks += bool(failed)
            for chunk in failed:
                if len(chunk) > 1:
                    queue.extend([index] for index in chunk)
                else:
                    suspects.extend(chunk)
        suspects.extend(index for chunk in queue for index in chunk)
        for index in suspects:
            lone = collections.deque([[index]])
            if breaks > MAX_POOL_BREAKS or _run_pool(tasks, lone, 1, results, advance, heavy, setup):
                breaks += 1
                results[index] = (FileResult(tasks[index][0], error=_CRASHED), None, {})
                advance()
    except _PoolUnavailable:  # no process pool on this system (no POSIX semaphores, say)
        rest = [index for index in range(len(tasks)) if index not in results]
        results.update(zip(rest, _lint_serially([tasks[index] for index in rest], advance)))
    finally:
        if stash is not None:
            shutil.rmtree(stash, ignore_errors=True)
    return [results[index] for index in range(len(tasks))]


_CRASHED = "internal error: conclint's worker process crashed while checking this file"


class _PoolUnavailable(Exception):
    """This system cannot make a process pool."""


def _next_chunk(queue: collections.deque[list[int]], heavy: frozenset[int], may_be_heavy: bool) -> list[int] | None:
    """The first chunk of `queue` (removed from it), or the first without a heavy file."""
    for position, chunk in enumerate(queue):
        if may_be_heavy or heavy.isdisjoint(chunk):
            del queue[position]
            return chunk
    return None


def _run_pool(
    tasks: Sequence[Task],
    queue: collections.deque[list[int]],
    jobs: int,
    results: dict[int, Linted],
    advance: Callable[[], None],
    heavy: frozenset[int],
    setup: tuple[dict[str, Task], str | None],
) -> list[list[int]]:
    """Run chunks from `queue` in a fresh pool until it is empty or the pool breaks; return
    the chunks lost to a break (those in flight), leaving the unsent ones in `queue`.
    `setup`: what each worker knows of the run (see `lint_ahead.RunState`).

    At most `jobs // 2` (at least one) chunks holding a `heavy` file are in flight at once:
    a large file's tree takes ~200 MB while it is linted, and two at once were the run's
    peak; lighter chunks fill the other workers meanwhile.
    """
    window = max(1, jobs * CHUNKS_IN_FLIGHT_PER_WORKER)
    heavy_limit = max(1, jobs // 2)
    in_flight: dict[Future[list[Linted]], list[int]] = {}
    failed: list[list[int]] = []
    context = _pool_context()
    with contextlib.ExitStack() as started:
        started.enter_context(safe_import_path_flags())  # see `child_processes`
        watch = started.enter_context(contextlib.closing(ParentWatch(context, leftovers=[setup[1]])))
        try:
            pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(*setup, watch.for_worker)
            )
        except (OSError, NotImplementedError, ImportError) as error:
            raise _PoolUnavailable from error
        try:
            while (queue or in_flight) and not failed:
                while queue and len(in_flight) < window:
                    heavy_in_flight = sum(1 for sent in in_flight.values() if not heavy.isdisjoint(sent))
                    chunk = _next_chunk(queue, heavy, may_be_heavy=heavy_in_flight < heavy_limit)
                    if chunk is None:
                        break
                    in_flight[pool.submit(_lint_chunk, [tasks[index] for index in chunk])] = chunk
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    if isinstance(future.exception(), EngineUnavailable):
                        raise future.exception()  # type: ignore[misc]
                if any(future.exception() is not None for future in done):
                    done, _ = wait(in_flight)  # the pool is broken: every future ends at once
                for future in done:
                    chunk = in_flight.pop(future)
                    if future.exception() is not None:
                        failed.append(chunk)
                        continue
                    for index, outcome in zip(chunk, future.result()):
                        results[index] = outcome
                        advance()
        except BaseException:  # Ctrl-C, a stop signal, an engine that cannot load: end the workers now
            stop_workers(pool)
            raise
        pool.shutdown(wait=True)
    return failed


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
