"""CCL404 (deprecated-get-event-loop): where it reports, its wording by target-version, and its
fix (compiles, is idempotent, gives pyflakes nothing new, and runs: the same loop comes back)."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from pyflakes.checker import Checker

from conclint.autofix.apply import FixMode, fix_text
from conclint.core.settings import Settings
from conclint.engine import lint_source

SETTINGS = dataclasses.replace(Settings(), select=("CCL404",))


def _found(source: str, **settings: object) -> list:
    chosen = dataclasses.replace(SETTINGS, **settings)
    return lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", chosen)


def _pyflakes(source: str) -> Counter[str]:
    checker = Checker(ast.parse(source), "app.py")
    return Counter(message.message % message.message_args for message in checker.messages)


@pytest.mark.parametrize(
    "source",
    [
        # a sync helper that runs no loop may be called under a running one
        "import asyncio\n\ndef now():\n    return asyncio.get_event_loop().time()\n",
        # a lambda, a class body: not followed
        "import asyncio\n\nasync def main():\n    later = lambda: asyncio.get_event_loop()\n    return later\n",
        "import asyncio\n\nclass Config:\n    loop = asyncio.get_event_loop()\n",
        # a local function of the same name is not asyncio's
        "def get_event_loop():\n    return None\n\nasync def main():\n    return get_event_loop()\n",
        # the file sets the thread's loop: get_event_loop() returns it
        """
        import asyncio

        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = asyncio.get_event_loop()
        """,
    ],
)
def test_silent(source: str) -> None:
    assert _found(source) == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("3.10", "it warns from Python 3.12 when no loop was set, and raises RuntimeError from 3.14"),
        ("3.12", "it warns (DeprecationWarning) when no loop was set, and raises RuntimeError from 3.14"),
        ("3.14", "it raises RuntimeError when no loop was set"),
    ],
)
def test_the_sync_message_follows_the_target_version(target: str, words: str) -> None:
    found = _found("import asyncio\n\nloop = asyncio.get_event_loop()\n", target_version=target)
    assert [d.line for d in found] == [3]
    assert words in found[0].message
    assert not found[0].fixable


def test_a_nested_sync_function_that_runs_a_loop_is_judged_alone() -> None:
    source = """
    import asyncio

    async def outer(job):
        def in_thread():
            loop = asyncio.get_event_loop()
            return loop.run_until_complete(job())
        return in_thread
    """
    found = _found(source)
    assert [(d.line, "where no event loop is running" in d.message) for d in found] == [(5, True)]


def test_no_fix_before_python_3_7() -> None:
    """get_running_loop() is new in 3.7; asyncio.events, where both are defined, is asyncio."""
    source = "import asyncio\nimport asyncio.events\n\nasync def main():\n    asyncio.get_event_loop()\n    asyncio.events.get_event_loop()\n"
    assert [d.fixable for d in _found(source, target_version="3.6")] == [False, False]
    assert [d.fixable for d in _found(source)] == [True, True]


def test_the_fix_keeps_a_program_working(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """
        import asyncio


        async def main():
            import asyncio as aio
            loop = asyncio.get_event_loop()
            same = aio.get_event_loop()
            print(loop is same, loop is asyncio.get_running_loop())


        asyncio.run(main())
        """
    ).lstrip("\n")
    result = fix_text(source, "app.py", SETTINGS, FixMode(unsafe=False))
    assert result.error is None
    fixed = result.text
    assert fixed.count("get_running_loop()") == 3 and "get_event_loop" not in fixed
    compile(fixed, "app.py", "exec")
    assert fix_text(fixed, "app.py", SETTINGS, FixMode(unsafe=False)).text == fixed
    assert _pyflakes(fixed) - _pyflakes(source) == Counter()
    program = tmp_path / "program.py"
    program.write_text(fixed)
    completed = subprocess.run([sys.executable, "-W", "error", str(program)], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["True", "True"]


def test_code_after_a_return_is_not_judged() -> None:
    source = """
    import asyncio

    def main(job):
        return asyncio.run(job())
        loop = asyncio.get_event_loop()
        loop.run_until_complete(job())
    """
    assert _found(source) == []
