"""`--diff`: the fixes as one unified diff on standard output, a count on standard error."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from conclint.autofix.run import FixRun


def write_diffs(run: FixRun, out: TextIO, err: TextIO) -> None:
    """Each changed file's diff, in path order, then `Would fix N problems in M files.`"""
    changed = run.changed
    for file in changed:
        out.write(file.diff)
    out.flush()
    if changed:
        problems, files = run.fixed_count, len(changed)
        err.write(f"Would fix {problems} problem{'' if problems == 1 else 's'} in {files} file{'' if files == 1 else 's'}.\n")
    else:
        err.write("No fixes to apply.\n")
