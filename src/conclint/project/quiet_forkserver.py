"""Imported first by the forkserver's server process (the head of its preload list), so that
Ctrl-C ends a run with one line, `conclint: interrupted (SIGINT)`, and no traceback from the
worker processes. Never imported by the conclint process itself.

- A terminal sends Ctrl-C to every process of the foreground group. CPython's forkserver
  ignores SIGINT, but only once its preloading is done: a Ctrl-C in the second the engine
  takes to import printed a KeyboardInterrupt traceback. SIGINT is ignored from here on; the
  workers forked from the server inherit that, as `pool._init_worker` has them do anyway,
  and the parent stops them itself (`child_processes.stop_workers`).
- A worker being started when the run is abandoned finds its parent's half-written start-up
  data or semaphores gone, and CPython's forked child reports that through `sys.excepthook`
  (EOFError, UnpicklingError, FileNotFoundError): such start-up errors of a process that
  never ran any of conclint's code are dropped; any other error is reported as before.
"""

from __future__ import annotations

import pickle
import signal
import sys
import threading
from types import TracebackType

# What a worker meets when its parent stopped while starting it.
ABANDONED_START = (EOFError, pickle.UnpicklingError, FileNotFoundError, BrokenPipeError, ConnectionResetError)


def _quiet_when_abandoned(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if not issubclass(kind, ABANDONED_START):
        sys.__excepthook__(kind, error, trace)


if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.excepthook = _quiet_when_abandoned
