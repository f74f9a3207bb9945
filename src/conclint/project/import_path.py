"""Keep the working directory off the import path of `python -m conclint`.

`-m` puts the working directory first on `sys.path`, and conclint is usually run from inside
the checkout it lints: its later imports (typing, click, libcst) would come from the linted
tree, and so would those of spawned workers, which start from the parent's import path. This
module imports only what the interpreter has loaded before any user code, so that calling it
first is itself safe.
"""

from __future__ import annotations

import os


def strip_working_directory(path: list[str]) -> None:
    """Remove the working directory (as `""` or as a path to it) from `path`, in place.

    conclint itself is already imported when this runs, and its own modules are found through
    the package, not through this entry.
    """
    try:
        here: str | None = os.path.realpath(os.getcwd())
    except OSError:  # a working directory that is gone cannot be imported from either
        here = None
    path[:] = [entry for entry in path if entry != "" and (here is None or _real(entry) != here)]


def _real(entry: str) -> str | None:
    try:
        return os.path.realpath(entry)
    except (OSError, ValueError):
        return None
