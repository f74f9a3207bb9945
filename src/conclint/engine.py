"""The engine: source text in, diagnostics out. No files, no printing, no click.

One libcst parse and one batched traversal per file run every selected rule. Positions are
computed only for files that have findings, because PositionProvider costs more than the parse.
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath
from typing import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from conclint.analysis.facts import FileFacts
from conclint.analysis.summaries import ModuleSummary
from conclint.analysis.summary_collector import SummaryCollector
from conclint.config import DEFAULT_SETTINGS, Settings
from conclint.model import Diagnostic, Span
from conclint.parsing import SourceError, check_source, parse_source
from conclint.registry import select_rules
from conclint.rule import LineOf, Report, Rule, Text
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
    applicable = [cls for cls in rules if cls is not ParseError and _may_apply(cls, source)]
    try:
        if not applicable:
            # Prefiltered: no rule can report here, so libcst does not run; CCL001 still does.
            if ParseError in rules:
                check_source(source)
            return []
        module = parse_source(source)
        reports = _run_rules(module, applicable, settings)
        if not reports:
            return []
        return _to_diagnostics(module, source, path, reports)
    except SourceError as error:
        if ParseError not in rules:
            return []
        span = Span(error.line, error.column, error.line, error.column + 1)
        return [ParseError.diagnostic(path, span, error.message)]


def rules_for_path(path: str, settings: Settings) -> tuple[type[Rule], ...]:
    """The selected rules minus those `per-file-ignores` turns off for `path`, and minus the
    rules about the GIL when the target is a free-threaded build."""
    rules = select_rules(settings.select, settings.ignore)
    if settings.free_threaded:
        rules = tuple(cls for cls in rules if not cls.REQUIRES_GIL)
    ignored = _per_file_ignored(path, settings.per_file_ignores)
    if not ignored:
        return rules
    return tuple(cls for cls in rules if not any(cls.CODE.startswith(c) or cls.NAME == c for c in ignored))


def _may_apply(cls: type[Rule], source: str | bytes) -> bool:
    """Whether `source` holds one of the rule's REQUIRED_TOKENS (a rule without any: always)."""
    tokens = cls.REQUIRED_TOKENS
    if not tokens:
        return True
    if isinstance(source, str):
        return any(token.decode("ascii") in source for token in tokens)
    return any(token in source for token in tokens)


def _per_file_ignored(path: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> set[str]:
    posix = path.replace("\\", "/")
    ignored: set[str] = set()
    for pattern, codes in table:
        if fnmatch.fnmatch(posix, pattern) or PurePosixPath(posix).match(pattern):
            ignored.update(codes)
    return ignored


def _run_rules(module: cst.Module, rule_classes: Sequence[type[Rule]], settings: Settings) -> list[Report]:
    facts = FileFacts(module, settings)
    analyses: list[cst.BatchableCSTVisitor] = [facts]
    if any(cls.USES_SUMMARIES for cls in rule_classes):
        facts.summaries = SummaryCollector(facts)
        analyses.append(facts.summaries)
    rules = [cls(facts, settings) for cls in rule_classes]
    try:
        visit_batched(module, [*analyses, *rules])
    except RecursionError:
        raise SourceError("the file is too deeply nested to analyse") from None
    return [report for rule in rules for report in rule.reports]


def _to_diagnostics(
    module: cst.Module, source: str | bytes, path: str, reports: list[Report]
) -> list[Diagnostic]:
    positions = _positions(module)
    lines = _source_lines(module, source)

    def line_of(node: cst.CSTNode) -> int:
        return positions[node].start.line

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
                message=_text(report.message, line_of),
                suggestion=_text(report.suggestion, line_of),
            )
        )
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def _text(text: Text, line_of: LineOf) -> str:
    return text if isinstance(text, str) else text(line_of)


def summarize_source(source: str | bytes, settings: Settings = DEFAULT_SETTINGS) -> ModuleSummary:
    """The function summaries of `source`, with line numbers: for a project index to cache.

    This computes positions (more than a parse costs), so linting never calls it; raises
    SourceError when the source cannot be parsed or analysed.
    """
    module = parse_source(source)
    facts = FileFacts(module, settings)
    collector = SummaryCollector(facts)
    facts.summaries = collector
    try:
        visit_batched(module, [facts, collector])
    except RecursionError:
        raise SourceError("the file is too deeply nested to analyse") from None
    positions = _positions(module)
    return collector.located(lambda node: positions[node].start.line)


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position; SourceError when the module nests too deeply for libcst's
    recursive code generation. libcst's `record_syntactic_position` turns that RecursionError
    into a KeyError on the way out (its `__exit__` looks up a position never recorded), so a
    KeyError raised while a RecursionError was being handled means the same."""
    try:
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except (RecursionError, KeyError) as error:
        if not _from_recursion(error):
            raise
        raise SourceError("the file is too deeply nested to analyse") from None


def _from_recursion(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, RecursionError):
            return True
        seen = seen.__context__
    return False


def _source_lines(module: cst.Module, source: str | bytes) -> list[str]:
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return text.splitlines()


def _suppressed(lines: list[str], report: Report, span: Span, positions: object) -> bool:
    candidates = {span.line}
    if report.statement is not None:
        candidates.add(positions[report.statement].start.line)  # type: ignore[index]
    return any(0 < n <= len(lines) and is_suppressed(lines[n - 1], report.code) for n in candidates)


