"""How the cost of planning fixes grows with the size of a file (issue 21): it must be linear.

Usage: python bench/fix_scaling.py [--sizes 64K,256K,1M] [--repeat K]

Generates files of ordinary code of each size, made of copies of one small module body with
two findings that have a fix (a coroutine calling `time.sleep(1)`, CCL101, and a
module-level `multiprocessing.Process(...).start()`, CCL301), and times the engine's stages
on each: the libcst parse, the rules' traversal, and turning the reports into diagnostics
(positions, suppression comments and fix planning). For every stage it prints the seconds,
the microseconds per KB of source, and, from the second size on, how that per-KB cost
changed from the previous size: about 1.0 is linear, about 4.0 at a 4x step is quadratic.
A benchmark, not a test: the best of K runs is kept against the machine's noise.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Callable

from conclint.engine import lint as engine
from conclint.core.settings import DEFAULT_SETTINGS
from conclint.syntax.parsing import parse_source

HEADER = "import asyncio\nimport multiprocessing\nimport time\n"
# One copy of the module body; {n} keeps the names of the copies apart.
BODY = '''

class Account{n}:
    """A ledger entry kept in memory."""

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        return self.balance


def summarise_{n}(accounts):
    totals = {{}}
    for account in accounts:
        totals[account.owner] = totals.get(account.owner, 0) + account.balance
    return sorted(totals.items())


async def refresh_{n}():
    time.sleep(1)
    return summarise_{n}([Account{n}("a", {n})])


def work_{n}():
    return {n} * 2


multiprocessing.Process(target=work_{n}).start()
'''
UNITS = {"K": 1024, "M": 1024 * 1024}


def generate(size: int) -> bytes:
    """A module of at least `size` bytes: the header, then copies of BODY."""
    parts = [HEADER]
    total, copy = len(HEADER), 0
    while total < size:
        part = BODY.format(n=copy)
        parts.append(part)
        total += len(part)
        copy += 1
    return "".join(parts).encode()


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


def best(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    """The shortest of `repeat` runs of `work`, and its result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def stages(source: bytes, repeat: int) -> tuple[dict[str, float], int, int]:
    """Seconds per stage, the number of findings and how many of them have a fix."""
    rules = engine.rules_for_path("generated.py", DEFAULT_SETTINGS)
    parse, module = best(repeat, lambda: parse_source(source))
    analyse, reports = best(repeat, lambda: engine._run_rules(module, rules, DEFAULT_SETTINGS, None, source))
    plan, diagnostics = best(repeat, lambda: engine._to_diagnostics(module, source, "generated.py", reports))
    fixable = sum(1 for diagnostic in diagnostics if diagnostic.fix is not None)  # type: ignore[attr-defined]
    return {"parse": parse, "rules": analyse, "diagnostics+fixes": plan}, len(diagnostics), fixable  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64K,256K,1M", help="comma-separated sizes, e.g. 64K,256K,1M")
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # as the runner's worker threads allow
    previous: dict[str, float] | None = None
    for size in (parse_size(text) for text in options.sizes.split(",")):
        source = generate(size)
        seconds, findings, fixable = stages(source, options.repeat)
        kb = len(source) / 1024
        per_kb = {stage: spent / kb * 1e6 for stage, spent in seconds.items()}
        print(f"{kb:7.0f} KB  {findings} findings, {fixable} with a fix")
        for stage, spent in seconds.items():
            step = f"  x{per_kb[stage] / previous[stage]:.2f} per KB vs previous size" if previous else ""
            print(f"    {stage:18} {spent:9.3f} s  {per_kb[stage]:9.0f} us/KB{step}")
        previous = per_kb


if __name__ == "__main__":
    main()
