"""CCL108: waiting on a thread or process synchronisation primitive in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine



_PROVIDER = """
            import os
            import threading

            from exporters import BatchExporter

            FRESH = os.environ.get("FRESH_PROVIDER") == "1"
            _PROVIDER = None
            _LOCK = threading.Lock()

            def get_trace_provider():
                global _PROVIDER
                provider = _PROVIDER
                if {test}:
                    return provider
                with _LOCK:
                    if {unset}:
                        _PROVIDER = BatchExporter(endpoint=os.environ["TRACE_ENDPOINT"])
                    return _PROVIDER

            async def trace(span):
                get_trace_provider().export(span)
"""

_DRAIN = """
            import queue

            class MessageBufferActor:
                def __init__(self):
                    self.queue = queue.Queue()

                async def enqueue(self, message):
                    self.queue.put(message)

                async def dequeue_all(self):
                    items = []
                    while not self.queue.empty():
                        {before}items.append(self.queue.get())
                    return items

                async def flush(self):
                    pass
"""

# lilya's test client: waits, yielding, until its queue holds a message (or, with
# `give_up`, until it is closed), then takes one with `take`.
_RECEIVE = """
            import anyio
            import queue

            class WebSocketTestSession:
                def __init__(self):
                    self._receive_queue = queue.Queue()
                    self.closed = False

                async def receive(self):
                    while self._receive_queue.empty():{give_up}
                        await anyio.sleep(0)
                    return {take}
"""
_GIVE_UP = """
                        if self.closed:
                            break"""

_SENDER_THREADS = """
            import queue
            import threading

            _threads: queue.Queue

            def init():
                global _threads
                _threads = queue.Queue({maxsize})

            def _send_payload_thread(payload):
                thread = threading.Thread(target=print, args=(payload,))
                _threads.put(thread)
                thread.start()

            async def report_message(payload):
                _send_payload_thread(payload)
"""

_SCHEMA_STORE = """
            from threading import Lock

            from registry.schema import RegisteredSchema

            class _SchemaStore:
                def __init__(self):
                    self.lock = Lock()
                    self.max_id = 0
                    self.by_id = {{}}

                def set(self, schema):
                    with self.lock:
                        self.max_id += 1
                        registered = RegisteredSchema(schema_id=self.max_id, schema=schema)
                        self.by_id[registered.schema_id] = registered
                        return registered

            class AsyncMockSchemaRegistryClient:
                def __init__(self, conf):
                    self._store = _SchemaStore()

                async def register_schema(self, schema):
                    return self._store.set(schema).schema_id
{extra}"""

_FRESH_LOCK = """
            import threading

            class MemoryLockStorage:
                def __init__(self):
                    self._locks = {{}}

                async def aacquire_lock(self, key):
                    if key not in self._locks:
                        lock = threading.Lock(){store}
                        lock.acquire()
                        self._locks[key] = lock
"""

# livekit-agents' audio decoder: a WAV stream is decoded inline, any other format by a
# thread that shares a buffer guarded by a threading.Condition.
_DECODER = """
            import threading

            class StreamBuffer:
                def __init__(self):
                    self._ready = threading.Condition()

                def end_input(self):
                    with self._ready:
                        self._ready.notify_all()

            class AudioStreamDecoder:
                def __init__(self, format):
                    self._is_wav = format == "wav"
                    self._input_buf = StreamBuffer()

                def end_input(self):
                    if self._is_wav:
                        return
                    self._input_buf.end_input()

                async def aclose(self):{reset}
                    if self._is_wav:
                        self.end_input()
"""

# google-api-core's AsyncOperation sets its result under a thread lock, from a private method.
_OPERATION = """
            import threading

            class AsyncOperation:
                def __init__(self, operation, refresh):
                    self._operation = operation
                    self._refresh = refresh
                    self._completion_lock = threading.Lock()
                    self._result = None
                    self._set_result_from_operation()

                def _set_result_from_operation(self):
                    with self._completion_lock:
                        if self._operation.done and self._result is None:
                            self._result = self._operation.response.unpack()

                async def _refresh_and_update(self):
                    self._operation = self._refresh()
                    self._set_result_from_operation()

                async def done(self):
                    await self._refresh_and_update()
                    return self._result is not None
{extra}"""

class BlockingWaitInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds waits on thread and process primitives inside an `async def`: acquiring a
    `threading.Lock`, `RLock`, `Semaphore` or `Condition` (`acquire()`, the old alias
    `acquire_lock()`, or a plain `with lock:`), `Event.wait()`, `Condition.wait()`, `Barrier.wait()`, the blocking
    `get()` / `put()` / `join()` of `queue.Queue` and `multiprocessing.Queue`,
    `Thread.join()`, `Process.join()`, `concurrent.futures.Future.result()` /
    `exception()`, `concurrent.futures.wait()` / `as_completed()`, blocking pool calls
    (`Pool.map`, `Executor.shutdown()`), the results of `ThreadPoolExecutor.map()` or
    `ProcessPoolExecutor.map()` consumed (`list(pool.map(f, xs))`, `sorted(...)`, a `for`
    loop or a list comprehension over them), and leaving a `with ThreadPoolExecutor() as
    pool:` (or `ProcessPoolExecutor`) block that never waits for its work: its exit calls
    `shutdown(wait=True)` and waits for the work submitted in it (a block that waits for the
    work itself, `future.result()`, has that wait reported, not its exit).

    Not reported: a `with lock:` on a `threading.Lock` or `RLock` that every holder in the
    module holds only for bookkeeping (no `while` loop, no `await`, no nested `with`, no
    call but builtins such as `len()`, container methods such as `add()` or `pop()`, clock
    reads, and functions of the class or module that are brief in the same way, such as
    `self._purge_expired()` walking a dict, or a class of the module whose `__init__` only
    sets attributes; what a block does only while a value is unset, to set it, `if _registry
    is None: _registry = Registry()`, runs once): waiting for it lasts no longer than one of
    those critical sections. Nor a lock every holder of which is written in a coroutine's own
    body, or in a private method of the class (`_name`) that only the class's coroutines and
    its `__init__` call, and holds it across no `await`, when the class makes the lock itself
    (`self._lock = threading.Lock()`, not a lock made elsewhere); or held by a private class
    of the module (`_Store`) made only as attributes of other classes in their `__init__`
    (`self._store = _Store()`), that only their coroutines call methods of
    (`self._store.set(...)`), and whose methods nothing hands on uncalled: only the event
    loop's thread takes it, one holder at a time, so taking it never waits. The lock is told apart by its
    spelling (`self._lock` within a class, or a module-level name); a holder that does more,
    or an `acquire()` of it anywhere, keeps every `with` on it reported. Nor taking a
    `threading.Lock` or `RLock` that the statement right before made (`lock =
    threading.Lock()`, then `lock.acquire()` or `with lock:`): no other thread can hold a
    lock nothing has handed out yet. Nor a bare
    `pool.map(...)` (it only submits the work), its results consumed
    in a worker thread (`await asyncio.to_thread(list, pool.map(f, xs))`), and a `with`
    block on an executor that awaits its work (`await loop.run_in_executor(pool, f)`), as
    in asyncio's documentation.

    The non-blocking forms are not reported: `get_nowait()`, `put_nowait()`,
    `get(block=False)`, `put(item, False)`, `acquire(blocking=False)`, `wait(0)`,
    `join(timeout=0)`, `result(timeout=0)`. Nor is `put()` on a queue that can never be
    full: a `queue.Queue`, `LifoQueue` or `PriorityQueue` made without a positive `maxsize`
    (seen where the module makes it: `q = queue.Queue()`, `self.q = queue.Queue()`, or, for
    a global the module only annotates, in every function that declares it `global`), or a
    `SimpleQueue`. Nor `q.get()` in the block of `while not q.empty():` (or `if`, also with
    `and`) before any `await` of that block, or right after a `while q.empty():` loop that no
    `break` leaves: the queue held an item at the test, and no other task has run since to
    take it (a `multiprocessing` queue's `empty()` is not reliable, so
    its `get()` is still reported). A coroutine that only ever runs on an event loop of its own in another
    thread (`asyncio.run(self._beat())` or `loop.run_until_complete(...)` in a `Thread`
    subclass's `run` or a `Thread(target=...)` function, or `run_worker(coro(),
    thread=True)` or `run_worker(coro, thread=True)`, and mentioned nowhere else in the
    module) is not checked: waiting there
    holds up that thread only.

    ## Why is this bad?
    These primitives block the calling thread until another thread or process acts. When
    the caller is the event loop's thread, nothing else on the loop runs meanwhile, and if
    the thread being waited for in turn needs the loop (to deliver a result with
    `call_soon_threadsafe`, or `run_coroutine_threadsafe`), the program deadlocks.

    ## Example
    ```python
    import threading

    class Counter:
        def __init__(self):
            self.lock = threading.Lock()
            self.value = 0

        async def increment(self, delta):
            with self.lock:
                self.value += await delta()
    ```

    ## Use instead
    ```python
    import asyncio

    class Counter:
        def __init__(self):
            self.lock = asyncio.Lock()
            self.value = 0

        async def increment(self, delta):
            async with self.lock:
                self.value += await delta()
    ```
    Between tasks, use the async library's own primitives (`asyncio.Lock`, `asyncio.Queue`,
    `asyncio.Event`; `trio.Lock` and memory channels; `anyio.Lock` and memory object
    streams). To wait for a `concurrent.futures.Future`, `await asyncio.wrap_future(future)`.
    When the primitive is shared with real threads, wait for it in a worker thread:
    `await asyncio.to_thread(queue.get)`.

    ## Fix safety
    {offload_fix} The wait
    then happens on a worker thread, which is right for primitives shared with other threads.
    Waits that must stay on the thread holding a lock (`RLock.acquire`, `Condition.wait`) get no
    fix, and a `with lock:` statement none either. Replacing a thread primitive with an async
    one is left to you.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; entries with the category
      `"wait"` are reported by this rule.

    ## References
    - [asyncio: synchronization primitives](https://docs.python.org/3/library/asyncio-sync.html)
    - [asyncio: queues](https://docs.python.org/3/library/asyncio-queue.html)
    - [asyncio.wrap_future](https://docs.python.org/3/library/asyncio-future.html#asyncio.wrap_future)
    - [trio: synchronizing and communicating between tasks](https://trio.readthedocs.io/en/stable/reference-core.html#synchronizing-and-communicating-between-tasks)
    - [AnyIO: using synchronization primitives](https://anyio.readthedocs.io/en/stable/synchronization.html)
    - [AnyIO: memory object streams](https://anyio.readthedocs.io/en/stable/streams.html#memory-object-streams)
    """

    CODE = "CCL108"
    NAME = "blocking-wait-in-async"
    CATEGORY = Category.WAIT
    VALID = (
        # agno's in-memory run cancellation: every holder of the lock only reads and purges a
        # dict, through a method of the class that walks it.
        Valid(
            """
            import threading
            import time

            class CancellationManager:
                def __init__(self):
                    self._lock = threading.Lock()
                    self._cancelled = {}

                def cancel(self, run_id):
                    with self._lock:
                        self._cancelled[run_id] = time.monotonic() + 60

                def _purge_expired(self):
                    now = time.monotonic()
                    for run_id, expires in list(self._cancelled.items()):
                        if expires < now:
                            self._cancelled.pop(run_id, None)

                async def is_cancelled(self, run_id):
                    with self._lock:
                        self._purge_expired()
                        return run_id in self._cancelled
            """
        ),
        # a2a-sdk's task registry: only its coroutines take the lock, none across an await,
        # so only the event loop's thread holds it, one coroutine at a time.
        Valid(
            """
            import threading

            class ActiveTaskRegistry:
                def __init__(self, store):
                    self._lock = threading.RLock()
                    self._store = store
                    self._tasks = {}

                async def get_or_create(self, task_id):
                    with self._lock:
                        if task_id not in self._tasks:
                            self._tasks[task_id] = self._store.make(task_id)
                        task = self._tasks[task_id]
                    await task.start()
                    return task

                async def remove(self, task_id):
                    with self._lock:
                        self._tasks.pop(task_id, None)
            """
        ),
        # google-api-core's AsyncOperation: the lock's one holder is a private method that only
        # the coroutine and `__init__` call.
        Valid(_OPERATION.format(extra="")),
        # praisonaiagents' approval registry: made once, under the lock, by the first caller.
        Valid(
            """
            import threading

            from approval.registry import ApprovalRegistry

            _registry = None
            _registry_lock = threading.Lock()

            def get_approval_registry():
                global _registry
                with _registry_lock:
                    if _registry is None:
                        _registry = ApprovalRegistry()
                    return _registry

            async def request_approval(tool):
                return get_approval_registry().check(tool)
            """
        ),
        # lightrag's pipeline metrics: the health check copies the counters, rounding them,
        # under the lock every recorder holds for one addition.
        Valid(
            """
            import threading

            _lock = threading.Lock()
            _totals = {"parsed": 0.0}
            _counts = {"parsed": 0}

            def observe(name, seconds):
                with _lock:
                    _totals[name] += seconds
                    _counts[name] += 1

            async def health():
                with _lock:
                    return {name: round(_totals[name] / max(_counts[name], 1), 4) for name in _totals}
            """
        ),
        # openai-agents' tracing provider: the lock is taken only until the first call set
        # the provider up.
        Valid(_PROVIDER.format(test="provider is not None", unset="_PROVIDER is None")),
        # semantic-kernel's actors drain their buffer; only the loop's tasks touch it.
        Valid(_DRAIN.format(before="")),
        # lilya's test client waits, yielding, until its queue holds a message, then takes it.
        Valid(_RECEIVE.format(give_up="", take="self._receive_queue.get()")),
        # aio-pika's callback collection: a thread lock held only around set operations.
        Valid(
            """
            import threading

            class CallbackCollection:
                def __init__(self):
                    self._lock = threading.Lock()
                    self._callbacks = set()

                def add(self, callback):
                    with self._lock:
                        self._callbacks.add(callback)

                async def discard(self, callback):
                    with self._lock:
                        self._callbacks.discard(callback)
                        return len(self._callbacks)
            """
        ),
        Valid(
            """
            import asyncio
            import threading

            class Engine:
                def __init__(self):
                    self.start()

                def start(self):
                    self.loop = asyncio.get_event_loop()
                    if self.loop:
                        return  # called from a coroutine: a loop runs, no thread is started
                    ready = threading.Event()
                    threading.Thread(target=self._run, args=(ready,)).start()
                    ready.wait()

                def _run(self, ready):
                    ready.set()

            async def main():
                Engine()
            """
        ),
        Valid(
            """
            import asyncio
            import queue
            import threading

            class Heartbeat(threading.Thread):
                def __init__(self):
                    super().__init__(daemon=True)
                    self.stopped = threading.Event()
                    self.beats = queue.Queue()

                def run(self):
                    asyncio.new_event_loop().run_until_complete(self._beat())

                async def _beat(self):
                    while not self.stopped.wait(3):  # its own loop, in its own thread
                        pass

                async def record(self, beat):
                    self.beats.put(beat)  # an unbounded queue: put() never waits
            """
        ),
        # confluent-kafka's async mock schema registry: a private store only the client's
        # coroutines use keeps the thread lock of its sync twin; only the loop's thread takes
        # it, and never across an await.
        Valid(_SCHEMA_STORE.format(extra="")),
        # rollbar's sender threads: a global the module only annotates, made in `init()`
        # without a maxsize (every assignment the module makes counts).
        Valid(_SENDER_THREADS.format(maxsize="")),
        # A multiprocessing queue made without a maxsize: put() hands the item to the
        # queue's feeder thread and returns.
        Valid(
            """
            import multiprocessing

            class Nanny:
                async def start(self):
                    context = multiprocessing.get_context("spawn")
                    self.stop_q = context.Queue()

                async def stop(self):
                    self.stop_q.put({"op": "stop"})
            """
        ),
        Valid(
            """
            import asyncio

            lock = asyncio.Lock()
            queue = asyncio.Queue()

            async def worker(event: asyncio.Event):
                async with lock:
                    item = await queue.get()
                    queue.task_done()
                extra = queue.get_nowait()
                queue.put_nowait(extra)
                await queue.join()
                await event.wait()
                return item
            """
        ),
        Valid(
            """
            import queue
            import threading

            jobs = queue.Queue()
            lock = threading.Lock()
            done = threading.Event()

            async def poll():
                if lock.acquire(blocking=False):
                    lock.release()
                jobs.put_nowait(1)
                jobs.put(2, False)
                first = jobs.get_nowait()
                second = jobs.get(block=False)
                third = jobs.get(False)
                fourth = jobs.get(timeout=0)
                with_timeout = lock.acquire(timeout=0)
                return done.is_set() or done.wait(0), first, second, third, fourth, with_timeout
            """
        ),
        Valid(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor()

            async def compute(f, tasks):
                future = pool.submit(f)
                value = await asyncio.wrap_future(future)
                await asyncio.get_running_loop().run_in_executor(pool, f)
                done, pending = await asyncio.wait(tasks)
                for task in asyncio.as_completed(tasks):
                    await task
                job = asyncio.create_task(f())
                await job
                return value, job.result()
            """
        ),
        Valid(
            """
            import trio

            async def main():
                lock = trio.Lock()
                send, receive = trio.open_memory_channel(10)
                async with lock:
                    await send.send("job")
                with trio.move_on_after(1):
                    return await receive.receive()
            """
        ),
        Valid(
            """
            import anyio
            import queue

            jobs = queue.Queue()

            async def main(thread):
                event = anyio.Event()
                async with anyio.Lock():
                    await event.wait()
                with anyio.fail_after(5):
                    item = await anyio.to_thread.run_sync(jobs.get)
                await anyio.to_thread.run_sync(thread.join)
                return item
            """
        ),
        Valid(
            """
            import asyncio
            import queue
            import threading
            import trio

            jobs = queue.Queue()

            async def main(thread: threading.Thread):
                loop = asyncio.get_running_loop()
                item = await loop.run_in_executor(None, jobs.get)
                await trio.to_thread.run_sync(thread.join)
                return item
            """
        ),
        Valid(
            """
            import os
            import threading

            lock = threading.Lock()

            def locked_update(state):
                with lock:
                    state.update(ready=True)

            async def describe(parts, waiter):
                waiter.join()
                return ", ".join(parts), os.path.join(*parts)
            """
        ),
        Valid(
            """
            import threading

            async def start(work):
                thread = threading.Thread(target=work)
                thread.start()
                thread.join(timeout=0)
                return thread.is_alive()
            """
        ),
        Valid(
            """
            import _thread

            lock = _thread.allocate_lock()

            async def try_tick(counter):
                if lock.acquire_lock(False):
                    counter.tick()
                    lock.release()
            """
        ),
        Valid(
            """
            import asyncio
            import concurrent.futures

            async def sizes(paths):
                loop = asyncio.get_running_loop()
                with concurrent.futures.ThreadPoolExecutor() as pool:
                    pending = pool.map(len, paths)  # submitted, not waited for
                    first = await loop.run_in_executor(pool, len, paths[0])
                    rest = await asyncio.to_thread(list, pending)
                    again = await asyncio.to_thread(pool.map, len, paths)
                return first, rest, again
            """
        ),
        # The decoder's close, for a WAV stream: `end_input` returns before the buffer, as
        # `_is_wav`, set only by `__init__`, is what `aclose` tested.
        Valid(_DECODER.format(reset="")),
        # prefect's in-memory lock store takes each new lock before it stores it: nothing
        # else can hold a lock the statement before made.
        Valid(_FRESH_LOCK.format(store="")),
        Valid(
            """
            import queue

            class Jobs(queue.Queue):
                async def add(self, job):
                    self.put(job)  # blocks only if a maxsize was given, which __init__ decides
            """
        ),
    )
    INVALID = (
        # The same store used by a sync method too, which any thread may call.
        Invalid(
            _SCHEMA_STORE.format(
                extra="""
                def register_schema_sync(self, schema):
                    return self._store.set(schema).schema_id
"""
            ),
            line=23,
            message_contains=("via _SchemaStore.set -> with self.lock:",),
        ),
        # The same global made with a maxsize: put() waits for room.
        Invalid(
            _SENDER_THREADS.format(maxsize="maxsize=100"),
            line=16,
            message_contains=("via _send_payload_thread -> _threads.put()",),
        ),
        # The same operation with a public sync method that sets the result too: any thread
        # may call it, and hold the lock while it unpacks the response.
        Invalid(
            _OPERATION.format(
                extra="""
                def set_from(self, operation):
                    self._operation = operation
                    self._set_result_from_operation()
"""
            ),
            line=18,
            message_contains=("via AsyncOperation._set_result_from_operation -> with self._completion_lock:",),
        ),
        # The same close where a method sets `_is_wav` again: the test in `aclose` no longer
        # tells what `end_input` finds.
        Invalid(
            _DECODER.format(reset="\n                    self._is_wav = False"),
            line=24,
            message_contains=("`self.end_input()` blocks the event loop", "AudioStreamDecoder.end_input -> StreamBuffer.end_input"),
        ),
        # The same store handing the lock out first: another thread may hold it by now.
        Invalid(_FRESH_LOCK.format(store="\n                        self._locks[key] = lock"), line=11),
        # The same lock taken, and a provider made under it, whenever a setting asks for a
        # fresh one (made once, while unset, it would be set-up).
        Invalid(
            _PROVIDER.format(test="provider is not None and not FRESH", unset="_PROVIDER is None or FRESH"),
            line=21,
            message_contains=("`get_trace_provider()` blocks the event loop", "get_trace_provider -> with _LOCK: (line 15)"),
        ),
        # The same drain handing each item on first: another task may empty the queue
        # while this one waits, and get() then waits for an item no task can put.
        Invalid(
            _DRAIN.format(before="await self.flush()\n                        "),
            line=14,
            message_contains=("`self.queue.get()` blocks the event loop",),
        ),
        # The same wait that may give up while the queue is still empty: get() then waits.
        Invalid(
            _RECEIVE.format(give_up=_GIVE_UP, take="self._receive_queue.get()"),
            line=14,
            message_contains=("`self._receive_queue.get()` blocks the event loop",),
            fixed=_RECEIVE.format(give_up=_GIVE_UP, take="await anyio.to_thread.run_sync(self._receive_queue.get)"),
        ),
        # With a maxsize, put() waits for room.
        Invalid(
            """
            import multiprocessing

            results = multiprocessing.Queue(maxsize=100)

            async def publish(result):
                results.put(result)
            """,
            line=6,
        ),
        Invalid(
            """
            import asyncio
            import threading

            class Heartbeat(threading.Thread):
                def __init__(self):
                    super().__init__(daemon=True)
                    self.stopped = threading.Event()

                def run(self):
                    asyncio.new_event_loop().run_until_complete(self._beat())

                async def _beat(self):
                    while not self.stopped.wait(3):
                        pass

            async def main(heartbeat):
                await heartbeat._beat()  # also run on the application's loop
            """,
            line=13,
            message_contains=("`self.stopped.wait()` blocks the event loop",),
            fixed="""
            import asyncio
            import threading

            class Heartbeat(threading.Thread):
                def __init__(self):
                    super().__init__(daemon=True)
                    self.stopped = threading.Event()

                def run(self):
                    asyncio.new_event_loop().run_until_complete(self._beat())

                async def _beat(self):
                    while not await asyncio.to_thread(self.stopped.wait, 3):
                        pass

            async def main(heartbeat):
                await heartbeat._beat()  # also run on the application's loop
            """,
        ),
        Invalid(
            """
            import threading

            class Counter:
                def __init__(self):
                    self.lock = threading.Lock()
                    self.value = 0

                async def increment(self, delta):
                    with self.lock:
                        self.value += await delta()
            """,
            line=9,
            column=14,
            message_contains=("`with self.lock:`", "`asyncio.Lock`"),
        ),
        Invalid(
            """
            import queue

            async def consume():
                q = queue.Queue()
                return q.get()
            """,
            line=5,
            message_contains=("q.get()", "asyncio.Queue"),
        ),
        Invalid(
            """
            import threading
            import trio

            lock = threading.RLock()

            async def critical():
                lock.acquire()
                try:
                    await trio.sleep(0)
                finally:
                    lock.release()
            """,
            line=7,
            message_contains=("lock.acquire()", "`trio.Lock`"),
        ),
        Invalid(
            """
            import anyio
            from queue import Queue as Jobs

            jobs = Jobs(maxsize=100)

            async def produce(item):
                jobs.put(item)
            """,
            line=7,
            message_contains=("jobs.put()", "anyio.create_memory_object_stream"),
            fixed="""
            import anyio
            from queue import Queue as Jobs

            jobs = Jobs(maxsize=100)

            async def produce(item):
                await anyio.to_thread.run_sync(jobs.put, item)
            """,
        ),
        Invalid(
            """
            import threading

            ready = threading.Event()

            async def wait_ready():
                ready.wait(timeout=10)
            """,
            line=6,
            message_contains=("ready.wait()", "asyncio.Event"),
        ),
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            executor = ThreadPoolExecutor()

            async def compute(f):
                future = executor.submit(f)
                return future.result()
            """,
            line=7,
            message_contains=("future.result()", "asyncio.wrap_future"),
        ),
        Invalid(
            """
            import concurrent.futures

            async def gather(futures):
                for future in concurrent.futures.as_completed(futures):
                    yield future
            """,
            line=4,
            message_contains=("concurrent.futures.as_completed()", "`asyncio.as_completed(...)`"),
        ),
        Invalid(
            """
            async def run(work):
                import multiprocessing as mp
                process = mp.Process(target=work)
                process.start()
                process.join()
            """,
            line=5,
            message_contains=("process.join()", "await asyncio.to_thread(process.join)`"),
        ),
        Invalid(
            """
            import threading

            async def run(work):
                thread = threading.Thread(target=work)
                thread.start()
                thread.join()
            """,
            line=6,
        ),
        Invalid(
            """
            import threading

            condition = threading.Condition()

            async def consume(items):
                with condition:
                    condition.wait_for(lambda: items)
            """,
            line=6,
            count=2,
            message_contains=("`with condition:`", "asyncio.Condition"),
        ),
        Invalid(
            """
            import multiprocessing

            results = multiprocessing.Queue()

            async def collect(n):
                return [results.get() for _ in range(n)]
            """,
            line=6,
        ),
        Invalid(
            """
            import threading

            barrier = threading.Barrier(2)

            async def meet():
                barrier.wait()
            """,
            line=6,
            message_contains=("asyncio.Barrier",),
        ),
        Invalid(
            """
            import threading

            class Registry:
                _lock = threading.Lock()

                async def register(self, name):
                    with self._lock:
                        return self.store(name)  # a method of the project, held under the lock

                def register_now(self, name):  # any thread may hold it here, for that long
                    with self._lock:
                        return self.store(name)
            """,
            line=7,
            message_contains=("`with self._lock:`",),
        ),
        Invalid(
            """
            import _thread

            lock = _thread.allocate_lock()

            async def critical(counter):
                lock.acquire_lock()
                counter.tick()
                lock.release()
            """,
            line=6,
            message_contains=("lock.acquire_lock()", "asyncio.Lock"),
        ),
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            async def thumbnails(images, render):
                with ThreadPoolExecutor(max_workers=4) as pool:
                    for image in images:
                        pool.submit(render, image)
            """,
            line=4,
            message_contains=("`with ThreadPoolExecutor(max_workers=4) as pool:`", "its exit waits"),
        ),
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            async def thumbnail(image, render):
                with ThreadPoolExecutor() as pool:
                    return pool.submit(render, image).result()
            """,
            line=5,
            count=1,
            message_contains=("result()",),
        ),
        Invalid(
            """
            import asyncio
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor()

            async def checksums(blobs, digest):
                results = list(pool.map(digest, blobs))
                for line in pool.map(str, results):
                    print(line)
                return results
            """,
            line=7,
            count=2,
            message_contains=("`list(pool.map(...))`", "asyncio.to_thread(list, executor.map(...))"),
            fixed="""
            import asyncio
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor()

            async def checksums(blobs, digest):
                results = await asyncio.to_thread(list, pool.map(digest, blobs))
                for line in pool.map(str, results):
                    print(line)
                return results
            """,
        ),
        Invalid(
            """
            import threading

            async def stop_workers(jobs, work):
                workers = [threading.Thread(target=work, args=(job,)) for job in jobs]
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join()
            """,
            line=8,
            column=9,
            message_contains=("worker.join()",),
        ),
    )
