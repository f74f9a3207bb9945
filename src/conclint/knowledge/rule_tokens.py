"""Each rule's prefilter facts as data, readable without importing the rules.

The rule classes carry these facts (`Rule.REQUIRED_TOKENS`, `REQUIRED_PATTERN`,
`FOLLOWS_IMPORTED_CALLS`, `REQUIRES_GIL`), but importing a rule imports libcst, which is most
of the start-up of a one-file run. `conclint.project.parse_needed` reads this table instead to
decide that no rule can report in a file, and then checks its syntax with CPython alone. A
test keeps the table equal to the classes (`tests/test_parse_needed.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from conclint.knowledge.crossing import CANCELLATION_TOKENS, THREAD_TOKENS, TIMEOUT_TOKENS
from conclint.knowledge.forking import FORK_TOKENS
from conclint.knowledge.lifecycle import EXCEPTION_TOKENS, GET_EVENT_LOOP_TOKENS, SYNC_CALLBACK_TOKENS, TASK_TOKENS
from conclint.knowledge.processes import DISPATCH_TOKENS, START_METHOD_TOKENS, START_TOKENS


@dataclass(frozen=True)
class Prefilter:
    """What a file must hold for a rule to report in it.

    `tokens`: one of these bytes must occur (empty: every file may need the rule).
    `pattern`: the name of a pattern of `conclint.syntax.prefilter.PATTERNS` that must match
    too, or None. `follows_imported_calls`: with a project index, a file without the tokens
    may still need the rule when it calls an imported project function at import time.
    `requires_gil`: the rule is off for a free-threaded target.
    """

    tokens: tuple[bytes, ...]
    pattern: str | None = None
    follows_imported_calls: bool = False
    requires_gil: bool = False


# The rules about coroutines report only inside an `async def`.
_COROUTINE = Prefilter((b"async",), "coroutine")
# CCL201: the APIs that run a callable on a thread or an executor.
_THREAD_TOKENS = (b"Thread", b"Timer", b"to_thread", b"run_in_executor", b"multiprocess")

RULE_PREFILTERS: Mapping[str, Prefilter] = {
    "CCL001": Prefilter(()),
    "CCL002": Prefilter((b"noqa", b"conclint:")),
    **{f"CCL1{number:02d}": _COROUTINE for number in range(1, 11)},
    "CCL201": Prefilter(_THREAD_TOKENS, requires_gil=True),
    "CCL202": Prefilter((b"async",), "coroutine", requires_gil=True),
    "CCL203": Prefilter((b"Thread",), requires_gil=True),
    "CCL204": _COROUTINE,
    "CCL301": Prefilter(START_TOKENS, follows_imported_calls=True),
    "CCL302": Prefilter(START_TOKENS, follows_imported_calls=True),
    "CCL303": Prefilter(DISPATCH_TOKENS),
    "CCL304": Prefilter(START_METHOD_TOKENS),
    "CCL305": Prefilter((*FORK_TOKENS, *START_TOKENS), "threads"),
    "CCL401": _COROUTINE,
    "CCL402": Prefilter(SYNC_CALLBACK_TOKENS, "callbacks"),
    "CCL403": Prefilter(TASK_TOKENS, "asyncio"),
    "CCL404": Prefilter(GET_EVENT_LOOP_TOKENS),
    "CCL405": Prefilter(EXCEPTION_TOKENS),
    "CCL406": Prefilter(THREAD_TOKENS),
    "CCL407": Prefilter(CANCELLATION_TOKENS, "coroutine"),
    "CCL408": Prefilter(TIMEOUT_TOKENS, "coroutine"),
}
