"""Linting many files in a pool of worker processes.

Biggest files first, in chunks; a worker that dies (a crash in native code) costs only the
file that killed it: the chunks in flight are retried one file per task, and a file that
breaks a pool alone is reported as an error. The workers and multiprocessing's helpers start
as `child_processes` makes them start, never importing the linted tree, and end with the
parent.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import shutil
import signal
import sys
import tempfile
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TYPE_CHECKING, Callable, Sequence

from conclint.project import lint_ahead
from conclint.project.child_processes import ParentWatch, WorkerWatch, safe_import_path_flags, stop_workers, watch_parent
from conclint.project.deep_stack import run_with_deep_stack
from conclint.project.discovery import file_size
from conclint.project.lint_one import LINT_GC_THRESHOLDS, EngineUnavailable, lint_for_run, load_engine
from conclint.project.tasks import FileResult, Linted, Task

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

# A chunk (one task for a worker) holds at most this many files and, past its first file,
# this many bytes: big enough that the pool's per-task cost vanishes, small enough to keep
# both cores busy to the end and to bound what one crash sends back for a retry.
CHUNK_MAX_FILES = 32
CHUNK_MAX_BYTES = 256 * 1024
# Chunks submitted ahead of the results, per worker.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
# A file this large is linted with at most jobs // 2 other such files at once (see `_run_pool`).
HEAVY_FILE_BYTES = 128 * 1024
# A pool that keeps breaking points at the machine, not at a file (workers killed, or unable
# to start): after this many breaks, the files not linted yet are reported, not retried.
MAX_POOL_BREAKS = 8


def _lint_chunk(chunk: Sequence[Task]) -> list[Linted]:
    """The worker's task: lint a chunk of files. Top-level, so the pool can pickle it."""
    if _worker_failure is not None:
        raise _worker_failure
    results: list[Linted] = []
    run_with_deep_stack(lambda: results.extend(lint_ahead.lint_task(task, lint_for_run) for task in chunk))
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
    lint_ahead.current = lint_ahead.RunState(lint_for_run, tasks, stash)
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
        # quiet_forkserver first: Ctrl-C must not interrupt the server while it imports.
        context.set_forkserver_preload(["conclint.project.quiet_forkserver", "conclint.project.pool", "conclint.engine"])
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


def lint_in_pool(
    tasks: Sequence[Task],
    jobs: int,
    advance: Callable[[str], None],
    serially: Callable[[Sequence[Task], Callable[[str], None]], list[Linted]],
) -> list[Linted]:
    """Lint `tasks` in `jobs` worker processes; results in the order of `tasks`.

    Biggest files first (so no large file starts last and leaves a core idle), in chunks.
    When a worker dies (a crash in native code takes its process down and breaks the pool),
    the files of the chunks in flight are retried in a fresh pool one per task, and those
    lost again to a break are linted one at a time: a file that breaks a pool alone is
    reported as an error, and nothing else is lost. Where this system cannot make a process
    pool at all, the files not linted yet are handed to `serially`.
    """
    sizes = [file_size(task[0]) for task in tasks]
    order = sorted(range(len(tasks)), key=lambda index: -sizes[index])
    heavy = frozenset(index for index in order if sizes[index] >= HEAVY_FILE_BYTES)
    results: dict[int, Linted] = {}
    queue: collections.deque[list[int]] = collections.deque(_chunks(tasks, order, sizes))
    jobs = max(1, min(jobs, len(queue)))  # more workers than chunks would stay idle
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
                advance(tasks[index][0])
    except _PoolUnavailable:  # no process pool on this system (no POSIX semaphores, say)
        rest = [index for index in range(len(tasks)) if index not in results]
        results.update(zip(rest, serially([tasks[index] for index in rest], advance)))
    finally:
        if stash is not None:
            shutil.rmtree(stash, ignore_errors=True)
    return [results[index] for index in range(len(tasks))]


# A worker that dies without a Python exception was killed (the kernel's OOM killer sends
# SIGKILL) or crashed in native code (libcst's allocator aborts when memory runs out).
_CRASHED = "internal error: conclint's worker process died while checking this file (it crashed, or ran out of memory)"


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
    advance: Callable[[str], None],
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
                        advance(tasks[index][0])
        except BaseException:  # Ctrl-C, a stop signal, an engine that cannot load: end the workers now
            stop_workers(pool)
            raise
        pool.shutdown(wait=True)
    return failed
