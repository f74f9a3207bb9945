"""Forks and thread starts: the catalog of CCL305 (fork-after-threads).

A fork copies only the thread that calls it; locks other threads held at that moment stay
held in the child for ever (logging's, the allocator's, an import lock), so a child forked
from a process that runs threads may deadlock. CPython 3.12 warns about it
(`DeprecationWarning: This process is multi-threaded, use of fork() may lead to deadlocks in
the child`), and 3.14 made `forkserver` the default start method on Linux. Names are the
qualified names `analysis.symbols.resolve` produces; every entry was checked against the
CPython 3.12 sources of `os`, `pty`, `threading`, `_thread`, `concurrent.futures` and
`multiprocessing.pool`.
"""

from __future__ import annotations

from typing import Mapping

# ----- forks --------------------------------------------------------------------------------

# Calls that fork the calling process, with how messages name them. `pty.fork()` and
# `os.forkpty()` return `(pid, fd)`; `os.fork()` the pid.
FORK_CALLS: Mapping[str, str] = {
    "os.fork": "os.fork()",
    "os.forkpty": "os.forkpty()",
    "pty.fork": "pty.fork()",
}

# A child that replaces itself with another program at once runs none of the parent's code
# and takes over none of its locks: what `subprocess` does after its own fork.
EXEC_CALLS = frozenset(
    f"os.{name}" for name in "execv execve execl execle execlp execlpe execvp execvpe".split()
)
# What a child may do between the fork and the exec without taking a lock of the parent's:
# system calls that set up its descriptors, session, directory and identity, and ending the
# child when the exec fails.
PRE_EXEC_CALLS = frozenset(
    f"os.{name}"
    for name in (
        "dup dup2 close closerange set_inheritable set_blocking setsid setpgid setpgrp chdir fchdir "
        "umask setuid setgid seteuid setegid setreuid setregid setgroups putenv unsetenv nice _exit"
    ).split()
)
EXITING_CALLS = frozenset({"os._exit"})
# Calls that end the parent's branch after a fork (`if pid: sys.exit(0)`), so that what
# follows the `if` runs in the child only.
PARENT_ENDING_CALLS = frozenset({"os._exit", "sys.exit"})

# The start method that forks, and the version from which Linux no longer defaults to it.
FORK_METHOD = "fork"
FORKSERVER_DEFAULT_FROM = (3, 14)

# `if` tests that say the block runs on Linux, where the default start method is fork before
# Python 3.14: `sys.platform.startswith("linux")`, `sys.platform == "linux"`,
# `platform.system() == "Linux"`. Each entry: the qualified name read (an attribute) or called,
# and the literal it is compared with or the `startswith` argument.
PLATFORM_VALUES = frozenset({"sys.platform"})
PLATFORM_CALLS = frozenset({"platform.system"})
LINUX_NAMES = frozenset({"linux", "Linux"})

# ----- thread starts ------------------------------------------------------------------------

THREAD, EXECUTOR, POOL = "thread", "executor", "pool"

# Calls that start a thread, by qualified name, and what they start. `Thread.start` covers
# `threading.Timer` and subclasses of `Thread` (the resolver names their `start` so). A
# ThreadPoolExecutor starts its first worker thread on the first `submit` or `map`; a
# `multiprocessing.pool.ThreadPool` (also `multiprocessing.dummy.Pool`) starts its workers and
# three handler threads when it is made.
THREAD_STARTS: Mapping[str, str] = {
    "threading.Thread.start": THREAD,
    "_thread.start_new_thread": THREAD,
    "_thread.start_new": THREAD,
    "concurrent.futures.ThreadPoolExecutor.submit": EXECUTOR,
    "concurrent.futures.ThreadPoolExecutor.map": EXECUTOR,
    "multiprocessing.pool.ThreadPool": POOL,
    "multiprocessing.dummy.Pool": POOL,
}
# Types whose `with` block ends by waiting for their threads: `ThreadPoolExecutor.__exit__`
# is `shutdown(wait=True)`; `ThreadPool.__exit__` terminates the pool and joins its threads.
JOINED_ON_EXIT = frozenset(
    {"concurrent.futures.ThreadPoolExecutor", "multiprocessing.pool.ThreadPool", "multiprocessing.dummy.Pool"}
)
# Methods after which the receiver's threads have ended, or soon will: `join()`,
# `shutdown()` (also `shutdown(wait=False)`), and a `Timer`'s `cancel()`, whose thread wakes
# and returns. The last two leave a short race; precision comes first.
JOINING_METHODS = frozenset({"join", "shutdown", "cancel"})

# ----- the prefilter ------------------------------------------------------------------------

# Every fork above spells `fork`, and so does the start method's literal.
FORK_TOKENS = (b"fork",)
# Every thread start above spells one of these (`Thread` is in ThreadPoolExecutor and
# ThreadPool, `dummy` in multiprocessing.dummy): a file without them starts no thread the rule
# can see.
THREAD_START_TOKENS = (b"Thread", b"Timer", b"start_new", b"dummy")
# The same, with the names of the APIs that run a function on a thread pool's thread
# (`knowledge.threads.THREAD_DISPATCH`): a fork in such a function forks a process whose
# other threads run.
THREAD_TOKENS = (*THREAD_START_TOKENS, b"to_thread", b"run_in_executor")

# `_thread.start_new_thread(function, args)`: the function it runs on a new thread, which
# `analysis.dispatch` does not list (position, keyword).
RAW_THREAD_STARTS: Mapping[str, tuple[int, str]] = {
    "_thread.start_new_thread": (0, "function"),
    "_thread.start_new": (0, "function"),
}
