"""Decorators that run the function they decorate somewhere else: each call of the decorated
function hands the body to a worker thread (or returns an awaitable that does), so a
coroutine calling it does not run the body on the event loop, and no chain of blocking calls
goes through it.

A name with keyword flags in parentheses matches only a decorator called with those flags
(`@work(thread=True)`; textual's plain `@work` runs an async worker on the loop). A name
without flags matches the decorator however it is called (`@sync_to_async`,
`@sync_to_async(thread_sensitive=False)`). Projects add their own with `offload-decorators`.
"""

from __future__ import annotations

from typing import Iterable

OFFLOAD_DECORATORS: dict[str, str] = {
    "asgiref.sync.sync_to_async": "runs the function in a thread executor and returns an awaitable",
    "asgiref.sync.SyncToAsync": "runs the function in a thread executor and returns an awaitable",
    "channels.db.database_sync_to_async": "asgiref's sync_to_async, closing old database connections",
    "textual.work(thread=True)": "runs the function as a thread worker",
    "textual.worker.work(thread=True)": "runs the function as a thread worker",
    "textual._work_decorator.work(thread=True)": "runs the function as a thread worker",
    "asyncer.asyncify": "runs the function with anyio.to_thread.run_sync and returns an awaitable",
    "tornado.concurrent.run_on_executor": "submits each call to the instance's executor and returns a future",
    "aiofiles.ospath.wrap": "runs the function in the loop's default executor",
    "aiofiles.os.wrap": "runs the function in the loop's default executor",
    "starlette.concurrency.run_in_threadpool": "runs the function in anyio's thread pool",
}


def offloading_names(extra: Iterable[str] = ()) -> frozenset[str]:
    """The catalog's offloading decorators and `extra` (the `offload-decorators` setting)."""
    return frozenset(OFFLOAD_DECORATORS).union(extra)


def offloads(decorators: Iterable[str], known: frozenset[str]) -> bool:
    """Whether one of `decorators` (resolved names, flags appended: `textual.work(thread=True)`)
    is one of `known` (`offloading_names()`)."""
    for name in decorators:
        if name in known or name.partition("(")[0] in known:
            return True
    return False


__all__ = ["OFFLOAD_DECORATORS", "offloading_names", "offloads"]
