"""The engine: source text in, diagnostics out. No files, no printing, no click.

One libcst parse and one batched traversal per file run every selected rule. Positions are
computed only for files that have findings, because PositionProvider costs more than the parse.
A file holding none of the REQUIRED_TOKENS of any selected rule is not parsed by libcst at all;
CPython's parser still checks it, so a syntax error there is still CCL001. A file larger
than `max-file-size` is not parsed at all (CCL001 too): parsing and analysis cost hundreds
of bytes of memory per byte of source (see `config.DEFAULT_MAX_FILE_SIZE`).
"""

from __future__ import annotations

import ast
import os
import fnmatch
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from conclint.analysis.facts import FileFacts
from conclint.analysis.imported_calls import imported_calls_at_import_time
from conclint.analysis.process_summary_collector import ProcessSummaryCollector
from conclint.analysis.project_index import ProjectView
from conclint.analysis.summaries import ModuleSummary
from conclint.analysis.summary_collector import SummaryCollector
from conclint.knowledge.blocking import Category
from conclint.knowledge.processes import START_TOKENS
from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.fixes.lines import LineTable, source_lines
from conclint.fixes.plan import build_fixes
from conclint.fixes.validation import FixCheck
from conclint.syntax import prefilter
from conclint.core.model import ChainLink, Diagnostic, Span
from conclint.syntax.parsing import SourceError, check_source, parse_source
from conclint.syntax.positions import node_positions, offsets_within
from conclint.syntax.statement_positions import StatementPositions
from conclint.rules.registry import category_codes, select_rules
from conclint.rules.base import Chain, LineOf, Report, Rule, Text
from conclint.rules.general.parse_error import ParseError
from conclint.rules.general.unused_noqa import UnusedNoqa
from conclint.engine.enclosing import EnclosingNames
from conclint.engine.suppression import is_suppressed, silencing_codes, suppresses_any
from conclint.engine.unused_noqa import unused_codes
from conclint.syntax.traversal import CachedVisitorMethods, visit_batched


def lint_source(
    source: str | bytes,
    path: str = "<string>",
    settings: Settings = DEFAULT_SETTINGS,
    project: ProjectView | None = None,
) -> list[Diagnostic]:
    """All findings of the selected rules in `source`, sorted by position.

    `source` may be bytes, in which case PEP 263 coding cookies and BOMs decide the encoding.
    A source that cannot be parsed or analysed yields one CCL001 finding instead of raising:
    so does one larger than `settings.max_file_size`, which is not parsed at all, and one
    that runs out of memory (MemoryError) while it is checked, so that the other files of
    the run are still checked and reported. KeyboardInterrupt is not caught.
    With `project` (the file's view of the project index), rules follow calls into the
    functions of other modules of the project; without it, into those of this module only.
    """
    rules = rules_for_path(path, settings)
    if not rules:
        return []
    size = _size_above(source, settings.max_file_size)
    if size is not None:
        return [ParseError.too_large(path, size, settings.max_file_size)] if ParseError in rules else []
    try:
        return _lint_parsed(source, path, settings, project, rules)
    except SourceError as error:
        if ParseError not in rules:
            return []
        span = Span(error.line, error.column, error.line, error.column + 1)
        return [ParseError.diagnostic(path, span, error.message)]
    except MemoryError:
        # Reported once this block is left: the traceback holds the frames of the partial
        # tree, whose memory comes back only when the exception is cleared.
        pass
    return [ParseError.diagnostic(path, Span(1, 1, 1, 2), OUT_OF_MEMORY)] if ParseError in rules else []


# The CCL001 reason for a file whose checking raised MemoryError.
OUT_OF_MEMORY = "ran out of memory while checking this file"


def _lint_parsed(
    source: str | bytes, path: str, settings: Settings, project: ProjectView | None, rules: Sequence[type[Rule]]
) -> list[Diagnostic]:
    """`lint_source` once the file's size is known to be within bounds; raises SourceError."""
    applicable = [cls for cls in rules if cls is not ParseError and _may_apply(cls, source)]
    # Rules that follow imported calls through the project index may apply to a file without
    # their tokens: CPython's tree tells whether it calls an imported function at import time.
    followers = [cls for cls in rules if cls.FOLLOWS_IMPORTED_CALLS and cls not in applicable] if project else []
    checked = False
    if followers or not applicable:
        # Prefiltered: libcst runs only if some rule can report here; CCL001 always does.
        checked = bool(followers) or ParseError in rules
        tree = check_source(source) if checked else None
        if followers and tree is not None and _starts_processes_through_imports(tree, project):
            applicable += followers
        if not applicable:
            return []
    module = parse_source(source, checked=checked)
    reports = _run_rules(module, applicable, settings, project, source)
    # CCL002 reports the suppression comments that silenced nothing, even with no finding.
    unused_check = (rules, project is not None) if UnusedNoqa in applicable else None
    if not reports and unused_check is None:
        return []
    return _to_diagnostics(module, source, path, reports, unused_check)


def _size_above(source: str | bytes, limit: int) -> int | None:
    """The size of `source` in bytes (UTF-8 for text) when it is above `limit`, else None.
    Text is encoded only when its length alone cannot tell (a character takes 1 to 4 bytes)."""
    if isinstance(source, bytes):
        return len(source) if len(source) > limit else None
    if len(source) * _MAX_UTF8_BYTES <= limit:
        return None
    size = len(source.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


# The most bytes UTF-8 takes for one character.
_MAX_UTF8_BYTES = 4


def _starts_processes_through_imports(tree: ast.Module, project: ProjectView) -> bool:
    """Whether the module calls at import time an imported function of the project that
    starts processes, or returns a DataLoader with worker processes (which the module may
    then iterate), as the project index tells without parsing this file with libcst."""
    names = imported_calls_at_import_time(tree, project.location.anchor, project.is_project_module)
    # Only a function of a module that names a process start is followed: a file naming
    # no process API is not parsed for a start two modules away (the price of the prefilter).
    return any(
        project.names_process_starts(name) and (project.starts_processes(name) or project.returns_worker_loader(name))
        for name in sorted(names)
    )


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
    """Whether `source` holds one of the rule's REQUIRED_TOKENS (a rule without any: always)
    and, if the rule has one, a match of its REQUIRED_PATTERN."""
    tokens = cls.REQUIRED_TOKENS
    return not tokens or prefilter.holds(tokens, cls.REQUIRED_PATTERN, source)


def _per_file_ignored(path: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> set[str]:
    posix = path.replace("\\", "/")
    ignored: set[str] = set()
    for pattern, codes in table:
        if fnmatch.fnmatch(posix, pattern) or PurePosixPath(posix).match(pattern):
            ignored.update(codes)
    return ignored


def _run_rules(
    module: cst.Module,
    rule_classes: Sequence[type[Rule]],
    settings: Settings,
    project: ProjectView | None = None,
    source: str | bytes = b"",
) -> list[Report]:
    facts = FileFacts(module, settings, project.location.anchor if project is not None else "", source, project)
    facts.helper_categories = frozenset(
        rule.CATEGORY.value for rule in rule_classes if isinstance(getattr(rule, "CATEGORY", None), Category)
    )
    analyses: list[cst.BatchableCSTVisitor] = [facts]
    # The project index may need this module's summary too: made here, it costs no parse
    # (unless suppression comments may mark its blocking calls, which needs their lines).
    if any(cls.USES_SUMMARIES for cls in rule_classes) or (project is not None and project.summary_wanted):
        facts.summaries = SummaryCollector(facts)
        analyses.append(facts.summaries)
        if project is not None and not _may_suppress(source):
            processes = _process_collector(facts, source)
            analyses += [processes] if processes is not None else []
            analyses.append(_Learner(project, facts.summaries, processes, module))
    rules = [cls(facts, settings) for cls in rule_classes]
    try:
        visit_batched(module, [*analyses, *rules])
    except RecursionError:
        raise SourceError("the file is too deeply nested to analyse") from None
    return [report for rule in rules for report in rule.reports]


class _Learner(CachedVisitorMethods, cst.BatchableCSTVisitor):
    """Teaches the project index this module's summary as soon as it is complete: after the
    collectors' `leave_Module`, before the rules' (visitors leave in the order given). A rule
    following a chain back into the module being linted (an absolute name of one of its own
    functions, a helper of another module calling back) then finds the summary instead of
    having the index parse the module a second time (measured: distributed's 329 KB
    scheduler.py parsed twice in every 2-worker run).

    When the lint took a type from another module, the summary it teaches is made again from
    the same tree without the index: the index's summaries depend on their own module's text
    only, so that a chain's findings do not depend on which file a run linted first (nor a
    stored summary on files changed since)."""

    def __init__(self, project: ProjectView, collector: SummaryCollector, processes: ProcessSummaryCollector | None, module: cst.Module) -> None:
        super().__init__()
        self.project, self.collector, self.processes, self.module = project, collector, processes, module

    def leave_Module(self, original_node: cst.Module) -> None:
        facts = self.collector.facts
        if facts.typed_by_project:
            # The summary the index would make from the text alone, from the tree at hand.
            summary = _summarize_module(self.module, facts.source_bytes, facts.settings, facts.module_name, located=False)
        else:
            summary = _with_process_starts(_unlocated_summary(self.collector, self.module, facts.source_bytes), self.processes)
        self.project.learn(summary)



def _to_diagnostics(
    module: cst.Module,
    source: str | bytes,
    path: str,
    reports: list[Report],
    unused_check: tuple[Sequence[type[Rule]], bool] | None = None,
) -> list[Diagnostic]:
    """The diagnostics of the reports no comment suppresses; with `unused_check` (the rules
    selected for the file, and whether the project index was used), also CCL002's findings."""
    text = _source_text(module, source)
    positions = StatementPositions(module, text, lambda: _positions(module))
    for report in reports:
        positions.expect(report.node, report.statement)
        positions.expect(report.statement, report.statement)  # type: ignore[arg-type]
    lines = source_lines(text)

    def line_of(node: cst.CSTNode) -> int:
        return positions[node].start.line

    kept: list[tuple[Report, Span]] = []
    used: set[tuple[int, str]] = set()  # (line, listed code) of the comments that silenced a report
    for report in reports:
        where = positions[report.node]
        span = Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
        if not _suppressed(lines, report, span, positions, used):
            kept.append((report, span))
    # Fixes are planned for the kept findings together: some share one fix (see FromStatement).
    fixes = build_fixes(module, positions, text, [report.fix for report, _ in kept])
    if any(fixes):
        check = FixCheck(text, LineTable(text), positions)
        fixes = [fix if fix is not None and check.applies(fix, report.node) else None for fix, (report, _) in zip(fixes, kept)]
    enclosing = EnclosingNames(module, positions) if unused_check is not None else None

    def function_of(report: Report, span: Span) -> str:
        name = positions.enclosing_name(report.node)
        if name is not None:
            return name
        return (enclosing or EnclosingNames(module, positions)).name_at(span.line, span.column - 1)

    diagnostics = [
        Diagnostic(
            path=path,
            span=span,
            code=report.code,
            name=report.name,
            message=_text(report.message, line_of),
            suggestion=_text(report.suggestion, line_of),
            fix=fix,
            function=function_of(report, span),
            chain=_chain(report.chain, line_of, path),
        )
        for (report, span), fix in zip(kept, fixes)
    ]
    if unused_check is not None and enclosing is not None:
        diagnostics += _unused_noqa(text, lines, path, used, unused_check, enclosing)
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def _unused_noqa(
    text: str,
    lines: list[str],
    path: str,
    used: set[tuple[int, str]],
    unused_check: tuple[Sequence[type[Rule]], bool],
    enclosing: EnclosingNames,
) -> list[Diagnostic]:
    """CCL002's findings, minus those a comment for CCL002 silences."""
    selected, with_project = unused_check
    return [
        Diagnostic(
            path=path,
            span=Span(item.line, item.column, item.line, item.end_column),
            code=UnusedNoqa.CODE,
            name=UnusedNoqa.NAME,
            message=item.message(),
            suggestion="Remove the codes it names from the comment, or the comment when it lists no other code.",
            function=enclosing.name_at(item.line, item.column - 1),
        )
        for item in unused_codes(text, used, selected, enclosing.in_coroutine, with_project)
        if not is_suppressed(lines[item.line - 1], UnusedNoqa.CODE)
    ]


def _text(text: Text, line_of: LineOf) -> str:
    return text if isinstance(text, str) else text(line_of)


def _chain(chain: Chain, line_of: LineOf, path: str) -> tuple[ChainLink, ...]:
    """The links with their lines, each path written as the finding's own: the reported
    file for an empty one, another module's file relative to the working directory when
    `path` is relative (absolute paths stay absolute)."""
    links = chain if isinstance(chain, tuple) else chain(line_of)
    return tuple(replace(link, path=_link_path(link.path, path)) for link in links)


def _link_path(link: str, path: str) -> str:
    if not link:
        return path
    if os.path.isabs(path) or not os.path.isabs(link):
        return link
    try:
        return os.path.relpath(link)
    except ValueError:  # another drive
        return link


def summarize_source(
    source: str | bytes, settings: Settings = DEFAULT_SETTINGS, module_name: str = "", *, located: bool = True
) -> ModuleSummary:
    """The function summaries of `source`, for a project index to cache; raises SourceError
    when the source cannot be parsed or analysed. `module_name` anchors relative imports
    (`pkg.__init__` for a package's `__init__.py`).

    With `located`, every line number is filled in, which costs positions (more than the
    parse). Without it lines are 0, except where the source may hold suppression comments:
    a blocking call under one is marked `suppressed`, which needs its line.

    A source larger than `settings.max_file_size` is not parsed: SourceError, so that the
    project index does not summarise it (its functions are then unknown, as for a module
    that does not parse), as the linting of that file reports it as CCL001.
    """
    size = _size_above(source, settings.max_file_size)
    if size is not None:
        raise SourceError(ParseError.too_large_reason(size, settings.max_file_size))
    return _summarize_module(parse_source(source), source, settings, module_name, located=located)


def _summarize_module(
    module: cst.Module, source: str | bytes, settings: Settings, module_name: str, *, located: bool
) -> ModuleSummary:
    """`summarize_source` of a module already parsed."""
    facts = FileFacts(module, settings, module_name, source)
    collector = SummaryCollector(facts)
    facts.summaries = collector
    processes = _process_collector(facts, source)
    try:
        visit_batched(module, [facts, collector, *([processes] if processes is not None else [])])
    except RecursionError:
        raise SourceError("the file is too deeply nested to analyse") from None
    if located:
        positions = _positions(module)
        line_of = lambda node: positions[node].start.line  # noqa: E731
        summary = _mark_suppressed(collector.located(line_of), collector, module, source, line_of)
    else:
        summary = _unlocated_summary(collector, module, source)
    return _with_process_starts(summary, processes)


def _unlocated_summary(collector: SummaryCollector, module: cst.Module, source: str | bytes) -> ModuleSummary:
    """`collector`'s summary without lines, with its blocking calls' offsets, and those a
    comment silences marked `suppressed`: placed from the positions of their own statements
    (see `StatementPositions`), in a source that may hold such comments."""
    summary = _blocking_offsets(collector, module)
    if not _may_suppress(source) or not any(function.blocking or function.parameter_calls for function in summary.functions.values()):
        return summary
    positions = StatementPositions(module, _source_text(module, source), lambda: _positions(module))
    return _mark_suppressed(summary, collector, module, source, lambda node: positions[node].start.line)


def _blocking_offsets(collector: SummaryCollector, module: cst.Module) -> ModuleSummary:
    """`collector`'s summary with the offsets of its blocking calls; without them (unknown,
    as for any summary) when a function nests too deeply for libcst's code generation."""
    try:
        return collector.with_blocking_offsets(lambda function, nodes: offsets_within(module, function, nodes))
    except (RecursionError, KeyError) as error:
        if not _from_recursion(error):
            raise
        return collector.summary


def _process_collector(facts: FileFacts, source: str | bytes) -> ProcessSummaryCollector | None:
    """The collector of the processes each function starts; None for a file without
    START_TOKENS, which starts none."""
    return ProcessSummaryCollector(facts) if prefilter.holds(START_TOKENS, None, source) else None


def _with_process_starts(summary: ModuleSummary, processes: ProcessSummaryCollector | None) -> ModuleSummary:
    """`summary` with the process starts each function makes (none without `processes`: a
    file without START_TOKENS starts no process)."""
    starts = {} if processes is None else {
        name: function.starts for name, function in processes.summary.functions.items() if function.starts
    }
    if not starts:
        return summary
    functions = {
        name: replace(function, process_starts=starts[name]) if name in starts else function
        for name, function in summary.functions.items()
    }
    return replace(summary, functions=functions)


def _may_suppress(source: str | bytes) -> bool:
    """Whether a comment in `source` may silence a CCL1 rule (which needs lines to tell)."""
    if isinstance(source, bytes):
        if b"noqa" not in source and b"conclint:" not in source:
            return False
        source = source.decode("utf-8", "replace")  # the comment markers are ASCII in every codec we read
    return suppresses_any(source, frozenset(category_codes().values()))


def _mark_suppressed(
    summary: ModuleSummary, collector: SummaryCollector, module: cst.Module, source: str | bytes, line_of: LineOf
) -> ModuleSummary:
    """Blocking calls whose line (`line_of` their node) holds a suppression comment for
    their rule's code."""
    codes = category_codes()
    lines = source_lines(_source_text(module, source))

    def silenced(node: cst.CSTNode, wanted: Iterable[str]) -> bool:
        line = line_of(node)
        return 0 < line <= len(lines) and any(is_suppressed(lines[line - 1], code) for code in wanted)

    functions = {}
    for name, function in summary.functions.items():
        blocking = tuple(
            evidence._replace(suppressed=True) if silenced(node, (codes.get(evidence.category, ""),)) else evidence
            for evidence, node in zip(function.blocking, collector.blocking_nodes(name))
        )
        # A method called on a parameter blocks by the rule of what a caller passes: a comment
        # for any of the rules silences it.
        parameter_calls = tuple(
            evidence._replace(suppressed=True) if silenced(node, codes.values()) else evidence
            for evidence, node in zip(function.parameter_calls, collector.parameter_call_nodes(name))
        )
        if blocking != function.blocking or parameter_calls != function.parameter_calls:
            function = replace(function, blocking=blocking, parameter_calls=parameter_calls)
        functions[name] = function
    return replace(summary, functions=functions)


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position; SourceError when the module nests too deeply for libcst's
    recursive code generation. libcst's `record_syntactic_position` turns that RecursionError
    into a KeyError on the way out (its `__exit__` looks up a position never recorded), so a
    KeyError raised while a RecursionError was being handled means the same."""
    try:
        return node_positions(module)
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


def _source_text(module: cst.Module, source: str | bytes) -> str:
    return source if isinstance(source, str) else source.decode(module.encoding, errors="replace")


def _suppressed(lines: list[str], report: Report, span: Span, positions: object, used: set[tuple[int, str]]) -> bool:
    """Whether a comment on the report's line, its statement's first line or its origin's line
    silences it; every (line, listed code) that does goes into `used` (for CCL002)."""
    candidates = {span.line}
    for node in (report.statement, report.origin):
        if node is not None:
            candidates.add(positions[node].start.line)  # type: ignore[index]
    silenced = False
    for number in candidates:
        codes = silencing_codes(lines[number - 1], report.code) if 0 < number <= len(lines) else None
        if codes is not None:
            silenced = True
            used.update((number, code) for code in codes)
    return silenced


