"""Small projects written into a temporary directory for tests that lint across modules."""

from __future__ import annotations

import textwrap
from pathlib import Path


def app_package(root: Path, modules: dict[str, str]) -> Path:
    """A project at `root` (its `pyproject.toml` marks the root) with a package `app` holding
    `modules`, each a file name and its source (dedented); the package's directory."""
    (root / "pyproject.toml").write_text("")
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in modules.items():
        (package / name).write_text(textwrap.dedent(source))
    return package
