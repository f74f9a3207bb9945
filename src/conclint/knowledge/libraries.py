"""Which dotted names belong to libraries rather than to the project being linted: the
standard library and every package the knowledge catalogs describe. The project index never
looks for them in the project, and what their calls do is the catalogs' to say."""

from __future__ import annotations

import functools
import sys

from conclint.knowledge import processes
from conclint.knowledge.blocking import blocking_catalog
from conclint.knowledge.threads import CALLABLE_ARGUMENTS
from conclint.knowledge.types import CALL_RESULTS, CANONICAL_PREFIXES, KNOWN_TYPES


def is_library_name(qualname: str) -> bool:
    """True for names of the standard library and of the catalogued packages."""
    return qualname.partition(".")[0] in _library_packages()


@functools.lru_cache(maxsize=None)
def _library_packages() -> frozenset[str]:
    catalog = blocking_catalog()
    names = [
        *CALL_RESULTS, *CANONICAL_PREFIXES, *CANONICAL_PREFIXES.values(), *KNOWN_TYPES,
        *processes.PROCESS_STARTING_CALLS, *processes.PROCESS_TYPES, *processes.PROCESS_BASE_CLASSES,
        *processes.JOBLIB_PARALLEL, *catalog.exact, *catalog.wildcard, *CALLABLE_ARGUMENTS,
    ]  # fmt: skip
    return frozenset(name.partition(".")[0] for name in names) | frozenset(sys.stdlib_module_names)



# Decorators that keep a function's parameters as they are, so a call site's arguments bind
# to them (any other decorator may wrap the function in one of another signature).
SIGNATURE_KEEPING_DECORATORS = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "builtins.property",
        "functools.lru_cache",
        "functools.cache",
        "functools.wraps",
        "abc.abstractmethod",
        "typing.overload",
        "typing.final",
        "typing_extensions.override",
        "typing.override",
        "contextlib.contextmanager",
    }
)


# Context managers that may swallow an exception raised in their block: the code after the
# `with` may run although the block stopped early.
EXCEPTION_SWALLOWING_CONTEXTS = frozenset(
    {
        "contextlib.suppress",
        "pytest.raises",
        "unittest.TestCase.assertRaises",
        "unittest.TestCase.assertRaisesRegex",
        "trio.move_on_after",
        "trio.move_on_at",
        "trio.CancelScope",
        "anyio.move_on_after",
        "anyio.CancelScope",
    }
)


__all__ = ["EXCEPTION_SWALLOWING_CONTEXTS", "SIGNATURE_KEEPING_DECORATORS", "is_library_name"]
