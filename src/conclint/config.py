"""Settings: `[tool.conclint]` in pyproject.toml becomes one frozen, hashable value shared by every file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """What to check and how; built by `config.load_settings`, passed unchanged to the engine.

    `select`/`ignore` hold rule selectors (a code such as ``CCL101``, a prefix such as
    ``CCL1``, a rule name such as ``blocking-sleep-in-async``, or ``ALL``).
    `extend_blocking_calls` pairs a qualified name with a category name
    (see `conclint.knowledge.blocking.Category`).
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_blocking_calls: tuple[tuple[str, str], ...] = ()
    target_version: str = "3.10"
    free_threaded: bool = False


DEFAULT_SETTINGS = Settings()
