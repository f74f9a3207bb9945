"""Which libraries have a type with a method of a given name, read off the catalogs.

`db.commit()` on the result of a factory of another module (`db = next(database.get_db())`)
is worth asking the project index about only when some catalogued type has a `commit`, and
only of a module whose text imports the library that type comes from (`sqlalchemy`): the
index then summarizes the factory's module, a parse the question would otherwise cost for
every `x = helper(); x.get(...)` of a project (conclint.analysis.facts).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from conclint.knowledge.blocking import builtin_entries
from conclint.knowledge.types import ATTRIBUTE_RESULTS, CALL_RESULTS


@lru_cache(maxsize=1)
def _owners() -> tuple[dict[str, frozenset[bytes]], frozenset[bytes]]:
    """method name -> top-level packages of the types that have it; and the packages of the
    types whose every public method is catalogued (`redis.Redis.*`)."""
    found: defaultdict[str, set[bytes]] = defaultdict(set)
    everything: set[bytes] = set()
    names = [entry.qualname for entry in builtin_entries()] + [*CALL_RESULTS, *ATTRIBUTE_RESULTS]
    for name in names:
        owner, _, method = name.rpartition(".")
        if not owner.rpartition(".")[2][:1].isupper():
            continue  # a function of a module, not a method of a type
        package = owner.partition(".")[0].encode()
        if method == "*":
            everything.add(package)
        else:
            found[method].add(package)
    return {method: frozenset(packages) for method, packages in found.items()}, frozenset(everything)


@lru_cache(maxsize=512)
def receiver_imports(method: str) -> re.Pattern[bytes] | None:
    """A pattern for an import statement (`import sqlalchemy`, `from sqlalchemy.orm import
    ...`) of a top-level package of the catalogued types that have a method `method`; None
    when no catalogued type has one."""
    by_method, everything = _owners()
    packages = set(by_method.get(method, ()))
    if not method.startswith("_") and not method[:1].isupper():
        packages |= everything
    if not packages:
        return None
    alternatives = b"|".join(re.escape(package) for package in sorted(packages))
    return re.compile(rb"^[ \t]*(?:from|import)[ \t]+(?:" + alternatives + rb")\b", re.MULTILINE)
