"""Imports that fixes add and leave (issue 15): where an added import goes (isort's place in
a sorted block, ruff's `I001` defaults being the reference), and which imports a fix left
unused are taken out again (`remove_imports_left_unused`), so that flake8/ruff pass right
after `conclint --fix`.

pyflakes must find nothing new in a fixed text; where ruff is installed, a sorted input
must stay clean for `ruff check --select I,F401` once fixed."""

from __future__ import annotations

import ast
import shutil
import subprocess
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from conclint.autofix.apply import FixMode, apply_fixes, fix_text
from conclint.autofix.unused_imports import remove_imports_left_unused
from conclint.core.model import Fix
from conclint.fixes.import_order import arranged
from conclint.fixes.lines import LineTable
from conclint.fixes.plan import _import_edits
from conclint.syntax.positions import node_positions

UNSAFE = FixMode(unsafe=True)
RUFF = shutil.which("ruff")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def pyflakes_messages(text: str) -> set[str]:
    """pyflakes' messages about `text`, without positions (fixes move lines)."""
    checker = pytest.importorskip("pyflakes.checker")
    found = checker.Checker(ast.parse(text), "example.py")
    return {message.message % message.message_args for message in found.messages}


def ruff_findings(text: str, tmp_path: Path) -> str:
    """What `ruff check --select I,F401` says of `text` ('' when clean)."""
    assert RUFF is not None
    path = tmp_path / "example.py"
    path.write_bytes(text.encode())
    done = subprocess.run(
        [RUFF, "check", "--select", "I,F401", "--isolated", "--quiet", "--output-format", "concise", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    return (done.stdout + done.stderr).strip()


def fixed_and_cleaned(source: str) -> str:
    """What `--fix` writes once `fix_text` calls `remove_imports_left_unused`."""
    return remove_imports_left_unused(source, fix_text(source, "example.py", mode=UNSAFE).text)


def placed(source: str, *imports: str, reverse: bool = False) -> str:
    """`source` with `imports` added by the edits of one fix per import, applied in the
    given order or the reverse one."""
    module = cst.parse_module(source)
    positions = node_positions(module)
    lines = LineTable(source)
    fixes = [Fix(tuple(_import_edits(module, (text,), positions, lines)), True) for text in imports]
    return apply_fixes(source, reversed(fixes) if reverse else fixes)


# Where an added import goes.

PLACEMENTS = {
    "between two standard-library imports": (
        "import abc\nimport time\n\nimport requests\n\nx = 1\n",
        ("import asyncio",),
        "import abc\nimport asyncio\nimport time\n\nimport requests\n\nx = 1\n",
    ),
    "first of the standard library": (
        "import os\nimport time\n",
        ("import asyncio",),
        "import asyncio\nimport os\nimport time\n",
    ),
    "after the last `import`, before the `from` imports": (
        "import abc\nfrom typing import Any\n",
        ("import functools",),
        "import abc\nimport functools\nfrom typing import Any\n",
    ),
    "an `import` goes before every `from` import": (
        "from abc import ABC\nfrom typing import Any\n",
        ("import zlib",),
        "import zlib\nfrom abc import ABC\nfrom typing import Any\n",
    ),
    "a `from` import among the `from` imports": (
        "import os\nfrom abc import ABC\nfrom typing import Any\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "import os\nfrom abc import ABC\nfrom concurrent.futures import ProcessPoolExecutor\nfrom typing import Any\n",
    ),
    "a `from` import after the standard library's": (
        "import os\n\nimport requests\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "import os\nfrom concurrent.futures import ProcessPoolExecutor\n\nimport requests\n",
    ),
    "merged into the statement importing from the same module": (
        "from concurrent.futures import ThreadPoolExecutor, wait\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait\n",
    ),
    "merged at the end of the names": (
        "from concurrent.futures import Executor\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "from concurrent.futures import Executor, ProcessPoolExecutor\n",
    ),
    "merged into parentheses, one name a line": (
        "from concurrent.futures import (\n    Executor,\n    ThreadPoolExecutor,\n)\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "from concurrent.futures import (\n    Executor,\n    ProcessPoolExecutor,\n    ThreadPoolExecutor,\n)\n",
    ),
    "merged into parentheses after the last name": (
        "from concurrent.futures import (\n    Executor,\n)\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "from concurrent.futures import (\n    Executor,\n    ProcessPoolExecutor,\n)\n",
    ),
    "not merged into an `as` import": (
        "from concurrent.futures import ThreadPoolExecutor as Pool\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "from concurrent.futures import ProcessPoolExecutor\nfrom concurrent.futures import ThreadPoolExecutor as Pool\n",
    ),
    "no standard-library import: its own section before the others": (
        '"""Doc."""\n\n# Third party.\nimport aiohttp\nimport requests\n',
        ("import asyncio",),
        '"""Doc."""\n\nimport asyncio\n\n# Third party.\nimport aiohttp\nimport requests\n',
    ),
    "a comment heading the standard library stays above it": (
        "# Standard library.\nimport os\n",
        ("import asyncio",),
        "# Standard library.\nimport asyncio\nimport os\n",
    ),
    "a comment above an import stays with it": (
        "import abc\n# Needed for timing.\nimport time\n",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "import abc\n# Needed for timing.\nimport time\nfrom concurrent.futures import ProcessPoolExecutor\n",
    ),
    "after the docstring and `__future__` imports": (
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport abc\nimport time\n',
        ("import asyncio",),
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport abc\nimport asyncio\nimport time\n',
    ),
    "after a `__future__` import sharing its line": (
        "from __future__ import annotations; import os\nx = 1\n",
        ("import asyncio",),
        "from __future__ import annotations; import os\nimport asyncio\n\nx = 1\n",
    ),
    "between two names sharing a prefix": (
        "import base64\nimport bz2\n",
        ("import binascii",),
        "import base64\nimport binascii\nimport bz2\n",
    ),
    "CRLF": (
        "import abc\r\nimport time\r\n\r\nx = 1\r\n",
        ("import asyncio",),
        "import abc\r\nimport asyncio\r\nimport time\r\n\r\nx = 1\r\n",
    ),
    "no newline at the end of the file": (
        "import abc",
        ("from concurrent.futures import ProcessPoolExecutor",),
        "import abc\nfrom concurrent.futures import ProcessPoolExecutor",
    ),
    "no newline at the end, an `import` after the last": (
        "import abc",
        ("import asyncio",),
        "import abc\nimport asyncio",
    ),
    # Not sorted as isort sorts: the simple rule, just before the first import.
    "unsorted: the standard library after a third-party import": (
        "import aiohttp\nimport time\n",
        ("import asyncio",),
        "import asyncio\nimport aiohttp\nimport time\n",
    ),
    "unsorted: two modules in one statement": (
        "import trio, requests\n",
        ("import functools",),
        "import functools\nimport trio, requests\n",
    ),
    "unsorted: out of order": (
        "import time\nimport os\n",
        ("import asyncio",),
        "import asyncio\nimport time\nimport os\n",
    ),
    "unsorted: a blank line inside the standard library's section": (
        "import os\n\nimport time\n",
        ("import sys",),
        "import sys\nimport os\n\nimport time\n",
    ),
    "unsorted: names out of order": (
        "import os\nfrom typing import cast, Any\n",
        ("import asyncio",),
        "import asyncio\nimport os\nfrom typing import cast, Any\n",
    ),
    "not from the standard library: the simple rule": (
        "import abc\nimport time\n",
        ("import trio",),
        "import trio\nimport abc\nimport time\n",
    ),
    "no import at the start: before the first statement, a blank line after": (
        '"""Doc."""\n\nx = 1\n',
        ("import asyncio",),
        '"""Doc."""\nimport asyncio\n\n\nx = 1\n',
    ),
    "only a docstring: at the end": (
        '"""Doc."""\n',
        ("import asyncio",),
        '"""Doc."""\nimport asyncio\n',
    ),
}


@pytest.mark.parametrize(("source", "imports", "expected"), PLACEMENTS.values(), ids=PLACEMENTS.keys())
def test_an_added_import_goes_where_isort_puts_it(source: str, imports: tuple[str, ...], expected: str) -> None:
    assert placed(source, *imports) == expected


def test_an_import_and_a_from_import_added_at_one_place_come_out_sorted_either_way() -> None:
    source = "import abc\n\nimport requests\n"
    expected = "import abc\nimport functools\nfrom concurrent.futures import ProcessPoolExecutor\n\nimport requests\n"
    adding = ("import functools", "from concurrent.futures import ProcessPoolExecutor")
    assert placed(source, *adding) == expected
    assert placed(source, *adding, reverse=True) == expected


# Two imports that fixes add at the same offset: (source, imports, expected), whichever
# fix comes first.
SAME_PLACE = {
    "two `import` lines after the same standard-library line": (
        "import abc\n\nimport requests\n",
        ("import functools", "import asyncio"),
        "import abc\nimport asyncio\nimport functools\n\nimport requests\n",
    ),
    "two `import` lines first of the standard library": (
        "import os\n",
        ("import functools", "import asyncio"),
        "import asyncio\nimport functools\nimport os\n",
    ),
    "two standard-library imports opening one section, no blank line between": (
        "import requests\n",
        ("from concurrent.futures import ProcessPoolExecutor", "import functools"),
        "import functools\nfrom concurrent.futures import ProcessPoolExecutor\n\nimport requests\n",
    ),
    "a standard-library import before a third-party one": (
        "import requests\n",
        ("import trio", "import functools"),
        "import functools\n\nimport trio\nimport requests\n",
    ),
    "before the first statement": (
        '"""Doc."""\n\nx = 1\n',
        ("import functools", "import asyncio"),
        '"""Doc."""\nimport asyncio\nimport functools\n\n\nx = 1\n',
    ),
    "at the end, no newline at the end of the file": (
        '"""Doc."""',
        ("import functools", "import asyncio"),
        '"""Doc."""\nimport asyncio\nimport functools\n',
    ),
    "natural order of numbers, CRLF": (
        "import abc\r\n\r\nx = 1\r\n",
        ("import zlib", "import html", "import http"),
        "import abc\r\nimport html\r\nimport http\r\nimport zlib\r\n\r\nx = 1\r\n",
    ),
}


@pytest.mark.parametrize(("source", "imports", "expected"), SAME_PLACE.values(), ids=SAME_PLACE.keys())
def test_imports_added_at_one_place_come_out_sorted_whatever_the_order_of_their_fixes(
    source: str, imports: tuple[str, ...], expected: str
) -> None:
    assert placed(source, *imports) == expected
    assert placed(source, *imports, reverse=True) == expected


def test_names_added_to_one_statement_keep_the_order_of_their_fixes() -> None:
    """Not import lines: `arranged` leaves them as they came."""
    assert arranged(["b, ", "a, "]) == ["b, ", "a, "]
    assert arranged(["\nimport b", "a, "]) == ["\nimport b", "a, "]


def test_an_anyio_offload_adds_functools_and_anyio_in_their_sections() -> None:
    """A real pair: `from anyio import run` leaves the name `anyio` free, and the offload of a
    call with keywords needs `functools.partial`; both imports go before the first import."""
    source = dedent(
        """
        import requests
        from anyio import run


        async def fetch(url):
            return requests.get(url, timeout=3)


        run(fetch, "http://example.com")
        """
    )
    text = fix_text(source, "example.py", mode=UNSAFE).text
    assert text.startswith("import functools\n\nimport anyio\nimport requests\nfrom anyio import run\n")
    assert "await anyio.to_thread.run_sync(functools.partial(requests.get, url, timeout=3))" in text
    assert fix_text(text, "example.py", mode=UNSAFE).text == text


def test_every_fix_needing_an_import_makes_the_same_edit() -> None:
    """The invariant `apply_fixes` relies on to add the import once."""
    module = cst.parse_module("import abc\nimport time\nfrom typing import Any\n")
    positions, lines = node_positions(module), LineTable(module.code)
    for text in ("import asyncio", "from concurrent.futures import ProcessPoolExecutor"):
        assert _import_edits(module, (text,), positions, lines) == _import_edits(module, (text,), positions, lines)


# Placement through the fixes themselves.

SLEEPER = dedent(
    '''
    """Poll."""

    import abc
    import time
    from typing import Any

    import aiohttp


    class Base(abc.ABC):
        started = time.monotonic()


    async def poll() -> Any:
        time.sleep(1)
        time.sleep(2)
        return aiohttp
    '''
)


def test_the_sleep_fix_adds_asyncio_once_at_its_sorted_place() -> None:
    text = fix_text(SLEEPER, "example.py", mode=UNSAFE).text
    assert text.startswith('"""Poll."""\n\nimport abc\nimport asyncio\nimport time\nfrom typing import Any\n\nimport aiohttp\n')
    assert text.count("import asyncio") == 1


def test_trio_offload_adds_functools_at_its_sorted_place() -> None:
    source = "import json\n\nimport requests\nimport trio\n\n\nasync def f(url):\n    return requests.post(url, data=json.dumps({}), timeout=3)\n"
    text = fix_text(source, "example.py", mode=UNSAFE).text
    assert text.startswith("import functools\nimport json\n\nimport requests\nimport trio\n")


def test_process_pool_fix_merges_into_the_thread_pool_import() -> None:
    source = dedent(
        """
        import os
        from concurrent.futures import ThreadPoolExecutor, wait


        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total


        def main():
            with ThreadPoolExecutor() as pool:
                wait([pool.submit(crunch, 10)])
            return ThreadPoolExecutor, os.sep
        """
    )
    text = fix_text(source, "example.py", mode=UNSAFE).text
    assert "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait\n" in text
    assert "with ProcessPoolExecutor() as pool:" in text


# Which imports go once fixed: remove_imports_left_unused(before, after).

# (before, after, expected): `after` is `before` as a fix wrote it.
REMOVED = {
    "the last name of `import a, b`": (
        "import asyncio, time\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio, time\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    "the first name of `import a, b`": (
        "import time, asyncio\n\nasync def f():\n    time.sleep(1)\n",
        "import time, asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    "a whole statement": (
        "import asyncio\nimport time\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    "a `from` import": (
        "import asyncio\nfrom time import sleep\n\nasync def f():\n    sleep(1)\n",
        "import asyncio\nfrom time import sleep\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    "one name of a `from` import": (
        "import asyncio\nfrom time import monotonic, sleep\n\nasync def f():\n    sleep(monotonic())\n",
        "import asyncio\nfrom time import monotonic, sleep\n\nasync def f():\n    await asyncio.sleep(monotonic())\n",
        "import asyncio\nfrom time import monotonic\n\nasync def f():\n    await asyncio.sleep(monotonic())\n",
    ),
    "the first name in parentheses": (
        "from time import (\n    sleep,  # to wait\n    monotonic,  # to measure\n)\n\nsleep(monotonic())\n",
        "from time import (\n    sleep,  # to wait\n    monotonic,  # to measure\n)\n\nprint(monotonic())\n",
        "from time import (\n    monotonic,  # to measure\n)\n\nprint(monotonic())\n",
    ),
    "the last name in parentheses, no trailing comma": (
        "from time import (\n    monotonic,\n    sleep\n)\n\nsleep(monotonic())\n",
        "from time import (\n    monotonic,\n    sleep\n)\n\nprint(monotonic())\n",
        "from time import (\n    monotonic\n)\n\nprint(monotonic())\n",
    ),
    "the last name on one line in parentheses": (
        "from time import (monotonic, sleep)\n\nsleep(monotonic())\n",
        "from time import (monotonic, sleep)\n\nprint(monotonic())\n",
        "from time import (monotonic)\n\nprint(monotonic())\n",
    ),
    "`import os.path` binds `os`": (
        "import os.path\nimport sys\n\nprint(os.path.join('a'), sys.argv)\n",
        "import os.path\nimport sys\n\nprint(sys.argv)\n",
        "import sys\n\nprint(sys.argv)\n",
    ),
    "`import a.b as c` binds `c`": (
        "import sys\nimport xml.etree as et\n\nprint(et, sys)\n",
        "import sys\nimport xml.etree as et\n\nprint(sys)\n",
        "import sys\n\nprint(sys)\n",
    ),
    "an alias": (
        "import trio\nfrom time import sleep as pause\n\nasync def f():\n    pause(1)\n",
        "import trio\nfrom time import sleep as pause\n\nasync def f():\n    await trio.sleep(1)\n",
        "import trio\n\nasync def f():\n    await trio.sleep(1)\n",
    ),
    "an import inside a function": (
        "import anyio\n\nasync def f():\n    import time\n    time.sleep(1)\n",
        "import anyio\n\nasync def f():\n    import time\n    await anyio.sleep(1)\n",
        "import anyio\n\nasync def f():\n    await anyio.sleep(1)\n",
    ),
    "the section's blank line does not stay at the top": (
        "import time\n\nimport trio\n\nasync def f():\n    time.sleep(1)\n",
        "import time\n\nimport trio\n\nasync def f():\n    await trio.sleep(1)\n",
        "import trio\n\nasync def f():\n    await trio.sleep(1)\n",
    ),
    "after a docstring, one blank line of two": (
        '"""Doc."""\n\nimport time\n\nimport trio\n\nasync def f():\n    time.sleep(1)\n',
        '"""Doc."""\n\nimport time\n\nimport trio\n\nasync def f():\n    await trio.sleep(1)\n',
        '"""Doc."""\n\nimport trio\n\nasync def f():\n    await trio.sleep(1)\n',
    ),
    "the wider gap stays": (
        "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio\nimport time\n\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    "a comment above stays": (
        "import asyncio\n# for the pause\nimport time\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio\n# for the pause\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio\n# for the pause\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    "CRLF, no newline at the end": (
        "import asyncio\r\nimport time\r\n\r\nasync def f():\r\n    time.sleep(1)",
        "import asyncio\r\nimport time\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)",
        "import asyncio\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)",
    ),
    "an indented import losing one name": (
        "import asyncio\n\nasync def f():\n    from time import monotonic, sleep\n    sleep(monotonic())\n",
        "import asyncio\n\nasync def f():\n    from time import monotonic, sleep\n    await asyncio.sleep(monotonic())\n",
        "import asyncio\n\nasync def f():\n    from time import monotonic\n    await asyncio.sleep(monotonic())\n",
    ),
    "an attribute or a keyword of that name is no use of it": (
        "import time\n\ndef f(x):\n    time.sleep(x.time)\n",
        "import time\n\ndef f(x):\n    print(x.time, time=1)\n",
        "def f(x):\n    print(x.time, time=1)\n",
    ),
    "only what the fix left unused: an import unused before stays": (
        "import asyncio, sys, time\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio, sys, time\n\nasync def f():\n    await asyncio.sleep(1)\n",
        "import asyncio, sys\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
}


@pytest.mark.parametrize(("before", "after", "expected"), REMOVED.values(), ids=REMOVED.keys())
def test_an_import_a_fix_left_unused_goes(before: str, after: str, expected: str) -> None:
    assert remove_imports_left_unused(before, after) == expected
    assert pyflakes_messages(expected) <= pyflakes_messages(before)


SLEPT = "async def f():\n    time.sleep(1)\n"
AWAITED = "async def f():\n    await asyncio.sleep(1)\n"

# (module text around the coroutine, before and after the fix): the import must stay.
KEPT = {
    "still used elsewhere": "import asyncio, time\n\nSTART = time.monotonic()\n\n{code}",
    "used as an attribute base only": "import asyncio, time\n\n{code}\ndef g():\n    return time.monotonic\n",
    "a string annotation names it": "import asyncio, time\n\n{code}\ndef g(x: 'time.struct_time') -> None:\n    pass\n",
    "`__all__` names it": "import asyncio, time\n\n__all__ = ['time']\n\n{code}",
    "`__all__` extended with it": "import asyncio, time\n\n__all__: list = []\n__all__ += ['time']\n\n{code}",
    "a `cast` names it": "import asyncio, time\nfrom typing import cast\n\n{code}\nx = cast('time.struct_time', None)\n",
    "a subscript type names it": "import asyncio, time\nfrom typing import Optional\n\n{code}\nT = Optional['time.struct_time']\n",
    "`getattr` names it": "import asyncio, sys, time\n\n{code}\nx = getattr(sys.modules[__name__], 'time')\n",
    "a type comment names it": "import asyncio, time\n\n{code}\nx = None  # type: time.struct_time\n",
    "`del`": "import asyncio, time\n\n{code}\ndel time\n",
    "`global`": "import asyncio, time\n\n{code}\ndef g():\n    global time\n",
    "rebound elsewhere": "import asyncio, time\n\n{code}\ndef g():\n    time = 1\n    return 2\n",
    "a parameter of that name": "import asyncio, time\n\n{code}\ndef g(time):\n    pass\n",
    "imported twice": "import asyncio, time\n\n{code}\ndef g():\n    import time\n",
    "under `try`": "import asyncio\ntry:\n    import time\nexcept ImportError:\n    time = None\n\n{code}",
    "under `try`, alone": "import asyncio\ntry:\n    import time\nexcept ImportError:\n    pass\n\n{code}",
    "under `if TYPE_CHECKING`": "import asyncio\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import time\n\n{code}",
    "in a class body": "import asyncio\n\nclass C:\n    import time\n\n{code}",
    "marked noqa": "import asyncio\nimport time  # noqa: F401\n\n{code}",
    "a block it would leave empty": "import asyncio\nimport sys\nif sys.argv:\n    import time\n\n{code}",
    "sharing its line": "import asyncio\nx = 1; import time\n\n{code}",
    "a one-line suite": "import asyncio\nif True: import time\n\n{code}",
    "a star import": "import asyncio, time\nfrom os import *\n\n{code}",
    "`globals()`": "import asyncio, time\n\n{code}\nprint(globals())\n",
    "`eval`": "import asyncio, time\n\n{code}\nprint(eval('1'))\n",
}


@pytest.mark.parametrize("module", KEPT.values(), ids=KEPT.keys())
def test_an_import_the_module_may_still_need_stays(module: str) -> None:
    before, after = module.format(code=SLEPT), module.format(code=AWAITED)
    assert remove_imports_left_unused(before, after) == after


def test_future_imports_stay() -> None:
    before = "from __future__ import annotations\nimport asyncio\n\nasync def f():\n    annotations.sleep(1)\n"
    after = "from __future__ import annotations\nimport asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n"
    assert remove_imports_left_unused(before, after) == after


def test_a_text_that_cannot_be_analysed_is_returned_as_it_is() -> None:
    after = "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n"
    assert remove_imports_left_unused("import time\ndef (:\n", after) == after
    assert remove_imports_left_unused(after, after) == after
    broken = "import time\ndef (:\n"
    assert remove_imports_left_unused("import time\ntime.sleep(1)\n", broken) == broken


def test_fix_and_removal_together_leave_pyflakes_nothing_new() -> None:
    source = dedent(
        """
        import asyncio
        import time

        import requests


        async def f(url):
            time.sleep(1)
            return requests.get(url)
        """
    )
    text = fixed_and_cleaned(source)
    assert "import time" not in text
    assert "await asyncio.to_thread(requests.get, url)" in text
    assert pyflakes_messages(text) <= pyflakes_messages(source)


def test_the_removal_is_idempotent() -> None:
    before = REMOVED["a whole statement"][0]
    once = remove_imports_left_unused(before, REMOVED["a whole statement"][1])
    assert remove_imports_left_unused(before, once) == once


# ruff, where installed: a sorted file stays sorted and free of unused imports once fixed.

RUFF_CASES = {
    "asyncio among the standard library": SLEEPER,
    "asyncio alone in its section": '"""Doc."""\n\nimport time\n\nimport aiohttp\n\n\nasync def f():\n    time.sleep(1)\n    return aiohttp\n',
    "asyncio before third-party imports": "import aiohttp\nimport requests\n\n\nasync def f(url):\n    requests.get(url)\n    return aiohttp\n",
    "a `from time` import replaced": '"""Doc."""\n\nfrom time import sleep\nfrom typing import Any\n\nimport aiohttp\n\n\nasync def f() -> Any:\n    sleep(1)\n    return aiohttp\n',
    "functools for trio": "import json\n\nimport requests\nimport trio\n\n\nasync def f(url):\n    await trio.sleep(0)\n    return requests.post(url, data=json.dumps({}), timeout=3)\n",
    "CRLF": "import os\r\nimport time\r\n\r\nimport aiohttp\r\n\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n    os.getcwd()\r\n    return aiohttp\r\n",
    "process pool merged": dedent(
        """
        import os
        from concurrent.futures import (
            ThreadPoolExecutor,
            wait,
        )


        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total


        def main():
            with ThreadPoolExecutor() as pool:
                wait([pool.submit(crunch, 10)])
            return ThreadPoolExecutor, os.sep
        """
    ),
}


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
@pytest.mark.parametrize("source", RUFF_CASES.values(), ids=RUFF_CASES.keys())
def test_ruff_finds_nothing_in_a_fixed_sorted_file(source: str, tmp_path: Path) -> None:
    assert ruff_findings(source, tmp_path) == "", "the input must be sorted and use its imports"
    text = fixed_and_cleaned(source)
    assert text != source
    assert ruff_findings(text, tmp_path) == ""
    assert pyflakes_messages(text) <= pyflakes_messages(source)

