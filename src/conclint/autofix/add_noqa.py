"""`--add-noqa`: silence every finding of a run with a `# noqa: CODE` comment on its line.

The way to adopt conclint on a codebase with many findings at once: the comments mark what
was there before, and every new finding still fails the run. Each comment goes where the
engine's suppression reads it (`engine.lint._suppressed`): at the end of the finding's own
line, or, when a comment cannot go there (the line ends inside a string that continues on the
next line, or with a backslash), at the end of the first line of the statement holding it.
A finding neither line can carry is left alone and counted.

A line that already has a `# noqa: X` (or `# conclint: ignore[X]`) gets the new codes added
to that list; every line is edited once, with all its codes; a second run finds nothing left
to silence and changes nothing. Files are read and written by `autofix.writing` (encoding,
BOM and newlines kept; only under the project root and the paths given), and one whose new
text would not compile is not written. CCL001 and CCL002 findings are skipped: no comment
silences a file that cannot be analysed, and a stale comment is to be removed, not covered.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from conclint.autofix.run import writable_roots
from conclint.autofix.writing import OverwroteEdit, WriteRefused, read_source_file, write_fixed
from conclint.core.model import Diagnostic
from conclint.engine.suppression import listed_codes_end, silencing_codes
from conclint.fixes.compiling import python_compile_error

# Codes no comment is added for: CCL001 is about the file itself, which no comment silences;
# CCL002 reports a stale comment, which is to be removed, not covered by another one.
UNSILENCEABLE = frozenset({"CCL001", "CCL002"})


@dataclass
class NoqaFile:
    """What adding comments to one file did: lines changed, findings no line could carry,
    or why the file was left as it was."""

    path: str
    lines: int = 0
    skipped: int = 0
    error: str | None = None


@dataclass
class NoqaRun:
    files: list[NoqaFile] = field(default_factory=list)

    @property
    def changed_lines(self) -> int:
        return sum(file.lines for file in self.files if file.error is None)

    @property
    def changed_files(self) -> int:
        return sum(1 for file in self.files if file.error is None and file.lines)

    @property
    def skipped(self) -> int:
        return sum(file.skipped for file in self.files)

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(file.path, file.error) for file in self.files if file.error is not None]

    def summary(self) -> str:
        """One line for the user: lines changed, in how many files, and what was skipped."""
        lines, files = self.changed_lines, self.changed_files
        text = f"Added a noqa comment to {lines} line{'s' if lines != 1 else ''} in {files} file{'s' if files != 1 else ''}."
        if self.skipped:
            text += f" {self.skipped} finding{'s' if self.skipped != 1 else ''} had no line that can carry a comment."
        return text


@dataclass(frozen=True)
class NoqaText:
    """The text with the comments added, how many lines changed, how many findings were skipped."""

    text: str
    lines: int
    skipped: int


def add_noqa(
    diagnostics: Iterable[Diagnostic], root: str | os.PathLike[str] | None, paths: Iterable[str | os.PathLike[str]] = ()
) -> NoqaRun:
    """Add comments for `diagnostics` to their files, writing only under `root` and `paths`."""
    allowed = writable_roots(paths, Path(root) if root is not None else Path.cwd())
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        if diagnostic.code not in UNSILENCEABLE:
            by_path[diagnostic.path].append(diagnostic)
    return NoqaRun([add_noqa_to_file(path, found, allowed) for path, found in by_path.items()])


def add_noqa_to_file(path: str, diagnostics: Sequence[Diagnostic], allowed: list[str] | None = None) -> NoqaFile:
    """Add the comments for `diagnostics` (all of `path`) and write the file back."""
    try:
        source = read_source_file(path)
    except (OSError, UnicodeError, SyntaxError, LookupError) as error:
        return NoqaFile(path, error=f"no comment added: cannot read it: {error}")
    outcome = noqa_text(source.text, [(d.line, d.code) for d in diagnostics])
    if outcome.text == source.text:
        return NoqaFile(path, skipped=outcome.skipped)
    broken = python_compile_error(outcome.text, path)
    if broken is not None:
        return NoqaFile(path, skipped=outcome.skipped, error=f"no comment added: the result would not compile ({broken})")
    try:
        write_fixed(source, outcome.text, allowed)
    except WriteRefused as error:
        return NoqaFile(path, error=f"no comment added: {error}")
    except OverwroteEdit as error:
        return NoqaFile(path, outcome.lines, outcome.skipped, error=f"comments added, but {error}")
    return NoqaFile(path, outcome.lines, outcome.skipped)


def noqa_text(text: str, findings: Iterable[tuple[int, str]]) -> NoqaText:
    """`text` with a comment silencing each (line, code) of `findings`."""
    layout = _Layout(text)
    wanted: dict[int, set[str]] = defaultdict(set)
    skipped = 0
    for line, code in findings:
        target = layout.target(line)
        if target is None:
            skipped += 1
        else:
            wanted[target].add(code)
    lines = _lines_with_breaks(text)
    changed = 0
    for number in sorted(wanted):
        body, end = _split_break(lines[number - 1])
        new = _with_codes(body, layout.comments.get(number), sorted(wanted[number]))
        if new != body:
            lines[number - 1] = new + end
            changed += 1
    return NoqaText("".join(lines), changed, skipped)


class _Layout:
    """Which lines can end with a comment, the comment each has, and where statements start."""

    def __init__(self, text: str) -> None:
        self.open_ends: set[int] = set()
        self.comments: dict[int, tuple[int, str]] = {}
        try:
            for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
                if token.type in (tokenize.NEWLINE, tokenize.NL):
                    self.open_ends.add(token.start[0])
                elif token.type == tokenize.COMMENT:
                    self.comments[token.start[0]] = (token.start[1], token.string)
        except (tokenize.TokenError, SyntaxError):
            self.open_ends.clear()  # not Python: no line is known to take a comment
        self._statements = _statement_ranges(text)

    def target(self, line: int) -> int | None:
        """The line whose comment silences a finding on `line`: that line, else the first
        line of its statement; None when neither can end with a comment."""
        if line in self.open_ends:
            return line
        start = self.statement_start(line)
        return start if start is not None and start in self.open_ends else None

    def statement_start(self, line: int) -> int | None:
        """The first line of the innermost statement holding `line` (for a compound
        statement, only its header counts, as for the engine's statements)."""
        best = None
        for first, last in self._statements:
            if first <= line <= last and (best is None or first > best):
                best = first
        return best


# The statements whose first line the engine reads suppression comments on (the statements
# `FileFacts` remembers: simple statements, if, while, for and with).
_COMPOUND = (ast.If, ast.While, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)
_OTHER_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Try) + (
    (ast.Match,) if hasattr(ast, "Match") else ()
) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


def _statement_ranges(text: str) -> list[tuple[int, int]]:
    """(first line, last line) of every statement that counts for suppression."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    ranges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, _OTHER_COMPOUND):
            last = node.end_lineno or node.lineno
            if isinstance(node, _COMPOUND) and node.body:
                last = max(node.lineno, node.body[0].lineno - 1)  # the header only
            ranges.append((node.lineno, last))
    return ranges


def _with_codes(body: str, comment: tuple[int, str] | None, codes: list[str]) -> str:
    """Line `body` (no line break) with `codes` silenced: added to the codes its comment
    lists, or as a new `# noqa:` comment at its end. Codes it silences already are not added."""
    if comment is not None:
        column, text = comment
        missing = [code for code in codes if silencing_codes(text, code) is None]
        if not missing:
            return body
        end = listed_codes_end(text)
        if end is not None:
            at = column + end
            return body[:at] + "".join(f", {code}" for code in missing) + body[at:]
        codes = missing
    return f"{body.rstrip()}  # noqa: {', '.join(codes)}"


def _lines_with_breaks(text: str) -> list[str]:
    """The physical lines of `text`, each with its own line break (CRLF, CR or LF) kept."""
    return io.StringIO(text, newline="").readlines()


def _split_break(line: str) -> tuple[str, str]:
    """A line and its line break, apart."""
    body = line.rstrip("\r\n")
    return body, line[len(body) :]
