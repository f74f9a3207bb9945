"""CCL110: a call the project configured as blocking (`extend-blocking-calls`) in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine

_FETCH = {"extend_blocking_calls": (("mylib.fetch", "other"),)}


class BlockingCallInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds calls, inside an `async def`, of callables that your project declared blocking
    through `extend-blocking-calls` in `[tool.conclint]`, for instance the synchronous client
    of an internal service or a vendor SDK. Names resolve like the built-in ones: through
    `import ... as`, `from ... import`, imports inside functions, and never when a local name
    shadows them. A function or method of your own project (`mypkg.db.query`) is reported in
    its own module too, where it is called by its plain name (`query()`, `self.fetch()`), and
    through the helpers that call it; that needs the module's name, which the flake8 plugin
    and `--per-file` do not know. It reports nothing until something is configured.

    ## Why is this bad?
    A call that blocks the thread blocks the event loop running on it: every other task
    waits until it returns. conclint cannot know every library that does I/O without
    `await`; listing yours makes the same check cover them.

    ## Example
    ```toml
    [tool.conclint]
    extend-blocking-calls = ["billing.client.charge"]
    ```
    ```python
    from billing.client import charge

    async def checkout(order):
        receipt = charge(order.customer, order.total)
        return receipt
    ```

    ## Use instead
    ```python
    import asyncio
    from billing.client import charge

    async def checkout(order):
        receipt = await asyncio.to_thread(charge, order.customer, order.total)
        return receipt
    ```
    In a trio module use `await trio.to_thread.run_sync(...)`, in an anyio module
    `await anyio.to_thread.run_sync(...)`; or switch to the library's async API if it has one.

    ## Fix safety
    {offload_fix} The call
    must then be safe to run off the event loop's thread, and cancelling the awaiting task does
    not stop it.

    ## Options
    - `extend-blocking-calls`: a list of qualified names (reported by this rule), or a table
      mapping each name to a category (`sleep`, `http`, `subprocess`, `file`, `network`,
      `database`, `input`, `wait`, `event-loop`, `other`); a name with any category but
      `other` is reported by that category's rule, e.g. `"http"` by CCL102.

    ## References
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    - [trio.to_thread.run_sync](https://trio.readthedocs.io/en/stable/reference-core.html#trio.to_thread.run_sync)
    - [AnyIO: working with threads](https://anyio.readthedocs.io/en/stable/threads.html)
    """

    CODE = "CCL110"
    NAME = "blocking-call-in-async"
    CATEGORY = Category.OTHER
    VALID = (
        Valid(
            """
            import mylib

            async def main(url):
                return mylib.fetch(url)
            """
        ),
        Valid(
            """
            import asyncio
            import mylib

            async def main(url):
                first = await asyncio.to_thread(mylib.fetch, url)
                loop = asyncio.get_running_loop()
                second = await loop.run_in_executor(None, mylib.fetch, url)
                return first, second
            """,
            settings=_FETCH,
        ),
        Valid(
            """
            import trio
            from mylib import fetch

            async def main(url):
                return await trio.to_thread.run_sync(lambda: fetch(url))
            """,
            settings=_FETCH,
        ),
        Valid(
            """
            import anyio
            import mylib

            async def main(url):
                def job():
                    return mylib.fetch(url)
                return await anyio.to_thread.run_sync(job)
            """,
            settings=_FETCH,
        ),
        Valid(
            """
            import mylib

            def sync_main(url):
                return mylib.fetch(url)

            async def main(url, client):
                return await mylib.fetch_async(url), client.fetch(url), othermod_fetch(url)
            """,
            settings=_FETCH,
        ),
        Valid(
            """
            from mylib import fetch

            async def main(url, mylib):
                def fetch(target):
                    return target
                return fetch(url), mylib.fetch(url)
            """,
            settings=_FETCH,
        ),
        Valid(
            """
            import mylib

            async def main(url):
                return mylib.download(url)
            """,
            settings={"extend_blocking_calls": (("mylib.download", "http"),)},
        ),
        Valid(
            """
            import mylib

            async def main(url, cached, retry):
                # What the await receives, through `or`, a conditional or `:=`: the calls
                # return something awaitable, so they are not the sync calls meant here.
                first = await (cached or mylib.fetch(url))
                second = await (mylib.fetch(url) if retry else mylib.fetch_later(url))
                return first, second, await (third := mylib.fetch(url)), third
            """,
            settings=_FETCH,
        ),
    )
    INVALID = (
        Invalid(
            """
            import mylib

            async def main(url):
                return mylib.fetch(url)
            """,
            line=4,
            column=12,
            message_contains=("`mylib.fetch()` blocks the event loop", "await asyncio.to_thread(mylib.fetch, ...)"),
            settings=_FETCH,
        ),
        Invalid(
            """
            import mylib as ml

            async def main(url):
                return ml.fetch(url)
            """,
            line=4,
            message_contains=("mylib.fetch()",),
            settings=_FETCH,
        ),
        Invalid(
            """
            import trio

            async def main(url):
                from mylib import fetch as get_page
                return get_page(url)
            """,
            line=5,
            message_contains=("await trio.to_thread.run_sync(mylib.fetch, ...)",),
            settings=_FETCH,
            fixed="""
            import trio

            async def main(url):
                from mylib import fetch as get_page
                return await trio.to_thread.run_sync(get_page, url)
            """,
        ),
        Invalid(
            """
            import anyio
            from mylib import fetch

            async def main(urls):
                return [fetch(url) for url in urls]
            """,
            line=5,
            count=1,
            message_contains=("await anyio.to_thread.run_sync(mylib.fetch, ...)",),
            settings=_FETCH,
        ),
        Invalid(
            """
            from mylib.client import pull, push

            async def sync_all(items):
                for item in items:
                    push(item)
                    yield pull(item)
            """,
            line=5,
            count=2,
            message_contains=("mylib.client.push()",),
            settings={"extend_blocking_calls": (("mylib.client.push", "other"), ("mylib.client.pull", "other"))},
        ),
        Invalid(
            """
            import mylib

            async def main(url, fast, slow):
                return await (fast() if mylib.fetch(url) else slow())  # the test is not awaited
            """,
            line=4,
            column=29,
            settings=_FETCH,
        ),
    )
