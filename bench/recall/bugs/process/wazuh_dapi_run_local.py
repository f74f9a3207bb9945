"""wazuh/wazuh#9060: moving the distributed API from a ThreadPoolExecutor to a
ProcessPoolExecutor, execute_local_request handed the executor a function defined inside the
method: "Can't pickle local object 'DistributedAPI.execute_local_request.<locals>.run_local'"."""
import asyncio
from concurrent.futures import ProcessPoolExecutor

pool = ProcessPoolExecutor(max_workers=2)


class DistributedAPI:
    def __init__(self, f, f_kwargs, logger):
        self.f = f
        self.f_kwargs = f_kwargs
        self.logger = logger

    async def execute_local_request(self):
        def run_local():
            self.logger.debug("Starting to execute request locally")
            data = self.f(**self.f_kwargs)
            self.logger.debug("Finished executing request locally")
            return data

        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(pool, run_local)  # BUG: CCL303
        return data
