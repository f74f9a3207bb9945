"""CCL406 (loop-object-used-from-thread): how thread targets and asyncio objects are found,
beyond the rule's examples."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source

SETTINGS = dataclasses.replace(Settings(), select=("CCL406",))


def _found(source: str) -> list:
    return lint_source(textwrap.dedent(source).lstrip("\n"), "app.py", SETTINGS)


def _lines(source: str) -> list[int]:
    return [d.line for d in _found(source)]


@pytest.mark.parametrize(
    "source",
    [
        # a queue the thread function makes itself is its own
        """
        import asyncio
        import threading

        def worker():
            mine = asyncio.Queue()
            mine.put_nowait(1)

        threading.Thread(target=worker).start()
        """,
        # the function is called on the loop, not handed to a thread
        """
        import asyncio

        events = asyncio.Queue()

        def publish(item):
            events.put_nowait(item)

        async def main():
            publish(1)
        """,
        # asyncio.run gives the thread a loop of its own
        """
        import asyncio
        import threading

        results = asyncio.Queue()

        def worker(job):
            results.put_nowait(None)
            asyncio.run(job())

        threading.Thread(target=worker, args=(None,)).start()
        """,
        # a process pool is not a thread
        """
        import asyncio
        from concurrent.futures import ProcessPoolExecutor

        def refresh(job):
            asyncio.create_task(job())

        with ProcessPoolExecutor() as pool:
            pool.submit(refresh, None)
        """,
        # set() of a threading.Event is thread-safe
        """
        import asyncio
        import threading

        stop = threading.Event()

        def worker():
            stop.set()

        threading.Thread(target=worker).start()
        """,
        # an object of unknown type is not judged
        """
        import asyncio
        import threading

        def worker(queue):
            queue.put_nowait(1)

        threading.Thread(target=worker, args=(None,)).start()
        """,
    ],
)
def test_silent(source: str) -> None:
    assert _lines(source) == []


@pytest.mark.parametrize(
    ("dispatch", "api"),
    [
        ("pool.submit(functools.partial(worker, 1))", "ThreadPoolExecutor.submit"),
        ("pool.map(worker, [1, 2])", "ThreadPoolExecutor.map"),
        ("loop.run_in_executor(None, lambda: worker(1))", "run_in_executor"),
        ("threading.Timer(1.0, worker, args=(1,)).start()", "threading.Timer"),
    ],
)
def test_each_way_to_a_thread(dispatch: str, api: str) -> None:
    source = f"""
    import asyncio
    import functools
    import threading
    from concurrent.futures import ThreadPoolExecutor

    ready = asyncio.Event()

    def worker(item):
        ready.set()

    async def main():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor() as pool:
            {dispatch}
    """
    found = _found(source)
    assert [d.line for d in found] == [9]
    assert api in found[0].message and "`worker`" in found[0].message


def test_an_annotated_parameter_is_an_asyncio_object() -> None:
    source = """
    import asyncio
    import threading

    def worker(queue: asyncio.Queue, loop: asyncio.AbstractEventLoop):
        loop.call_soon_threadsafe(queue.put_nowait, 1)
        queue.put_nowait(2)
        loop.call_later(1, print)

    threading.Thread(target=worker, args=(None, None)).start()
    """
    found = _found(source)
    assert [d.line for d in found] == [6, 7]
    assert "call_soon_threadsafe(queue.put_nowait, ...)" in found[0].suggestion


def test_a_method_handed_to_a_thread_uses_the_class_attributes() -> None:
    source = """
    import asyncio
    import threading

    class Feed:
        def __init__(self):
            self.loop = asyncio.get_running_loop()
            self.updates = asyncio.Queue()
            threading.Thread(target=self.pump, daemon=True).start()

        def pump(self):
            self.loop.create_task(self.updates.get())
            self.loop.call_soon_threadsafe(self.updates.put_nowait, 1)
    """
    found = _found(source)
    assert [d.line for d in found] == [11]
    assert "loop.create_task()" in found[0].message
    assert "run_coroutine_threadsafe" in found[0].suggestion


def test_a_helper_that_runs_the_threads_own_loop_silences_it() -> None:
    source = """
    import asyncio
    import threading

    class Service(threading.Thread):
        def __init__(self):
            super().__init__()
            self.loop = asyncio.new_event_loop()

        def run(self):
            self.loop.call_soon(print, "started")
            self._serve()

        def _serve(self):
            self.loop.run_forever()
    """
    assert _lines(source) == []
    assert _lines(source.replace("self.loop.run_forever()", "pass")) == [10]


def test_helpers_the_thread_function_calls_run_on_the_thread() -> None:
    source = """
    import asyncio
    import threading

    class Feed:
        def __init__(self):
            self.updates = asyncio.Queue()
            threading.Thread(target=self.pump, daemon=True).start()

        def pump(self):
            while True:
                self._deliver(1)

        def _deliver(self, item):
            self._push(item)

        def _push(self, item):
            self.updates.put_nowait(item)
    """
    found = _found(source)
    assert [d.line for d in found] == [17]
    assert "in `Feed._push`, called from `Feed._deliver`, which runs on a worker thread" in found[0].message


def test_a_helper_that_checks_where_it_runs_is_not_judged() -> None:
    source = """
    import asyncio
    import threading

    class Feed:
        def __init__(self):
            self.loop = asyncio.get_running_loop()
            self.updates = asyncio.Queue()
            threading.Thread(target=self.pump, daemon=True).start()

        def pump(self):
            self._deliver(1)

        def _deliver(self, item):
            if threading.current_thread() is threading.main_thread():
                self.updates.put_nowait(item)
            else:
                self.loop.call_soon_threadsafe(self.updates.put_nowait, item)
    """
    assert _lines(source) == []


def test_a_thread_id_in_a_log_line_is_no_check_of_where_it_runs() -> None:
    source = """
    import asyncio
    import threading
    from concurrent.futures import ThreadPoolExecutor

    queue = asyncio.Queue()

    def worker(name):
        while not queue.empty():
            print(name, threading.get_ident(), queue.get_nowait())

    async def main():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor() as pool:
            await loop.run_in_executor(pool, worker, "a")
    """
    assert _lines(source) == [9]
    checked = source.replace("while not queue.empty():", "while threading.get_ident() != 0:")
    assert _lines(checked) == []
