"""CCL403 (task-reference-dropped): where a task's reference goes, beyond the rule's examples."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.project.runner import IndexOptions, check

from project_layout import app_package

SETTINGS = dataclasses.replace(Settings(), select=("CCL403",))


def _lines(source: str, **settings: object) -> list[int]:
    chosen = dataclasses.replace(SETTINGS, **settings)
    return [d.line for d in lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", chosen)]


@pytest.mark.parametrize(
    "source",
    [
        # a module-level name: another module may import and read it
        "import asyncio\n\ntask = asyncio.get_event_loop().create_task(job())\n",
        # a global of the function: the module keeps it
        "import asyncio\n\nasync def start():\n    global task\n    task = asyncio.create_task(job())\n",
        # read before it is bound, in a loop: the next round reads it
        """
        import asyncio

        async def pump(jobs):
            task = None
            for job in jobs:
                if task is not None:
                    await task
                task = asyncio.create_task(job())
        """,
        # ensure_future of a name: it may already be a task someone holds
        "import asyncio\n\nasync def keep(future):\n    asyncio.ensure_future(future)\n",
        # ensure_future of a sync function of the module: it may return a future
        """
        import asyncio

        def make(loop):
            return loop.create_future()

        async def main(loop):
            asyncio.ensure_future(make(loop))
        """,
        # a local class's create_task is not the loop's
        """
        class Scheduler:
            def create_task(self, coro):
                return coro

        async def main(job):
            Scheduler().create_task(job())
        """,
    ],
)
def test_kept_or_unknown_is_silent(source: str) -> None:
    assert _lines(source) == []


def test_a_task_read_only_in_a_nested_function_is_kept_and_one_read_nowhere_is_not() -> None:
    source = """
    import asyncio

    async def main(job):
        kept = asyncio.create_task(job())
        dropped = asyncio.create_task(job())

        def stop():
            def now():
                kept.cancel()
            return now

        return stop
    """
    assert _lines(source) == [5]


def test_a_task_read_only_in_a_lambda_is_kept() -> None:
    source = """
    import asyncio

    async def main(job, loop):
        task = asyncio.create_task(job())
        loop.call_later(1, lambda: task.cancel())
    """
    assert _lines(source) == []


def test_ensure_future_of_a_coroutine_function_of_the_module_is_reported() -> None:
    source = """
    import asyncio

    async def job():
        await asyncio.sleep(1)

    def start():
        asyncio.ensure_future(job())
    """
    assert _lines(source) == [7]


def test_a_task_whose_coroutine_never_suspends_ends_in_the_step_the_loop_holds() -> None:
    source = """
    import asyncio

    async def notify(callbacks):
        for callback in callbacks:
            callback()

        async def later():
            await asyncio.sleep(1)

    async def drain(queue):
        async for item in queue:
            print(item)

    def start(callbacks, queue):
        asyncio.create_task(notify(callbacks))
        asyncio.ensure_future(notify(callbacks))
        asyncio.create_task(drain(queue))
    """
    # An `await` in a nested function is not the coroutine's own.
    assert _lines(source) == [17]


def test_a_method_that_never_suspends_may_be_a_hook_or_overridden() -> None:
    source = """
    import asyncio

    class View:
        def dispatch_timeout(self):
            asyncio.create_task(self.on_timeout())
            asyncio.create_task(self.refresh())
            asyncio.create_task(self.notify())

        async def on_timeout(self):
            \"\"\"Called when the view times out; subclasses override it.\"\"\"

        async def refresh(self):
            self.items = []

        async def notify(self):
            for callback in self.callbacks:
                callback(self)

    class Menu(View):
        async def refresh(self):
            await self.load()
    """
    assert _lines(source) == [5, 6]


def test_a_name_bound_twice_and_never_read_is_reported_at_each_binding() -> None:
    source = """
    import asyncio

    async def main(a, b):
        task = asyncio.create_task(a())
        task = asyncio.create_task(b())
    """
    assert _lines(source) == [4, 5]


def test_the_task_group_advice_needs_a_coroutine_and_python_3_11() -> None:
    source = "import asyncio\n\ndef start(job):\n    asyncio.get_running_loop().create_task(job())\n"
    found = lint_source(source, "app.py", dataclasses.replace(SETTINGS, target_version="3.12"))
    assert [d.line for d in found] == [4]
    assert "TaskGroup" not in found[0].suggestion
    assert "background_tasks.discard" in found[0].suggestion


def test_from_python_3_11_a_coroutine_is_told_about_task_groups() -> None:
    """The flake8 plugin has no target-version option, so the rule's examples cannot carry
    this setting: it is tested here."""
    source = "import asyncio\n\nasync def on_message(store, message):\n    asyncio.create_task(store(message))\n"
    older = lint_source(source, "app.py", SETTINGS)
    newer = lint_source(source, "app.py", dataclasses.replace(SETTINGS, target_version="3.11"))
    assert "TaskGroup" not in older[0].suggestion
    assert "`async with asyncio.TaskGroup() as tg:`" in newer[0].suggestion


def test_ensure_future_of_a_method_is_judged_by_its_def() -> None:
    source = """
    import asyncio

    class Server:
        def run(self):
            asyncio.ensure_future(self.checker())
            asyncio.ensure_future(self.pending())

        async def checker(self):
            await asyncio.sleep(1)

        def pending(self):
            return asyncio.get_event_loop().create_future()
    """
    assert _lines(source) == [5]


def test_code_after_a_return_is_not_judged() -> None:
    source = """
    import asyncio

    async def main(job):
        return None
        task = asyncio.create_task(job())
    """
    assert _lines(source) == []


def test_a_coroutine_function_of_another_module_that_never_suspends_ends_in_the_first_step(tmp_path: Path) -> None:
    # khoj: `asyncio.create_task(send_welcome_email(name, email))`, an `async def` of another
    # module that calls the mail API synchronously and never awaits.
    email = """
        import asyncio

        async def send_welcome_email(name, email):
            print(name, email)

        async def send_digest(email):
            await asyncio.sleep(0)

        class Mailer:
            async def send(self, email):
                print(email)
        """
    auth = """
        import asyncio

        from app.email import Mailer, send_digest, send_welcome_email

        async def login(name, email):
            asyncio.create_task(send_welcome_email(name, email))
            asyncio.create_task(send_digest(email))
            asyncio.create_task(Mailer.send(None, email))
            return template()

        def template():
            return open("welcome.txt").read()
        """
    package = app_package(tmp_path, {"email.py": email, "auth.py": auth})
    settings = dataclasses.replace(SETTINGS, select=("CCL403", "CCL104"))
    result = check([str(package)], settings, tmp_path, project=IndexOptions(None))
    assert not result.errors
    # The source starts with a blank line: the welcome mail's task is line 7, not reported.
    # The digest awaits, and the method may be overridden elsewhere: those tasks may be lost.
    assert [(Path(d.path).name, d.line, d.code) for d in result.diagnostics] == [
        ("auth.py", 8, "CCL403"),
        ("auth.py", 9, "CCL403"),
        ("auth.py", 10, "CCL104"),
    ]
    # The module's own helper keeps its short name: the name space was made once the
    # module's summary was complete, not while the task rule walked it.
    assert "via template -> open(\"welcome.txt\").read() (line 13)" in result.diagnostics[2].message
