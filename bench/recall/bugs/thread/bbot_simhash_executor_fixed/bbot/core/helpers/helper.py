import asyncio
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


class ConfigAwareHelper:
    def __init__(self):
        self._cpu_executor = ThreadPoolExecutor(max_workers=8)
        self._process_pool = ProcessPoolExecutor(max_workers=4)

    async def run_in_executor_cpu(self, callback, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu_executor, callback, *args)

    async def run_in_executor_mp(self, callback, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._process_pool, callback, *args)
