"""Fixed as the investigation concluded: run_local is moved out of the method (module level),
and only picklable values go to the pool."""
import asyncio
from concurrent.futures import ProcessPoolExecutor

pool = ProcessPoolExecutor(max_workers=2)


def run_local(f, f_kwargs):
    return f(**f_kwargs)


class DistributedAPI:
    def __init__(self, f, f_kwargs, logger):
        self.f = f
        self.f_kwargs = f_kwargs
        self.logger = logger

    async def execute_local_request(self):
        loop = asyncio.get_running_loop()
        self.logger.debug("Starting to execute request locally")
        data = await loop.run_in_executor(pool, run_local, self.f, self.f_kwargs)
        self.logger.debug("Finished executing request locally")
        return data
