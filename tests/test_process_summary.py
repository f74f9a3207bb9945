"""The per-module process summary: plain values that survive JSON, and chains across modules."""

from __future__ import annotations

import json
import textwrap

import libcst as cst

from conclint.analysis.facts import FileFacts
from conclint.analysis.processes import FunctionProcesses, ProcessSummary, ProcessSummaryCollector, process_chain
from conclint.core.settings import Settings
from conclint.syntax.traversal import visit_batched


def summarize(source: str) -> ProcessSummary:
    module = cst.parse_module(textwrap.dedent(source))
    facts = FileFacts(module, Settings())
    collector = ProcessSummaryCollector(facts)
    visit_batched(module, [facts, collector])
    return collector.summary


SOURCE = """
    import multiprocessing as mp
    from jobs.workers import launch

    def run_pool():
        with mp.Pool() as pool:
            return pool.map(abs, [-1])

    def main():
        helper = lambda: mp.Pool()
        return run_pool()

    def remote():
        launch()

    class Base:
        def go(self):
            self.spawn()

        def spawn(self):
            mp.Process(target=print).start()

    class Child(Base):
        pass
"""


def test_summary_records_starts_calls_and_bases() -> None:
    summary = summarize(SOURCE)
    assert summary.functions["run_pool"].starts == ("mp.Pool()",)
    assert summary.functions["main"].starts == ()
    assert summary.functions["main"].calls == ("run_pool",)
    assert summary.functions["remote"].external_calls == ("jobs.workers.launch",)
    assert summary.class_bases["Child"] == ("Base",)
    assert summary.chain("main") == ("main", "run_pool", "mp.Pool()")
    assert summary.chain("Child.go") == ("Base.go", "Base.spawn", "Process(...).start()")
    assert summary.chain("remote") is None


def test_summary_round_trips_through_json() -> None:
    summary = summarize(SOURCE)
    again = ProcessSummary.from_dict(json.loads(json.dumps(summary.as_dict())))
    assert again == summary


def test_chains_join_summaries_of_several_modules() -> None:
    local = summarize(SOURCE)
    other = {"jobs.workers.launch": FunctionProcesses("jobs.workers.launch", starts=("Pool()",))}

    def lookup(name: str) -> FunctionProcesses | None:
        return local.function(name) or other.get(name)

    assert process_chain(lookup, "remote") == ("remote", "jobs.workers.launch", "Pool()")
