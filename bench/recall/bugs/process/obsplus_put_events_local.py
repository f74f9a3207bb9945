"""niosh-mining/obsplus#158: EventBank.put_events maps a function defined inside the method over
the events through the bank's executor; with a ProcessPoolExecutor set on the bank it fails with
"Can't pickle local object 'EventBank.put_events.<locals>.func'"."""
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


class EventBank:
    def __init__(self, base_path, executor=None):
        self.bank_path = Path(base_path)
        self.executor = executor

    def _map(self, func, args, chunksize=1):
        if self.executor is None:
            return (func(x) for x in args)
        return self.executor.map(func, args, chunksize=chunksize)

    def put_events(self, events):
        bank_path = self.bank_path

        def func(event):
            path = bank_path / f"{event.resource_id}.xml"
            event.write(str(path), format="quakeml")
            return str(path)

        return list(self._map(func, events))  # BUG: CCL303


if __name__ == "__main__":
    from obspy.clients.fdsn import Client

    cat = Client("GEONET").get_events(eventid="2020p136748")
    bank = EventBank("events")
    bank.executor = ProcessPoolExecutor()
    bank.put_events(cat)
