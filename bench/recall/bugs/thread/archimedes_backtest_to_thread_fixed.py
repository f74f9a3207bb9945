"""Fixed: the GIL-bound backtests run in a bounded process pool."""
import asyncio
from concurrent.futures import ProcessPoolExecutor

import backtrader as bt

BACKTEST_POOL = ProcessPoolExecutor(max_workers=2)


def _backtest(proposal):
    cerebro = bt.Cerebro()
    cerebro.addstrategy(proposal["strategy"], **proposal["params"])
    cerebro.adddata(bt.feeds.PandasData(dataname=proposal["prices"]))
    cerebro.broker.setcash(100_000)
    results = cerebro.run()
    return results[0].analyzers.returns.get_analysis()


async def score_proposals(pool):
    loop = asyncio.get_running_loop()
    return await asyncio.gather(*(loop.run_in_executor(BACKTEST_POOL, _backtest, p) for p in pool))
