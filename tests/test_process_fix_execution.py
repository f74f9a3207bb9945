"""Proof by execution of the CCL301/CCL302 fix (issue 15, item 6).

Each program, as written, is run with the `fork` start method, where starting processes at
import time happens to work: that run is the program's meaning. Its fix (the real one,
`fix_text` with unsafe fixes) is run with `spawn`, where every child re-imports the module:
the fixed program must print the same and exit the same way, which it cannot if the fix left
a start at import time or moved away a name a child needs (a worker's `NameError`). The fixed
program must also compile, give pyflakes nothing new to say, and be left alone by a second fix.

The programs are the rules' INVALID examples that have a fixed source and import only the
standard library, and a few written here for what the examples do not run. Both start
methods are forced on everything (`get_context("spawn")` included) by a wrapper that runs
the program with runpy as `__main__`, and `os.cpu_count()` is 2 so that pools stay small.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from pyflakes.checker import Checker

from conclint.autofix.apply import FixMode, fix_text
from conclint.rules.base import Invalid
from conclint.rules.processes.process_start_through_call_at_import_time import ProcessStartThroughCallAtImportTime
from conclint.rules.processes.process_started_at_import_time import ProcessStartedAtImportTime

UNSAFE = FixMode(unsafe=True)
# Seconds a program may run: the slowest takes well under one.
TIMEOUT = 30
WRAPPER = '''
import multiprocessing
import os
import runpy
import sys


def main() -> None:
    method, path = sys.argv[1], sys.argv[2]
    multiprocessing.set_start_method(method, force=True)
    forced = multiprocessing.get_context(method)
    multiprocessing.get_context = lambda method=None: forced
    os.cpu_count = lambda: 2
    runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    main()
'''

# Programs for what the examples do not run: a constant and a class defined after a start
# that the workers of a later one need (pickled instances), a counter a function rebinds with `global`, and
# an existing `main` with a parameter (the moved code goes into `_main`).
PROGRAMS = {
    "names-after-the-start": """
        import multiprocessing as mp

        def hello():
            print("hello")

        def work(item):
            return item.scale(OFFSET)

        greeter = mp.Process(target=hello)
        greeter.start()
        greeter.join()
        OFFSET = 10

        class Item:
            def __init__(self, value):
                self.value = value

            def scale(self, offset):
                return self.value + offset

        with mp.Pool(2) as pool:
            print(pool.map(work, [Item(1), Item(2)]))
        """,
    "global-counter": """
        import multiprocessing as mp

        calls = 0

        def count():
            global calls
            calls += 1
            return calls

        def work(x):
            return x * 2

        with mp.Pool(2) as pool:
            doubled = pool.map(work, [1, 2])
        count()
        print(doubled, calls)
        """,
    "main-taken": """
        from concurrent.futures import ProcessPoolExecutor

        def work(x):
            return x + 1

        def main(argv=None):
            print("done", argv)

        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(work, [1, 2])))

        if __name__ == "__main__":
            main()
        """,
}

# Programs that do not work under fork as written, by a fragment of their source, with what
# they mean to print: the workers need a name bound after the pool forked them (the issue's
# own example). Their fork run must fail; the fixed program must print that.
BROKEN_UNDER_FORK = {"FACTOR = 3\n": "[3, 6]\n"}
# What CPython writes at exit when it collects a pool never closed (a pool in a class body
# is in a reference cycle, collected late, whatever the fix does): not the program's doing.
EXIT_NOISE = "Exception ignored in: <function Pool.__del__"

# pyflakes' one new word on a fixed program: a name the module bound and never read is now
# an unused local of `main()`.
UNUSED_LOCAL = re.compile(r"local variable '\w+' is assigned to but never used")


def _self_contained(source: str) -> bool:
    """Whether `source` imports only the standard library."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return all(module.partition(".")[0] in sys.stdlib_module_names for module in modules)


def _programs() -> list:
    params = []
    for rule in (ProcessStartedAtImportTime, ProcessStartThroughCallAtImportTime):
        for index, example in enumerate(rule.INVALID):
            assert isinstance(example, Invalid)
            if example.fixed is not None and _self_contained(example.source):
                params.append(pytest.param(example.source, id=f"{rule.CODE}-invalid-{index}"))
    params += [pytest.param(textwrap.dedent(code).lstrip("\n"), id=name) for name, code in PROGRAMS.items()]
    return params


def _run(*runs: tuple[Path, str]) -> list[subprocess.CompletedProcess[str]]:
    """Run each program as `__main__` with its start method forced, all at once, each in a
    session of its own so that a timeout ends its worker processes too."""
    processes = []
    for program, method in runs:
        wrapper = program.parent / "run_with_start_method.py"
        wrapper.write_text(WRAPPER)
        processes.append(
            subprocess.Popen(
                [sys.executable, str(wrapper), method, str(program)],
                cwd=program.parent,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
        )
    try:
        return [_finish(process) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()


def _finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{process.args[2:]} did not finish in {TIMEOUT}s")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _pyflakes(source: str) -> Counter[str]:
    """pyflakes' messages on `source`, without their positions."""
    checker = Checker(ast.parse(source), "program.py")
    return Counter(message.message % message.message_args for message in checker.messages)


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("source", _programs())
def test_fixed_program_under_spawn_does_what_the_program_did_under_fork(source: str, tmp_path: Path) -> None:
    result = fix_text(source, "program.py", mode=UNSAFE)
    assert result.error is None
    fixed = result.text
    assert fixed != source, "the program has a fix"
    compile(fixed, "program.py", "exec")
    assert fix_text(fixed, "program.py", mode=UNSAFE).text == fixed, "a second fix changes nothing"
    new = _pyflakes(fixed) - _pyflakes(source)
    assert [message for message in new if not UNUSED_LOCAL.fullmatch(message)] == []

    original, repaired = tmp_path / "original.py", tmp_path / "fixed.py"
    original.write_text(source)
    repaired.write_text(fixed)
    before, after = _run((original, "fork"), (repaired, "spawn"))
    meant = [printed for fragment, printed in BROKEN_UNDER_FORK.items() if fragment in source]
    if meant:
        assert before.returncode != 0, "the program works under fork: compare with that run"
        assert after.stdout == meant[0], after.stderr
        assert after.returncode == 0, after.stderr
    else:
        assert after.stdout == before.stdout, after.stderr
        assert after.returncode == before.returncode, after.stderr
        if "sys.exit(" not in source:
            assert after.returncode == 0, after.stderr
    assert "Traceback" not in _without_exit_noise(after.stderr), after.stderr


def _without_exit_noise(stderr: str) -> str:
    """`stderr` less the reports of a never-closed pool collected at exit (`EXIT_NOISE`):
    each runs from its first line through the exception's line, the first one after it
    that is neither indented nor a traceback's header."""
    kept: list[str] = []
    skipping = False
    for line in stderr.splitlines(keepends=True):
        if line.startswith(EXIT_NOISE):
            skipping = True
        elif skipping and not line[:1].isspace() and not line.startswith("Traceback (most recent call last)"):
            skipping = False
        else:
            kept += [] if skipping else [line]
    return "".join(kept)
