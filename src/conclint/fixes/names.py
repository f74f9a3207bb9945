"""How a fix names a module or a class it needs, and the import that makes the name exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from conclint.knowledge.types import canonical_name

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.scopes import Scope


class NameTaken(Exception):
    """The name is bound to something else where the fix would use it."""


def module_name(facts: FileFacts, module: str, scope: Scope | None = None) -> tuple[str, ...]:
    """The imports needed for `module` (a top-level module: `asyncio`) to be usable by its
    own name in `scope` (default: the current scope): () when it already is, `import module`
    when the name is free. NameTaken when the name means something else there (a parameter,
    another import)."""
    return _needs(scope or facts.scope, module, module, f"import {module}")


def imported_name(facts: FileFacts, module: str, name: str) -> tuple[str, ...]:
    """The imports needed for `name` to denote `module.name` in the current scope."""
    return _needs(facts.scope, name, f"{module}.{name}", f"from {module} import {name}")


def _needs(scope: Scope, name: str, qualname: str, statement: str) -> tuple[str, ...]:
    binding = scope.lookup(name)
    if binding is None:
        return (statement,)
    if binding.kind == "import" and binding.target == canonical_name(qualname):
        return ()
    raise NameTaken(name)


def dotted(text: str) -> cst.BaseExpression:
    """`a.b.c` as an expression."""
    return cst.parse_expression(text)
