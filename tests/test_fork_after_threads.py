"""CCL305 (fork-after-threads): which paths put a thread start before a fork, what ends a
thread first, which children exec at once, and when a process start forks, beyond the rule's
examples."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source

SETTINGS = dataclasses.replace(Settings(), select=("CCL305",))


def _findings(source: str, settings: Settings = SETTINGS) -> list[tuple[int, str]]:
    found = lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", settings)
    return [(d.line, d.message) for d in found]


@pytest.mark.parametrize(
    ("source", "line"),
    [
        # a start under an `if` reaches the fork after the `if`
        (
            """
            import os, threading

            def serve(watch, verbose):
                if verbose:
                    threading.Thread(target=watch).start()
                os.fork()
            """,
            6,
        ),
        # `finally` runs after the `try` body
        (
            """
            import os, threading

            def serve(watch):
                try:
                    threading.Thread(target=watch).start()
                finally:
                    os.fork()
            """,
            7,
        ),
        # an executor with work and no shutdown keeps its threads
        (
            """
            import os
            from concurrent.futures import ThreadPoolExecutor

            def serve(load):
                pool = ThreadPoolExecutor()
                pool.submit(load)
                os.fork()
            """,
            7,
        ),
        # a fork inside the executor's `with` block, before its end joins the threads
        (
            """
            import os
            from concurrent.futures import ThreadPoolExecutor

            def serve(load):
                with ThreadPoolExecutor() as pool:
                    pool.submit(load)
                    os.fork()
            """,
            7,
        ),
        # a ThreadPool starts its threads when it is made
        (
            """
            import os
            from multiprocessing.pool import ThreadPool

            def serve(load):
                pool = ThreadPool(4)
                pool.map(load, [1, 2])
                os.fork()
            """,
            7,
        ),
        # the child does more than set-up before its exec
        (
            """
            import os, threading

            def run(watch, argv, log):
                threading.Thread(target=watch).start()
                pid = os.fork()
                if pid == 0:
                    log.info("child")
                    os.execvp(argv[0], argv)
            """,
            5,
        ),
        # the entry point under the guard starts a thread, then calls the function that forks
        (
            """
            import os, threading

            def watch():
                pass

            def serve():
                os.fork()

            if __name__ == "__main__":
                threading.Thread(target=watch).start()
                serve()
            """,
            7,
        ),
        # `set_start_method("fork")` at module level makes the default context fork
        (
            """
            import multiprocessing as mp, threading

            mp.set_start_method("fork")

            def main(watch, work):
                threading.Thread(target=watch).start()
                mp.Process(target=work).start()
            """,
            7,
        ),
        # a ProcessPoolExecutor of a fork context forks on its first submit
        (
            """
            import multiprocessing as mp, threading
            from concurrent.futures import ProcessPoolExecutor

            def main(watch, work):
                threading.Thread(target=watch).start()
                with ProcessPoolExecutor(mp_context=mp.get_context("fork")) as pool:
                    pool.submit(work)
            """,
            7,
        ),
        # a Timer is a thread
        (
            """
            import os, threading

            def main(tick):
                timer = threading.Timer(5, tick)
                timer.start()
                os.fork()
            """,
            6,
        ),
        # one statement line after another on the same line
        (
            """
            import os, threading

            def main(watch):
                threading.Thread(target=watch).start(); os.fork()
            """,
            4,
        ),
        # through two helpers: one starts the thread, the other forks
        (
            """
            import os, threading

            def start_watch(watch):
                threading.Thread(target=watch, daemon=True).start()

            def spawn():
                return os.fork()

            def main(watch):
                start_watch(watch)
                spawn()
            """,
            7,
        ),
        # a start at import time through a function called at module level
        (
            """
            import os, threading

            def start_watch():
                threading.Thread(target=print, daemon=True).start()

            start_watch()

            def spawn():
                return os.fork()
            """,
            9,
        ),
    ],
)
def test_reported(source: str, line: int) -> None:
    found = _findings(source)
    assert [found_line for found_line, _ in found] == [line], found


@pytest.mark.parametrize(
    "source",
    [
        # the start comes after the fork
        """
        import os, threading

        def main(watch):
            os.fork()
            threading.Thread(target=watch).start()
        """,
        # a loop that forks then starts: the next round is not followed
        """
        import os, threading

        def main(watch):
            for _ in range(3):
                os.fork()
                threading.Thread(target=watch).start()
        """,
        # the start's block returns before the fork
        """
        import os, threading

        def serve(watch, threaded):
            if threaded:
                threading.Thread(target=watch).start()
                return
            os.fork()
        """,
        # other branches: elif, a one-line suite, an except handler after the try body
        """
        import os, threading

        def serve(watch, mode):
            if mode == 1:
                threading.Thread(target=watch).start()
            elif mode == 2:
                os.fork()
        """,
        """
        import os, threading

        def serve(watch, threaded):
            if threaded: threading.Thread(target=watch).start()
            else: os.fork()
        """,
        """
        import os, threading

        def serve(watch):
            try:
                threading.Thread(target=watch).start()
            except RuntimeError:
                os.fork()
        """,
        # joined: each thread of a list, by a method of the class, an executor shut down,
        # a ThreadPool's `with` block, a cancelled Timer
        """
        import os, threading

        def main(load):
            threads = [threading.Thread(target=load) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            os.fork()
        """,
        """
        import os, threading

        class Server:
            def start(self, watch):
                self.watcher = threading.Thread(target=watch)
                self.watcher.start()

            def stop(self):
                self.watcher.join()

            def restart(self, watch):
                self.start(watch)
                self.stop()
                os.fork()
        """,
        """
        import os
        from concurrent.futures import ThreadPoolExecutor

        def main(load):
            pool = ThreadPoolExecutor()
            pool.submit(load)
            pool.shutdown()
            os.fork()
        """,
        """
        import os
        from multiprocessing.pool import ThreadPool

        def main(load):
            with ThreadPool(4) as pool:
                pool.map(load, [1, 2])
            os.fork()
        """,
        """
        import os, threading

        def main(tick):
            timer = threading.Timer(5, tick)
            timer.start()
            timer.cancel()
            os.fork()
        """,
        # children that exec at once: through a try, after the parent's branch returns, or
        # with the fork in the test
        """
        import os, threading

        def run(watch, argv):
            threading.Thread(target=watch).start()
            pid = os.fork()
            if not pid:
                try:
                    os.setsid()
                    os.execvp(argv[0], argv)
                finally:
                    os._exit(1)
            return pid
        """,
        """
        import os, threading

        def run(watch, argv):
            threading.Thread(target=watch).start()
            pid = os.fork()
            if pid:
                return pid
            os.execvp(argv[0], argv)
        """,
        """
        import os, threading

        def run(watch, argv):
            threading.Thread(target=watch).start()
            if os.fork() == 0:
                os.execv(argv[0], argv)
        """,
        # the fork is in a nested function that is only returned
        """
        import os, threading

        def main(watch):
            threading.Thread(target=watch).start()

            def child():
                os.fork()

            return child
        """,
        # a fork at import time before the thread starts
        """
        import os, threading

        def daemonize():
            if os.fork():
                os._exit(0)

        daemonize()
        threading.Thread(target=print, daemon=True).start()
        """,
        # the guard's entry point forks first, then starts a thread
        """
        import os, threading

        def serve():
            os.fork()

        if __name__ == "__main__":
            serve()
            threading.Thread(target=print).start()
        """,
        # the default start method: not known to be fork outside a Linux-only block
        """
        import multiprocessing as mp, threading

        def main(watch, work):
            threading.Thread(target=watch).start()
            mp.Process(target=work).start()
        """,
        # a spawn context never forks
        """
        import multiprocessing as mp, sys, threading

        def main(watch, work):
            threading.Thread(target=watch).start()
            if sys.platform.startswith("linux"):
                mp.get_context("spawn").Process(target=work).start()
        """,
    ],
)
def test_silent(source: str) -> None:
    assert _findings(source) == []


LINUX_START = """
import multiprocessing as mp, sys, threading

def main(watch, work):
    threading.Thread(target=watch).start()
    if sys.platform.startswith("linux"):
        mp.Process(target=work).start()
"""


@pytest.mark.parametrize(("version", "count"), [("3.10", 1), ("3.13", 1), ("3.14", 0), ("3.15", 0)])
def test_linux_default_depends_on_target_version(version: str, count: int) -> None:
    settings = dataclasses.replace(SETTINGS, target_version=version)
    assert len(_findings(LINUX_START, settings)) == count


def test_message_names_the_start_its_line_and_the_functions() -> None:
    [(line, message)] = _findings(
        """
        import os, threading

        def start_watch(watch):
            threading.Thread(target=watch, daemon=True).start()

        def spawn():
            return os.fork()

        def main(watch):
            start_watch(watch)
            spawn()
        """
    )
    assert line == 7
    assert "`os.fork()` runs in `spawn` after `main` started a thread" in message
    assert "`Thread(...).start()`, line 4, in `start_watch`" in message


def test_a_file_without_thread_starts_is_not_analysed() -> None:
    assert _findings("import os\n\ndef f():\n    os.fork()\n") == []


def test_every_catalogued_name_holds_a_token_the_rule_requires() -> None:
    """A fork reaches a file through an import that spells it, so a file without the rule's
    tokens holds none; a thread start likewise spells a token the rule checks before it
    collects anything."""
    from conclint.knowledge import forking
    from conclint.rules.processes.fork_after_threads import ForkAfterThreads

    fork_tokens = [token.decode() for token in ForkAfterThreads.REQUIRED_TOKENS]
    assert all(any(token in name for token in fork_tokens) for name in forking.FORK_CALLS)
    thread_tokens = [token.decode() for token in forking.THREAD_START_TOKENS]
    for name in forking.THREAD_STARTS:
        assert any(token in name for token in thread_tokens), name


def test_a_join_after_the_fork_does_not_end_the_thread_before_it() -> None:
    source = """
        import os, threading

        def check(work):
            thread = threading.Thread(target=work)
            thread.start()
            pid = os.fork()
            if pid == 0:
                work()
            thread.join()
        """
    assert [line for line, _ in _findings(source)] == [6]


@pytest.mark.parametrize(
    ("source", "line"),
    [
        # the `run` of a Thread subclass forks through a helper of the module
        (
            """
            import os, threading

            def spawn():
                return os.fork()

            class Worker(threading.Thread):
                def run(self):
                    spawn()
            """,
            4,
        ),
        # a raw thread's function forks
        (
            """
            import os, _thread

            def fork_in_thread():
                if os.fork():
                    os._exit(0)

            _thread.start_new_thread(fork_in_thread, ())
            """,
            4,
        ),
        # a fork-context pool made in a Thread's target
        (
            """
            import multiprocessing as mp, threading

            def crunch(jobs):
                with mp.get_context("fork").Pool(2) as pool:
                    pool.map(abs, jobs)

            threading.Thread(target=crunch, args=([1, 2],)).start()
            """,
            4,
        ),
    ],
)
def test_a_fork_on_a_thread_is_reported(source: str, line: int) -> None:
    found = _findings(source)
    assert [found_line for found_line, _ in found] == [line], found
    assert "which runs on a thread" in found[0][1]


@pytest.mark.parametrize(
    "source",
    [
        # the thread's function only execs in the child
        """
        import os, threading

        def launch(argv):
            if os.fork() == 0:
                os.execvp(argv[0], argv)

        threading.Thread(target=launch, args=(["true"],)).start()
        """,
        # a process pool's worker is no thread
        """
        import os
        from concurrent.futures import ProcessPoolExecutor

        def render(page):
            return os.fork()

        with ProcessPoolExecutor() as pool:
            pool.submit(render, 1)
        """,
    ],
)
def test_a_fork_on_a_thread_that_is_not_one_is_silent(source: str) -> None:
    assert _findings(source) == []


@pytest.mark.parametrize(
    ("test", "count"),
    [
        (" and ".join(["ready"] * 1500) + " and sys.platform == 'linux'", 1),
        ("(ready or sys.argv) and sys.platform.startswith('linux')", 1),
        ("ready or sys.platform == 'linux'", 0),
        ("sys.platform == 'darwin'", 0),
    ],
)
def test_what_says_the_block_runs_on_linux(test: str, count: int) -> None:
    source = f"""
        import multiprocessing as mp, sys, threading

        def main(watch, work, ready):
            threading.Thread(target=watch).start()
            if {test}:
                mp.Process(target=work).start()
        """
    assert len(_findings(source)) == count


def test_a_long_elif_chain_is_no_internal_error() -> None:
    branches = "".join(f"    elif mode == {i}:\n        pass\n" for i in range(1, 1500))
    source = (
        "import os, threading\n\ndef main(watch, mode):\n    threading.Thread(target=watch).start()\n"
        f"    if mode == 0:\n        pass\n{branches}    os.fork()\n"
    )
    found = lint_source(source, "app.py", SETTINGS)
    assert all(d.code == "CCL305" for d in found)


LUIGI_SHAPE = """
import multiprocessing as mp
import threading

class KeepAlive(threading.Thread):
    def run(self):
        pass

class Worker:
    def __enter__(self):
        self._keep_alive = KeepAlive()
        self._keep_alive.start()
        return self

    def __exit__(self, *exc):
        self._keep_alive.join()

    def run(self, task):
        mp.get_context("fork").Process(target=task).start()

def main(task):
    {body}
"""


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ("worker = Worker()\n    with worker:\n        worker.run(task)", 1),
        ("with Worker() as worker:\n        worker.run(task)", 1),
        # after the block, `__exit__` is taken to have ended the thread
        ("worker = Worker()\n    with worker:\n        pass\n    worker.run(task)", 0),
    ],
)
def test_a_with_block_enters_a_class_of_the_module(body: str, count: int) -> None:
    found = _findings(LUIGI_SHAPE.format(body=body))
    assert len(found) == count, found
    if count:
        assert "in `Worker.__enter__`" in found[0][1]


def test_the_prefilter_pattern_spells_the_same_thread_tokens_as_the_rule() -> None:
    """The parse is skipped on the pattern and the rule is gated on the tokens: one list."""
    from conclint.knowledge import forking
    from conclint.syntax.prefilter import THREADS

    assert sorted(THREADS.pattern.split(b"|")) == sorted(forking.THREAD_TOKENS)


@pytest.mark.parametrize(
    ("setter", "count"),
    [
        # the entry point sets fork, then calls the function that starts the process
        ('def main(watch, work):\n    mp.set_start_method("fork")\n    run(watch, work)', 1),
        # a function that never reaches the start sets it: the default is not known to be fork
        ('def configure():\n    mp.set_start_method("fork")', 0),
        ('def main(watch, work):\n    mp.set_start_method("spawn")\n    run(watch, work)', 0),
    ],
)
def test_the_start_method_set_by_a_caller(setter: str, count: int) -> None:
    source = (
        "import multiprocessing as mp, threading\n\n"
        "def run(watch, work):\n    threading.Thread(target=watch).start()\n    mp.Process(target=work).start()\n\n"
        f"{setter}\n"
    )
    assert len(_findings(source)) == count
