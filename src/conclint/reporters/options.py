"""How a run is written: the options every reporter receives (a module of its own, so that the
reporters and the table in `conclint.reporters` that names them do not import each other)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReportOptions:
    """How to write a run.

    `statistics` replaces the findings by counts per code; `quiet` drops everything but the
    findings (no summary line); `show_source` adds a code frame and the suggestion under each
    finding (text format). `color`: True or False forces colour on or off, None colours only
    a terminal. `source_root` is the directory SARIF locations are relative to (default: the
    working directory, where the reported paths are relative to as well). `fixed`: with
    `--fix`, how many findings the fixes removed (the result holds the ones left).
    `unsafe_fixable`: how many findings have a fix this run's mode does not count (unsafe
    fixes without `--unsafe-fixes`), for the summary to say they exist.
    """

    statistics: bool = False
    quiet: bool = False
    show_source: bool = False
    color: bool | None = None
    source_root: Path | None = None
    fixed: int | None = None
    unsafe_fixable: int = 0
