"""Spin-wait loops on threads (issue 14, recall of the thread family): a `while` loop with a
round that neither waits nor changes anything is reported by CCL201 and CCL203, the round
that spins named in the message; rounds that wait, may wait, or do work are not. Also the
summary field surviving the store's JSON round trip and a target imported from another
module of the project."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conclint.analysis.summaries import ModuleSummary, absolutized
from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.engine import lint_source
from conclint.engine.lint import summarize_source
from conclint.project.runner import IndexOptions, check

_HEADER = "import queue, threading, time, os, socket, subprocess, collections\n\n"


def _findings(body: str, codes: tuple[str, ...] = ("CCL201", "CCL202", "CCL203")) -> list[tuple[int, str, str]]:
    """The findings of `body`, a target `work(flags)` started on a thread after it."""
    source = _HEADER + textwrap.dedent(body) + "\nthreading.Thread(target=work, args=(None,)).start()\n"
    found = lint_source(source, "example.py", Settings())
    return [(d.line, d.code, d.message) for d in found if d.code in codes]


def _spins(body: str) -> bool:
    found = _findings(body)
    assert all(code in ("CCL201", "CCL203") for _, code, _ in found), found
    return any("busy-waits" in message for _, _, message in found)


# Rounds that spin: each must be reported.
SPINNING = {
    "nothing but a test": """
        def work(flags):
            while not flags.done:
                pass
        """,
    "an unsatisfied branch": """
        def work(flags):
            while flags.running:
                if flags.mode == "busy":
                    time.sleep(1)
        """,
    "continue before the wait": """
        def work(flags):
            sock = socket.socket()
            while flags.running:
                if flags.paused:
                    continue
                sock.recv(1024)
        """,
    "a deadline read off the clock": """
        def work(flags):
            end = time.monotonic() + 5
            while time.monotonic() < end:
                pass
        """,
    "an event polled": """
        def work(flags):
            stop = threading.Event()
            while not stop.is_set():
                if flags.ready:
                    break
        """,
    "a poll whose Empty is caught": """
        def work(flags):
            jobs = queue.Queue()
            while True:
                try:
                    job = jobs.get(block=False)
                except queue.Empty:
                    continue
                job.run()
        """,
    "a local read after it is assigned": """
        def work(flags):
            while True:
                state = flags.state
                if state == "stop":
                    return
                elif state == "run":
                    time.sleep(0.5)
        """,
    "a helper that only reads": """
        def ready(flags):
            return flags.value > 3 and flags.other is not None

        def work(flags):
            while not ready(flags):
                pass
        """,
    "a method only reading, through a thread subclass": """
        class Worker(threading.Thread):
            def __init__(self):
                super().__init__()
                self.items = []

            def waiting(self):
                return len(self.items) == 0

            def run(self):
                while True:
                    if self.waiting():
                        continue
                    time.sleep(self.items[0])

        def work(flags):
            Worker().start()
        """,
}


# Rounds that wait, may wait, or do work: none may be reported.
WAITING = {
    "every path sleeps": """
        def work(flags):
            while flags.running:
                if flags.busy:
                    time.sleep(1)
                else:
                    time.sleep(0.01)
        """,
    "a queue read with a timeout": """
        def work(flags):
            jobs = queue.Queue()
            while flags.running:
                try:
                    job = jobs.get(timeout=1)
                except queue.Empty:
                    continue
                print(job)
        """,
    "an event wait with a timeout": """
        def work(flags):
            stop = threading.Event()
            while not stop.is_set():
                if flags.idle:
                    stop.wait(0.1)
                    continue
                stop.wait(1)
        """,
    "an unknown call on the other path": """
        def work(flags):
            while flags.running:
                if flags.busy:
                    time.sleep(1)
                else:
                    flags.refresh()
        """,
    "an unknown call in the test": """
        def work(flags):
            while not flags.finished():
                pass
        """,
    "a lock taken": """
        def work(flags):
            lock = threading.Lock()
            while flags.running:
                with lock:
                    pass
        """,
    "a worklist": """
        def work(flags):
            todo = collections.deque([1, 2])
            while todo:
                item = todo.popleft()
                if item > 3:
                    continue
        """,
    "a counter": """
        def work(flags):
            attempts = 0
            while attempts < flags.limit:
                attempts += 1
        """,
    "a local carried to the next round": """
        def work(flags):
            node = flags
            while node is not None:
                node = node.parent
        """,
    "an attribute stored": """
        def work(flags):
            while flags.position < flags.size:
                flags.position = flags.size
        """,
    "a helper called for what it does": """
        def step(flags):
            return flags.value

        def work(flags):
            while flags.running:
                step(flags)
        """,
    "a helper that sets an attribute": """
        def advance(flags):
            flags.count = 1
            return flags.count

        def work(flags):
            while flags.running:
                if advance(flags):
                    continue
                time.sleep(1)
        """,
    "a helper that may wait": """
        def ready(flags):
            return os.path.exists(flags.path)

        def work(flags):
            while not ready(flags):
                pass
        """,
    "a break on the only other path": """
        def work(flags):
            sock = socket.socket()
            while True:
                if flags.stop:
                    break
                sock.recv(1)
        """,
    "a nested loop": """
        def work(flags):
            while flags.running:
                for item in flags.items:
                    pass
        """,
    "a subprocess polled": """
        def work(flags):
            child = subprocess.Popen(["true"])
            while child.poll() is None:
                pass
        """,
    "a global flag set": """
        DONE = False

        def work(flags):
            global DONE
            while not DONE:
                DONE = flags.done
        """,
    "a generator's loop": """
        def work(flags):
            while flags.running:
                yield flags.value
        """,
    "a race retried": """
        def snapshot(table):
            while True:
                try:
                    return tuple(table.values())
                except RuntimeError:
                    pass

        def work(flags):
            snapshot({})
            time.sleep(1)
        """,
    "a take that succeeded": """
        def work(flags):
            jobs = queue.Queue()
            while flags.running:
                job = jobs.get_nowait()
        """,
}


@pytest.mark.parametrize("name", sorted(SPINNING))
def test_a_round_that_spins_is_reported(name: str) -> None:
    assert _spins(SPINNING[name]), name


@pytest.mark.parametrize("name", sorted(WAITING))
def test_a_round_that_waits_or_works_is_not_a_spin(name: str) -> None:
    assert not _spins(WAITING[name]), name


def test_the_message_names_the_round_and_the_remedy() -> None:
    found = lint_source(_HEADER + textwrap.dedent(SPINNING["an unsatisfied branch"]) + "\nthreading.Thread(target=work).start()\n", "example.py", Settings())
    spin = [d for d in found if d.code == "CCL201"]
    assert len(spin) == 1
    assert "`work` busy-waits (the loop at line 5 spins without sleeping or waiting when `flags.mode == \"busy\"` is false)" in spin[0].message
    assert "threading.Event" in spin[0].suggestion and spin[0].fix is None


def test_a_spin_in_a_function_the_target_calls_names_the_chain() -> None:
    found = _findings(
        """
        def wait_ready(flags):
            while not flags.ready:
                pass

        def work(flags):
            wait_ready(flags)
            time.sleep(1)
        """
    )
    assert [(code, "work -> wait_ready: the loop at line 5" in message) for _, code, message in found] == [("CCL201", True)]


def test_a_coroutine_loop_is_left_to_ccl202() -> None:
    source = _HEADER + textwrap.dedent(
        """
        async def work(flags):
            while not flags.ready:
                pass

        def start(loop, flags):
            threading.Thread(target=loop.run_until_complete, args=(work(flags),)).start()
        """
    )
    assert [d for d in lint_source(source, "example.py", Settings()) if "busy-waits" in d.message] == []
    assert summarize_source(source).functions["work"].spins == ()


def test_free_threaded_builds_turn_it_off() -> None:
    source = _HEADER + textwrap.dedent(SPINNING["nothing but a test"]) + "\nthreading.Thread(target=work).start()\n"
    assert [d for d in lint_source(source, "example.py", Settings(free_threaded=True)) if d.code == "CCL201"] == []


def test_spins_survive_the_json_round_trip_and_are_named_absolutely() -> None:
    summary = summarize_source(_HEADER + textwrap.dedent(SPINNING["a helper that only reads"]))
    work = summary.functions["work"]
    assert work.spins[0].requires == ("<local>.ready",) and work.spins[0].line == 8
    assert ModuleSummary.from_dict(summary.as_dict()).functions["work"] == work
    assert absolutized(work, "app.flags").spins[0].requires == ("app.flags.ready",)


def test_an_imported_target_that_spins_is_reported_through_the_index(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/timer.py": """
            import time

            def is_running(clock):
                return clock.state in ("running", "cooling")

            def tick(clock):
                while not clock.teardown:
                    if is_running(clock):
                        time.sleep(1)
            """,
        "app/main.py": """
            import threading
            from app.timer import tick

            def start(clock):
                threading.Thread(target=tick, args=(clock,)).start()
            """,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    result = check([str(tmp_path / "app/main.py")], DEFAULT_SETTINGS, tmp_path, project=IndexOptions(None))
    found = [(d.line, d.code, d.message) for d in result.diagnostics]
    assert len(found) == 1 and found[0][:2] == (5, "CCL201")
    assert "`app.timer.tick` busy-waits (the loop at line 7 spins without sleeping or waiting when `is_running(clock)` is false of " in found[0][2]
