"""One file in, diagnostics out: prefilter, parse, one shared traversal, the rules, suppression.

`lint.py` holds the engine; its entry points are re-exported here, the names the runner, the
fix stage, the flake8 plugin and the tests use. Importing this package imports libcst.
"""

from conclint.core.settings import DEFAULT_SETTINGS
from conclint.engine.lint import OUT_OF_MEMORY, lint_source, rules_for_path, summarize_source

__all__ = ["DEFAULT_SETTINGS", "OUT_OF_MEMORY", "lint_source", "rules_for_path", "summarize_source"]
