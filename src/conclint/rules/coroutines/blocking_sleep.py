"""CCL101: time.sleep in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine

_LOCAL_SERVER = """
            import time

            import httpx

            class LocalServer:
                _instances = {{}}

                def __new__(cls, port=None):
                    if port not in cls._instances:
                        cls._instances[port] = super().__new__(cls)
                    {new}

                def __init__(self, port=None):
                    self.port = port
                    self.running = getattr(self, "running", False)

                def start(self):
                    if not self.running:
                        self.running = True
                        while httpx.get(f"http://127.0.0.1:{{self.port}}/health").status_code != 200:
                            time.sleep(0.1)

            def get_client():
                server = LocalServer()
                server.start()
                return server
"""

_CRASH_HOOK = """
            import os
            import time

            def check_for_debug_crash(flags, key, pid=0):
                if not flags:
                    return
                signal_number = flags.get(key)
                if not signal_number:
                    return
                os.kill({target}, signal_number)
                time.sleep(10)
                raise RuntimeError("the process did not end after the crash signal")

            async def tick(flags):
                check_for_debug_crash(flags, "EVALUATIONS_FINISHED")
"""

_LIMITER = """
            import threading
            import time

            class Limiter:
                def __init__(self):
                    self._lock = threading.Lock()
                    self.free = 1

                def _try_acquire(self, force_async=False):
                    with self._lock:
                        if self.free:
                            self.free -= 1
                            return True
                        if force_async:
                            return self._wait_async()  # a coroutine the caller awaits
                    time.sleep(0.1)
                    return self._try_acquire()

                async def _wait_async(self):
                    return True

                async def acquire_async(self):
                    return await self._try_acquire({force})
"""

_BROWSER_CONFIG = """
            import time

            AUTO = None

            class Config:
                def __init__(self, browser_path=AUTO):
                    if not browser_path:
                        browser_path = "chrome"
                    elif browser_path == "_chromium_":
                        time.sleep(5)  # waits for the download to finish
                    self.browser_path = browser_path

            async def create_from_driver(driver):
                return Config({path}), driver
"""

class BlockingSleepInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds `time.sleep()` called inside an `async def`, however it was imported
    (`import time`, `from time import sleep`, `from time import sleep as pause`). A coroutine
    that only ever runs on an event loop of its own in another thread (`asyncio.run(...)` or
    `loop.run_until_complete(...)` inside a `Thread`'s `run` or target, or a textual
    `run_worker(coro, thread=True)`, and mentioned nowhere else in the module) is not checked:
    sleeping there pauses that thread only.

    ## Why is this bad?
    `time.sleep()` stops the whole thread, and the event loop runs on that thread: while one
    coroutine sleeps, no other task runs, no timeout fires and no socket is served.

    ## Example
    ```python
    import time

    async def poll(client):
        while not await client.ready():
            time.sleep(0.5)
    ```

    ## Use instead
    ```python
    import asyncio

    async def poll(client):
        while not await client.ready():
            await asyncio.sleep(0.5)
    ```
    In a trio module use `await trio.sleep(...)`, in an anyio module `await anyio.sleep(...)`.

    ## Fix safety
    Safe fix: `time.sleep(x)` written as a statement becomes `await asyncio.sleep(x)`
    (`trio.sleep`, `anyio.sleep`), which keeps the delay and lets other tasks run meanwhile.
    Where the call's value is used, only the unsafe fix applies.

    {offload_fix}

    ## Options
    - `extend-blocking-calls`: add your own blocking callables.

    ## References
    - [asyncio: developing with asyncio, blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [trio.sleep](https://trio.readthedocs.io/en/stable/reference-core.html#trio.sleep)
    """

    CODE = "CCL101"
    NAME = "blocking-sleep-in-async"
    CATEGORY = Category.SLEEP
    VALID = (
        # seleniumbase's CDP config, made with its default, `AUTO`, which the module binds to
        # None: the download branch never runs.
        Valid(_BROWSER_CONFIG.format(path="")),
        # pyrate-limiter's limiter: the async caller leaves inside the `with` block, before
        # the sync wait that follows it.
        Valid(_LIMITER.format(force="force_async=True")),
        # dagster's crash-injection hook: it sleeps only after signalling its own process,
        # which the signal ends.
        Valid(_CRASH_HOOK.format(target="os.getpid()")),
        # prefect's ephemeral API server: `__new__` returns the one instance kept on the
        # class, so the health-check wait runs at the first `get_client()` of the process.
        Valid(
            _LOCAL_SERVER.format(new="return cls._instances[port]")
            + """
            async def handler():
                return get_client()
            """
        ),
        # A textual thread worker given the coroutine function: it runs on a loop of its own
        # in the worker's thread.
        Valid(
            """
            import time

            from textual.widget import Widget

            class Poller(Widget):
                async def poll_device(self):
                    time.sleep(0.5)

                def on_mount(self):
                    self.run_worker(self.poll_device, thread=True)
            """
        ),
        Valid(
            """
            import asyncio
            import functools
            import time

            def in_thread(fn):
                @functools.wraps(fn)
                async def wrapper(*args, **kwargs):
                    return await asyncio.to_thread(fn, *args, **kwargs)
                return wrapper

            @in_thread
            def settle():
                time.sleep(1)

            async def step():
                await settle()  # the decorator runs it on a thread
            """
        ),
        Valid(
            """
            import time

            def pause(delay=0):
                if delay:
                    time.sleep(delay)

            async def step():
                pause()  # delay is 0: never sleeps
            """
        ),
        Valid(
            """
            import asyncio

            async def poll():
                await asyncio.sleep(1)
            """
        ),
        Valid(
            """
            import time

            def sync_poll():
                time.sleep(1)
            """
        ),
        Valid(
            """
            import time

            async def main():
                def later():
                    time.sleep(1)
                return later
            """
        ),
        Valid(
            """
            import asyncio, time

            async def main():
                await asyncio.to_thread(time.sleep, 1)
            """
        ),
        Valid(
            """
            import trio

            async def main():
                await trio.sleep(1)
                await trio.to_thread.run_sync(lambda: __import__("time").sleep(1))
            """
        ),
        Valid(
            """
            import anyio, time

            async def main():
                await anyio.to_thread.run_sync(time.sleep, 1)
            """
        ),
        Valid(
            """
            import time

            async def main():
                def sleep(seconds):
                    return seconds
                sleep(1)
            """
        ),
        Valid(
            """
            from time import sleep

            async def main(sleep):
                sleep(1)
            """
        ),
        Valid(
            """
            import time

            class Clock:
                def sleep(self, seconds):
                    pass

            async def main(clock: Clock):
                clock.sleep(1)
            """
        ),
        Valid(
            """
            import asyncio
            import time

            def settle():
                time.sleep(1)

            async def retry(operation):
                return await operation()

            def later(callbacks, callback):
                callbacks.append(callback)

            async def step(callbacks):
                later(callbacks, settle)  # kept, not called here
                await retry(lambda: asyncio.to_thread(settle))  # awaited: run on a thread
            """
        ),
        Valid(
            """
            import time

            from pebble import asynchronous

            @asynchronous.process
            def settle():
                time.sleep(1)  # in a child process

            async def step():
                await settle()
            """
        ),
        Valid(
            """
            import time

            def settle():
                return
                time.sleep(1)  # never runs

            async def step(items):
                for item in items:
                    if item is None:
                        continue
                        time.sleep(1)  # never runs
                settle()
                raise NotImplementedError
                time.sleep(1)  # an old body left below the stub: never runs
            """
        ),
    )
    INVALID = (
        # The same config asked for Chromium: the wait runs on the loop.
        Invalid(_BROWSER_CONFIG.format(path='"_chromium_"'), line=14, message_contains=("via Config.__init__ -> time.sleep()",)),
        # The same limiter called as the sync caller calls it: the wait runs on the loop.
        Invalid(_LIMITER.format(force=""), line=23, message_contains=("via Limiter._try_acquire -> time.sleep()",)),
        # The same hook signalling another process: the sleep waits on the loop.
        Invalid(_CRASH_HOOK.format(target="pid"), line=15, message_contains=("via check_for_debug_crash -> time.sleep()",)),
        # The same server when each construction makes a new one: every call waits.
        Invalid(
            _LOCAL_SERVER.format(new="return super().__new__(cls)")
            + """
            async def handler():
                return get_client()
            """,
            line=29,
            message_contains=("`get_client()` blocks the event loop", "via get_client -> LocalServer.start -> time.sleep() (line 21)"),
        ),
        Invalid(
            """
            import functools
            import time

            def logged(fn):
                @functools.wraps(fn)
                def wrapper(*args, **kwargs):
                    print("calling", fn.__name__)
                    return fn(*args, **kwargs)
                return wrapper

            @logged
            def settle():
                time.sleep(1)

            async def step():
                settle()
            """,
            line=16,
            message_contains=("`settle()` blocks the event loop (run it in a worker thread) via settle -> time.sleep() (line 13)",),
        ),
        Invalid(
            """
            import time

            def pause(delay=0):
                if delay:
                    time.sleep(delay)

            async def step():
                pause(0.5)
            """,
            line=8,
            message_contains=("`pause()` blocks the event loop (run it in a worker thread) via pause -> time.sleep() (line 5)",),
        ),
        Invalid(
            """
            import time

            async def poll():
                time.sleep(1)
            """,
            line=4,
            column=5,
            message_contains=("time.sleep()", "await asyncio.sleep(...)"),
        ),
        Invalid(
            """
            from time import sleep as pause
            import trio

            async def poll():
                pause(1)
            """,
            line=5,
            message_contains=("await trio.sleep(...)",),
            fixed="""
            import trio

            async def poll():
                await trio.sleep(1)
            """,
        ),
        Invalid(
            """
            import anyio

            async def poll():
                import time
                time.sleep(1)
            """,
            line=5,
            message_contains=("await anyio.sleep(...)",),
            fixed="""
            import anyio

            async def poll():
                await anyio.sleep(1)
            """,
        ),
        Invalid(
            """
            import time

            async def poll():
                return [time.sleep(i) for i in range(3)]
            """,
            line=4,
        ),
        Invalid(
            """
            import time

            async def outer():
                def helper():
                    pass
                time.sleep(1)
            """,
            line=6,
        ),
        Invalid(
            """
            import time

            async def ticks():
                for i in range(3):
                    time.sleep(1)
                    yield i
            """,
            line=5,
        ),
        Invalid(
            """
            import asyncio
            import time

            async def poll(client):
                while not await client.ready():
                    time.sleep(
                        0.5,  # half a second
                    )
            """,
            line=6,
            fixed="""
            import asyncio

            async def poll(client):
                while not await client.ready():
                    await asyncio.sleep(
                        0.5,  # half a second
                    )
            """,
        ),
        Invalid(
            """
            import aiohttp
            import time

            async def throttled(session: aiohttp.ClientSession, url):
                delay = time.sleep(0.1) or 0
                return delay
            """,
            line=5,
            fixed="""
            import asyncio
            import aiohttp
            import time

            async def throttled(session: aiohttp.ClientSession, url):
                delay = await asyncio.to_thread(time.sleep, 0.1) or 0
                return delay
            """,
        ),
        Invalid(
            """
            import asyncio
            import time

            def settle():
                time.sleep(1)

            async def retry(operation):
                while True:
                    try:
                        return operation()
                    except OSError:
                        await asyncio.sleep(1)

            async def step():
                await retry(settle)
            """,
            line=15,
            message_contains=("`retry()` blocks the event loop (give `retry` a function that does not block) via retry -> settle -> time.sleep() (line 5)",),
        ),
    )
