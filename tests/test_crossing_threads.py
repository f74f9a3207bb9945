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


_SHARED_POOL = """
import asyncio
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Optional

done = asyncio.Event()

class Decoder:
    {declaration}

    def __init__(self):
        self._loop = asyncio.get_event_loop()
        if self.__class__._pool is None:
            self.__class__._pool = {made}

    def push(self):
        self._loop.run_in_executor({executor}, self._decode)

    def _decode(self):
        done.set()
"""


@pytest.mark.parametrize(
    ("declaration", "made", "executor", "lines"),
    [
        # the class attribute's annotation says what the instances share
        ("_pool: Optional[ThreadPoolExecutor] = None", "ThreadPoolExecutor(4)", "self.__class__._pool", [19]),
        ('_pool: "ThreadPoolExecutor | None" = None', "ThreadPoolExecutor(4)", "type(self)._pool", [19]),
        # without one, what the methods assign through the class says it
        ("_pool = None", "ThreadPoolExecutor(4)", "Decoder._pool", [19]),
        ("_pool = None", "ThreadPoolExecutor(4)", "self._pool", [19]),
        # a process pool is no thread, and two kinds of pool are neither
        ("_pool = None", "ProcessPoolExecutor(4)", "self.__class__._pool", []),
        ("_pool: Optional[ProcessPoolExecutor] = None", "ProcessPoolExecutor(4)", "self.__class__._pool", []),
        ("_pool = ThreadPoolExecutor(2)", "ProcessPoolExecutor(4)", "self.__class__._pool", []),
        # an attribute the instance sets itself is not the class's
        ("_pool: Optional[ThreadPoolExecutor] = None\n    def reset(self):\n        self._pool = ProcessPoolExecutor()", "ThreadPoolExecutor(4)", "self._pool", []),
    ],
)
def test_an_executor_the_class_holds(declaration: str, made: str, executor: str, lines: list[int]) -> None:
    source = _SHARED_POOL.format(declaration=declaration, made=made, executor=executor)
    expected = [line + declaration.count("\n") for line in lines]
    assert _lines(source) == expected


def test_an_executor_a_classmethod_makes() -> None:
    source = """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    done = asyncio.Event()

    class Decoder:
        _pool = None

        @classmethod
        def pool(cls):
            if cls._pool is None:
                cls._pool = ThreadPoolExecutor()
            return cls._pool

        async def push(self):
            await asyncio.get_running_loop().run_in_executor(self.__class__._pool, self._decode)

        def _decode(self):
            done.set()
    """
    assert _lines(source) == [19]


def test_a_subscripted_generic_class_makes_an_instance() -> None:
    source = """
    import asyncio
    import threading
    from typing import Generic, TypeVar

    T = TypeVar("T")

    class Chan(Generic[T]):
        def __init__(self):
            self._closed = asyncio.Event()

        def close(self):
            self._closed.set()

    class Decoder:
        def __init__(self):
            self._out = Chan[bytes]()
            threading.Thread(target=self._decode).start()

        def _decode(self):
            self._out.close()
    """
    found = _found(source)
    assert [d.line for d in found] == [12]
    assert "in `Chan.close`, called from `Decoder._decode`" in found[0].message


@pytest.mark.parametrize(
    ("annotation", "receiver"),
    [
        ("asyncio.AbstractEventLoop", "loop"),
        ("Optional[asyncio.AbstractEventLoop]", "loop"),
        ('"asyncio.BaseEventLoop | None"', "loop"),
        ("asyncio.AbstractEventLoop", "server_loop()"),
    ],
)
def test_a_loop_a_function_of_the_module_returns(annotation: str, receiver: str) -> None:
    source = f"""
    import asyncio
    import threading
    from typing import Optional

    _server = {{}}

    def server_loop() -> {annotation}:
        return _server["loop"]

    def answer(job):
        loop = server_loop()
        asyncio.set_event_loop(loop)
        {receiver}.create_task(job())

    threading.Thread(target=answer, args=(None,)).start()
    """
    found = _found(source)
    assert [d.line for d in found] == [13]
    assert "`loop.create_task()` in `answer`" in found[0].message


@pytest.mark.parametrize(
    "change",
    [
        # the getter makes the loop: it may be the thread's own
        ('return _server["loop"]', "return asyncio.new_event_loop()"),
        # the thread runs the loop it set, whatever it knows of it
        ("{receiver}.create_task(job())", "loop.create_task(job())\n        loop.run_forever()"),
        # no annotation, or another type: not known to be a loop
        ("-> asyncio.AbstractEventLoop", ""),
        ("-> asyncio.AbstractEventLoop", "-> asyncio.Queue"),
        # the thread-safe way in
        ("{receiver}.create_task(job())", "asyncio.run_coroutine_threadsafe(job(), loop)"),
    ],
)
def test_a_returned_loop_silent(change: tuple[str, str]) -> None:
    source = """
    import asyncio
    import threading

    _server = {}

    def server_loop() -> asyncio.AbstractEventLoop:
        return _server["loop"]

    def answer(job):
        loop = server_loop()
        asyncio.set_event_loop(loop)
        {receiver}.create_task(job())

    threading.Thread(target=answer, args=(None,)).start()
    """
    changed = source.replace(*change)
    assert changed != source
    assert _lines(changed.replace("{receiver}", "loop")) == []


def test_a_queue_a_function_returns_is_known_where_it_is_bound_outside() -> None:
    source = """
    import asyncio
    import threading

    def make_inbox() -> asyncio.Queue:
        return asyncio.Queue()

    inbox = make_inbox()

    def worker(item):
        inbox.put_nowait(item)
        mine = make_inbox()
        mine.put_nowait(item)

    threading.Thread(target=worker, args=(1,)).start()
    """
    assert _lines(source) == [10]


def test_setting_a_loop_on_the_thread_is_not_running_it() -> None:
    source = """
    import asyncio
    import threading

    ready = asyncio.Event()

    def worker(loop):
        asyncio.set_event_loop(loop)
        ready.set()

    threading.Thread(target=worker, args=(None,)).start()
    """
    assert _lines(source) == [8]
    # A loop the thread runs, even one of unknown type, may be the event's.
    assert _lines(source.replace("ready.set()", "ready.set()\n        loop.run_forever()")) == []


def test_a_worker_method_named_like_a_loop_check_is_none() -> None:
    source = """
    import asyncio
    import threading

    results = asyncio.Queue()

    class Poller(threading.Thread):
        def is_running(self):
            return True

        def run(self):
            while self.is_running():
                results.put_nowait(1)
    """
    assert _lines(source) == [12]
    # On a receiver of unknown type, the name may be a loop's test.
    assert _lines(source.replace("self.is_running()", "self.loop.is_running()")) == []
