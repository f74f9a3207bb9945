"""Refresh a metrics dashboard: one worker process per data source, results shared through a
manager. The worker function is defined under the `__main__` guard, where spawned children
never look."""

import multiprocessing as mp
import time

SOURCES = ["billing", "signups", "errors"]


class Refresher:
    def __init__(self) -> None:
        self.manager = mp.Manager()
        self.results = self.manager.dict()


if __name__ == "__main__":
    def refresh(source: str, results) -> None:
        time.sleep(0.1)
        results[source] = f"{source}: ok"

    refresher = Refresher()
    workers = [mp.Process(target=refresh, args=(source, refresher.results)) for source in SOURCES]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(dict(refresher.results))
