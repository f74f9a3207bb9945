"""Fixed: the time-consuming operation runs in a process pool."""
import asyncio
from concurrent.futures import ProcessPoolExecutor

from fastapi import FastAPI

app = FastAPI()
pool = ProcessPoolExecutor(max_workers=2)


def time_consuming_operation():
    for i in range(100000000):
        pass


@app.get("/get_item")
def get_item():
    return {"Key": "Value"}


@app.get("/get_list")
async def get_list():
    return await get_list_async()


async def get_list_async():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(pool, time_consuming_operation)
    await asyncio.sleep(10)
    await loop.run_in_executor(pool, time_consuming_operation)
    return ["Item1", "Item2", "Item3"]
