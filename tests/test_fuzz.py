"""Property: the engine never raises, whatever program it is given.

hypothesmith generates programs from Python's grammar and from libcst's node types; they are
linted as they are and wrapped in the places the rules look (a coroutine, a thread target,
module level next to a process pool), and arbitrary bytes are linted too. Each must yield a
list of findings with sane positions (a CCL001 is a fine answer), never an exception.

Bounded for CI (CONCLINT_FUZZ_EXAMPLES, default 60, per test); `python bench/fuzz.py
--examples N` runs the same tests longer.
"""

from __future__ import annotations

import os
import textwrap

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.core.model import Diagnostic
from conclint.rules.general.parse_error import ParseError

EXAMPLES = int(os.environ.get("CONCLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
# Drawing from libcst's node types costs ~0.1 s an example, ten times the grammar's.
FUZZ_NODES = settings(FUZZ, max_examples=max(1, EXAMPLES // 3))
# hypothesmith compiles what it generates, and CPython warns about some of it (`"a"()`, "\d").
pytestmark = [
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),
    pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning"),
]

# Places the rules look: the generated program becomes the body of each.
WRAPPERS = (
    "import time, asyncio\nasync def handler():\n    time.sleep(1)\n{body}\n",
    "import threading\ndef work():\n{body}\nthreading.Thread(target=work).start()\n",
    "import multiprocessing\nfrom concurrent.futures import ProcessPoolExecutor\n"
    "def task(x):\n{body}\npool = ProcessPoolExecutor()\npool.submit(task, 1)\n"
    "multiprocessing.Process(target=lambda: task(1)).start()\n",
    "import asyncio\nclass Worker(__import__('threading').Thread):\n    async def run(self):\n{body}\n",
)


def check(source: str | bytes) -> list[Diagnostic]:
    for options in (Settings(), Settings(free_threaded=True)):
        diagnostics = lint_source(source, "fuzz.py", options)
        for diagnostic in diagnostics:
            assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
            assert (diagnostic.span.end_line, diagnostic.span.end_column) >= (diagnostic.line, diagnostic.column)
            assert diagnostic.message, diagnostic
    return diagnostics


@FUZZ
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    check(source)


@FUZZ_NODES
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source: str) -> None:
    check(source)


@FUZZ
@given(st.sampled_from(WRAPPERS), hypothesmith.from_grammar())
def test_programs_where_the_rules_look(wrapper: str, program: str) -> None:
    check(wrap(wrapper, program))


def wrap(wrapper: str, program: str) -> str:
    indent = " " * 8 if "async def run" in wrapper else " " * 4
    return wrapper.format(body=textwrap.indent(program.strip("\n") or "pass", indent))


@FUZZ
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_arbitrary_bytes_and_text(source: bytes | str) -> None:
    check(source)


def test_the_wrappers_are_where_the_rules_look() -> None:
    """Each wrapper, around a trivial body, is linted without a CCL001, and together they
    reach every family, so the generated programs go through the rules, not around them."""
    codes: set[str] = set()
    for wrapper in WRAPPERS:
        found = {d.code for d in check(wrap(wrapper, "x = 1"))}
        assert ParseError.CODE not in found, wrapper
        codes |= found
    assert {code[:4] for code in codes} >= {"CCL1", "CCL3"}
