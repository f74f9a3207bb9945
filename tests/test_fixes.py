"""Fixes: every fixable INVALID example's expected fixed source, idempotence, and the cases
where no fix (or only an unsafe one) may be offered."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.autofix.apply import FixMode, apply_fixes, apply_one_by_one, compile_error, fix_text
from conclint.core.model import Edit, Fix, Span
from conclint.rules.registry import all_rules
from conclint.rules.base import Invalid, Rule

UNSAFE = FixMode(unsafe=True)


def _rule_settings(rule: type[Rule], example: Invalid) -> Settings:
    """The rule alone, unless the example selects rules itself (CCL002 needs the rules whose
    suppression codes it judges)."""
    return dataclasses.replace(Settings(), **{"select": (rule.CODE,), **dict(example.settings)})


def _examples(fixable: bool) -> list:
    return [
        pytest.param(rule, example, id=f"{rule.CODE}-invalid-{index}")
        for rule in all_rules()
        for index, example in enumerate(rule.INVALID)
        if (example.fixed is not None) == fixable
    ]


@pytest.mark.parametrize(("rule", "example"), _examples(fixable=True))
def test_fixable_example_is_fixed_as_expected(rule: type[Rule], example: Invalid) -> None:
    settings = _rule_settings(rule, example)
    result = fix_text(example.source, "example.py", settings, UNSAFE)
    assert result.error is None
    assert result.text == example.fixed_source
    assert result.fixed[rule.CODE] >= 1
    # A second run changes nothing and finds nothing left to fix.
    again = fix_text(result.text, "example.py", settings, UNSAFE)
    assert again.text == result.text
    assert not [d for d in again.diagnostics if d.fixable]


@pytest.mark.parametrize(("rule", "example"), _examples(fixable=False))
def test_example_without_expected_fix_offers_none(rule: type[Rule], example: Invalid) -> None:
    found = [d for d in lint_source(example.source, "example.py", _rule_settings(rule, example)) if d.code == rule.CODE]
    assert found and not [d for d in found if d.fixable], "a fixable example must state its `fixed` source"


@pytest.mark.parametrize(("rule", "example"), _examples(fixable=True) + _examples(fixable=False))
def test_all_fixes_together_keep_examples_compiling(rule: type[Rule], example: Invalid) -> None:
    settings = dataclasses.replace(Settings(), **dict(example.settings))
    result = fix_text(example.source, "example.py", settings, UNSAFE)
    assert result.error is None
    if result.text != example.source:
        assert compile_error(result.text, "example.py") is None
    assert fix_text(result.text, "example.py", settings, UNSAFE).text == result.text


def fixed(source: str, mode: FixMode = UNSAFE) -> str:
    return fix_text(textwrap.dedent(source).lstrip("\n"), mode=mode).text


def test_safe_mode_applies_only_safe_fixes() -> None:
    source = """
        import asyncio, time, requests

        async def f(url):
            time.sleep(1)
            return requests.get(url)
        """
    assert fixed(source, FixMode()) == textwrap.dedent(
        """\
        import asyncio, requests

        async def f(url):
            await asyncio.sleep(1)
            return requests.get(url)
        """
    )


@pytest.mark.parametrize(
    "imports",
    [
        "import time",  # no async library: trio or asyncio, nobody knows
        "import time, trio, asyncio",  # both: unclear
    ],
)
def test_no_fix_when_the_library_is_unclear(imports: str) -> None:
    source = f"{imports}\n\nasync def f():\n    time.sleep(1)\n"
    assert fix_text(source, mode=UNSAFE).text == source


def test_anyio_wins_over_asyncio() -> None:
    source = "import anyio, asyncio, time\n\nasync def f():\n    time.sleep(1)\n"
    assert "await anyio.sleep(1)" in fix_text(source).text


@pytest.mark.parametrize(
    "body",
    [
        "return [time.sleep(i) for i in range(3)]",  # `await` would make it an async comprehension
        "return sum(time.sleep(i) or 1 for i in range(3))",
        "asyncio = 1\n    time.sleep(1)",  # the name the fix needs is taken
    ],
)
def test_no_fix_where_an_await_would_change_meaning(body: str) -> None:
    source = f"import asyncio, time\n\nasync def f():\n    {body}\n"
    assert fix_text(source, mode=UNSAFE).text == source


def test_offload_inside_an_expression_is_parenthesised_before_a_trailer() -> None:
    source = """
        import asyncio, requests

        async def f(url):
            data = requests.get(url).json()
            other = requests.get(url)
            return data, other
        """
    assert fixed(source).splitlines()[3:5] == [
        "    data = (await asyncio.to_thread(requests.get, url)).json()",
        "    other = await asyncio.to_thread(requests.get, url)",
    ]


def test_trio_keywords_go_through_functools_partial() -> None:
    source = """
        import trio, requests

        async def f(url):
            return requests.post(url, json={}, timeout=3)
        """
    assert fixed(source) == textwrap.dedent(
        """\
        import functools
        import trio, requests

        async def f(url):
            return await trio.to_thread.run_sync(functools.partial(requests.post, url, json={}, timeout=3))
        """
    )


def test_an_import_is_added_once_after_docstring_and_future_imports() -> None:
    source = '''
        """Module docstring."""
        from __future__ import annotations

        import aiohttp
        import time

        async def f():
            time.sleep(1)
            time.sleep(2)
        '''
    assert fixed(source, FixMode()) == textwrap.dedent(
        '''\
        """Module docstring."""
        from __future__ import annotations

        import asyncio
        import aiohttp

        async def f():
            await asyncio.sleep(1)
            await asyncio.sleep(2)
        '''
    )


def test_crlf_source_keeps_crlf() -> None:
    source = "import asyncio, time\r\n\r\nasync def f():\r\n    time.sleep(\r\n        1)\r\n"
    result = fix_text(source)
    assert result.text == "import asyncio\r\n\r\nasync def f():\r\n    await asyncio.sleep(\r\n        1)\r\n"


def test_main_guard_fix_moves_code_into_an_existing_guard() -> None:
    source = """
        import multiprocessing as mp

        def work():
            pass

        mp.Process(target=work).start()

        def later():
            pass

        if __name__ == "__main__":
            print("main")
        print("after")
        """
    assert fixed(source) == textwrap.dedent(
        """\
        import multiprocessing as mp

        def work():
            pass

        def later():
            pass

        if __name__ == "__main__":
            mp.Process(target=work).start()
            print("main")
            print("after")
        """
    )


def test_thread_pool_used_for_a_lambda_is_not_swapped() -> None:
    source = """
        from concurrent.futures import ThreadPoolExecutor

        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total

        def main():
            with ThreadPoolExecutor() as pool:
                pool.submit(crunch, 10)
                pool.submit(lambda: 1)
        """
    assert "ProcessPoolExecutor" not in fixed(source)


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    text = "abcdef"

    def replace(start: int, end: int, new: str) -> Fix:
        return Fix((Edit(Span(1, start, 1, end), new),), True)

    # The second overlaps the first and is skipped; the insertion at its edge applies.
    fixes = [replace(2, 4, "X"), replace(3, 5, "Y"), replace(4, 4, "+"), replace(2, 4, "X")]
    assert apply_fixes(text, fixes) == "aX+def"


def test_a_fix_that_would_not_compile_is_dropped_alone() -> None:
    broken = Fix((Edit(Span(1, 1, 1, 2), "("),), True)
    good = Fix((Edit(Span(2, 5, 2, 6), "2"),), True)
    source = "x = 1\ny = 1\n"

    def lint(text: str, path: str, settings: Settings) -> list:
        from conclint.core.model import Diagnostic

        if text != source:
            return []
        return [Diagnostic(path, Span(1, 1, 1, 2), "CCL999", "test", "m", fix=broken), Diagnostic(path, Span(2, 1, 2, 2), "CCL999", "test", "m", fix=good)]

    result = fix_text(source, lint=lint)
    assert result.text == "x = 1\ny = 2\n"
    assert result.error is None


def test_fixes_applied_one_by_one_keep_their_positions() -> None:
    """The fixes of a pass that do not compile together are tried one at a time, each with
    its spans in the text the pass started from: a kept fix adding a line above does not
    send a later fix to the line above its own."""
    source = "x = 1\ny = 1\nz = 1\n"
    fixes = [
        Fix((Edit(Span(1, 1, 1, 1), "import os\n"),), True),
        Fix((Edit(Span(2, 1, 2, 2), "("),), True),  # does not compile: dropped alone
        Fix((Edit(Span(3, 5, 3, 6), "3"),), True),
    ]
    assert compile_error(apply_fixes(source, fixes), "example.py") is not None
    assert apply_one_by_one(source, fixes, "example.py") == "import os\nx = 1\ny = 1\nz = 3\n"


# `helper()` is already awaited: offloading it would write `await await ...`.
AWAITED_HELPER = """\
import asyncio
import time


def helper():
    time.sleep(1)
    return asyncio.sleep(0)


async def main():
    await helper()
    time.sleep(2)
"""


def test_a_fix_that_cannot_apply_alone_is_not_offered() -> None:
    findings = {d.span.line: d for d in lint_source(AWAITED_HELPER, "app.py")}
    assert findings[11].code == "CCL101" and findings[11].fix is None
    assert findings[12].fix is not None and findings[12].fix.safe


def test_the_other_fixes_of_the_file_still_apply() -> None:
    result = fix_text(AWAITED_HELPER, "app.py", mode=UNSAFE)
    assert result.error is None
    assert "await helper()" in result.text and "await await" not in result.text
    assert "await asyncio.sleep(2)" in result.text


def test_no_asyncio_offload_below_python_3_9() -> None:
    source = "import asyncio, requests\n\nasync def f(url):\n    return requests.get(url)\n"
    old = dataclasses.replace(Settings(), target_version="3.8")
    assert fix_text(source, settings=old, mode=UNSAFE).text == source
    assert "asyncio.to_thread" in fix_text(source, mode=UNSAFE).text


# Offloads only where the offloaded call does the blocking itself (issue 15, item 3).
LAZY = """
    import asyncio
    import os
    from pathlib import Path

    def walk(root):
        for p in Path(root).iterdir():
            yield p

    async def main(tmp: Path):
        names = list(tmp.glob("*.json"))
        for entry in os.scandir(tmp):
            print(entry)
        for p in walk(tmp):
            print(p)
        paths = sorted(walk(tmp), key=str)
        kept = tmp.iterdir()
        return names, paths, kept
    """


def test_a_lazy_iterator_is_offloaded_with_its_consumption() -> None:
    text = fixed(LAZY)
    assert 'names = await asyncio.to_thread(list, tmp.glob("*.json"))' in text
    assert "for entry in await asyncio.to_thread(list, os.scandir(tmp)):" in text
    assert "for p in await asyncio.to_thread(list, walk(tmp)):" in text
    assert "paths = await asyncio.to_thread(sorted, walk(tmp), key=str)" in text
    # Kept for later: its iteration would still read the disk on the loop.
    assert "kept = tmp.iterdir()" in text


def test_no_offload_edit_for_a_construction_or_a_loop_bound_helper() -> None:
    source = """
        import asyncio

        class Store:
            def __init__(self, path):
                self.data = open(path).read()

            def reload(self, path):
                self.data = open(path).read()

        def schedule(callback, path):
            loop = asyncio.get_running_loop()
            open(path).close()
            loop.call_soon(callback)

        def read(path):
            with open(path) as fh:
                return fh.read()

        async def main():
            store = Store("x")
            store.reload("x")
            schedule(print, "x")
            return read("x")
        """
    findings = {d.span.line: d for d in lint_source(textwrap.dedent(source).lstrip("\n"), "app.py")}
    assert [line for line, d in sorted(findings.items()) if d.code == "CCL104"] == [20, 21, 22, 23]
    assert [line for line, d in sorted(findings.items()) if d.fix is not None] == [23]
    assert "return await asyncio.to_thread(read, \"x\")" in fixed(source)


def test_a_helper_running_a_loop_of_its_own_is_still_offloaded() -> None:
    source = """
        import asyncio

        def run(coro):
            loop = asyncio.new_event_loop()
            return loop.run_until_complete(coro)

        async def main(coro):
            return run(coro)
        """
    assert "return await asyncio.to_thread(run, coro)" in fixed(source)
