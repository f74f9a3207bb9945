"""Issue 14, item 5: libraries written in Python whose calls compute (backtrader, SymPy,
NetworkX, pyrlp, py-trie), on the summaries and verdicts CCL201 and CCL202 rest on."""

from __future__ import annotations

import textwrap

import pytest

from conclint.analysis.summaries import ELEMENTWISE, LIBRARY, ModuleSummary
from conclint.core.settings import Settings
from conclint.engine import lint_source, summarize_source
from conclint.knowledge.threads import HEAVY, LONG, LONG_COMPUTATIONS, PER_ELEMENT_WORK, PURE, RELEASES, call_kind


def _summary(source: str) -> ModuleSummary:
    return summarize_source(textwrap.dedent(source))


def _codes(source: str, select: str) -> list[tuple[str, int]]:
    found = lint_source(textwrap.dedent(source), "module.py", Settings(select=(select,)))
    return [(d.code, d.line) for d in found]


def _kind(summary: ModuleSummary, function: str) -> str | None:
    """The kind of the evidence the verdict on `function` rests on, None when not CPU-bound."""
    verdict = summary.cpu_bound(function)
    if verdict is None:
        return None
    holder = summary.function(verdict.function)
    assert holder is not None
    return holder.cpu_evidence[verdict.index].kind


_BACKTEST = """
import backtrader as bt

def backtest(strategy, frame, data=None):
    cerebro = bt.Cerebro()
    {setup}
    cerebro.addstrategy(strategy)
    results = cerebro.run()
    {after}
    return results
"""


@pytest.mark.parametrize(
    ("setup", "after", "kind"),
    [
        # An offline feed built in the function: the run is the backtest.
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))", "", LIBRARY),
        ("cerebro.adddata(bt.feeds.GenericCSVData(dataname='prices.csv'))", "", LIBRARY),
        # A call of unknown cost once after the run does not outweigh the backtest.
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))", "results[0].analyzers.sharpe.get_analysis()", LIBRARY),
        # Data handed in may be a live store's feed: the run may wait on the network.
        ("cerebro.adddata(data)", "", None),
        # A live store of backtrader, or of a package that adds one, is I/O.
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))\n    store = bt.stores.IBStore(port=7497)", "", None),
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))\n    cerebro.setbroker(ccxtbt.CCXTStore(exchange='binance').getbroker())", "", None),
        # Any other feed of backtrader may stream (IBData) or download (YahooFinanceData),
        # also one its user put in the package.
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))\n    cerebro.adddata(bt.feeds.IBData(dataname='EUR.USD'))", "", None),
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))\n    cerebro.adddata(bt.feeds.tvLiveDatafeed.tvLiveDatafeed(data))", "", None),
        # Writing the report is I/O.
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))", "open('report.txt', 'w').write(str(results))", None),
        # An unknown call in a loop may be I/O, as anywhere.
        ("cerebro.adddata(bt.feeds.PandasData(dataname=frame))", "for r in results:\n        upload(r)", None),
    ],
)
def test_a_backtest_is_cpu_evidence_only_beside_an_offline_feed_and_nothing_that_waits(setup: str, after: str, kind: str | None) -> None:
    summary = _summary("import ccxtbt\n" + _BACKTEST.format(setup=setup, after=after))
    assert _kind(summary, "backtest") == kind


def test_the_instance_typing_names_the_backtest_run() -> None:
    """`cerebro = bt.Cerebro(); cerebro.run()` is `backtrader.Cerebro.run`, whatever the
    module's alias, and the evidence names it."""
    source = _BACKTEST.replace("import backtrader as bt", "import backtrader as btr").replace("bt.", "btr.")
    summary = _summary(source.format(setup="cerebro.adddata(btr.feeds.PandasData(dataname=frame))", after=""))
    verdict = summary.cpu_bound("backtest")
    assert verdict is not None
    assert verdict.reason == "backtrader.Cerebro.run() (a backtest in pure Python)"


def test_a_long_computation_in_a_lambda_is_no_evidence() -> None:
    summary = _summary(
        """
        import sympy

        def later(expr):
            return lambda: sympy.simplify(expr)
        """
    )
    assert summary.cpu_bound("later") is None


@pytest.mark.parametrize(
    ("call", "kind"),
    [
        ("sympy.simplify(expr)", LIBRARY),
        ("sympy.solve(expr, x)", LIBRARY),
        ("nx.betweenness_centrality(expr)", LIBRARY),
        ("nx.community.louvain_communities(expr)", LIBRARY),
        # Not entries: PageRank runs on scipy, a generator computes only when iterated.
        ("nx.pagerank(expr)", None),
        ("nx.connected_components(expr)", None),
        ("sympy.Symbol('x')", None),
    ],
)
def test_long_entry_points_of_sympy_and_networkx(call: str, kind: str | None) -> None:
    summary = _summary(
        f"""
        import networkx as nx
        import sympy

        def work(expr, x):
            return {call}
        """
    )
    assert _kind(summary, "work") == kind


_TRIE = """
import rlp
from trie import HexaryTrie

def root(items):
    trie = HexaryTrie({{}})
    with trie.squash_changes() as batch:
        for index, item in enumerate(items):
            {body}
    return trie.root_hash
"""


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # Encoding each element: the work outweighs whatever yields the items.
        ("batch[rlp.encode(index)] = rlp.encode(item)", ELEMENTWISE),
        ("batch[rlp.encode(index)] = item", ELEMENTWISE),
        # A trie store alone is no evidence: no call that grows, no arithmetic.
        ("batch[index] = item", None),
        # An unknown call in the loop may be I/O.
        ("batch[rlp.encode(index)] = fetch(item)", None),
    ],
)
def test_rlp_encoding_on_each_element_is_elementwise_work(body: str, kind: str | None) -> None:
    summary = _summary(_TRIE.format(body=body))
    assert _kind(summary, "root") == kind


def test_one_encoding_of_one_value_is_no_evidence() -> None:
    summary = _summary(
        """
        import rlp

        def header_bytes(header):
            return rlp.encode(header)
        """
    )
    assert summary.cpu_bound("header_bytes") is None


def test_json_in_a_loop_over_an_unknown_iterable_stays_unjudged() -> None:
    """The per-element judgement is the pure-Python libraries' own: `json.loads` (C) in a
    loop over a parameter keeps the old verdict, which needs every iterable known."""
    summary = _summary(
        """
        import json

        def decode(lines):
            return [json.loads(line) for line in lines]
        """
    )
    assert summary.cpu_bound("decode") is None


def test_the_catalog_kinds() -> None:
    assert call_kind("backtrader.Cerebro.run") == (LONG, "backtrader.Cerebro.run")
    assert call_kind("rlp.encode")[0] == HEAVY
    assert call_kind("rlp.sedes.big_endian_int")[0] == PURE
    assert call_kind("trie.HexaryTrie.squash_changes")[0] == PURE
    assert call_kind("backtrader.stores.IBStore")[0] == RELEASES
    assert call_kind("backtrader.feeds.YahooFinanceData")[0] == RELEASES
    # Only a backtest's run: the rest of backtrader is left unknown (`cerebro.plot()` opens a window).
    assert call_kind("backtrader.Cerebro.plot") == (None, "")
    assert all(call_kind(name)[0] == HEAVY for name in PER_ELEMENT_WORK)
    assert all(call_kind(name) == (LONG, name) for name in LONG_COMPUTATIONS)


def test_ccl201_and_ccl202_report_a_backtest_and_ccl202_leaves_encoding_loops() -> None:
    source = """
    import asyncio
    import backtrader as bt
    import rlp

    def backtest(strategy, frame):
        cerebro = bt.Cerebro()
        cerebro.adddata(bt.feeds.PandasData(dataname=frame))
        cerebro.addstrategy(strategy)
        return cerebro.run()

    def encode_all(items):
        return [rlp.encode(item) for item in items]

    async def on_thread(strategy, frame, items):
        await asyncio.to_thread(backtest, strategy, frame)
        await asyncio.to_thread(encode_all, items)

    async def on_loop(strategy, frame, items):
        backtest(strategy, frame)
        encode_all(items)
    """
    assert _codes(source, "CCL201") == [("CCL201", 16), ("CCL201", 17)]
    assert _codes(source, "CCL202") == [("CCL202", 20)]
