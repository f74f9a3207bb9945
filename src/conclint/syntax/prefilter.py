"""The prefilter's tests on a file's text (`Rule.REQUIRED_TOKENS`, `Rule.REQUIRED_PATTERN`):
a few substring searches cost far less than a libcst parse, and are sound for every spelling
Python accepts."""

from __future__ import annotations

import re
from functools import lru_cache

# A coroutine: `async` and `def` with only spaces, tabs, form feeds or backslash-continued line
# breaks between them (a comment or a bare newline would end the statement). A file can mention
# `async` (asyncio imports, docs) without defining one: then no coroutine rule can report.
COROUTINE = re.compile(rb"async(?:[ \t\f]|\\(?:\r\n|\r|\n))+def")
# asyncio named anywhere: every spelling that reaches its tasks or loops (`import asyncio`,
# `from asyncio import ...`, `asyncio.get_running_loop()`) holds the word.
ASYNCIO = re.compile(rb"asyncio")
# A thread started or a function run on one, in every spelling CCL305 follows
# (`knowledge.forking.THREAD_TOKENS`): without one, no fork can follow a thread it sees.
THREADS = re.compile(rb"Thread|Timer|start_new|dummy|to_thread|run_in_executor")
# CCL402's second test (`knowledge.lifecycle.SYNC_CALLBACK_TOKENS`): a callback API other than
# a loop method, or asyncio, without which no loop method is known.
CALLBACKS = re.compile(rb"asyncio|Thread|Timer|to_thread|run_in_executor|run_sync|add_done_callback|signal\.signal|atexit")


@lru_cache(maxsize=32)
def holds(tokens: tuple[bytes, ...], pattern: re.Pattern[bytes] | None, source: str | bytes) -> bool:
    """Whether `source` contains one of `tokens` and, if given, a match of `pattern`.

    Remembered for the last few answers: the rules of a family share their tokens, and the
    engine asks for each rule about the same source one after the other, which would otherwise
    scan a file that has none of the tokens once per rule.
    """
    if isinstance(source, str):
        if not any(token.decode("ascii") in source for token in tokens):
            return False
        data = source.encode("utf-8", "surrogatepass") if pattern is not None else b""
    else:
        if not any(token in source for token in tokens):
            return False
        data = source
    return pattern is None or pattern.search(data) is not None
