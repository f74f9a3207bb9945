"""CCL103: a subprocess started or waited for synchronously in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine


class BlockingSubprocessInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds child processes started or waited for synchronously inside an `async def`:
    `subprocess.run`, `call`, `check_call`, `check_output`, `getoutput`, `Popen` and its
    `wait()` / `communicate()`, `os.system`, `os.popen`, the `os.spawn*` and `os.posix_spawn*`
    functions and `os.wait*` (not with `os.WNOHANG` in their options: they return at once),
    under any import spelling (`from subprocess import run as sh`).

    ## Why is this bad?
    `subprocess.run()` and friends wait for the child to exit, and `Popen.communicate()` for
    all of its output; even `Popen()` itself forks and execs on the loop's thread. While the
    child runs, the event loop runs nothing else: a slow command freezes every task.

    ## Example
    ```python
    import subprocess

    async def git_head():
        result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, check=True)
        return result.stdout.decode().strip()
    ```

    ## Use instead
    ```python
    import asyncio

    async def git_head():
        process = await asyncio.create_subprocess_exec(
            "git", "rev-parse", "HEAD", stdout=asyncio.subprocess.PIPE
        )
        stdout, _ = await process.communicate()
        return stdout.decode().strip()
    ```
    In a trio module use `await trio.run_process([...], capture_stdout=True)`, in an anyio
    module `await anyio.run_process([...])`.

    ## Fix safety
    {offload_fix} The
    command runs unchanged on another thread; cancelling the awaiting task does not stop the
    child process. The async APIs take the command differently (`create_subprocess_exec(*args)`
    versus `run(list)`), return another result object and raise other errors, so that rewrite is
    left to you.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; entries with the category
      `"subprocess"` are reported by this rule.

    ## References
    - [asyncio: subprocesses](https://docs.python.org/3/library/asyncio-subprocess.html)
    - [trio.run_process](https://trio.readthedocs.io/en/stable/reference-io.html#trio.run_process)
    - [AnyIO: using subprocesses](https://anyio.readthedocs.io/en/stable/subprocesses.html)
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    """

    CODE = "CCL103"
    NAME = "blocking-subprocess-in-async"
    CATEGORY = Category.SUBPROCESS
    VALID = (
        # Polled until it exited: the `wait()` after the loop only reaps it, at once.
        Valid(
            """
            import asyncio
            import subprocess

            async def finish(process: subprocess.Popen):
                while process.poll() is None:
                    await asyncio.sleep(0.1)
                return process.wait()
            """
        ),
        Valid(
            """
            import asyncio

            async def git_head():
                process = await asyncio.create_subprocess_exec(
                    "git", "rev-parse", "HEAD", stdout=asyncio.subprocess.PIPE
                )
                stdout, _ = await process.communicate()
                await process.wait()
                return stdout
            """
        ),
        Valid(
            """
            import asyncio

            async def disk_usage():
                process = await asyncio.create_subprocess_shell("du -sh .", stdout=asyncio.subprocess.PIPE)
                process.kill()
                return process.returncode
            """
        ),
        Valid(
            """
            import trio

            async def build():
                result = await trio.run_process(["make", "all"], capture_stdout=True)
                return result.stdout
            """
        ),
        Valid(
            """
            import anyio

            async def build():
                result = await anyio.run_process(["make", "all"])
                async with await anyio.open_process(["tail", "-f", "log"]) as process:
                    async for chunk in process.stdout:
                        print(chunk)
                return result.returncode
            """
        ),
        Valid(
            """
            import asyncio
            import subprocess

            async def build():
                return await asyncio.to_thread(subprocess.run, ["make"], check=True)
            """
        ),
        Valid(
            """
            import subprocess
            import trio

            async def build():
                def run_make():
                    return subprocess.run(["make"], check=True)
                return await trio.to_thread.run_sync(run_make)
            """
        ),
        Valid(
            """
            import shlex
            import subprocess

            def build(command):
                return subprocess.run(shlex.split(command), check=True)

            async def describe(command):
                return shlex.quote(command), subprocess.list2cmdline(["a", "b"])
            """
        ),
        Valid(
            """
            from subprocess import run

            async def main(task):
                def run(name):
                    return name
                return run(task)
            """
        ),
        Valid(
            """
            import subprocess

            async def main(runner):
                try:
                    return await runner.run(["make"])
                except subprocess.CalledProcessError as error:
                    return error.returncode
            """
        ),
        Valid(
            """
            from subprocess import run

            class Job:
                def __init__(self, run):
                    self.run = run

                async def start(self, args):
                    return self.run(args)
            """
        ),
        # aiotools polls its child with WNOHANG between sleeps: each call returns at once.
        Valid(
            """
            import asyncio
            import os

            async def wait_child(pid, poll_interval):
                while True:
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        return status
                    await asyncio.sleep(poll_interval)
            """
        ),
    )
    INVALID = (
        # Without WNOHANG, waitpid waits for the child to exit.
        Invalid(
            """
            import asyncio
            import os

            async def reap(pid):
                return os.waitpid(pid, 0)
            """,
            line=5,
            message_contains=("`os.waitpid()` blocks the event loop",),
            fixed="""
            import asyncio
            import os

            async def reap(pid):
                return await asyncio.to_thread(os.waitpid, pid, 0)
            """,
        ),
        Invalid(
            """
            import subprocess

            async def git_head():
                return subprocess.check_output(["git", "rev-parse", "HEAD"])
            """,
            line=4,
            column=12,
            message_contains=("subprocess.check_output()", "await asyncio.create_subprocess_exec(...)"),
        ),
        Invalid(
            """
            from subprocess import run as sh

            async def build():
                sh(["make", "all"], check=True)
            """,
            line=4,
            message_contains=("subprocess.run()",),
        ),
        Invalid(
            """
            import trio

            async def build():
                import subprocess
                subprocess.call(["make"])
            """,
            line=5,
            message_contains=("await trio.run_process(...)",),
            fixed="""
            import trio

            async def build():
                import subprocess
                await trio.to_thread.run_sync(subprocess.call, ["make"])
            """,
        ),
        Invalid(
            """
            import anyio
            import os

            async def clean():
                os.system("rm -rf build")
            """,
            line=5,
            message_contains=("os.system()", "await anyio.run_process(...)"),
            fixed="""
            import anyio
            import os

            async def clean():
                await anyio.to_thread.run_sync(os.system, "rm -rf build")
            """,
        ),
        Invalid(
            """
            import subprocess

            async def tail(path):
                process = subprocess.Popen(["tail", path], stdout=subprocess.PIPE)
                output, _ = process.communicate()
                return output
            """,
            line=4,
            count=2,
            message_contains=("subprocess.Popen()",),
        ),
        Invalid(
            """
            import subprocess

            async def waits(process: subprocess.Popen):
                output, _ = process.communicate(timeout=30)
                return process.wait()
            """,
            line=4,
            count=2,
            message_contains=(
                "process.communicate()",
                "`await process.communicate()` on an `asyncio.subprocess.Process`",
            ),
        ),
        Invalid(
            """
            import subprocess

            async def versions(tools):
                return [subprocess.getoutput(f"{tool} --version") for tool in tools]
            """,
            line=4,
            message_contains=("create_subprocess_shell",),
        ),
        Invalid(
            """
            import subprocess

            async def lines(commands):
                for command in commands:
                    yield subprocess.run(command, capture_output=True).stdout
            """,
            line=5,
        ),
        Invalid(
            """
            import subprocess

            class Block:
                def validate(self, code):
                    raise NotImplementedError  # each block says how it checks

                async def invoke(self, code):
                    return self.validate(code)

            class DevelopBlock(Block):
                def validate(self, code):
                    return subprocess.run(["ruff", "check", "-"], input=code, text=True)
            """,
            line=8,
            message_contains=("via DevelopBlock.validate -> subprocess.run()",),
        ),
    )
