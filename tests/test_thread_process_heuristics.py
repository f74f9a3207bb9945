"""Issue 14, items 5 and 6: the thread and process heuristics, on the facts the rules rest on
(summaries, the prefilter, the helper search's bounds) rather than on the rule examples."""

from __future__ import annotations

import textwrap

import pytest

from conclint.analysis.process_parameters import MAX_HELPERS
from conclint.core.settings import Settings
from conclint.engine import lint_source, summarize_source
from conclint.knowledge import processes


def _summary(source: str):
    return summarize_source(textwrap.dedent(source))


def _codes(source: str, select: str) -> list[tuple[str, int]]:
    found = lint_source(textwrap.dedent(source), "module.py", Settings(select=(select,)))
    return [(d.code, d.line) for d in found]


@pytest.mark.parametrize(
    ("body", "cpu_bound"),
    [
        # Once, after the loop: cheap.
        ("for i in range(n):\n        total += i * i\n    print(total)", True),
        # Now and then, under an `if`, with a logger of logging.getLogger().
        ("for i in range(n):\n        total += i * i\n        if i % 1000 == 0:\n            log.debug('%d', i)", True),
        # In an `except` handler.
        ("for i in range(n):\n        try:\n            total += i * i\n        except OverflowError:\n            logging.exception('x')", True),
        # Once per round of an outer loop whose inner loop does the work.
        ("for i in range(n):\n        for j in range(n):\n            total += i * j\n        print(i)", True),
        # In every round of the innermost loop: the output is the work.
        ("for i in range(n):\n        total += i * i\n        print(total)", False),
        ("for i in range(n):\n        total += i * i\n        logger.info('%d', total)", False),
        # Real I/O still counts wherever it is.
        ("for i in range(n):\n        total += i * i\n    open('out.txt', 'w').write(str(total))", False),
    ],
)
def test_print_and_logging_count_as_io_only_in_every_round_of_the_innermost_loop(body: str, cpu_bound: bool) -> None:
    source = f"""
import logging

log = logging.getLogger("x")

def crunch(n, logger):
    total = 0
    {body}
    return total
"""
    summary = _summary(source)
    assert (summary.cpu_bound("crunch") is not None) is cpu_bound


def test_a_comprehension_in_the_iterable_is_not_an_inner_loop_of_the_body() -> None:
    """`for x in [f(y) for y in ys]: print(x)` prints every round: the comprehension runs
    once, before the loop, and does not make the print a once-per-round-of-outer one."""
    summary = _summary(
        """
        def show(n):
            for x in [i * i for i in range(n)]:
                print(x * 2)
        """
    )
    assert summary.cpu_bound("show") is None
    assert summary.functions["show"].releases_gil


def test_a_comprehension_in_the_iterable_does_not_make_the_loop_nested() -> None:
    """`for fmt in [h.formatter for h in handlers]: assert ...` walks the handlers twice,
    one after the other; a comprehension in a `while` test does run every round."""
    summary = _summary(
        """
        def check(handlers, expected):
            for fmt in [h.formatter for h in handlers]:
                assert fmt == expected

        def drain(items, limit):
            while any(item > limit for item in items):
                limit += 1
            return limit
        """
    )
    assert summary.functions["check"].cpu_evidence == ()
    assert [e.reason for e in summary.functions["drain"].cpu_evidence] == ["nested loop"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("for i in range(n):\n        pass", "loop over range() that only counts"),
        ("for i in range(n):\n        math.sqrt(i)", "loop over range() doing arithmetic"),
        ("for _ in range(n):\n        k * k", "loop over range() doing arithmetic"),
    ],
)
def test_loops_whose_result_is_discarded_still_burn_cpu(body: str, reason: str) -> None:
    source = f"""
import math

def spin(n, k):
    {body}
"""
    verdict = _summary(source).cpu_bound("spin")
    assert verdict is not None and verdict.reason == reason


@pytest.mark.parametrize(
    "body",
    [
        "for _ in range(1000):\n        pass",  # a short constant range
        "for _ in range(n):\n        3 ** 20",  # folded into a constant by the compiler
        "for i in range(n):\n        handle(i)",  # an unknown call: may be I/O
        "for i in range(n):\n        out.append(f'{math.sqrt(i)}')",  # formats text
    ],
)
def test_discarded_work_that_is_not_evidence(body: str) -> None:
    source = f"""
import math

def spin(n, out, handle):
    {body}
"""
    assert _summary(source).cpu_bound("spin") is None


def test_a_lazy_iterable_handed_to_a_process_pool_is_neither_ccl201_nor_ccl202() -> None:
    source = """
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    processes = ProcessPoolExecutor()

    def crunch(n):
        return sum(i * i for i in range(n))

    async def main(pool, ns):
        loop = asyncio.get_running_loop()
        first = await loop.run_in_executor(pool, list, map(crunch, ns))
        return first, processes.submit(sorted, map(crunch, ns))
    """
    assert _codes(source, "CCL2") == []


def test_a_lazy_iterable_bound_to_a_name_then_handed_to_a_thread_is_judged_there() -> None:
    source = """
    import asyncio

    def crunch(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    async def main(ns):
        loop = asyncio.get_running_loop()
        lazy = map(crunch, ns)
        each = (crunch(n) for n in ns)
        squares = (i * i for i in range(10**7))
        first = await loop.run_in_executor(None, list, lazy)
        second = await asyncio.to_thread(sum, each)
        return first, second, await asyncio.to_thread(sum, squares)
    """
    # The thread runs `crunch` (CCL201); the coroutine only made the iterators (no CCL202).
    assert _codes(source, "CCL2") == [("CCL201", 15), ("CCL201", 16)]


def test_a_lazy_iterable_bound_and_consumed_by_the_coroutine_is_still_ccl202() -> None:
    source = """
    def crunch(n):
        total = 0
        for i in range(1_000_000):
            total += i * n
        return total

    async def main(ns):
        lazy = map(crunch, ns)
        return list(lazy)
    """
    assert _codes(source, "CCL202") == [("CCL202", 9)]


def test_a_consumed_map_on_the_coroutine_itself_is_still_ccl202() -> None:
    source = """
    def crunch(n):
        total = 0
        for i in range(1_000_000):
            total += i * n
        return total

    async def main(ns):
        return list(map(crunch, ns))
    """
    assert _codes(source, "CCL202") == [("CCL202", 9)]


def test_every_dataloader_name_holds_a_start_token() -> None:
    """The prefilter lets CCL301/CCL302 see a file only when it spells a start token."""
    tokens = [token.decode() for token in processes.START_TOKENS]
    for name in processes.DATALOADER_TYPES:
        assert any(token in name for token in tokens), name


def test_a_function_iterating_a_dataloader_with_workers_starts_processes() -> None:
    source = """
    from torch.utils.data import DataLoader

    def train(data, workers):
        for batch in DataLoader(data, num_workers=workers):
            pass

    def evaluate(data):
        for batch in DataLoader(data, batch_size=4):
            pass

    train([1], 2)
    evaluate([1])
    """
    assert _codes(source, "CCL302") == [("CCL302", 12)]


def _helpers(depth: int) -> str:
    """A nested function passed through `depth` helpers, the last of which starts it."""
    lines = ["from multiprocessing import Process", ""]
    for index in range(depth):
        following = f"helper{index + 1}(fn)" if index + 1 < depth else "Process(target=fn).start()"
        lines += [f"def helper{index}(fn):", f"    {following}", ""]
    lines += ["def main():", "    def inner():", "        pass", "    helper0(inner)", ""]
    return "\n".join(lines)


def test_the_helper_search_stops_after_max_helpers_functions() -> None:
    assert [code for code, _ in _codes(_helpers(MAX_HELPERS), "CCL303")] == ["CCL303"]
    assert _codes(_helpers(MAX_HELPERS + 1), "CCL303") == []


def test_a_parameter_rebound_before_the_dispatch_is_not_followed() -> None:
    source = """
    import functools
    from multiprocessing import Process

    def run(fn):
        fn = functools.partial(print, "wrapped")
        Process(target=fn).start()

    def main():
        def inner():
            pass
        run(inner)
    """
    assert _codes(source, "CCL303") == []


RACES = """
import threading
from concurrent.futures import ThreadPoolExecutor

def count(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

def on_threads(work, n):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(work, [n] * 4))

def test_race():
    threading.Thread(target=count, args=(10**6,)).start()
    on_threads(count, 10**6)

class TestRace:
    def test_nested(self):
        def start():
            threading.Thread(target=count, args=(10**6,)).start()
        start()

def main():
    threading.Thread(target=count, args=(10**6,)).start()
    on_threads(count, 10**6)
"""


def test_cpu_bound_targets_handed_to_threads_in_tests_are_not_reported() -> None:
    # tests race threads on purpose; the same calls in `main` are findings
    assert _codes(RACES, "CCL201") == [("CCL201", 26), ("CCL201", 27)]
