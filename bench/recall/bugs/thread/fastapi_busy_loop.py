"""fastapi/fastapi#2488: the async get_list route awaits a helper coroutine whose two
`for i in range(100000000)` loops burn the CPU on the event loop, so the plain `def` route
get_item is blocked as well."""
import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/get_item")
def get_item():
    return {"Key": "Value"}


@app.get("/get_list")
async def get_list():
    return await get_list_async()


async def get_list_async():
    for i in range(100000000):  # BUG: CCL202
        pass
    print("start")
    await asyncio.sleep(10)
    print("end")
    for i in range(100000000):  # BUG: CCL202
        pass
    return ["Item1", "Item2", "Item3"]
