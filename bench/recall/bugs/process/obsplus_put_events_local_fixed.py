"""Fixed: the writer is a module-level function and gets the bank path as an argument."""
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path


def _write_event(bank_path, event):
    path = bank_path / f"{event.resource_id}.xml"
    event.write(str(path), format="quakeml")
    return str(path)


class EventBank:
    def __init__(self, base_path, executor=None):
        self.bank_path = Path(base_path)
        self.executor = executor

    def _map(self, func, args, chunksize=1):
        if self.executor is None:
            return (func(x) for x in args)
        return self.executor.map(func, args, chunksize=chunksize)

    def put_events(self, events):
        return list(self._map(partial(_write_event, self.bank_path), events))


if __name__ == "__main__":
    from obspy.clients.fdsn import Client

    cat = Client("GEONET").get_events(eventid="2020p136748")
    bank = EventBank("events")
    bank.executor = ProcessPoolExecutor()
    bank.put_events(cat)
