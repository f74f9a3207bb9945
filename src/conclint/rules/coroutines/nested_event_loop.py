"""CCL109: starting an event loop from inside a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine


_STOP = """
            import asyncio

            class Browser:
                connection = None

                def flush(self):
                    pass

                async def aclose(self):
                    pass

                def stop(self):
                    try:
                        {probe}
                    except RuntimeError:
                        if self.connection:
                            asyncio.run(self.aclose())

            async def cleanup(browser: Browser):
                browser.stop()
"""


class NestedEventLoopInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds calls that start and run an event loop to completion, made inside an `async def`:
    `asyncio.run()`, `trio.run()`, `anyio.run()`, and `run_until_complete()` /
    `run_forever()` on a loop object (`asyncio.get_event_loop()`, `asyncio.new_event_loop()`).

    ## Why is this bad?
    A coroutine already runs inside an event loop. Starting another one from it either fails
    or freezes the outer loop: `asyncio.run()` raises "cannot be called from a running event
    loop", `loop.run_until_complete()` raises "This event loop is already running" (or, on a
    new loop, "Cannot run the event loop while another loop is running"), and `trio.run()`
    inside trio raises as well. Where it does not fail (a trio loop started inside asyncio,
    or the reverse), the outer loop is blocked until the inner one finishes. The usual cause
    is a sync helper that wrapped a coroutine with `asyncio.run()` being called from async code.

    ## Example
    ```python
    import asyncio

    async def fetch_all(urls):
        return [asyncio.run(fetch(url)) for url in urls]
    ```

    ## Use instead
    ```python
    import asyncio

    async def fetch_all(urls):
        return await asyncio.gather(*(fetch(url) for url in urls))
    ```
    Await the coroutine (`await fetch(url)`) or schedule it (`asyncio.create_task`, a trio
    or anyio task group). Code that really must run a separate loop belongs in a worker
    thread: `await asyncio.to_thread(asyncio.run, main())`.

    ## Fix safety
    {offload_fix} The inner
    loop then runs on a worker thread with a loop of its own, which works for a self-contained
    coroutine; one that uses objects of the outer loop fails. Awaiting the coroutine instead,
    and removing the inner loop's set-up and teardown, is left to you.

    ## Options
    - `extend-blocking-calls`: add your own loop-starting callables with the category
      `"event-loop"`.

    ## References
    - [asyncio.run](https://docs.python.org/3/library/asyncio-runner.html#asyncio.run)
    - [asyncio: loop.run_until_complete](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.run_until_complete)
    - [asyncio: coroutines and tasks, awaiting](https://docs.python.org/3/library/asyncio-task.html#awaitables)
    - [trio.run](https://trio.readthedocs.io/en/stable/reference-core.html#trio.run)
    - [AnyIO: the basics (anyio.run)](https://anyio.readthedocs.io/en/stable/basics.html)
    """

    CODE = "CCL109"
    NAME = "nested-event-loop-in-async"
    CATEGORY = Category.EVENT_LOOP
    MESSAGE = "{call} starts a second event loop inside a coroutine; use {replacement} instead"
    VALID = (
        # nodriver's `Browser.stop()`: its `asyncio.run` is the fallback of a `try` that
        # schedules the close on the running loop, taken only where no loop runs.
        Valid(_STOP.format(probe="asyncio.get_event_loop().create_task(self.aclose())")),
        Valid(
            """
            import asyncio

            class Client:
                def execute(self, query):
                    loop = asyncio.new_event_loop()
                    return loop.run_until_complete(self.execute_async(query))

                async def execute_async(self, query):
                    return query

                async def __aenter__(self):
                    return AsyncSession(self)

                async def __aexit__(self, *exc):
                    return None

            class AsyncSession:
                def __init__(self, client):
                    self.client = client

                async def execute(self, query):
                    return await self.client.execute_async(query)

            async def main():
                async with Client() as session:  # __aenter__ returns another object
                    return await session.execute("{ x }")
            """
        ),
        Valid(
            """
            import asyncio

            async def main():
                await asyncio.sleep(0)

            if __name__ == "__main__":
                asyncio.run(main())
            """
        ),
        Valid(
            """
            import asyncio

            async def fetch(url):
                return url

            async def fetch_all(urls):
                task = asyncio.create_task(fetch(urls[0]))
                rest = await asyncio.gather(*(fetch(url) for url in urls[1:]))
                return [await task, *rest]
            """
        ),
        Valid(
            """
            import asyncio

            def fetch_sync(url):
                loop = asyncio.new_event_loop()
                try:
                    return loop.run_until_complete(fetch(url))
                finally:
                    loop.close()

            async def fetch(url):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, len, url)
            """
        ),
        Valid(
            """
            import asyncio

            async def legacy_bridge(job):
                def in_thread():
                    return asyncio.run(job())
                return await asyncio.to_thread(in_thread)
            """
        ),
        Valid(
            """
            import trio

            async def child():
                await trio.sleep(0)

            async def main():
                async with trio.open_nursery() as nursery:
                    nursery.start_soon(child)

            trio.run(main)
            """
        ),
        Valid(
            """
            import anyio

            async def main():
                async with anyio.create_task_group() as tg:
                    tg.start_soon(anyio.sleep, 1)
                return await anyio.to_thread.run_sync(lambda: anyio.from_thread.run(anyio.sleep, 0))

            def cli():
                anyio.run(main)
            """
        ),
        Valid(
            """
            class Runner:
                def run(self, job):
                    return job

            async def main(runner: Runner, app):
                runner.run("job")
                app.run()
            """
        ),
    )
    INVALID = (
        # The same fallback after a call that may raise RuntimeError for another reason.
        Invalid(
            _STOP.format(probe="self.flush()"),
            line=20,
            message_contains=("via Browser.stop -> asyncio.run() (line 17)",),
            fixed=_STOP.format(probe="self.flush()").replace("    browser.stop()", "    await asyncio.to_thread(browser.stop)"),
        ),
        Invalid(
            """
            import asyncio

            class Client:
                def execute(self, query):
                    loop = asyncio.new_event_loop()
                    return loop.run_until_complete(self.execute_async(query))

                async def execute_async(self, query):
                    return query

                async def __aenter__(self):
                    return AsyncSession(self)

                async def __aexit__(self, *exc):
                    return None

            class AsyncSession:
                def __init__(self, client):
                    self.client = client

                async def execute(self, query):
                    return await self.client.execute_async(query)

            async def main():
                client = Client()
                return client.execute("{ x }")
            """,
            line=26,
            message_contains=("`client.execute()` blocks the event loop (run it in a worker thread) via Client.execute -> loop.run_until_complete()",),
            fixed="""
            import asyncio

            class Client:
                def execute(self, query):
                    loop = asyncio.new_event_loop()
                    return loop.run_until_complete(self.execute_async(query))

                async def execute_async(self, query):
                    return query

                async def __aenter__(self):
                    return AsyncSession(self)

                async def __aexit__(self, *exc):
                    return None

            class AsyncSession:
                def __init__(self, client):
                    self.client = client

                async def execute(self, query):
                    return await self.client.execute_async(query)

            async def main():
                client = Client()
                return await asyncio.to_thread(client.execute, "{ x }")
            """,
        ),
        Invalid(
            """
            import asyncio

            async def fetch_all(urls):
                return [asyncio.run(fetch(url)) for url in urls]
            """,
            line=4,
            column=13,
            message_contains=("`asyncio.run()` starts a second event loop", "`await` on the coroutine itself"),
        ),
        Invalid(
            """
            import asyncio

            async def handler(job):
                loop = asyncio.get_event_loop()
                return loop.run_until_complete(job())
            """,
            line=5,
            message_contains=("loop.run_until_complete()",),
        ),
        Invalid(
            """
            async def handler(job):
                from asyncio import run as run_sync
                return run_sync(job())
            """,
            line=3,
            message_contains=("asyncio.run()",),
        ),
        Invalid(
            """
            import trio

            async def child():
                pass

            async def parent():
                trio.run(child)
            """,
            line=7,
            message_contains=("trio.run()", "trio.to_thread.run_sync(trio.run, ...)"),
            fixed="""
            import trio

            async def child():
                pass

            async def parent():
                await trio.to_thread.run_sync(trio.run, child)
            """,
        ),
        Invalid(
            """
            import anyio

            async def parent(child):
                anyio.run(child)
            """,
            line=4,
            message_contains=("anyio.run()",),
            fixed="""
            import anyio

            async def parent(child):
                await anyio.to_thread.run_sync(anyio.run, child)
            """,
        ),
        Invalid(
            """
            import asyncio

            class Bridge:
                def __init__(self):
                    self.loop = asyncio.new_event_loop()

                async def results(self, jobs):
                    for job in jobs:
                        yield self.loop.run_until_complete(job)
            """,
            line=9,
            message_contains=("self.loop.run_until_complete()",),
        ),
    )
