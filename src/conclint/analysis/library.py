"""Which async library a module is written for, and whether an event loop runs its
coroutines at all, judged from its imports."""

from __future__ import annotations

from conclint.analysis.scopes import Scope
from conclint.knowledge.frameworks import STEPPED_COROUTINES

# The first library a module imports in this order wins: anyio runs on top of asyncio or
# trio, so a module that imports anyio is written for anyio even if it also imports asyncio.
_PREFERENCE = ("anyio", "trio", "asyncio")


def async_library(module_scope: Scope) -> str:
    """"anyio", "trio" or "asyncio" (the default when the module imports none of them)."""
    imported = {
        binding.target.split(".")[0]
        for binding in module_scope.bindings.values()
        if binding.kind == "import"
    }
    for library in _PREFERENCE:
        if library in imported:
            return library
    return "asyncio"


def stepped_by(module_scope: Scope) -> str:
    """Why the module's coroutines run on no event loop (knowledge.frameworks.STEPPED_COROUTINES:
    it imports a framework that steps them itself), or ""."""
    for binding in module_scope.bindings.values():
        if binding.kind == "import":
            reason = STEPPED_COROUTINES.get(binding.target)
            if reason is not None:
                return reason
    return ""
