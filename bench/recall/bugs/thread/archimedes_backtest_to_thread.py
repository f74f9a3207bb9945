"""aprin-labs/archimedes#1666: the debate engine ran up to ten backtests at once with
asyncio.gather over asyncio.to_thread; backtrader's cerebro.run() is pure Python and GIL-bound,
so the ten threads compete with the event loop's own thread instead of running in parallel."""
import asyncio

import backtrader as bt


def _backtest(proposal):
    cerebro = bt.Cerebro()
    cerebro.addstrategy(proposal["strategy"], **proposal["params"])
    cerebro.adddata(bt.feeds.PandasData(dataname=proposal["prices"]))
    cerebro.broker.setcash(100_000)
    results = cerebro.run()
    return results[0].analyzers.returns.get_analysis()


async def score_proposals(pool):
    return await asyncio.gather(*(asyncio.to_thread(_backtest, p) for p in pool))  # BUG: CCL201
