"""Fixed as #74 did: the loop yields to the event loop with `await asyncio.sleep(0)` while it
walks the table (a copy of its items, so a handler adding a request meanwhile does not break
the iteration)."""
import asyncio
import time

import cfg


class Loops:
    def __init__(self, client, tick=1):
        self.client = client
        self._tick = tick
        self._time = time.time()

    async def Clock(self):
        while True:
            self._time = time.time()
            await asyncio.sleep(self._tick)

    async def Request_Loop(self):
        print("Starting Request Loop")
        while True:
            tmp = {}
            for c, v in list(cfg.CURRENT_REQUESTS.items()):
                if self._time - v < 5:
                    tmp[c] = v
                await asyncio.sleep(0)
            cfg.CURRENT_REQUESTS = tmp
            await asyncio.sleep(self._tick)

    def start(self):
        self.client.loop.create_task(self.Clock())
        self.client.loop.create_task(self.Request_Loop())
