"""The flake8 plugin: flake8's lines of one file -> the engine -> flake8's result tuples.

Registered as `CCL` in the `flake8.extension` entry-point group, so `flake8 --select CCL`
(or `extend-select = CCL`) reports what `conclint FILE` reports, on the same lines and
columns (flake8's columns are 0-based; conclint's 1-based). flake8 treats a plugin whose
constructor takes `tree` as an AST plugin; the tree itself is not used, the engine parses
the joined lines with libcst.

Files flake8 cannot parse: flake8 reports `E999` itself and never calls AST plugins, so
conclint's CCL001 does not appear for them. A file Python parses but libcst cannot
(or that is nested too deeply to analyse) gets CCL001, exactly as on the command line.
An engine failure, which the command reports on stderr (exit code 2), has no such channel
in flake8 and raising would end the whole flake8 run: it becomes a CCL001 "internal error"
finding on line 1.

Each file is linted as the command line lints it, on the runner's deep-stack thread under
its raised recursion limit, so that long expressions get the same findings in both.

Options (command line, or the `[flake8]` section of setup.cfg, tox.ini or .flake8):

- `--conclint-free-threaded` / `conclint-free-threaded = true`: assume a free-threaded
  build; the rules about the GIL are off.
- `--conclint-extend-blocking-calls` / `conclint-extend-blocking-calls =`: more blocking
  callables, comma- or newline-separated, each `qualified.name` (category `other`, CCL110)
  or `qualified.name=category`.
- `--conclint-offload-decorators` / `conclint-offload-decorators =`: decorators that run the
  function they decorate on a thread (as `offload-decorators` in `[tool.conclint]`).
"""

from __future__ import annotations

import argparse
import ast
from typing import Any, ClassVar, Iterator, Sequence

from conclint import __version__
from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.project.configuration import ConfigError, load_settings
from conclint.engine import lint_source
from conclint.core.model import Diagnostic, Span
from conclint.rules.general.parse_error import ParseError
from conclint.project.deep_stack import run_with_deep_stack

Result = tuple[int, int, str, type]
_FILE_START = Span(1, 1, 1, 2)


class Plugin:
    """One instance per file; flake8 calls `run()` and prints what it yields."""

    name = "conclint"
    version = __version__

    settings: ClassVar[Settings] = DEFAULT_SETTINGS

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            "--conclint-free-threaded",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="conclint: assume a free-threaded (no-GIL) Python build; the rules about the GIL are off.",
        )
        option_manager.add_option(
            "--conclint-extend-blocking-calls",
            default="",
            parse_from_config=True,
            comma_separated_list=True,
            metavar="NAMES",
            help=(
                "conclint: more blocking callables, comma-separated, each `qualified.name` or "
                "`qualified.name=category` (categories as in [tool.conclint] extend-blocking-calls)."
            ),
        )

        option_manager.add_option(
            "--conclint-offload-decorators",
            default="",
            parse_from_config=True,
            comma_separated_list=True,
            metavar="NAMES",
            help=(
                "conclint: decorators, comma-separated qualified names, that run the function they "
                "decorate on a thread or elsewhere (as [tool.conclint] offload-decorators)."
            ),
        )

    @classmethod
    def parse_options(cls, option_manager: Any, options: argparse.Namespace, args: Sequence[str]) -> None:
        try:
            cls.settings = settings_from_options(
                free_threaded=bool(options.conclint_free_threaded),
                extend_blocking_calls=options.conclint_extend_blocking_calls,
                offload_decorators=getattr(options, "conclint_offload_decorators", ""),
            )
        except ConfigError as error:
            option_manager.parser.error(str(error))

    def run(self) -> Iterator[Result]:
        for diagnostic in self._diagnostics():
            yield (diagnostic.line, diagnostic.column - 1, f"{diagnostic.code} {diagnostic.message}", type(self))

    def _diagnostics(self) -> list[Diagnostic]:
        """The engine's findings, linted as the command line lints: on the runner's
        deep-stack thread under its raised recursion limit. In flake8's own thread, libcst's
        recursive code generation runs out of recursion on a long `+` chain or implicit
        string concatenation (a thousand operands) and the file would get CCL001 where the
        command reports its findings."""
        source = "".join(self.lines)
        found: list[Diagnostic] = []
        try:
            run_with_deep_stack(lambda: found.extend(lint_source(source, self.filename, self.settings)))
            return found
        except Exception as error:  # noqa: BLE001 - raising would end the whole flake8 run
            detail = " ".join(str(error).split())
            reason = f"internal error: {type(error).__name__}" + (f": {detail}" if detail else "")
            return [ParseError.diagnostic(self.filename, _FILE_START, reason)]


def settings_from_options(
    free_threaded: bool, extend_blocking_calls: Sequence[str] | str, offload_decorators: Sequence[str] | str = ""
) -> Settings:
    """Settings from the flake8 options, validated as `[tool.conclint]` values are."""
    calls: dict[str, str] = {}
    for entry in _comma_separated(extend_blocking_calls):
        if entry:
            name, _, category = entry.partition("=")
            calls[name.strip()] = category.strip() or "other"
    try:
        decorators = _comma_separated(offload_decorators)
        return load_settings(
            None, free_threaded=free_threaded, extend_blocking_calls=calls, offload_decorators=decorators or None
        )
    except ConfigError as error:
        raise ConfigError(str(error).replace("command line: --", "--conclint-", 1)) from None


def _comma_separated(value: Sequence[str] | str) -> list[str]:
    """flake8 gives a comma-separated option as a list, or as a string when defaulted."""
    entries = [value] if isinstance(value, str) else list(value)
    return [part.strip() for raw in entries for part in raw.split(",") if part.strip()]
