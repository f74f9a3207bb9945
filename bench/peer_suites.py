"""Recall on the peers' own suites: conclint on flake8-async's ASYNC2xx eval files and ruff's
ASYNC2xx fixtures, every miss grouped by its cause.

Usage: python bench/peer_suites.py [--reference REF_PYTHON] [--work DIR] [--json FILE]
                                   [--ruff-source DIR]

The peers' files are fetched at run time from PyPI through pip and never copied into this
repository:

- flake8-async (pinned) with `pip download --no-deps --no-binary :all:`; its
  `tests/eval_files/async2*.py` mark each expected finding with an `ASYNC2xx:` (or `error:`)
  comment on the line, and a `# ARG --enable=CODES` header narrows the codes a file is checked
  for (the default is the code in the file's name). The suite is measured twice: the files as
  published, and copies with the imports their code implies added at the top (flake8-async
  matches names textually, so many files call `trio.`, `os.`, `subprocess.` ... without
  importing them), the expected lines shifted by the lines added. ASYNC200 checks calls
  configured with `--async200-blocking-calls`; its patterns become conclint's
  `extend-blocking-calls` (in a `pyproject.toml` beside the copies) where they name a
  definition of the file (`configured_calls`).
- ruff (pinned) with the same `pip download`, run with `--no-build-isolation` and a stand-in
  `maturin` build backend on PYTHONPATH. pip prepares an sdist's metadata before saving it;
  ruff's backend, maturin, would run `cargo metadata`, which needs crates.io (and with
  `--no-binary :all:` maturin itself must be compiled with cargo). The stand-in only copies
  the sdist's own PKG-INFO into the metadata directory, which is all `pip download` needs.
  The fixtures are `crates/ruff_linter/resources/test/fixtures/flake8_async/ASYNC2*.py`; the
  expected lines are the diagnostics of those files in
  `crates/ruff_linter/src/rules/flake8_async/snapshots/*.snap` (both output formats are
  read: `FILE:LINE:COL: CODE` and a `CODE` header over `--> FILE:LINE:COL`). The `exclude`
  of ruff's `[tool.maturin]` configuration leaves both directories out of its sdists (so in
  each release checked: 0.0.280, 0.1.0, 0.4.10 and 0.17.6), so the suite needs a checkout of
  ruff's repository, given with --ruff-source; without one it is reported as not measured,
  with the reason, after the pinned sdist was looked into. A partial checkout will do (only
  those two directories, with their relative paths). Each diagnostic's line is checked
  against the source line the snapshot quotes for it: a snapshot of another version of its
  fixture (a checkout that mixes versions) quotes other lines, and those of its diagnostics
  are left out of the expected lines and listed apart.

conclint runs as `python -m conclint DIR --no-cache --format json --exit-zero` with this
interpreter and, with --reference, with a reference install's interpreter too. Per suite the
script prints the expected lines, the ones found, recall, then every miss grouped by cause
(CAUSES below: patterns matched against the missed line's source, first match wins; no match
is "unclassified"). Lines where conclint differs from the peer on purpose (DELIBERATE) are
listed apart and left out of a second figure, "recall excluding deliberate differences".
Findings on lines the peer does not expect are printed last, grouped by what a reading of
them found (EXTRAS); those under "not reviewed" may be false findings. --json writes the
figures and the classified lines, with paths relative to each suite's directory and the
lines of the peer's own files (not of the copies with imports added).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Peer:
    """A peer's pinned sdist; `backend` names a build backend to stand in for, if any."""

    name: str
    version: str
    backend: str | None = None


FLAKE8_ASYNC = Peer("flake8-async", "26.8.1")
RUFF = Peer("ruff", "0.17.6", backend="maturin")

RUFF_FIXTURES = "crates/ruff_linter/resources/test/fixtures/flake8_async"
RUFF_SNAPSHOTS = "crates/ruff_linter/src/rules/flake8_async/snapshots"

# The stand-in build backend: pip asks it for the metadata of the downloaded sdist, and the
# sdist's PKG-INFO is that metadata.
STAND_IN_BACKEND = '''"""Stand-in build backend for `pip download`: metadata from the sdist's PKG-INFO."""
import email
import os
import shutil


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    with open("PKG-INFO", encoding="utf-8") as handle:
        metadata = email.message_from_file(handle)
    name = "{}-{}.dist-info".format(metadata["Name"], metadata["Version"])
    os.makedirs(os.path.join(metadata_directory, name))
    shutil.copy("PKG-INFO", os.path.join(metadata_directory, name, "METADATA"))
    return name
'''

# Third-party modules the eval files use by name; the standard library's come from
# sys.stdlib_module_names.
THIRD_PARTY_MODULES = frozenset(
    {"aiofiles", "anyio", "asyncpg", "httpx", "httpx2", "psycopg", "psycopg2", "pymysql", "redis", "requests", "trio", "urllib3"}
)

# A flake8-async expectation: the code (or `error`, the file's own code), an optional
# `_variant` suffix, then a colon, inside a comment.
EVAL_MARK = re.compile(r"\b(ASYNC\d{3}|error)(?:_\w+)?:")
EVAL_ENABLE = re.compile(r"#\s*ARG\s+--enable=([\w,]+)")
# ASYNC200's configuration: `pattern -> replacement` pairs, comma-separated.
EVAL_BLOCKING_CALLS = re.compile(r"#\s*ARG\s+--async200-blocking-calls=(.*)$", re.MULTILINE)
# ruff snapshots: `FILE:LINE:COL: CODE message` (older releases) or a `CODE message` header
# followed by `--> FILE:LINE:COL` (newer ones).
SNAP_CONCISE = re.compile(r"^(?P<file>[\w.-]+\.py):(?P<line>\d+):\d+: (?P<code>[A-Z]+\d+)\b")
SNAP_HEADER = re.compile(r"^(?P<code>[A-Z]+\d+)\b")
SNAP_ARROW = re.compile(r"^\s*-->\s*(?P<file>[\w.-]+\.py):(?P<line>\d+):\d+")
# The source a snapshot quotes under a diagnostic: `LINE | text` (`LINE |` for an empty line).
SNAP_SOURCE = re.compile(r"^\s*(?P<line>\d+) \|(?: (?P<text>.*))?$")


@dataclass(frozen=True)
class Cause:
    """Why conclint leaves a line alone: `line` is searched in the line's source (the peer's
    comment included), `scope` in its function's text from the `def` down to the line."""

    label: str
    line: str
    scope: str = ""

    def matches(self, source: str, scope: str) -> bool:
        return re.search(self.line, source) is not None and re.search(self.scope, scope, re.MULTILINE) is not None


NEVER_IMPORTED = (
    "name never imported or bound in the file (the peer matches the text; conclint resolves names through imports)"
)

REBOUND_LATER = (
    "module-level name bound again further down the module (`glob_client: int = 4` below the coroutine): "
    "the coroutine runs after the import and finds the last value (the peer reads the binding above it)"
)

# Lines conclint leaves alone on purpose, matched before CAUSES; a line whose call reaches a
# name the file never binds (NEVER_IMPORTED) or a module-level name bound again below its
# function (REBOUND_LATER), both computed, not rows, comes after these rows.
DELIBERATE: tuple[Cause, ...] = (
    Cause(
        "sync call whose value the `await` receives through `:=`, a conditional, `or` or `and`: awaited (the peer "
        "lists these as its known false alarms)",
        r"^await \(.*(:=|\bif\b|\bor\b|\band\b)",
    ),
    Cause(
        "peer configuration: an --async200-blocking-calls pattern that names no definition of the file "
        "(a name the file never binds, a wildcard over the text)",
        r"#\s*ASYNC200:",
    ),
    Cause(
        "normpath only computes a string; os.path's private helpers (`_path_normpath`, `_joinrealpath`) are not "
        "catalogued (the peer flags any name of os.path)",
        r"\b(normpath|_path_normpath|_joinrealpath)\(",
    ),
    Cause("sync call that is awaited: `await os.path.isfile()` fails at run time whatever blocks", r"^await\s+os(\.path)?\.\w+\("),
    Cause("os.fdopen opens nothing (wraps a descriptor already open); the file's methods are reported", r"\bos\.fdopen\("),
    Cause(
        "method of an arbitrary name on a file or pool (the peer flags every call; conclint the catalogued methods)",
        r"\.(anything|aoeu\w*)\(",
    ),
    Cause(
        "the peer's own known false finding: the name was rebound to something else first ('Known unhandled cases')",
        r"^f\.read\(\)",
        r"^\s*f = (arbitrary_function\(\)|\d+)\s*$",
    ),
)

# Misses: each row a capability that would close them.
CAUSES: tuple[Cause, ...] = (
    Cause("catalog hole: httpx2 (the continuation of httpx), module functions", r"^httpx2\.\w+\("),
    Cause("catalog hole: httpx2.Client methods", r"^client\.\w+\(", r"httpx2\.Client\b"),
    Cause("types: tuple unpacking (`(a, b) = (Path(...), Path(...))`)", r"^\w+\.\w+\(", r"^\s*\(?\w+\s*,\s*\w+\)?\s*=[^=]"),
    Cause(
        "types: annotated assignment without a value (`x: T = ...`), also re-annotating a name",
        r"^\w+\.\w+\(",
        r"^\s*\w+: [\w.]+ = \.\.\.\s*$",
    ),
)

# Findings on lines the peer does not expect, with what a reading of them found; a finding
# matching no row is "not reviewed" and may be a false finding.
EXTRAS: tuple[Cause, ...] = (
    Cause("open() handed to trio.wrap_file: the peer exempts it; opening the file still blocks", r"wrap_file\(open\("),
    Cause("open() in a coroutine: ASYNC230, a code this file is not checked for", r"\bopen\("),
    Cause(
        "os.path.abspath reads the working directory for a relative path (ruff's ASYNC240 expects it; flake8-async's list leaves it out)",
        r"\bos\.path\.abspath\(",
    ),
    Cause("marked `# ASYNC2xx` in the peer's file, yet not expected (its snapshot lacks it)", r"#\s*ASYNC2\d\d\b"),
    Cause(
        "urllib3 PoolManager.request blocks whatever the method string (the peer needs a verb literal)",
        r"^foo\.request\(",
        r"PoolManager\(\)",
    ),
    Cause("the peer's own 'should error' case (attributes and return types it does not track)", r"# should error|return_textiowrapper\(\)"),
    Cause("the peer's own 'not handled' case (`None | TextIOWrapper | None`)", r"^f\.read\(\)$", r"None \| TextIOWrapper \| None"),
    Cause("the peer's own 'not handled' case (an element of a `list[TextIOWrapper]` parameter)", r"# not handled", r"list\[TextIOWrapper\]"),
    Cause("httpx Client imported by name (the peer: 'not implemented')", r"^client\.send\(\)$", r"client: Client = Client\(\)"),
    Cause(
        "coroutine never awaited (CCL401): `asyncio.sleep(1)` alone in a coroutine does nothing; the file is "
        "checked for a blocking sleep only",
        r"^asyncio\.sleep\(\d+\)(\s*#.*)?$",
        r"^async def",
    ),
)


@dataclass
class Suite:
    """Files to lint and the lines a peer expects findings on."""

    name: str
    directory: Path
    expected: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    # The line in the peer's own file, when the copy has lines added.
    origin: dict[tuple[str, int], int] = field(default_factory=dict)
    unavailable: str | None = None
    # Peer expectations left out because their snapshot does not match the fixture.
    left_out: list[str] = field(default_factory=list)

    def source_line(self, path: str, line: int) -> str:
        lines = (self.directory / path).read_text(encoding="utf-8").splitlines()
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def scope_text(self, path: str, line: int) -> str:
        """The innermost function around the line, from its `def` down to the line."""
        text = (self.directory / path).read_text(encoding="utf-8")
        function = enclosing_function(ast.parse(text), line)
        start = function.lineno if function else 1
        return "\n".join(text.splitlines()[start - 1 : line])

    def never_imported(self, path: str, line: int) -> bool:
        """Whether the call on the line reaches a name the file never binds."""
        return bool(unbound_reached(ast.parse((self.directory / path).read_text(encoding="utf-8")), line))

    def rebound_later(self, path: str, line: int) -> bool:
        """Whether the line reads a module-level name the module binds again below its function."""
        return bool(rebound_below(ast.parse((self.directory / path).read_text(encoding="utf-8")), line))


def fetch(peer: Peer, work: Path) -> Path:
    """The peer's sdist, downloaded and unpacked under `work` once; its top directory."""
    unpacked = work / "src" / f"{peer.name}-{peer.version}"
    if unpacked.exists():
        return next(unpacked.iterdir())
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
    environment = dict(os.environ)
    if peer.backend:
        shim = work / "backend"
        (shim / peer.backend).mkdir(parents=True, exist_ok=True)
        (shim / peer.backend / "__init__.py").write_text(STAND_IN_BACKEND, encoding="utf-8")
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim), environment.get("PYTHONPATH")]))
        command.append("--no-build-isolation")
    subprocess.run([*command, "-d", str(sdists), f"{peer.name}=={peer.version}"], check=True, env=environment)
    archive = sdists / f"{peer.name.replace('-', '_')}-{peer.version}.tar.gz"  # the sdist naming rule
    with tarfile.open(archive) as tarred:
        tarred.extractall(unpacked, filter="data")
    return next(unpacked.iterdir())


def comments(text: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every comment; tokens, so a `#` inside a string is not one."""
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def eval_expectations(path: Path) -> dict[int, set[str]]:
    """The lines of a flake8-async eval file marked with an enabled ASYNC2xx code."""
    text = path.read_text(encoding="utf-8")
    enabled = {path.stem.split("_")[0].upper()}
    for match in EVAL_ENABLE.finditer(text):
        enabled = set(match.group(1).split(","))
    lines = text.splitlines()
    expected: dict[int, set[str]] = {}
    for number, comment in comments(text):
        if lines[number - 1].lstrip().startswith("#"):
            continue  # a comment alone on its line marks nothing
        codes = {path.stem.split("_")[0].upper() if code == "error" else code for code in EVAL_MARK.findall(comment)}
        codes = {code for code in codes if code in enabled and code.startswith("ASYNC2")}
        if codes:
            expected[number] = codes
    return expected


def configured_calls(path: Path, text: str) -> list[str]:
    """conclint's `extend-blocking-calls` for an eval file's `--async200-blocking-calls`.

    flake8-async matches each pattern against how a call is spelled; conclint takes the
    qualified name of what is called. A pattern that spells a function or class the file
    defines at module level (`bar`) names that definition, `MODULE.bar` where the file is
    module MODULE: what a user moving the option over would write. A pattern with a
    wildcard, or naming what the file never binds (`bee.bonnet`), names no definition and is
    left out; its lines stay deliberate differences."""
    defined = {
        node.name
        for node in ast.parse(text).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    calls = []
    for match in EVAL_BLOCKING_CALLS.finditer(text):
        for pair in match.group(1).split(","):
            pattern = pair.partition("->")[0].strip()
            if pattern in defined:
                calls.append(f"{path.stem}.{pattern}")
    return calls


def module_names() -> frozenset[str]:
    """Names an unbound dotted root must have for an import to be implied."""
    return frozenset(sys.stdlib_module_names) | THIRD_PARTY_MODULES


def bound_names(tree: ast.Module) -> set[str]:
    """Every name the module binds anywhere: assignments, parameters, definitions, imports."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
    return bound


def enclosing_function(tree: ast.Module, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function whose body spans the line."""
    around = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    return max(around, key=lambda node: node.lineno, default=None)


def loaded_names(nodes: Iterable[ast.AST | None]) -> set[str]:
    """The names read anywhere in the nodes (absent ones skipped)."""
    return {
        name.id
        for node in nodes
        if node is not None
        for name in ast.walk(node)
        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)
    }


def target_names(node: ast.Assign) -> set[str]:
    """The plain names an assignment binds, tuple targets included."""
    return {name.id for target in node.targets for name in ast.walk(target) if isinstance(name, ast.Name)}


def unbound_reached(tree: ast.Module, line: int) -> set[str]:
    """Names the file never binds (nor builtins) that the line reaches: on the line itself, or
    in what a name used on the line was assigned or annotated with earlier in its function or
    at module level. Those lines only match textually."""
    function = enclosing_function(tree, line)
    on_line = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.lineno == line}
    reached = set(on_line)
    sources: list[ast.AST] = [*(function.args.args + function.args.kwonlyargs + function.args.posonlyargs if function else []), *tree.body]
    if function:
        sources.extend(node for node in ast.walk(function) if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno < line)
    for node in sources:
        if isinstance(node, ast.arg) and node.arg in on_line:
            reached |= loaded_names([node.annotation])
        elif isinstance(node, ast.Assign) and target_names(node) & on_line:
            reached |= loaded_names([node.value])
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in on_line:
            reached |= loaded_names([node.annotation, node.value])
    return reached - bound_names(tree) - set(dir(builtins))


def module_bindings(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, name) of each plain name a module-level assignment binds (`x: T` alone binds none)."""
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        else:
            continue
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    yield statement.lineno, name.id


def rebound_below(tree: ast.Module, line: int) -> set[str]:
    """Module-level names the line reads, not bound in its function, that the module assigns
    both above the function and below it: the function runs after the import, when the name
    holds what the assignment below gave it."""
    function = enclosing_function(tree, line)
    if function is None:
        return set()
    arguments = function.args
    local = {arg.arg for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    local |= {node.id for node in ast.walk(function) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    read = {node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.lineno == line}
    bindings = list(module_bindings(tree))
    above = {name for at, name in bindings if at < function.lineno}
    below = {name for at, name in bindings if at > (function.end_lineno or function.lineno)}
    return (read & above & below) - local


def dotted(node: ast.Attribute) -> str | None:
    """`a.b.c` for an attribute chain on a plain name, else None."""
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return ".".join([current.id, *reversed(parts)])


def importable_prefix(name: str) -> str:
    """The longest prefix of a dotted name that is a standard-library module (`os.path` of
    `os.path.exists`), so the import added binds what the code reaches for; the root alone
    for third-party names, which need not be installed."""
    parts = name.split(".")
    if parts[0] not in sys.stdlib_module_names:
        return parts[0]
    for end in range(len(parts), 1, -1):
        candidate = ".".join(parts[:end])
        try:
            if importlib.util.find_spec(candidate) is not None:
                return candidate
        except (ImportError, ValueError):
            continue
    return parts[0]


def implied_imports(text: str) -> list[str]:
    """`import X` lines for the modules the code uses by dotted name without binding them."""
    tree = ast.parse(text)
    bound = bound_names(tree)
    known = module_names()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            name = dotted(node)
            if name and name.split(".")[0] in known and name.split(".")[0] not in bound:
                modules.add(importable_prefix(name))
    # A chain is walked at every depth (`os.path` inside `os.path.exists`): keep the longest.
    longest = {module for module in modules if not any(other.startswith(module + ".") for other in modules)}
    return [f"import {module}" for module in sorted(longest)]


def insertion_line(tree: ast.Module) -> int:
    """Where imports may go: after a module docstring and `from __future__` imports."""
    line = 0
    for index, statement in enumerate(tree.body):
        docstring = index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if not (docstring or future):
            break
        line = statement.end_lineno or line
    return line


def flake8_async_suites(root: Path, work: Path) -> list[Suite]:
    """The eval files as published, and copies with their implied imports added."""
    plain = Suite(f"{FLAKE8_ASYNC.name} {FLAKE8_ASYNC.version} eval files, as published", work / "flake8-async-plain")
    added = Suite(f"{FLAKE8_ASYNC.name} {FLAKE8_ASYNC.version} eval files, implied imports added", work / "flake8-async-imports")
    for directory in (plain.directory, added.directory):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    configured: list[str] = []
    for path in sorted((root / "tests" / "eval_files").glob("async2*.py")):
        text = path.read_text(encoding="utf-8")
        expected = eval_expectations(path)
        configured.extend(configured_calls(path, text))
        (plain.directory / path.name).write_text(text, encoding="utf-8")
        lines = text.splitlines(keepends=True)
        at = insertion_line(ast.parse(text))
        imports = implied_imports(text)
        (added.directory / path.name).write_text("".join([*lines[:at], *(f"{line}\n" for line in imports), *lines[at:]]), encoding="utf-8")
        for number, codes in expected.items():
            plain.expected[(path.name, number)] = codes
            moved = number + len(imports) if number > at else number
            added.expected[(path.name, moved)] = codes
            added.origin[(path.name, moved)] = number
    configuration = "[tool.conclint]\nextend-blocking-calls = [" + ", ".join(json.dumps(name) for name in configured) + "]\n"
    for directory in (plain.directory, added.directory):
        (directory / "pyproject.toml").write_text(configuration, encoding="utf-8")
    return [plain, added]


@dataclass
class SnapshotDiagnostic:
    """One diagnostic of a ruff snapshot; `quoted` is the source the snapshot shows for its
    line (None when it shows none), to check the snapshot against the fixture at hand."""

    file: str
    line: int
    code: str
    quoted: str | None = None


def snapshot_diagnostics(text: str) -> list[SnapshotDiagnostic]:
    """Every diagnostic in a ruff snapshot, in either output format, with the source it quotes."""
    code = ""
    found: list[SnapshotDiagnostic] = []
    current: SnapshotDiagnostic | None = None
    for line in text.splitlines():
        if concise := SNAP_CONCISE.match(line):
            current = SnapshotDiagnostic(concise["file"], int(concise["line"]), concise["code"])
            found.append(current)
        elif (arrow := SNAP_ARROW.match(line)) and code:
            current = SnapshotDiagnostic(arrow["file"], int(arrow["line"]), code)
            found.append(current)
        elif header := SNAP_HEADER.match(line):
            code, current = header["code"], None
        elif current and (quoted := SNAP_SOURCE.match(line)) and int(quoted["line"]) == current.line:
            current.quoted = quoted["text"] or ""
    return found


def disagrees(diagnostic: SnapshotDiagnostic, fixture: Path) -> bool:
    """Whether the snapshot quotes another source for the line than the fixture has there:
    the snapshot belongs to another version of the fixture."""
    if diagnostic.quoted is None:
        return False
    lines = fixture.read_text(encoding="utf-8").splitlines()
    actual = lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else None
    return actual is None or actual.rstrip() != diagnostic.quoted.rstrip()


def ruff_suite(root: Path, work: Path, origin: str) -> Suite:
    """ruff's ASYNC2xx fixtures with the lines its snapshots report."""
    suite = Suite(f"{RUFF.name} ASYNC2xx fixtures ({origin})", work / "ruff")
    fixtures = sorted((root / RUFF_FIXTURES).glob("ASYNC2*.py"))
    if not fixtures:
        suite.unavailable = (
            f"no {RUFF_FIXTURES}/ASYNC2*.py in {origin}: ruff's sdists leave its test fixtures and "
            "snapshots out; pass --ruff-source with a checkout of its repository"
        )
        return suite
    shutil.rmtree(suite.directory, ignore_errors=True)
    suite.directory.mkdir(parents=True)
    by_name = {path.name: path for path in fixtures}
    for path in fixtures:
        shutil.copy(path, suite.directory / path.name)
    for snapshot in sorted((root / RUFF_SNAPSHOTS).glob("*.snap")):
        for diagnostic in snapshot_diagnostics(snapshot.read_text(encoding="utf-8")):
            fixture = by_name.get(diagnostic.file)
            if fixture is None or not diagnostic.code.startswith("ASYNC2"):
                continue
            if disagrees(diagnostic, fixture):
                suite.left_out.append(f"{snapshot.name}: {diagnostic.file}:{diagnostic.line} {diagnostic.code}")
            else:
                suite.expected.setdefault((diagnostic.file, diagnostic.line), set()).add(diagnostic.code)
    return suite


def findings(python: str, directory: Path) -> dict[tuple[str, int], set[str]]:
    """conclint's codes per (file, line) over a directory."""
    run = subprocess.run(
        [python, "-m", "conclint", ".", "--no-cache", "--format", "json", "--exit-zero"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[tuple[str, int], set[str]] = {}
    for item in json.loads(run.stdout):
        found.setdefault((item["path"], item["line"]), set()).add(item["code"])
    return found


def classify(source: str, scope: str, table: Iterable[Cause]) -> str | None:
    """The label of the first row that matches, if any."""
    return next((cause.label for cause in table if cause.matches(source, scope)), None)


def score(suite: Suite, found: dict[tuple[str, int], set[str]]) -> dict[str, object]:
    """Figures and classified lines of one run over a suite."""
    hits = [key for key in suite.expected if key in found]
    deliberate: dict[str, list[dict[str, object]]] = {}
    misses: dict[str, list[dict[str, object]]] = {}
    for key in sorted(set(suite.expected) - set(found)):
        source, scope = suite.source_line(*key), suite.scope_text(*key)
        entry = {"file": key[0], "line": suite.origin.get(key, key[1]), "peer": sorted(suite.expected[key]), "source": source}
        label = (
            classify(source, scope, DELIBERATE)
            or (NEVER_IMPORTED if suite.never_imported(*key) else None)
            or (REBOUND_LATER if suite.rebound_later(*key) else None)
        )
        if label:
            deliberate.setdefault(label, []).append(entry)
        else:
            misses.setdefault(classify(source, scope, CAUSES) or "unclassified", []).append(entry)
    extra: dict[str, list[dict[str, object]]] = {}
    for key in sorted(set(found) - set(suite.expected)):
        source = suite.source_line(*key)
        entry = {"file": key[0], "line": suite.origin.get(key, key[1]), "conclint": sorted(found[key]), "source": source}
        extra.setdefault(classify(source, suite.scope_text(*key), EXTRAS) or "not reviewed", []).append(entry)
    counted = len(suite.expected) - sum(map(len, deliberate.values()))
    return {
        "expected": len(suite.expected),
        "found": len(hits),
        "recall": round(len(hits) / len(suite.expected), 3) if suite.expected else None,
        "deliberate": sum(map(len, deliberate.values())),
        "recall_excluding_deliberate": round(len(hits) / counted, 3) if counted else None,
        "misses": dict(sorted(misses.items(), key=lambda item: (-len(item[1]), item[0]))),
        "deliberate_differences": dict(sorted(deliberate.items(), key=lambda item: (-len(item[1]), item[0]))),
        "extra_findings": dict(sorted(extra.items(), key=lambda item: (-len(item[1]), item[0]))),
        **({"snapshot_lines_left_out": suite.left_out} if suite.left_out else {}),
    }


def show_lines(entries: list[dict[str, object]], codes: str) -> None:
    for entry in entries:
        print(f"      {entry['file']}:{entry['line']} [{','.join(entry[codes])}] {entry['source']}")  # type: ignore[arg-type]


def report(suite: Suite, result: dict[str, object]) -> None:
    print(f"\n== {suite.name}")
    print(
        f"   expected lines {result['expected']}, found {result['found']}, recall {result['recall']};"
        f" deliberate differences {result['deliberate']}, recall excluding them {result['recall_excluding_deliberate']}"
    )
    if suite.left_out:
        print(f"   left out, their snapshot quoting other source than the fixture's line: {len(suite.left_out)}")
        for place in suite.left_out:
            print(f"      {place}")
    for title, key, codes in (("misses", "misses", "peer"), ("deliberate differences", "deliberate_differences", "peer")):
        groups: dict[str, list[dict[str, object]]] = result[key]  # type: ignore[assignment]
        print(f"   {title} by cause:")
        for label, entries in groups.items():
            print(f"    {len(entries):3}  {label}")
            show_lines(entries, codes)
    extra: dict[str, list[dict[str, object]]] = result["extra_findings"]  # type: ignore[assignment]
    print(f"   findings on lines the peer does not expect ('not reviewed' ones may be false): {sum(map(len, extra.values()))}")
    for label, entries in extra.items():
        print(f"    {len(entries):3}  {label}")
        show_lines(entries, "conclint")


def compare(suite: Suite, mine: dict[tuple[str, int], set[str]], theirs: dict[tuple[str, int], set[str]]) -> dict[str, object]:
    """The reference install's figures, and the expected lines one finds and the other not."""
    def place(key: tuple[str, int]) -> str:
        return f"{key[0]}:{suite.origin.get(key, key[1])}"

    expected = set(suite.expected)
    return {
        "found": len(expected & set(theirs)),
        "lost": [place(key) for key in sorted((expected & set(theirs)) - set(mine))],
        "gained": [place(key) for key in sorted((expected & set(mine)) - set(theirs))],
        "new_extra": [place(key) for key in sorted(set(mine) - set(theirs) - expected)],
    }


def checkout() -> str | None:
    """The commit this checkout is at, for the record (other changes may be uncommitted)."""
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True)
    return run.stdout.strip() or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", help="a reference install's python, measured on the same files")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "conclint-peer-suites")
    parser.add_argument("--json", type=Path, help="write the figures and the classified lines here")
    parser.add_argument("--ruff-source", type=Path, help="a checkout of ruff's repository (its sdists lack the fixtures)")
    options = parser.parse_args()
    work = options.work.resolve()
    suites = flake8_async_suites(fetch(FLAKE8_ASYNC, work), work)
    if options.ruff_source:
        suites.append(ruff_suite(options.ruff_source.resolve(), work, "checkout given by --ruff-source"))
    else:
        suites.append(ruff_suite(fetch(RUFF, work), work, f"{RUFF.version} sdist"))
    record: dict[str, object] = {
        "peers": {peer.name: peer.version for peer in (FLAKE8_ASYNC, RUFF)},
        "checkout": checkout(),
        "suites": {},
    }
    for suite in suites:
        if suite.unavailable:
            print(f"\n== {suite.name}\n   not measured: {suite.unavailable}")
            record["suites"][suite.name] = {"unavailable": suite.unavailable}  # type: ignore[index]
            continue
        mine = findings(sys.executable, suite.directory)
        result = score(suite, mine)
        report(suite, result)
        if options.reference:
            result["reference"] = compare(suite, mine, findings(options.reference, suite.directory))
            print(f"   reference: {json.dumps(result['reference'])}")
        record["suites"][suite.name] = result  # type: ignore[index]
    if options.json:
        options.json.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
