"""Whether fixed text compiles as Python. Free of libcst, which the command line must not
load before it knows it has a file to lint (`autofix.apply` imports this at start-up)."""

from __future__ import annotations

import warnings


def python_compile_error(text: str, path: str) -> str | None:
    """Why `text` does not compile as Python (with the line), or None when it does."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        detail = getattr(error, "msg", None) or str(error)
        line = getattr(error, "lineno", None)
        return f"{detail} at line {line}" if line else detail
    return None
