"""The processes conclint starts: they never import the linted tree and never outlive the run.

conclint runs on checkouts nobody vetted, from inside them (`cd repo && conclint .`, a
pre-commit hook). multiprocessing starts its helpers (the forkserver, the resource tracker,
spawned workers) as `python -c ...`, and for `-c` Python puts the working directory first on
the import path: a repository holding a `threading.py`, `pickle.py` or `multiprocessing/`
would have it imported, that is executed, by those helpers before they run a line of
conclint. `safe_import_path_flags` starts them with the flag that leaves the working directory
off (`-P` from Python 3.11, `-I` on 3.10, which has no `-P`); what each process imports after
start-up comes from the parent's `sys.path`, which the command keeps clean (see
`import_path`, for `python -m conclint`).

Workers are forked by the forkserver, not by conclint's process, and hold pipes of the pool
that keep them waiting for work forever once the parent is killed (SIGKILL, an OOM kill).
`ParentWatch` gives each worker the read end of a pipe whose only writer is the parent: when
the parent dies, however, the pipe reaches end of file and the worker removes the run's
temporary folder and exits. The forkserver and the resource tracker end on their own once
the parent and the workers are gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import shutil
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Tuple

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

# The interpreter flag that keeps the working directory (and a script's directory) off the
# import path of a new interpreter. Python 3.10 has no `-P`; its `-I` does that too, and also
# ignores PYTHON* variables and the user's site-packages for the start-up imports, which
# cannot hurt: the helpers then import conclint from the parent's import path.
SAFE_PATH_FLAG = "-P" if sys.version_info >= (3, 11) else "-I"


@contextlib.contextmanager
def safe_import_path_flags() -> Iterator[None]:
    """While inside, every interpreter multiprocessing starts gets SAFE_PATH_FLAG.

    multiprocessing builds a helper's command line from the running interpreter's flags
    (`multiprocessing.util._args_from_interpreter_flags`, the one place the forkserver, the
    resource tracker and spawned workers all take them from) and offers no public way to add
    one, so that function is wrapped for the length of a pool's life. Those processes are
    started from the thread that drives the pool, inside this block.
    """
    original: Callable[[], list[str]] | None = getattr(multiprocessing.util, "_args_from_interpreter_flags", None)
    if original is None:  # a Python whose multiprocessing works otherwise: the environment is the fallback
        with _environment(PYTHONSAFEPATH="1"):
            yield
        return

    def with_safe_path() -> list[str]:
        flags = original()
        return flags if SAFE_PATH_FLAG in flags else [SAFE_PATH_FLAG, *flags]

    multiprocessing.util._args_from_interpreter_flags = with_safe_path  # type: ignore[attr-defined]
    try:
        yield
    finally:
        multiprocessing.util._args_from_interpreter_flags = original  # type: ignore[attr-defined]


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ParentWatch:
    """A pipe whose only writer is this process; the read end goes to each worker.

    The worker's `watch_parent` waits for end of file, which comes when the parent has
    closed its end or died, then removes `leftovers` (the run's temporary folder and
    multiprocessing's own, holding the forkserver's socket: a killed parent could not) and
    ends the worker at once.
    """

    def __init__(self, context: BaseContext, leftovers: Iterable[str | None] = ()) -> None:
        self.reader, self._writer = context.Pipe(duplex=False)
        self.leftovers = (*(path for path in leftovers if path), multiprocessing.util.get_temp_dir())

    @property
    def for_worker(self) -> WorkerWatch:
        return self.reader, self.leftovers

    def close(self) -> None:
        for end in (self.reader, self._writer):
            with contextlib.suppress(OSError):
                end.close()


# What a worker receives of its ParentWatch: the pipe's read end, the paths to remove.
WorkerWatch = Tuple["Connection", Tuple[str, ...]]


def watch_parent(watch: WorkerWatch) -> None:
    """In a worker: a daemon thread that ends the process when the parent's pipe closes."""
    reader, leftovers = watch

    def wait_for_parent() -> None:
        try:
            reader.poll(None)  # nothing is ever written: this returns at end of file
        except (OSError, EOFError):
            pass
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=wait_for_parent, name="conclint-parent-watch", daemon=True).start()


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now, not after their current chunk: the run is being abandoned
    (Ctrl-C, SIGTERM, an engine that cannot load), and a chunk can take seconds."""
    terminate: Callable[[], Any] | None = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        with contextlib.suppress(Exception):
            terminate()
            return
    # Before 3.14 only the private table knows the workers, and shutdown() forgets it.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
