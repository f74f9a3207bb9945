"""The `conclint` command: parse options, load settings, run, hand the result to a reporter.

No analysis and no formatting happen here. Exit codes: 0 no findings, 1 findings, 2 a usage
or configuration error or a path that could not be checked, 128 + N when stopped by signal N
(130 Ctrl-C, 143 SIGTERM, 129 SIGHUP; see `interruption`).
"""

from __future__ import annotations

import contextlib
from collections import Counter
import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TextIO

import click

from conclint import __version__
from conclint.project.configuration import ConfigError, Configurations, run_root
from conclint.project.cache import DEFAULT_DIRECTORY_NAME, Cache, CacheDirectoryError
from conclint.project.interruption import exits_on_signals
from conclint.reporters import REPORTERS, STATISTICS_FORMATS, ReportOptions, write_errors
from conclint.reporters.fixes import write_diffs
from conclint.project.baseline import BaselineError, BaselineKey, read_baseline, without_baselined, write_baseline
from conclint.project.runner import EngineUnavailable, IndexOptions, RunResult, check, default_jobs

if TYPE_CHECKING:
    from conclint.core.model import Diagnostic
    from conclint.rules.base import Rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Runs on fewer files finish before a progress bar would tell anyone anything.
PROGRESS_MIN_FILES = 50


class FatalError(click.ClickException):
    """A usage or configuration error: one line on stderr, exit code 2."""

    exit_code = EXIT_ERROR


def _codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """`--select A,B --select C` -> ("A", "B", "C"); None when the option was not given."""
    codes = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    return codes or None


def exit_code(result: RunResult, exit_zero: bool) -> int:
    if result.errors:
        return EXIT_ERROR
    if result.diagnostics and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


class _WithSubcommands(click.Command):
    """`conclint PATH...` lints; `conclint rules ...` (a first argument naming a subcommand)
    runs that subcommand instead. Not a click group: a group would need `conclint check PATH`
    or treat every first path as a command name. A file or directory named like a subcommand is
    linted as `./rules` or after `--` (`conclint -- rules`); `rules.py` is a path."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        command = SUBCOMMANDS.get(args[0]) if args else None
        if command is not None:
            with command.make_context(f"{ctx.info_name} {args[0]}", args[1:]) as sub:
                command.invoke(sub)
            ctx.exit(EXIT_CLEAN)
        return super().parse_args(ctx, args)


@click.command(
    cls=_WithSubcommands,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Subcommands: `conclint rules [SELECTORS] [--format text|json|markdown]` lists the rules; "
    "`conclint server [--tcp HOST:PORT]` runs the language server.",
)
@click.argument("paths", nargs=-1)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Rules to check: codes, prefixes or names, comma-separated. Replaces the configured `select`.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Rules not to check, comma-separated. Added to the configured `ignore`.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted([*REPORTERS, "markdown"])),
    default="text",
    show_default=True,
    help="Output format: text, json, sarif (SARIF 2.1.0) or github (GitHub Actions annotations); "
    "with --explain, text or markdown.",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file (UTF-8) instead of standard output.",
)
@click.option(
    "--show-source",
    is_flag=True,
    help="Show the offending source lines and the suggested fix under each finding (text format).",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text output. Default: only on a terminal, and never when NO_COLOR is set.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors still exit 2).")
@click.option("--statistics", is_flag=True, help="Show the number of findings per rule instead of the findings.")
@click.option(
    "--explain",
    metavar="RULE",
    help="Print the documentation of a rule (code or name) and exit; a prefix (CCL10) lists the rules it matches.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the findings, no summary line.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The pyproject.toml to use for every file (default: for each file, the nearest one with [tool.conclint] above it).",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip what git ignores (.gitignore, .git/info/exclude) when walking directories (the default); "
    "overrides `respect-gitignore` in the configuration.",
)
@click.option(
    "--free-threaded/--no-free-threaded",
    default=None,
    help="Assume a free-threaded (no-GIL) Python build; overrides `free-threaded` in the configuration.",
)
@click.option(
    "--max-file-size",
    metavar="SIZE",
    default=None,
    help="Skip, reporting CCL001, files larger than this: bytes, or with a unit (4MB). "
    "Overrides `max-file-size` in the configuration (default 1MB).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes to lint with, at most the number of cores (the default). Runs on few files stay in one process.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Where to keep results between runs. Default: {DEFAULT_DIRECTORY_NAME}/ in the project root.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write cached results.")
@click.option(
    "--per-file",
    is_flag=True,
    help="Follow calls only into functions of the same file (as the flake8 plugin does), "
    "not into the other modules of the project.",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes; report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Count unsafe fixes as fixes too (applied with --fix, shown with --diff).")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff instead of applying them.")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Silence every finding with a `# noqa: CODE` comment on its line (kept with existing codes) and exit.",
)
@click.option(
    "--write-baseline",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the findings to FILE as a baseline (matched by path, code and function, not lines) and exit.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    default=None,
    help="Lint standard input (the path `-`) as if it were the file at PATH, in PATH's project: "
    "its configuration, per-file ignores and helper modules.",
)
@click.option(
    "--baseline",
    "baseline_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only the findings that the baseline FILE (from --write-baseline) does not record.",
)
@click.version_option(__version__, "--version", prog_name="conclint", message="%(prog)s %(version)s")
@click.pass_context
@exits_on_signals
def main(
    ctx: click.Context,
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output_file: Path | None,
    show_source: bool,
    color: bool | None,
    exit_zero: bool,
    statistics: bool,
    explain: str | None,
    quiet: bool,
    config_path: Path | None,
    respect_gitignore: bool | None,
    free_threaded: bool | None,
    max_file_size: str | None,
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    per_file: bool,
    fix: bool,
    unsafe_fixes: bool,
    show_diff: bool,
    add_noqa: bool,
    write_baseline: Path | None,
    stdin_filename: str | None,
    baseline_path: Path | None,
) -> None:
    """Find concurrency misuse in the Python files under PATHS (default: the current directory)."""
    _tolerate_unencodable_output()
    if explain is not None:
        _explain(explain, output_format)
        return
    if output_format == "markdown":
        raise FatalError("--format markdown works with --explain only")
    if select and _codes(select) is None:
        raise FatalError("--select needs a rule code, prefix or name (ALL for every rule), not an empty value")
    if statistics and output_format not in STATISTICS_FORMATS:
        formats = " or ".join(sorted(STATISTICS_FORMATS))
        raise FatalError(f"--statistics works with --format {formats}, not {output_format}")
    try:
        cwd = Path.cwd()
    except OSError as error:
        raise FatalError(f"the working directory is not accessible: {error.strerror}") from None
    try:
        configurations = Configurations(
            cwd,
            config_path,
            select=_codes(select),
            ignore=_codes(ignore),
            free_threaded=free_threaded,
            max_file_size=max_file_size,
            respect_gitignore=respect_gitignore,
        )
        root = run_root(configurations, paths or (".",))
        settings = configurations.for_directory(cwd).settings
    except ConfigError as error:
        raise FatalError(str(error)) from None
    try:  # a cache directory that is not conclint's (a symlink a repository ships): refuse, never write
        cache = None if no_cache else Cache(cache_dir or root / DEFAULT_DIRECTORY_NAME, root)
    except CacheDirectoryError as error:
        raise FatalError(str(error)) from None
    project = None if per_file else IndexOptions(str(cache.directory) if cache is not None else None)
    known = _read_baseline(baseline_path)
    if (add_noqa or write_baseline is not None) and (fix or show_diff):
        raise FatalError("--add-noqa and --write-baseline cannot be combined with --fix or --diff")
    from_stdin = _reads_stdin(paths, stdin_filename)
    if from_stdin and (fix or show_diff or add_noqa or write_baseline is not None):
        raise FatalError("standard input cannot be fixed, silenced or baselined: give the file's path instead")
    try:
        if from_stdin:
            result = _check_stdin(configurations, root, stdin_filename, None if per_file else project)
        else:
            result = check(
                paths or (".",),
                settings,
                root,
                progress=_progress_bar,
                jobs=jobs or default_jobs(),
                cache=cache,
                project=project,
                configurations=configurations,
            )
    except EngineUnavailable as error:
        raise FatalError(f"conclint cannot load its engine ({error}): reinstall conclint and libcst") from None
    except ConfigError as error:  # a nested configuration, met while walking
        raise FatalError(str(error)) from None
    if write_baseline is not None or add_noqa:
        ctx.exit(_adopt(result, root, paths or (".",), known, write_baseline, add_noqa))
    fixed: int | None = None
    if fix or show_diff:
        from conclint.autofix.apply import FixMode
        from conclint.autofix.run import fix_files

        fix_mode = FixMode(unsafe=unsafe_fixes)
        fixes = fix_files(result, configurations, root, fix_mode, write=not show_diff, project=project, paths=paths or (".",))
        if show_diff:
            write_diffs(fixes, sys.stdout, sys.stderr)
            write_errors(sorted([*result.errors, *fixes.errors]), sys.stderr)
            failed = result.errors or fixes.errors
            ctx.exit(EXIT_ERROR if failed else EXIT_FINDINGS if fixes.changed else EXIT_CLEAN)
        fixed = fixes.fixed_count
        if fixes.changed:  # the findings left, linted anew with the same options
            result = check(
                paths or (".",),
                settings,
                root,
                jobs=jobs or default_jobs(),
                cache=cache,
                project=project,
                configurations=configurations,
            )
        result.errors = sorted([*result.errors, *fixes.errors])
    baselined = 0
    if known is not None:
        result.diagnostics, baselined = without_baselined(result.diagnostics, known, root)
    result.diagnostics, unsafe_fixable = _usable_fixes_only(result.diagnostics, unsafe_fixes)
    options = ReportOptions(
        fixed=fixed,
        unsafe_fixable=unsafe_fixable,
        statistics=statistics,
        quiet=quiet,
        show_source=show_source,
        color=_color(color, to_file=output_file is not None),
    )
    if output_file is not None:
        _report_to_file(output_file, lambda stream: REPORTERS[output_format](result, stream, options))
    else:
        try:
            REPORTERS[output_format](result, sys.stdout, options)
            sys.stdout.flush()
        except BrokenPipeError:
            _detach_stdout()
    if baselined and not quiet:
        click.echo(f"{baselined} finding{'s' if baselined != 1 else ''} recorded in the baseline not shown.", err=True)
    write_errors(result.errors, sys.stderr)
    ctx.exit(exit_code(result, exit_zero))


def _reads_stdin(paths: tuple[str, ...], stdin_filename: str | None) -> bool:
    """Whether the run lints standard input: the path `-` (alone), or no path and
    `--stdin-filename` (as ruff reads it). `-` among other paths is a usage error."""
    if "-" in paths and len(paths) > 1:
        raise FatalError("`-` (standard input) cannot be combined with other paths")
    return paths == ("-",) or (not paths and stdin_filename is not None)


def _check_stdin(
    configurations: Configurations, root: Path, stdin_filename: str | None, project: IndexOptions | None
) -> RunResult:
    """Standard input linted as the file `stdin_filename` (its configuration, per-file ignores
    and, unless --per-file, its project's modules read from disk); without a name, as `-` in
    the working directory, with no project. Findings carry the name given, as editors expect."""
    from conclint.core.model import Diagnostic as Finding
    from conclint.project.lint_one import lint_buffer, new_project_index
    from conclint.project.runner import settings_for_file

    source = sys.stdin.buffer.read()
    path = stdin_filename or "-"
    settings = settings_for_file(os.path.abspath(path), configurations, root)
    index = new_project_index(settings, project.store) if project is not None and stdin_filename else None
    outcome = lint_buffer(source, os.path.abspath(path), settings, index)[0]
    if outcome.error is not None:
        return RunResult(errors=[(path, outcome.error)])
    shown = [_with_path(diagnostic, path) for diagnostic in outcome.diagnostics]
    return RunResult(diagnostics=sorted(shown, key=Finding.sort_key), files_checked=1)


def _with_path(diagnostic: Diagnostic, path: str) -> Diagnostic:
    """`diagnostic` under the name given for standard input, its chain links relative to
    the same directory as that name (the engine saw the absolute path)."""
    import dataclasses

    base = os.path.dirname(os.path.abspath(path))
    given = os.path.dirname(path)
    chain = tuple(
        dataclasses.replace(link, path=_relative_to(link.path, base, given)) for link in diagnostic.chain
    )
    return dataclasses.replace(diagnostic, path=path, chain=chain)


def _relative_to(link_path: str, base: str, given: str) -> str:
    """A chain link's path written as the stdin name is: relative when the name is."""
    if not os.path.isabs(link_path) or os.path.isabs(given or "."):
        return link_path
    try:
        return os.path.join(given, os.path.relpath(link_path, base)) if given else os.path.relpath(link_path, base)
    except ValueError:  # another drive (Windows)
        return link_path


def _usable_fixes_only(diagnostics: list[Diagnostic], unsafe_fixes: bool) -> tuple[list[Diagnostic], int]:
    """The findings without the fixes this run's `--fix` would not apply, so that `fixable`
    says what it would do, and how many fixes that hid. The fixing code is imported only when
    there is a finding: a clean run (most pre-commit runs) does without its 4 to 8 ms."""
    if not diagnostics:
        return diagnostics, 0
    from conclint.autofix.apply import FixMode, usable_fix_only

    mode = FixMode(unsafe=unsafe_fixes)
    usable = [usable_fix_only(diagnostic, mode) for diagnostic in diagnostics]
    return usable, sum(d.fixable and not kept.fixable for d, kept in zip(diagnostics, usable))


def _explain(selector: str, output_format: str) -> None:
    """One rule's page (plain text, or Markdown with `--format markdown`); the list of the
    rules a prefix matches when it matches several (`--explain CCL10`)."""
    from conclint.docs import render_rule_page, render_rule_text, rules_matching

    rules = rules_matching(selector) if selector.strip() else []
    if not rules:
        raise FatalError(f"unknown rule code, prefix or name: {selector!r} (`conclint rules` lists them)")
    if len(rules) > 1:
        _list_rules(rules, output_format)
        if output_format in ("text", "markdown"):
            click.echo(f"\n{len(rules)} rules match {selector!r}; `conclint --explain CODE` explains one.")
        return
    if output_format == "markdown":
        click.echo(render_rule_page(rules[0]), nl=False)
    else:
        click.echo(render_rule_text(rules[0], _text_width()), nl=False)


def _list_rules(rules: Sequence[type[Rule]], output_format: str) -> None:
    """The rules as a table (text), a JSON array, or a Markdown table."""
    from conclint.docs import rule_rows

    rows = rule_rows(rules)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    if output_format == "markdown":
        lines = ["| Code | Name | Family | Fix | Summary |", "|---|---|---|---|---|"]
        lines += [f"| {r['code']} | `{r['name']}` | {r['family']} | {'yes' if r['fix'] else ''} | {r['summary']} |" for r in rows]
        click.echo("\n".join(lines))
        return
    widths = [max(len(str(row[key])) for row in rows) for key in ("code", "name", "family")]
    header = f"{'Code':<{widths[0]}}  {'Name':<{widths[1]}}  {'Family':<{widths[2]}}  Fix"
    lines = [header] + [
        f"{row['code']:<{widths[0]}}  {row['name']:<{widths[1]}}  {row['family']:<{widths[2]}}  {'yes' if row['fix'] else '-'}"
        for row in rows
    ]
    click.echo("\n".join(lines))


@click.command(name="rules", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("selectors", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="A table, a JSON array of {code, name, family, fix, summary}, or a Markdown table.",
)
def rules_command(selectors: tuple[str, ...], output_format: str) -> None:
    """List the rules (code, name, family, whether a fix exists), or those SELECTORS match:
    codes, prefixes (CCL1) or names."""
    from conclint.docs import rules_matching
    from conclint.rules.registry import all_rules

    chosen = list(all_rules()) if not selectors else []
    for selector in selectors:
        found = rules_matching(selector) if selector.strip() else []
        if not found:
            raise FatalError(f"unknown rule code, prefix or name: {selector!r}")
        chosen += [cls for cls in found if cls not in chosen]
    _list_rules(sorted(chosen, key=lambda cls: cls.CODE), output_format)


def _text_width() -> int:
    """The terminal's width, at most 88 columns (long lines are hard to read), for `--explain`."""
    return max(40, min(88, shutil.get_terminal_size((88, 24)).columns - 1))


def _read_baseline(path: Path | None) -> Counter[BaselineKey] | None:
    """The baseline `--baseline` names, read before the run so a bad file costs no lint."""
    if path is None:
        return None
    try:
        return read_baseline(path)
    except BaselineError as error:
        raise FatalError(f"{path}: {error}") from None


def _adopt(
    result: RunResult,
    root: Path,
    paths: tuple[str, ...],
    known: Counter[BaselineKey] | None,
    baseline_file: Path | None,
    add_noqa: bool,
) -> int:
    """`--write-baseline` and `--add-noqa`: record the findings, or silence them with comments
    (those a `--baseline` does not record); say what was done. The exit code."""
    if baseline_file is not None:
        try:
            count = write_baseline(baseline_file, result.diagnostics, root)
        except OSError as error:
            raise FatalError(f"{baseline_file}: cannot write the baseline: {(error.strerror or str(error)).lower()}") from None
        click.echo(f"Wrote a baseline of {count} finding{'s' if count != 1 else ''} to {baseline_file}.")
    if add_noqa:
        from conclint.autofix.add_noqa import add_noqa as add_comments

        found = result.diagnostics if known is None else without_baselined(result.diagnostics, known, root)[0]
        done = add_comments(found, root, paths)
        click.echo(done.summary())
        result.errors = sorted([*result.errors, *done.errors])
    write_errors(result.errors, sys.stderr)
    return EXIT_ERROR if result.errors else EXIT_CLEAN

def _color(flag: bool | None, to_file: bool) -> bool | None:
    """--color/--no-color decide; otherwise NO_COLOR (any non-empty value) turns colour off, a
    file never gets it, and None lets click colour only a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or to_file:
        return False
    return None


def _report_to_file(path: Path, write: Callable[[TextIO], None]) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="\n") as stream:
            write(stream)
    except OSError as error:
        raise FatalError(f"{path}: cannot write the report: {(error.strerror or str(error)).lower()}") from None


@contextlib.contextmanager
def _progress_bar(files: Sequence[str]) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for long runs watched by a person: a terminal, not CI logs.

    It advances by the size of the files done, not their count: the pool lints the biggest
    files first, so an estimate per file started hours long and ended in seconds. Sizes come
    from `stat`, not from reading the files (the workers read them; a FIFO would block). It
    is erased when the run ends, which leaves the report alone on the screen."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false")
    if len(files) <= PROGRESS_MIN_FILES or ci or not _is_terminal(sys.stderr):
        yield lambda path: None
        return
    sizes = {path: _size(path) for path in files}
    done = [0]

    def files_done(item: object) -> str:
        return f"{done[0]}/{len(files)} files"

    def advance(path: str) -> None:
        done[0] += 1
        bar.update(sizes.get(path, 1))

    bar = click.progressbar(
        length=sum(sizes.values()), label="Checking", file=sys.stderr, show_eta=True, item_show_func=files_done
    )
    bar.__enter__()  # drawn now; never closed by click, which would leave it on the screen
    try:
        yield advance
    finally:
        sys.stderr.write("\r\x1b[2K\x1b[?25h")  # erase the line, show the cursor again
        sys.stderr.flush()


def _size(path: str) -> int:
    """The size of `path` in bytes (at least 1, so that every file moves the bar)."""
    try:
        return max(1, os.stat(path).st_size)
    except OSError:
        return 1


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _tolerate_unencodable_output() -> None:
    """Escape what the console cannot encode (odd file names, an ASCII terminal) instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _detach_stdout() -> None:
    """The reader went away (`conclint | head`): send the rest to devnull instead of a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (e.g. under a test runner); nothing left to protect


@click.command(name="server", context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--tcp",
    metavar="HOST:PORT",
    default=None,
    help="Listen for one client on this TCP address instead of talking over standard input and output.",
)
@click.option(
    "--ws",
    metavar="HOST:PORT",
    default=None,
    help="Listen for one client on this WebSocket address (needs the websockets package).",
)
def server_command(tcp: str | None, ws: str | None) -> None:
    """Run the language server (LSP): findings as you type, with the project index kept warm.
    Needs the `server` extra: pip install 'conclint[server]'."""
    from conclint.server import ServerUnavailable, serve

    if tcp is not None and ws is not None:
        raise FatalError("--tcp and --ws cannot be combined")
    if tcp is None and ws is None and _is_terminal(sys.stdin):
        # Someone typed `conclint server` meaning a directory of that name: say what waits.
        click.echo("conclint server: a language server, waiting for an editor on standard input "
                   "(Ctrl-C to stop; to lint a directory named server: conclint ./server)", err=True)
    try:
        serve(_address(tcp) if tcp is not None else None, _address(ws) if ws is not None else None)
    except ServerUnavailable as error:
        raise FatalError(str(error)) from None


def _address(value: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:PORT` for IPv6) as a host and a port number."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise FatalError(f"--tcp and --ws need HOST:PORT, not {value!r}")
    return host.strip("[]"), int(port)


# The first arguments that name a subcommand rather than a path (see _WithSubcommands).
SUBCOMMANDS: dict[str, click.Command] = {"rules": rules_command, "server": server_command}
