"""Calls that return at once, for telling a spin-wait loop (conclint.analysis.spin_loops).

A round of a `while` loop on a thread that reaches the next round without a call that
sleeps, waits or may block is a spin: it checks the same state again at once, holding the
GIL while the thread it waits for needs it. Only calls known to return at once may be on
such a round; these tables name them, and the calls that change state (a round that
changes state is work, not waiting). Everything else a round may call counts as possibly
waiting, so the round is no spin: precision comes first.
"""

from __future__ import annotations

_QUEUES = ("queue.Queue", "queue.LifoQueue", "queue.PriorityQueue", "queue.SimpleQueue", "multiprocessing.Queue")
_EVENTS = ("threading.Event", "multiprocessing.Event")
_LOCKS = ("threading.Lock", "threading.RLock", "multiprocessing.Lock")


def _methods(owners: tuple[str, ...], methods: str) -> frozenset[str]:
    return frozenset(f"{owner}.{method}" for owner in owners for method in methods.split())


# Calls that read the state of a queue, an event, a lock or a thread and return at once,
# changing nothing: `while not stop.is_set():`, `if q.empty(): continue`.
STATE_READS = (
    _methods(_QUEUES, "empty full qsize")
    | _methods(_EVENTS, "is_set isSet")
    | _methods(_LOCKS, "locked")
    | _methods(("threading.Thread",), "is_alive isAlive")
    | frozenset({"threading.current_thread", "threading.main_thread", "threading.get_ident", "threading.active_count"})
)

# Calls that return at once, taking an item or a lock when there is one and raising (or
# returning False) when there is none: `q.get_nowait()` raising `queue.Empty`. A round
# where such a call returned normally took something (work, not waiting); a round where it
# raised changed nothing. Their blocking forms called with `block=False` (`q.get(False)`,
# `lock.acquire(blocking=False)`) count as well: the blocking catalog
# (conclint.knowledge.blocking) already tells those forms apart.
TAKES_AT_ONCE = _methods(_QUEUES, "get_nowait put_nowait get put") | _methods(_LOCKS, "acquire")

# Calls of the pure modules (conclint.knowledge.threads, "pure") that change their
# arguments or hidden state, matched by dotted prefix: on a round of a loop they are
# progress (`next(it)`, `heapq.heappop(todo)`), not waiting. And those that may touch the
# file system (`os.path`, `pathlib`, `io`), which the blocking catalog lists only in part.
NOT_READ_ONLY = frozenset(
    {
        "os.path",
        "pathlib",
        "builtins.next",
        "builtins.setattr",
        "builtins.delattr",
        "random",
        "secrets",
        "heapq.heappush",
        "heapq.heappop",
        "heapq.heapify",
        "heapq.heapreplace",
        "heapq.heappushpop",
        "bisect.insort",
        "bisect.insort_left",
        "bisect.insort_right",
        "os.urandom",
        "warnings.warn",
        "io",
    }
)

# Methods that change the object they are called on (`items.pop()`, `seen.add(x)`): a round
# calling one works on that object. Any other method of the pure ones
# (conclint.knowledge.threads BUILTIN_TYPE_METHODS, PURE_METHODS_ANY_RECEIVER) only reads.
MUTATING_METHODS = frozenset(
    (
        "append appendleft extend extendleft insert add discard setdefault sort reverse pop popleft "
        "popitem remove clear update rotate difference_update intersection_update "
        "symmetric_difference_update"
    ).split()
)

# What a thread that busy-waits should do instead (the suggestion of CCL201 and CCL203).
SPIN_REMEDY = (
    "Wait instead of polling, on every path of the loop: block on the queue "
    "(`get(timeout=...)`), wait on a `threading.Event` or `Condition` (`event.wait(timeout)`), "
    "or at least `time.sleep()` in the branch that has nothing to do."
)


def changes_state(qualname: str) -> bool:
    """Whether a pure call `qualname` changes its arguments or hidden state, or may touch the
    file system (by dotted prefix, as conclint.knowledge.threads.call_kind matches)."""
    prefix = qualname
    while prefix:
        if prefix in NOT_READ_ONLY:
            return True
        prefix = prefix.rpartition(".")[0]
    return False


__all__ = ["NOT_READ_ONLY", "MUTATING_METHODS", "SPIN_REMEDY", "STATE_READS", "TAKES_AT_ONCE", "changes_state"]
