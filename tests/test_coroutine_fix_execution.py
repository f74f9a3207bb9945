"""Proof by execution of the CCL1 fixes (issue 15, item 6): coroutine programs are run with
their event loop, before and after `fix_text` with unsafe fixes.

Each program runs its blocking work in a coroutine beside a heartbeat task that counts the
turns the loop gives it. As written, the work blocks the loop: the heartbeat never runs while
it lasts. Fixed, the program must print the same result and the heartbeat must have run (the
loop was free while the work waited), which it cannot if a fix left the call on the loop, and
the program must not fail, which it does if a fix moved a call to a thread where it cannot
run (a sqlite3 connection used from a thread that did not make it). The fixed program must
also compile, give pyflakes nothing new to say, and be left alone by a second fix.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from pyflakes.checker import Checker

from conclint.autofix.apply import FixMode, fix_text

UNSAFE = FixMode(unsafe=True)
TIMEOUT = 30

# The frame every program shares: `work()` is the program's own part.
FRAME = """

async def heartbeat(beats):
    while True:
        beats.append(1)
        await asyncio.sleep(0)


async def main():
    beats = []
    beat = asyncio.create_task(heartbeat(beats))
    await asyncio.sleep(0)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = len(beats)
        result = await work(folder)
        turns = len(beats) - started
    beat.cancel()
    print(repr(result))
    print("the loop ran during the work:", turns > 0)


if __name__ == "__main__":
    asyncio.run(main())
"""

PROGRAMS = {
    "sleep-helper-subprocess-sqlite": """
        import asyncio
        import json
        import sqlite3
        import subprocess
        import sys
        import tempfile
        import time
        from pathlib import Path


        def load(path):
            with open(path) as handle:
                return json.load(handle)


        async def work(folder):
            time.sleep(0.05)
            (folder / "a.json").write_text(json.dumps({"a": 1}))
            data = load(folder / "a.json")
            out = subprocess.run([sys.executable, "-c", "print(2)"], capture_output=True, text=True).stdout.strip()
            db = sqlite3.connect(":memory:")
            rows = db.execute("select 1 + 1").fetchall()
            return data, out, rows
    """,
    "waits-and-paths": """
        import asyncio
        import concurrent.futures
        import queue
        import tempfile
        import threading
        from pathlib import Path


        def produce(items, ready):
            items.put("item")
            ready.set()


        async def work(folder: Path):
            items = queue.Queue(maxsize=1)
            ready = threading.Event()
            worker = threading.Thread(target=produce, args=(items, ready))
            worker.start()
            ready.wait()
            item = items.get()
            worker.join()
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                total = pool.submit(sum, [1, 2, 3]).result()
            (folder / "b.txt").write_text("hello")
            text = (folder / "b.txt").read_text()
            names = [path.name for path in list(folder.glob("*.txt"))]
            return item, total, text, names
    """,
    "helpers-and-lazy-iterators": """
        import asyncio
        import os
        import shutil
        import tempfile
        from pathlib import Path


        def copy_all(source, target):
            for entry in os.listdir(source):
                shutil.copy(os.path.join(source, entry), target)
            return sorted(os.listdir(target))


        def sizes(folder):
            return {path.name: path.stat().st_size for path in Path(folder).iterdir()}


        async def work(folder: Path):
            source, target = folder / "in", folder / "out"
            os.makedirs(source)
            os.mkdir(target)
            with open(source / "x.txt", "w") as handle:
                handle.write("x" * 10)
            copied = copy_all(source, target)
            listed = list(target.glob("*.txt"))
            return copied, [path.name for path in listed], sizes(target), os.path.exists(target / "x.txt")
    """,
}


def _program(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n") + FRAME


def _pyflakes(source: str) -> Counter[str]:
    checker = Checker(ast.parse(source), "program.py")
    return Counter(message.message % message.message_args for message in checker.messages)


def _run(path: Path) -> list[str]:
    completed = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.splitlines()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_fixed_coroutine_program_prints_the_same_and_frees_the_loop(name: str, tmp_path: Path) -> None:
    source = _program(PROGRAMS[name])
    result = fix_text(source, "program.py", mode=UNSAFE)
    assert result.error is None
    fixed = result.text
    assert fixed != source, "the program has fixes"
    compile(fixed, "program.py", "exec")
    assert fix_text(fixed, "program.py", mode=UNSAFE).text == fixed, "a second fix changes nothing"
    assert _pyflakes(fixed) - _pyflakes(source) == Counter()

    original, repaired = tmp_path / "original.py", tmp_path / "fixed.py"
    original.write_text(source)
    repaired.write_text(fixed)
    before, after = _run(original), _run(repaired)
    assert before[1] == "the loop ran during the work: False", "the program as written blocks the loop"
    assert after == [before[0], "the loop ran during the work: True"]


def test_a_sqlite3_call_gets_no_edit_since_the_connection_is_bound_to_its_thread() -> None:
    source = _program(PROGRAMS["sleep-helper-subprocess-sqlite"])
    fixed = fix_text(source, "program.py", mode=UNSAFE).text
    assert 'db = sqlite3.connect(":memory:")' in fixed
    assert 'rows = db.execute("select 1 + 1").fetchall()' in fixed


def test_an_awaited_statement_gets_no_parentheses_when_the_next_line_opens_one() -> None:
    source = _program(PROGRAMS["sleep-helper-subprocess-sqlite"])
    fixed = fix_text(source, "program.py", mode=UNSAFE).text
    assert "    await asyncio.sleep(0.05)\n    (folder" in fixed
