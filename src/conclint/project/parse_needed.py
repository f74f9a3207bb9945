"""Whether a file needs the engine at all, decided without importing it (nor libcst).

Most of a cold one-file run is importing libcst (issue 19, item 6). The engine parses a file
with libcst only for the rules whose prefilter the file passes (`engine.lint._may_apply`);
for a file that passes none, its only possible finding is CCL001, from CPython's check. This
module makes the same decision from the table of `conclint.knowledge.rule_tokens` and the
rule catalog, and runs CPython's check itself. Whenever the answer depends on something only
the engine knows (a file CPython rejects, per-file ignores, a size above the limit, an import
a rule following imported calls might follow), it says the engine is needed: the engine
then decides exactly as it always did.
"""

from __future__ import annotations

import ast
import re
from typing import Mapping

from conclint.core.settings import Settings
from conclint.knowledge.rule_tokens import RULE_PREFILTERS, Prefilter
from conclint.rules.registry import select_catalog
from conclint.syntax.cpython_check import SourceError, cpython_precheck
from conclint.syntax.prefilter import COROUTINE, holds

# The rule that reports a file CPython's check rejects (`rules.general.parse_error`).
PARSE_ERROR = "CCL001"
# The patterns `Prefilter.pattern` names.
PATTERNS: Mapping[str, re.Pattern[bytes]] = {"coroutine": COROUTINE}


def needs_engine(source: bytes, settings: Settings, indexed: bool) -> bool:
    """False only when the engine would report nothing in `source`: no selected rule passes
    its prefilter, and CPython accepts the file (when CCL001 is selected, or a rule following
    imported calls needs its tree). `indexed`: the run has a project index."""
    prefilters = _selected(settings)
    if prefilters is None or len(source) > settings.max_file_size:
        return True
    others = [prefilter for code, prefilter in prefilters.items() if code != PARSE_ERROR]
    if any(_passes(prefilter, source) for prefilter in others):
        return True
    follows = indexed and any(prefilter.follows_imported_calls for prefilter in others)
    if PARSE_ERROR not in prefilters and not follows:
        return False
    try:
        tree, error = cpython_precheck(source)
    except (SourceError, MemoryError):
        return True
    return error is not None or tree is None or (follows and _imports(tree))


def _selected(settings: Settings) -> dict[str, Prefilter] | None:
    """The prefilters of the rules the engine would run on any file with `settings`; None
    when they depend on the file's path (per-file ignores) or a rule is missing from the table."""
    if settings.per_file_ignores:
        return None
    codes = [info.code for info in select_catalog(settings.select, settings.ignore)]
    if any(code not in RULE_PREFILTERS for code in codes):
        return None
    chosen = {code: RULE_PREFILTERS[code] for code in codes}
    if settings.free_threaded:
        chosen = {code: prefilter for code, prefilter in chosen.items() if not prefilter.requires_gil}
    return chosen


def _passes(prefilter: Prefilter, source: bytes) -> bool:
    """`engine.lint._may_apply` on the table's facts."""
    if not prefilter.tokens:
        return True
    pattern = PATTERNS[prefilter.pattern] if prefilter.pattern is not None else None
    return holds(prefilter.tokens, pattern, source)


def _imports(tree: ast.Module) -> bool:
    """Whether the module imports anything: without an import it calls no imported function,
    so a rule following imported calls (CCL302) cannot apply. (With one, the engine asks the
    project index, which needs the engine.)"""
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree))
