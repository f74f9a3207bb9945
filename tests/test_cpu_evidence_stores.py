"""CPU evidence from positions a range() loop stores into, and from per-item helpers that
iterate what they are given (issue 14: the clkhash Bloom filter). Each capability is checked
with its near miss, which must stay without evidence or verdict."""

from __future__ import annotations

import textwrap

from conclint.analysis.summaries import NUMERIC, ModuleSummary, cpu_bound
from conclint.engine import summarize_source


def _summary(source: str) -> ModuleSummary:
    return summarize_source(textwrap.dedent(source), located=False)


def _kinds(summary: ModuleSummary, name: str) -> list[str]:
    return [evidence.kind for evidence in summary.functions[name].cpu_evidence]


def test_a_position_computed_to_store_into_is_the_range_loops_arithmetic() -> None:
    summary = _summary(
        """
        def scatter(n, size):
            bits = [0] * size
            for i in range(n):
                bits[(i * 7919) % size] = 1
            return bits
        """
    )
    assert _kinds(summary, "scatter") == [NUMERIC]


def test_positions_read_keys_joined_and_loops_over_data_give_no_evidence() -> None:
    summary = _summary(
        """
        def pick(rows, n):
            picked = [None] * n
            for i in range(n):
                picked[i] = rows[i * 2]
            return picked

        def name(n):
            names = {}
            for i in range(n):
                names["row" + str(i)] = i
            return names

        def bucket(items, size):
            buckets = [None] * size
            for item in items:
                buckets[hash(item) % size] = item
            return buckets
        """
    )
    assert _kinds(summary, "pick") == []
    assert _kinds(summary, "name") == []
    assert _kinds(summary, "bucket") == []


_ENCODER = """
def encode(tokens, k, size):
    bits = [0] * size
    for token in tokens:
        h = len(token)
        for i in range(k):
            bits[(h + i * 31) % size] = 1
    return bits

def total(row):
    s = 0
    for value in row:
        s += value * 2
    return s

def encode_all(records, k):
    return [encode(record, k, 1024) for record in records]

def total_all(rows):
    return [total(row) for row in rows]
"""


def test_a_helper_counting_over_numbers_per_item_is_cpu_work_when_called_in_a_loop() -> None:
    summary = _summary(_ENCODER)
    verdict = cpu_bound(summary.functions.get, "encode_all")
    assert verdict is not None
    assert verdict.chain == ("encode_all", "encode")


def test_a_helper_only_walking_what_it_iterates_still_refuses_the_loop_calling_it() -> None:
    summary = _summary(_ENCODER)
    assert summary.functions["total"].unknown_iterations == 1
    assert cpu_bound(summary.functions.get, "total_all") is None
