"""Function summaries on their own: evidence and its lines, calls, the transitive join, cycles."""

from __future__ import annotations

import json
import ast
import textwrap

import pytest
from libcst.metadata import MetadataWrapper

from conclint.analysis.summaries import (
    BlockingEvidence,
    CpuEvidence,
    Evidence,
    FunctionSummary,
    ModuleSummary,
    cpu_bound,
)
from conclint.analysis.project_index import _definition_lines
from conclint.engine import lint_source, summarize_source


def summarize(code: str) -> ModuleSummary:
    return summarize_source(textwrap.dedent(code).lstrip("\n"))


def test_range_loop_doing_arithmetic_is_evidence_on_the_loop_line() -> None:
    module = summarize(
        """
        def crunch(n):
            total = 0
            for i in range(n):
                total += i * i
            return total
        """
    )
    crunch = module.functions["crunch"]
    assert crunch.line == 1
    assert crunch.cpu_evidence == (CpuEvidence(3, "loop over range() doing arithmetic", "numeric"),)
    assert crunch.unknown_calls == crunch.unknown_calls_in_loops == 0
    assert module.cpu_bound("crunch") is not None


@pytest.mark.parametrize(
    ("code", "reason", "line"),
    [
        (
            """
            def pairs(xs):
                n = 0
                for a in xs:
                    for b in xs:
                        if a < b:
                            n += 1
                return n
            """,
            "nested loop",
            3,
        ),
        (
            """
            def steps(n):
                count = 0
                while n != 1:
                    n = n // 2 if n % 2 == 0 else 3 * n + 1
                    count += 1
                return count
            """,
            "while loop updating numbers",
            3,
        ),
        (
            """
            def fib(n):
                if n < 2:
                    return n
                return fib(n - 1) + fib(n - 2)
            """,
            "recursion",
            4,
        ),
        (
            """
            def squares(n):
                return sum(
                    [i * i for i in range(n)]
                )
            """,
            "numeric comprehension over range()",
            3,
        ),
        (
            """
            import json

            def decode(text):
                out = []
                for line in text.splitlines():
                    out.append(json.loads(line))
                return out
            """,
            "json.loads() in a loop",
            5,
        ),
        (
            """
            def ordered(n):
                return sorted(x * 7 % 11 for x in range(n))
            """,
            "numeric comprehension over range()",
            2,
        ),
    ],
    ids=["nested", "while", "recursion", "comprehension", "heavy-call", "sorted-of-range"],
)
def test_cpu_evidence_kinds_and_lines(code: str, reason: str, line: int) -> None:
    module = summarize(code)
    (summary,) = module.functions.values()
    assert summary.cpu_evidence[0][:2] == (line, reason)
    verdict = module.cpu_bound(summary.qualname)
    assert verdict is not None and verdict.reason == reason and verdict.line == line


@pytest.mark.parametrize(
    "code",
    [
        # small literal bounds, directly or through a constant
        "def f():\n    t = 0\n    for i in range(10):\n        t += i\n    return t\n",
        "LOOPS = 5\n\ndef f():\n    t = 0\n    for i in range(LOOPS):\n        t += i\n    return t\n",
        # the arithmetic does not involve the loop
        "def f(scope, now, n):\n    for _ in range(n):\n        scope.deadline = now + 9999\n",
        # string formatting is not arithmetic
        "def f(names):\n    for name in names:\n        print_it = '%s!' % name\n",
        # flattening is not work
        "def f(rows):\n    out = []\n    for row in rows:\n        for cell in row:\n            out.append(cell)\n    return out\n",
        # a worklist grows with data of unknown size, and does no arithmetic
        "def f(stack, seen):\n    while stack:\n        node = stack.pop()\n",
    ],
    ids=["small-range", "small-constant", "loop-invariant", "string-format", "flatten", "worklist"],
)
def test_no_cpu_evidence(code: str) -> None:
    module = summarize_source(code)
    assert module.cpu_bound("f") is None


def test_blocking_and_gil_releasing_calls_are_recorded_with_lines() -> None:
    module = summarize(
        """
        import time
        import numpy as np

        def step(a):
            time.sleep(0.1)
            return np.dot(a, a)
        """
    )
    step = module.functions["step"]
    assert step.blocking == (BlockingEvidence(5, "time.sleep", "sleep", shown="time.sleep()", offset=1),)
    assert step.releases_gil == (Evidence(6, "numpy.dot() (array operations in C)"),)


def test_blocking_offsets_without_positions_match_the_located_lines() -> None:
    """The offsets the index reads a cited line from (without summarizing the module again)
    agree with the lines of the located summary, through decorators, comments before the
    `def`, a signature over several lines, nested classes and functions, `async def`."""
    code = textwrap.dedent(
        '''
        import time, functools

        class Outer:
            # a comment before the method

            @functools.cache
            @staticmethod
            def method(
                a,
                b=1,
            ):
                """Docstring
                over lines."""
                time.sleep(a)
                with open("x") as f:
                    f.read()

            class Inner:
                async def go(self):
                    def helper():
                        time.sleep(2)
                    time.sleep(
                        3
                    )
        '''
    )
    plain = summarize_source(code, located=False)
    located = summarize_source(code, located=True)
    assert plain.functions.keys() == located.functions.keys()
    # The `def` lines the index adds the offsets to, from CPython's tree, are the located ones.
    definitions = _definition_lines(ast.parse(code).body)
    assert {name: definitions[name] for name in located.functions} == {name: f.line for name, f in located.functions.items()}
    checked = 0
    for name, function in located.functions.items():
        offsets = [evidence.offset for evidence in plain.functions[name].blocking]
        assert all(evidence.line == 0 for evidence in plain.functions[name].blocking)
        if function.is_async:
            # Reported in its own module, never cited from another: no offsets kept.
            assert offsets == [-1] * len(function.blocking)
            continue
        assert offsets == [evidence.line - function.line for evidence in function.blocking]
        checked += len(offsets)
    assert checked >= 3


def test_calls_name_functions_of_the_module_and_skip_lambdas_nested_defs_and_offloads() -> None:
    module = summarize(
        """
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        def helper():
            pass

        class C:
            def m(self):
                self.other()
                helper()
                f = lambda: helper_in_lambda()
                def nested():
                    helper_in_nested()
                ThreadPoolExecutor().submit(offloaded)

            def other(self):
                pass

            @classmethod
            def build(cls):
                return cls.make()

            @classmethod
            def make(cls):
                return cls()

        def helper_in_lambda(): pass
        def helper_in_nested(): pass
        def offloaded(): pass
        """
    )
    assert module.functions["C.m"].calls == ("C.other", "helper")
    assert module.functions["C.m.<locals>.nested"].calls == ("helper_in_nested",)
    assert module.functions["C.build"].calls == ("C.make",)


def test_the_join_follows_calls_and_keeps_the_chain() -> None:
    module = summarize(
        """
        def worker(n):
            seed = prepare(n)
            return crunch(seed, n)

        def prepare(n):
            return n * 2

        def crunch(seed, n):
            total = seed
            for _ in range(n):
                total = (total * 31 + 7) % 65521
            return total
        """
    )
    verdict = module.cpu_bound("worker")
    assert verdict is not None
    assert verdict.chain == ("worker", "crunch")
    assert verdict.explain() == "worker -> crunch: loop over range() doing arithmetic at line 10"


def test_a_reached_function_that_blocks_or_releases_the_gil_clears_the_caller() -> None:
    module = summarize(
        """
        import time, hashlib

        def worker(n):
            crunch(n)
            pause()

        def hashing(blobs):
            crunch(10)
            digest(blobs)

        def crunch(n):
            return sum(i * i for i in range(n))

        def pause():
            time.sleep(1)

        def digest(blobs):
            return hashlib.sha256(blobs)
        """
    )
    assert module.cpu_bound("crunch") is not None
    assert module.cpu_bound("worker") is None
    assert module.cpu_bound("hashing") is None


def test_unknown_calls_in_loops_clear_the_function_directly_or_through_a_helper() -> None:
    module = summarize(
        """
        def direct(jobs):
            total = 0
            for i in range(10**6):
                total += i * i
                jobs.take()

        def indirect():
            total = 0
            for i in range(10**6):
                total += step(i)

        def step(i):
            return fetch(i) * 2

        def outside(url):
            data = fetch(url)
            return sum(i * i for i in range(10**6))
        """
    )
    assert module.functions["direct"].unknown_calls_in_loops == 1
    assert module.cpu_bound("direct") is None
    assert module.functions["indirect"].calls_in_loops == ("step",)
    assert module.cpu_bound("indirect") is None
    # An unknown call outside every loop runs once; the loop still holds the GIL.
    assert module.cpu_bound("outside") is not None


def test_queue_consumers_are_never_cpu_bound() -> None:
    module = summarize(
        """
        import queue

        jobs = queue.Queue()

        def typed():
            total = 0
            while True:
                total += jobs.get() * 2

        def untyped(inbox):
            total = 0
            while True:
                item = inbox.get()
                total += item * 2
        """
    )
    assert module.functions["typed"].blocking[0].callee == "queue.Queue.get"
    assert module.cpu_bound("typed") is None
    assert module.functions["untyped"].unknown_calls_in_loops == 1
    assert module.cpu_bound("untyped") is None


def test_cycles_terminate() -> None:
    module = summarize(
        """
        def ping(n):
            return pong(n - 1) if n else 0

        def pong(n):
            return ping(n - 1) if n else 0

        def a(n):
            b(n)

        def b(n):
            a(n)
            for i in range(n):
                n = n * 3 % 7
        """
    )
    assert module.cpu_bound("ping") is None
    verdict = module.cpu_bound("a")
    assert verdict is not None and verdict.chain == ("a", "b")


def test_recursion_counts_every_call_as_made_in_a_loop() -> None:
    module = summarize(
        """
        def walk(node):
            visit(node)
            for child in node.children:
                walk(child)

        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        """
    )
    walk = module.functions["walk"]
    assert walk.cpu_evidence[0].reason == "recursion"
    # visit() runs once per call, in effect in a loop; iterating node.children, an object
    # of unknown type, counts as an unknown call too.
    assert (walk.unknown_calls, walk.unknown_calls_in_loops) == (2, 1)
    assert module.cpu_bound("walk") is None
    assert module.cpu_bound("fact") is not None


def test_async_functions_and_generators_are_not_cpu_bound_targets() -> None:
    module = summarize(
        """
        async def coro(n):
            return sum(i * i for i in range(n))

        def gen(n):
            for i in range(n):
                yield i * i
        """
    )
    assert module.functions["coro"].is_async
    assert module.functions["gen"].is_generator
    assert module.cpu_bound("coro") is None
    assert module.cpu_bound("gen") is None


def test_picklable_and_inherited_methods() -> None:
    module = summarize(
        """
        import threading

        class Base(threading.Thread):
            def crunch(self):
                return sum(i * i for i in range(10**6))

        class Child(Base):
            def run(self):
                self.crunch()

        def outer():
            def inner():
                pass
        """
    )
    assert module.functions["Base.crunch"].picklable
    assert not module.functions["outer.<locals>.inner"].picklable
    assert module.class_bases == {"Base": ("threading.Thread",), "Child": ("Base",)}
    assert module.function("Child.crunch") is module.functions["Base.crunch"]
    assert module.functions["Child.run"].calls == ("Base.crunch",)
    assert module.is_subclass("Child", {"threading.Thread"})
    assert module.cpu_bound("Child.run") is not None


def test_summaries_are_plain_data_that_round_trip_through_json() -> None:
    module = summarize(
        """
        import time

        def f(n):
            time.sleep(1)
            return g(n)

        def g(n):
            return sum(i * i for i in range(n))
        """
    )
    data = json.loads(json.dumps(module.as_dict()))
    again = ModuleSummary.from_dict(data)
    assert again == module
    assert again.functions["g"] == module.functions["g"]


def test_the_join_works_over_any_lookup() -> None:
    """What a project index does: summaries from several modules joined by one lookup."""
    worker = FunctionSummary("app.worker", 1, False, False, True, calls=("lib.crunch",))
    crunch = FunctionSummary("lib.crunch", 3, False, False, True, cpu_evidence=(CpuEvidence(5, "nested loop", "numeric"),))
    table = {s.qualname: s for s in (worker, crunch)}
    verdict = cpu_bound(table.get, "app.worker")
    assert verdict is not None and verdict.explain() == "app.worker -> lib.crunch: nested loop at line 5"


def test_lint_computes_no_positions_for_files_without_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("positions computed for a file without findings")

    monkeypatch.setattr(MetadataWrapper, "resolve", refuse)
    source = "import threading\n\ndef crunch(n):\n    return n + 1\n\nthreading.Thread(target=crunch).start()\n"
    assert lint_source(source, "x.py") == []


def test_data_sized_evidence_needs_every_call_known() -> None:
    """Work that grows with the input may be outweighed by an unknown call handling the same
    input; numbers-driven work is not (distributed's cluster dump writer is the model)."""
    module = summarize(
        """
        import yaml

        def _tuple_to_list(node):
            if isinstance(node, (list, tuple)):
                return [_tuple_to_list(el) for el in node]
            return node

        def writer(state, f):
            yaml.dump(_tuple_to_list(state), f)

        def convert(state):
            return _tuple_to_list(state)

        def simulate(n, sink):
            sink.open()
            return fib(n)

        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        """
    )
    assert module.functions["_tuple_to_list"].cpu_evidence[0].kind == "data"
    assert module.functions["fib"].cpu_evidence[0].kind == "large"  # it calls itself twice: exponential
    assert module.cpu_bound("writer") is None
    # Iterating `node`, whose type is unknown, is itself a call this module cannot vouch for.
    assert module.cpu_bound("convert") is None
    verdict = module.cpu_bound("simulate")
    assert verdict is not None and verdict.chain == ("simulate", "fib")


def test_nesting_that_walks_a_structure_once_is_not_quadratic() -> None:
    module = summarize(
        """
        def tally(cursor):
            total = 0.0
            for row in cursor:
                for value in row:
                    total += value * 0.5
            return total

        def pairs(points):
            close = 0
            for a in points:
                for b in points:
                    if abs(a - b) < 1:
                        close += 1
            return close
        """
    )
    tally = module.functions["tally"]
    assert [e.kind for e in tally.cpu_evidence] == ["data"]
    assert tally.unknown_calls == 1  # iterating `cursor` may read a database
    assert module.cpu_bound("tally") is None
    assert module.functions["pairs"].cpu_evidence[0][1:] == ("nested loop", "quadratic")
    assert module.cpu_bound("pairs") is not None


def test_iterating_known_values_is_not_an_unknown_call() -> None:
    module = summarize(
        """
        def f(text, n, table: dict):
            for i, word in enumerate(text.split()):
                pass
            for i in range(n):
                pass
            for k, v in table.items():
                pass
            for x in [1, 2, 3]:
                pass
            for a, b in zip(range(n), sorted(range(n))):
                pass
        """
    )
    assert module.functions["f"].unknown_calls == 0
