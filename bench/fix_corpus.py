"""Apply `conclint --fix --unsafe-fixes` to copies of real code and check that nothing breaks.

Usage: python bench/fix_corpus.py [--sdist NAME==VERSION ...] [--no-defaults] [--no-stdlib]
                                  [--skip-tests] [--keep DIR] [--downloads DIR] [--json FILE]
                                  [--live-source]

Copies the running interpreter's standard library (without site-packages) and the source
distributions of the async projects in PROJECTS below (fetched with
`pip download --no-deps --no-binary :all:`) into a temporary directory, then for each of
these corpora:

1. counts the findings a fix would remove, per code (`--format json --unsafe-fixes`);
2. runs `conclint --fix --unsafe-fixes` over the copy;
3. compiles every file the fix changed (as bytes, so its coding cookie counts) and checks that
   it kept its BOM, newline style and permission bits;
4. runs pyflakes on every changed file before and after the fix and lists the findings that
   are new after it (compared by message kind and the names involved, not by line, since a
   fix moves lines);
5. runs conclint again and counts the findings still fixable (must be 0), and checks that a
   second `--fix` changes no file.

Prints the figures per corpus and in total, and for each failure the file, the fix codes that
were applied to it and the diff. Exits 1 when a must-be-0 figure (files that no longer compile,
new pyflakes findings, second-run changes, fixable findings left, BOM/newline/permission
changes) is not 0, or when a corpus could not be fetched or linted: a run over fewer corpora
than asked for proves less than it claims. `--json FILE` writes the figures (paths relative to
each corpus) so that runs can be committed and compared. Nothing outside the temporary
directory (or --keep DIR, --downloads DIR, --json FILE) is written.

conclint runs from a copy of its package taken at the start (see freeze_conclint), so that the
whole run measures one version even while the tree is being edited; --live-source runs the
installed one instead. The full run (standard library with its tests and the 19 projects) takes
about 10 minutes on 2 cores, plus 2-3 minutes to fetch the sdists unless --downloads has them.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import tokenize
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:
    import pyflakes.api
except ImportError:  # reported in main(): the pyflakes figure is one of the must-be-0 checks
    pyflakes = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Project:
    """A pinned sdist and why it is in the corpus (what concurrency it exercises)."""

    requirement: str
    exercises: str


# Pinned so that figures from two runs are comparable. Chosen to cover coroutines (asyncio and
# trio), threads and processes, and for sdists whose build backend needs nothing compiled (pip
# prepares the metadata of each, which must not mean building Cython: each takes < 20 s).
PROJECTS: tuple[Project, ...] = (
    Project("aiohttp==3.9.5", "asyncio HTTP client and server, executors"),
    Project("sanic==25.12.1", "async web framework, multi-process worker manager"),
    Project("textual==8.2.8", "asyncio TUI framework, thread workers"),
    Project("httpx==0.28.1", "sync and async HTTP client (asyncio, trio)"),
    Project("aiokafka==0.14.0", "asyncio Kafka client"),
    Project("celery==5.7.0", "task queue: prefork processes, threads, eventlet"),
    Project("arq==0.28.0", "asyncio job queue on redis"),
    Project("python-telegram-bot==22.8", "asyncio bot framework, job queue"),
    Project("aiogram==3.31.0", "asyncio bot framework"),
    Project("starlette==1.10.0", "ASGI framework, thread pool offloading"),
    Project("uvicorn==0.54.0", "ASGI server, worker processes and reload"),
    Project("anyio==4.16.0", "structured concurrency, to_thread and to_process"),
    Project("trio==0.35.0", "trio event loop, threads"),
    Project("dramatiq==2.2.1", "task queue: worker processes and threads"),
    Project("websockets==17.4", "asyncio and threaded websocket client and server"),
    Project("tornado==6.6.1", "event loop, web framework, process forking"),
    Project("redis==8.1.0", "sync and asyncio redis client"),
    Project("rq==2.12.0", "job queue with forked work horses"),
    Project("aiosqlite==0.22.1", "asyncio bridge to sqlite3 on a thread"),
)

SKIP_DIRS = {"site-packages", "__pycache__", ".git", "dist-packages"}
TEST_DIRS = {"test", "tests", "idle_test"}
DIFF_LINES = 80  # per failing file in the report: enough to see the hunk, not the whole file


class CorpusError(Exception):
    """A corpus could not be fetched or linted; the run goes on with the others."""


# --- fetching ------------------------------------------------------------------------------


def copy_stdlib(target: Path, skip_tests: bool) -> None:
    source = Path(sysconfig.get_paths()["stdlib"])
    skip = SKIP_DIRS | (TEST_DIRS if skip_tests else set())
    shutil.copytree(source, target, ignore=lambda _dir, names: [n for n in names if n in skip], symlinks=True)


def download_sdist(requirement: str, downloads: Path, timeout: float) -> tuple[Path, float]:
    """Fetch one sdist into its own folder of `downloads` (reused when already there).

    Its own folder, so that concurrent downloads do not see each other's archives and a
    rerun with the same --downloads folder fetches nothing.
    """
    folder = downloads / re.sub(r"[^A-Za-z0-9._-]+", "_", requirement)
    archives = _archives(folder)
    if len(archives) == 1:
        return archives[0], 0.0
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--no-binary", ":all:", "-d", str(folder), requirement]
    try:
        process = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CorpusError(f"pip download {requirement} took more than {timeout:.0f} s") from None
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        lines = (process.stderr or process.stdout).strip().splitlines()
        tail = "\n".join([line for line in lines if line.startswith("ERROR")][-3:] or lines[-6:])
        raise CorpusError(f"pip download {requirement} failed ({process.returncode}):\n{tail}")
    archives = _archives(folder)
    if len(archives) != 1:
        raise CorpusError(f"pip download {requirement} left {len(archives)} archives, expected one sdist")
    return archives[0], seconds


def _archives(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".zip")))


def unpack(archive: Path, target: Path) -> None:
    target.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(target)
        return
    with tarfile.open(archive) as bundle:
        if hasattr(tarfile, "data_filter"):
            bundle.extractall(target, filter="data")
        else:  # Python < 3.10.12 / 3.11.4: no extraction filters
            bundle.extractall(target)


# --- checking ------------------------------------------------------------------------------


def python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if path.is_file() and not path.is_symlink())


def snapshot(files: list[Path]) -> dict[Path, tuple[str, int]]:
    return {path: (hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest(), path.stat().st_mode) for path in files}


# Set by main(): the environment that makes `python -m conclint` import the frozen copy.
CONCLINT_ENV: dict[str, str] | None = None


def freeze_conclint(target: Path) -> tuple[dict[str, str], str]:
    """Copy the conclint package under `target` and return an environment that runs the copy.

    The package is usually installed editable while the tree is being worked on: without the
    copy, an edit saved during the run would make the first `--fix` and the second one run
    different code, and show up as a second-run change that no single version makes. Also
    returns a digest of the copied sources, so that a figure can be traced to its code.
    """
    import conclint as package

    source = Path(package.__file__).parent
    shutil.copytree(source, target / "conclint", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted((target / "conclint").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(target).as_posix().encode() + b"\0" + path.read_bytes())
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), environment.get("PYTHONPATH")]))
    return environment, digest.hexdigest()


def conclint(root: Path, *options: str) -> tuple[list[dict[str, Any]], str, float]:
    """Run conclint over `root` (from inside it); its JSON findings, stderr and seconds."""
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "conclint", "--no-cache", "--format", "json", "--exit-zero", *options, "."],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=CONCLINT_ENV,
    )
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 2):
        raise CorpusError(f"conclint {' '.join(options)} failed ({process.returncode}):\n{process.stderr[-2000:]}")
    try:
        return json.loads(process.stdout or "[]"), process.stderr, elapsed
    except json.JSONDecodeError as error:
        raise CorpusError(f"conclint {' '.join(options)} printed no JSON ({error}):\n{process.stderr[-2000:]}") from None


def newline_style(data: bytes) -> str:
    crlf = data.count(b"\r\n")
    return "crlf" if crlf and crlf == data.count(b"\n") else "lf"


def compile_error(data: bytes, path: Path) -> str | None:
    try:
        compile(data, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


class _Collector:
    """A pyflakes reporter that keeps the messages instead of printing them."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.errors: list[str] = []

    def flake(self, message: Any) -> None:
        self.messages.append(message)

    def syntaxError(self, _filename: str, msg: str, lineno: int, _offset: int, _text: str) -> None:  # noqa: N802
        self.errors.append(f"line {lineno}: {msg}")

    def unexpectedError(self, _filename: str, msg: str) -> None:  # noqa: N802
        self.errors.append(msg)


def pyflakes_findings(data: bytes, name: str) -> list[tuple[tuple[str, tuple[str, ...]], str]] | None:
    """pyflakes' findings as (key, text), or None when it cannot parse the file.

    The key is the message kind and its arguments without the integers (the line numbers some
    messages quote, such as "redefinition of unused 'x' from line 3"), so that a finding the
    fix merely moved compares equal to the one before.
    """
    collector = _Collector()
    pyflakes.api.check(data, name, collector)
    if collector.errors:
        return None
    found = []
    for message in collector.messages:
        args = message.message_args if isinstance(message.message_args, tuple) else (message.message_args,)
        key = (type(message).__name__, tuple(str(arg) for arg in args if not isinstance(arg, int)))
        found.append((key, f"line {message.lineno}: {message.message % message.message_args}"))
    return found


def new_pyflakes_findings(original: bytes, fixed: bytes, name: str) -> list[str]:
    before, after = pyflakes_findings(original, name), pyflakes_findings(fixed, name)
    if before is None or after is None:  # a file that does not parse is counted by the compile check
        return []
    surplus = Counter(key for key, _ in after) - Counter(key for key, _ in before)
    new = []
    for key, text in reversed(after):  # the later ones: a finding the fix added is usually below
        if surplus[key] > 0:
            surplus[key] -= 1
            new.append(f"{key[0]}: {text}")
    return new[::-1]


def decode(data: bytes) -> list[str]:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).splitlines(keepends=True)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace").splitlines(keepends=True)


def diff(before: bytes, after: bytes, name: str) -> str:
    lines = list(difflib.unified_diff(decode(before), decode(after), f"a/{name}", f"b/{name}", n=2))
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines[:DIFF_LINES])
    if len(lines) > DIFF_LINES:
        text += f"... ({len(lines) - DIFF_LINES} more diff lines)\n"
    return text


# --- one corpus ----------------------------------------------------------------------------


@dataclass
class Failure:
    """One thing that must not happen, with what it takes to find the fix that did it."""

    kind: str
    path: str
    detail: str
    fix_codes: dict[str, int]
    diff: str = ""


@dataclass
class CorpusResult:
    label: str
    files: int = 0
    seconds: float = 0.0
    download_seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    findings_before: int = 0
    fixable_before: dict[str, int] = field(default_factory=dict)
    files_changed: int = 0
    fixes_applied: dict[str, int] = field(default_factory=dict)
    findings_left: int = 0
    new_findings_after_fix: dict[str, int] = field(default_factory=dict)
    fixes_refused: list[str] = field(default_factory=list)
    not_compiling_before: int = 0
    not_compiling: int = 0
    new_pyflakes: int = 0
    second_run_changes: int = 0
    still_fixable: int = 0
    other_problems: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures


def run_corpus(label: str, root: Path) -> CorpusResult:
    """Fix one copy and check it; the figures and every failure with its diff."""
    result = CorpusResult(label)
    started = time.perf_counter()
    files = python_files(root)
    result.files = len(files)
    originals = {path: path.read_bytes() for path in files}
    before = snapshot(files)
    findings, _, result.step_seconds["lint"] = conclint(root, "--unsafe-fixes")
    fixable = [row for row in findings if row["fixable"]]
    result.findings_before = len(findings)
    result.fixable_before = _sorted(Counter(row["code"] for row in fixable))
    codes_by_file: dict[str, Counter[str]] = {}
    for row in fixable:
        codes_by_file.setdefault(_norm(row["path"]), Counter())[row["code"]] += 1

    remaining, fix_errors, result.step_seconds["fix"] = conclint(root, "--fix", "--unsafe-fixes")
    result.findings_left = len(remaining)
    codes_before, codes_after = Counter(row["code"] for row in findings), Counter(row["code"] for row in remaining)
    result.fixes_applied = _sorted(codes_before - codes_after)
    result.new_findings_after_fix = _sorted(codes_after - codes_before)
    result.fixes_refused = [line for line in fix_errors.splitlines() if "error: not fixed" in line]

    after_fix: dict[Path, bytes] = {}
    for path, (digest, mode) in before.items():
        data = path.read_bytes()
        after_fix[path] = data
        if hashlib.blake2b(data, digest_size=16).hexdigest() == digest:
            continue
        result.files_changed += 1
        name = path.relative_to(root).as_posix()
        original = originals[path]
        codes = dict(sorted(codes_by_file.get(name, Counter()).items()))

        def fail(kind: str, detail: str, with_diff: bool = True) -> None:
            result.failures.append(Failure(kind, name, detail, codes, diff(original, data, name) if with_diff else ""))

        error = compile_error(data, path)
        if error and compile_error(original, path):
            result.not_compiling_before += 1
        elif error:
            result.not_compiling += 1
            fail("does not compile after the fix", error)
        for finding in new_pyflakes_findings(original, data, name):
            result.new_pyflakes += 1
            fail("new pyflakes finding", finding)
        if original.startswith(b"\xef\xbb\xbf") != data.startswith(b"\xef\xbb\xbf"):
            result.other_problems += 1
            fail("BOM changed", "", with_diff=False)
        if newline_style(original) != newline_style(data):
            result.other_problems += 1
            fail("newline style changed", f"{newline_style(original)} -> {newline_style(data)}", with_diff=False)
        if stat.S_IMODE(path.stat().st_mode) != stat.S_IMODE(mode):
            result.other_problems += 1
            fail("permission bits changed", f"{stat.S_IMODE(mode):o} -> {stat.S_IMODE(path.stat().st_mode):o}", with_diff=False)

    again, _, result.step_seconds["lint again"] = conclint(root, "--unsafe-fixes")
    still = [row for row in again if row["fixable"]]
    result.still_fixable = len(still)
    still_by_file: dict[str, Counter[str]] = {}
    for row in still:
        still_by_file.setdefault(_norm(row["path"]), Counter())[row["code"]] += 1
        result.failures.append(Failure("still fixable after the fix", _norm(row["path"]),
                                       f"line {row['line']}: {row['code']} {row['message']}", {}))
    _, _, result.step_seconds["second fix"] = conclint(root, "--fix", "--unsafe-fixes")
    for path in files:
        data = path.read_bytes()
        if data != after_fix[path]:
            name = path.relative_to(root).as_posix()
            result.second_run_changes += 1
            codes = dict(sorted(still_by_file.get(name, Counter()).items()))
            result.failures.append(Failure("changed by a second --fix", name, "", codes, diff(after_fix[path], data, name)))
    result.seconds = time.perf_counter() - started
    return result


def _norm(path: str) -> str:
    return Path(path).as_posix().removeprefix("./")


def _sorted(counts: Counter[str]) -> dict[str, int]:
    return {code: counts[code] for code in sorted(counts) if counts[code] > 0}


def _codes(counts: dict[str, int]) -> str:
    return ", ".join(f"{code} {count}" for code, count in counts.items()) or "none"


# --- reporting -----------------------------------------------------------------------------


def print_corpus(result: CorpusResult) -> None:
    download = f", download {result.download_seconds:.0f} s" if result.download_seconds else ""
    steps = ", ".join(f"{step} {seconds:.0f}" for step, seconds in result.step_seconds.items())
    print(f"## {result.label}: {result.files} files, {result.seconds:.0f} s ({steps or 'not run'}){download}")
    if result.error:
        print(f"- ERROR: {result.error}\n", flush=True)
        return
    print(f"- findings before: {result.findings_before}; fixable with --unsafe-fixes: "
          f"{sum(result.fixable_before.values())} ({_codes(result.fixable_before)})")
    print(f"- files changed: {result.files_changed}; fixes applied: {sum(result.fixes_applied.values())} "
          f"({_codes(result.fixes_applied)}); findings left: {result.findings_left}")
    if result.new_findings_after_fix:
        print(f"- findings the fix added (other code, or moved to a new spot): {_codes(result.new_findings_after_fix)}")
    print(f"- fixes refused (file left unchanged): {len(result.fixes_refused)}")
    for line in result.fixes_refused[:10]:
        print(f"    {line}")
    before = f" (and {result.not_compiling_before} that did not compile before either)" * bool(result.not_compiling_before)
    print(f"- files that do not compile after the fix: {result.not_compiling}{before}")
    print(f"- new pyflakes findings in fixed files: {result.new_pyflakes}")
    print(f"- second run: {result.still_fixable} fixable findings left, "
          f"{result.second_run_changes} files changed by a second --fix")
    if result.other_problems:
        print(f"- BOM, newline or permission changes: {result.other_problems}")
    for failure in result.failures:
        codes = f" [fixes applied here: {_codes(failure.fix_codes)}]" if failure.fix_codes else ""
        detail = f": {failure.detail}" if failure.detail else ""
        print(f"    FAIL {failure.kind}: {failure.path}{detail}{codes}")
    print(flush=True)


def total_of(results: list[CorpusResult]) -> dict[str, Any]:
    counted = [r for r in results if r.error is None]

    def add(key: str) -> dict[str, int]:
        total: Counter[str] = Counter()
        for result in counted:
            total.update(getattr(result, key))
        return _sorted(total)

    figures = ("files", "findings_before", "files_changed", "findings_left", "not_compiling_before",
               "not_compiling", "new_pyflakes", "second_run_changes", "still_fixable", "other_problems")
    total: dict[str, Any] = {key: sum(getattr(r, key) for r in counted) for key in figures}
    total.update(corpora=len(counted), corpora_failed_to_run=len(results) - len(counted),
                 fixable_before=add("fixable_before"), fixes_applied=add("fixes_applied"),
                 fixes_refused=sum(len(r.fixes_refused) for r in counted))
    return total


def print_summary(results: list[CorpusResult], total: dict[str, Any]) -> None:
    print("## Summary\n")
    header = ("corpus", "files", "changed", "fixes", "not compiling", "new pyflakes", "2nd-run changes", "still fixable", "s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in results:
        if r.error:
            print(f"| {r.label} | ERROR: {r.error.splitlines()[-1]} |" + " |" * (len(header) - 2))
            continue
        print(f"| {r.label} | {r.files} | {r.files_changed} | {sum(r.fixes_applied.values())} | {r.not_compiling} "
              f"| {r.new_pyflakes} | {r.second_run_changes} | {r.still_fixable} | {r.seconds:.0f} |")
    print(f"| total ({total['corpora']} corpora) | {total['files']} | {total['files_changed']} "
          f"| {sum(total['fixes_applied'].values())} | {total['not_compiling']} | {total['new_pyflakes']} "
          f"| {total['second_run_changes']} | {total['still_fixable']} | |")
    print(f"\nfixes applied in total: {_codes(total['fixes_applied'])}")
    print(f"fixable before in total: {_codes(total['fixable_before'])}\n")


def print_failures(results: list[CorpusResult]) -> None:
    failing = [r for r in results if r.failures]
    if not failing:
        return
    print("## Failures, with the diff of each file\n")
    for result in failing:
        for failure in result.failures:
            codes = f" [fixes applied here: {_codes(failure.fix_codes)}]" if failure.fix_codes else ""
            print(f"### {result.label}: {failure.path}: {failure.kind}{codes}")
            if failure.detail:
                print(failure.detail)
            if failure.diff:
                print(failure.diff, end="")
            print()
    sys.stdout.flush()


def conclint_version() -> str:
    process = subprocess.run([sys.executable, "-m", "conclint", "--version"], capture_output=True, text=True, env=CONCLINT_ENV)
    return process.stdout.strip() or process.stderr.strip()


# --- main ----------------------------------------------------------------------------------


def choose_projects(extra: list[str], defaults: bool) -> list[str]:
    """The default table, with each --sdist replacing the entry of the same name or added.

    `--sdist ''` drops every project named before it (and the defaults), as it did when the
    script fixed one sdist only.
    """
    chosen = [p.requirement for p in PROJECTS] if defaults else []
    for requirement in extra:
        if not requirement.strip():
            chosen = []
            continue
        name = _project_name(requirement)
        chosen = [r for r in chosen if _project_name(r) != name] + [requirement]
    return chosen


def _project_name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~;\[@]", requirement.strip(), maxsplit=1)[0]).lower()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", action="append", default=[], metavar="NAME==VERSION",
                        help="a PyPI requirement whose sdist to fix too, replacing a default of the same name "
                             "(repeatable; '' drops the projects named so far)")
    parser.add_argument("--no-defaults", action="store_true", help="fix only the --sdist projects, not the pinned table")
    parser.add_argument("--no-stdlib", action="store_true", help="do not fix a copy of the standard library")
    parser.add_argument("--skip-tests", action="store_true", help="leave the standard library's test directories out")
    parser.add_argument("--keep", type=Path, help="work in this (new) directory and keep it")
    parser.add_argument("--downloads", type=Path, help="keep the sdists here and reuse them on the next run")
    parser.add_argument("--download-timeout", type=float, default=300.0, help="seconds one `pip download` may take")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE as JSON")
    parser.add_argument("--live-source", action="store_true",
                        help="run the installed conclint as it is at each step, not a copy frozen at the start")
    args = parser.parse_args()
    global CONCLINT_ENV
    if pyflakes is None:
        print("pyflakes is needed for the new-findings check: pip install pyflakes (it comes with flake8)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    requirements = choose_projects(args.sdist, not args.no_defaults)
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="conclint-fix-corpus-"))
    scratch.mkdir(parents=True, exist_ok=True)
    downloads = args.downloads or scratch / "downloads"
    source_digest = "live"
    if not args.live_source:
        CONCLINT_ENV, source_digest = freeze_conclint(scratch / "conclint-frozen")
    version = conclint_version()
    print(f"{version} (sources {source_digest}): --fix --unsafe-fixes on copies under {scratch.name}/ "
          f"(Python {sys.version.split()[0]}); "
          f"standard library: {'no' if args.no_stdlib else 'without tests' if args.skip_tests else 'with tests'}; "
          f"{len(requirements)} sdists\n", flush=True)
    results: list[CorpusResult] = []
    download_seconds = 0.0
    try:
        # Fetch every sdist first, a few at a time (mostly waiting on the network and on pip's
        # build environments), so that the timings of the fixes below are not disturbed.
        with ThreadPoolExecutor(max_workers=4) as pool:
            fetches = {r: pool.submit(download_sdist, r, downloads, args.download_timeout) for r in requirements}
        download_seconds = time.perf_counter() - started
        print(f"fetched the sdists in {download_seconds:.0f} s\n", flush=True)
        if not args.no_stdlib:
            label = f"stdlib {sys.version_info.major}.{sys.version_info.minor}" + (" (no tests)" if args.skip_tests else "")
            stdlib = scratch / "stdlib"
            copy_stdlib(stdlib, args.skip_tests)
            results.append(_run_safely(label, stdlib))
            print_corpus(results[-1])
        for index, requirement in enumerate(requirements):
            try:
                archive, seconds = fetches[requirement].result()
                project = scratch / "projects" / f"{index:02d}-{re.sub(r'[^A-Za-z0-9._-]+', '_', requirement)}"
                unpack(archive, project)
            except (CorpusError, OSError, tarfile.TarError, zipfile.BadZipFile) as error:
                results.append(CorpusResult(requirement, error=str(error)))
            else:
                results.append(_run_safely(requirement, project))
                results[-1].download_seconds = seconds
            print_corpus(results[-1])
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    total = total_of(results)
    ok = bool(results) and all(r.ok for r in results)
    seconds = time.perf_counter() - started
    print_summary(results, total)
    print_failures(results)
    if args.json:
        report = {
            "conclint": version,
            "conclint_sources": source_digest,
            "python": sys.version.split()[0],
            "stdlib": None if args.no_stdlib else ("without tests" if args.skip_tests else "with tests"),
            "projects": requirements,
            "seconds": round(seconds, 1),
            "download_seconds": round(download_seconds, 1),
            "ok": ok,
            "total": total,
            "corpora": [{**asdict(r), "seconds": round(r.seconds, 1), "download_seconds": round(r.download_seconds, 1),
                         "step_seconds": {step: round(value, 1) for step, value in r.step_seconds.items()}}
                        for r in results],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    failed = [r.label for r in results if not r.ok]
    print(f"whole run: {seconds:.0f} s (fetching the sdists: {download_seconds:.0f} s)")
    print("all checks passed" if ok else f"CHECKS FAILED in: {', '.join(failed) or 'nothing was run'}")
    return 0 if ok else 1


def _run_safely(label: str, root: Path) -> CorpusResult:
    """run_corpus, with a conclint crash recorded against this corpus instead of ending the run."""
    try:
        return run_corpus(label, root)
    except CorpusError as error:
        return CorpusResult(label, files=len(python_files(root)), error=str(error))


if __name__ == "__main__":
    sys.exit(main())
