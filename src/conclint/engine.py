"""The engine: source text in, diagnostics out. No files, no printing, no click.

One libcst parse and one batched traversal per file run every selected rule. Positions are
computed only for files that have findings, because PositionProvider costs more than the parse.
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath
from typing import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from conclint.analysis.facts import FileFacts
from conclint.config import DEFAULT_SETTINGS, Settings
from conclint.model import Diagnostic, Span
from conclint.parsing import SourceError, parse_source
from conclint.registry import select_rules
from conclint.rule import Report, Rule
from conclint.rules.general.parse_error import ParseError
from conclint.suppression import is_suppressed
from conclint.traversal import visit_batched


def lint_source(
    source: str | bytes,
    path: str = "<string>",
    settings: Settings = DEFAULT_SETTINGS,
) -> list[Diagnostic]:
    """All findings of the selected rules in `source`, sorted by position.

    `source` may be bytes, in which case PEP 263 coding cookies and BOMs decide the encoding.
    A source that cannot be parsed or analysed yields one CCL001 finding instead of raising.
    """
    rules = rules_for_path(path, settings)
    if not rules:
        return []
    try:
        module = parse_source(source)
        reports = _run_rules(module, [cls for cls in rules if cls is not ParseError], settings)
    except SourceError as error:
        if ParseError not in rules:
            return []
        span = Span(error.line, error.column, error.line, error.column + 1)
        return [ParseError.diagnostic(path, span, error.message)]
    if not reports:
        return []
    return _to_diagnostics(module, source, path, reports)


def rules_for_path(path: str, settings: Settings) -> tuple[type[Rule], ...]:
    """The selected rules minus those `per-file-ignores` turns off for `path`."""
    rules = select_rules(settings.select, settings.ignore)
    ignored = _per_file_ignored(path, settings.per_file_ignores)
    if not ignored:
        return rules
    return tuple(cls for cls in rules if not any(cls.CODE.startswith(c) or cls.NAME == c for c in ignored))


def _per_file_ignored(path: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> set[str]:
    posix = path.replace("\\", "/")
    ignored: set[str] = set()
    for pattern, codes in table:
        if fnmatch.fnmatch(posix, pattern) or PurePosixPath(posix).match(pattern):
            ignored.update(codes)
    return ignored


def _run_rules(module: cst.Module, rule_classes: Sequence[type[Rule]], settings: Settings) -> list[Report]:
    facts = FileFacts(module, settings)
    rules = [cls(facts, settings) for cls in rule_classes]
    try:
        visit_batched(module, [facts, *rules])
    except RecursionError:
        raise SourceError("the file is too deeply nested to analyse") from None
    return [report for rule in rules for report in rule.reports]


def _to_diagnostics(
    module: cst.Module, source: str | bytes, path: str, reports: list[Report]
) -> list[Diagnostic]:
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        raise SourceError("the file is too deeply nested to analyse") from None
    lines = _source_lines(module, source)
    diagnostics = []
    for report in reports:
        where = positions[report.node]
        span = Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
        if _suppressed(lines, report, span, positions):
            continue
        diagnostics.append(
            Diagnostic(
                path=path,
                span=span,
                code=report.code,
                name=report.name,
                message=report.message,
                suggestion=report.suggestion,
            )
        )
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def _source_lines(module: cst.Module, source: str | bytes) -> list[str]:
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return text.splitlines()


def _suppressed(lines: list[str], report: Report, span: Span, positions: object) -> bool:
    candidates = {span.line}
    if report.statement is not None:
        candidates.add(positions[report.statement].start.line)  # type: ignore[index]
    return any(0 < n <= len(lines) and is_suppressed(lines[n - 1], report.code) for n in candidates)


