"""gregzaal/Auto-Voice-Channels#74 (loops from the diff of #4): the bot's housekeeping coroutines
walk its request tables on every tick; after benchmarking them the author found that "the for
loops has enough of a impact to start blocking the loop" (the bot serves many guilds), and #74
made them hand the loop back while they run. The loop is the one shown in the review of #4."""
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
            for c, v in cfg.CURRENT_REQUESTS.items():  # BUG: CCL202
                if self._time - v < 5:
                    tmp[c] = v
            cfg.CURRENT_REQUESTS = tmp
            await asyncio.sleep(self._tick)

    def start(self):
        self.client.loop.create_task(self.Clock())
        self.client.loop.create_task(self.Request_Loop())
