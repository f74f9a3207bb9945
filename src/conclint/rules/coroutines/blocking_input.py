"""CCL107: waiting for console input in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine


class BlockingInputInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds reads from the console inside an `async def`: `input()`, `sys.stdin.read()`,
    `sys.stdin.readline()`, `sys.stdin.readlines()` and `getpass.getpass()`.

    ## Why is this bad?
    These calls wait for a human to type and press Enter, for as long as that takes. The
    event loop is stopped the whole time: timers do not fire, connections are not served and
    background tasks make no progress, which is rarely what an interactive async program wants.

    ## Example
    ```python
    async def repl(client):
        while True:
            command = input("> ")
            print(await client.send(command))
    ```

    ## Use instead
    ```python
    import asyncio

    async def repl(client):
        while True:
            command = await asyncio.to_thread(input, "> ")
            print(await client.send(command))
    ```
    In a trio module use `await trio.to_thread.run_sync(input, "> ")`, in an anyio module
    `await anyio.to_thread.run_sync(input, "> ")`; anyio can also wrap the stream:
    `await anyio.wrap_file(sys.stdin).readline()`.

    ## Fix safety
    {offload_fix} The
    prompt and the returned line stay the same; the worker thread keeps waiting for input even
    when the awaiting task is cancelled.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; entries with the category
      `"input"` are reported by this rule.

    ## References
    - [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [trio.to_thread.run_sync](https://trio.readthedocs.io/en/stable/reference-core.html#trio.to_thread.run_sync)
    - [AnyIO: working with threads](https://anyio.readthedocs.io/en/stable/threads.html)
    - [AnyIO: asynchronous file I/O support (wrap_file)](https://anyio.readthedocs.io/en/stable/fileio.html)
    """

    CODE = "CCL107"
    NAME = "blocking-input-in-async"
    CATEGORY = Category.INPUT
    VALID = (
        Valid(
            """
            import asyncio

            async def ask(prompt):
                answer = await asyncio.to_thread(input, prompt)
                loop = asyncio.get_running_loop()
                again = await loop.run_in_executor(None, input, prompt)
                return answer, again
            """
        ),
        Valid(
            """
            import trio

            async def ask(prompt):
                return await trio.to_thread.run_sync(input, prompt)
            """
        ),
        Valid(
            """
            import anyio
            import sys

            async def ask():
                stdin = anyio.wrap_file(sys.stdin)
                first = await stdin.readline()
                second = await anyio.to_thread.run_sync(sys.stdin.readline)
                return first, second
            """
        ),
        Valid(
            """
            import asyncio

            async def lines(reader: asyncio.StreamReader):
                while line := await reader.readline():
                    yield line
            """
        ),
        Valid(
            """
            import getpass

            def credentials():
                return input("user: "), getpass.getpass()
            """
        ),
        Valid(
            """
            async def form(input, fields):
                def ask(name):
                    return input(name)
                return [input.get(field) for field in fields], ask
            """
        ),
        Valid(
            """
            import sys

            async def report(text):
                print(text)
                sys.stdout.write(text)
                sys.stdout.flush()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            async def repl(client):
                while True:
                    command = input("> ")
                    print(await client.send(command))
            """,
            line=3,
            column=19,
            message_contains=("input()", "await asyncio.to_thread(input, ...)"),
        ),
        Invalid(
            """
            import sys
            import trio

            async def read_all():
                return sys.stdin.read()
            """,
            line=5,
            message_contains=("sys.stdin.read()", "await trio.to_thread.run_sync(sys.stdin.read)`"),
            fixed="""
            import sys
            import trio

            async def read_all():
                return await trio.to_thread.run_sync(sys.stdin.read)
            """,
        ),
        Invalid(
            """
            import anyio

            async def login():
                from getpass import getpass as secret
                return secret("password: ")
            """,
            line=5,
            message_contains=("getpass.getpass()", "await anyio.to_thread.run_sync(getpass.getpass, ...)"),
            fixed="""
            import anyio

            async def login():
                from getpass import getpass as secret
                return await anyio.to_thread.run_sync(secret, "password: ")
            """,
        ),
        Invalid(
            """
            import sys

            async def commands():
                while True:
                    yield sys.stdin.readline().strip()
            """,
            line=5,
        ),
        Invalid(
            """
            async def survey(questions):
                return {question: input(question) for question in questions}
            """,
            line=2,
        ),
    )
