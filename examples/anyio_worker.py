"""An anyio worker that waits on thread primitives inside coroutines."""

import queue
import threading

import anyio

jobs: "queue.Queue[str]" = queue.Queue()
ready = threading.Event()


async def consume() -> None:
    ready.wait()
    while True:
        job = jobs.get()
        with open("done.log", "a") as log:
            log.write(job + "\n")
        await anyio.sleep(0)


async def main() -> None:
    async with anyio.create_task_group() as group:
        group.start_soon(consume)
