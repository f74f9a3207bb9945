"""Compare conclint with its peers on real code: one run, the same files for every tool.

Usage: python bench/compare.py [--work DIR] [--jobs N] [--output FILE] [--readme README.md] [--skip TOOL ...]

The corpus is a pinned set of projects downloaded from PyPI as source distributions
(`pip download --no-deps --no-binary :all:`), plus the running interpreter's standard
library (without its test suite unless --with-stdlib-tests), copied under DIR (default: conclint-bench in the system temp directory) so that every
tool sees the same tree. The peers are installed into a virtual environment the script makes
there. Every tool gets the same explicit list of files and ignores project configuration.

Rows: conclint cold (a fresh cache directory) and warm (the same cache, nothing changed);
conclint cold with --per-file (calls followed within each file only, no project index);
the reference conclint's cold run is held to, a bare `libcst.parse_module` plus one plain libcst
traversal of the files it has to parse, split over the same number of worker processes: the
files the prefilter sends to libcst and the modules the project index reads (found in the
summary store the cold run leaves in its cache directory); the same reference over the
prefiltered files only, which is what --per-file parses; `ruff check --select ASYNC` cold and warm; `flake8 --select ASYNC` with
flake8-async; and `fixit lint` with Fixit's built-in rules. Each row is measured in one child
process tree: wall time, CPU time of every process in it (user + system), peak memory (the
sum of the proportional set sizes of its processes, sampled), and lines per second.

The Markdown table and the robustness summary (conclint's CCL001 findings and internal errors
over the corpus) are printed and written to FILE (default: DIR/results.md). With --readme, they also
replace the section between the benchmark markers of that Markdown file. This is a
benchmark, not a test: it takes about 20 minutes on 2 cores, most of it in flake8 and Fixit.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import threading
import time
import venv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Pinned: concurrency-heavy projects of several styles (asyncio, trio, anyio, threads,
# multiprocessing), small to large.
PROJECTS = (
    ("aiohttp", "3.9.5"),
    ("anyio", "4.4.0"),
    ("celery", "5.4.0"),
    ("distributed", "2024.7.0"),
    ("flask", "3.0.3"),
    ("httpx", "0.27.0"),
    ("joblib", "1.4.2"),
    ("paramiko", "3.4.0"),
    ("requests", "2.32.3"),
    ("starlette", "0.37.2"),
    ("tornado", "6.4.1"),
    ("trio", "0.25.1"),
    ("urllib3", "2.2.2"),
    ("uvicorn", "0.30.1"),
    ("websockets", "12.0"),
)
PEERS = ("ruff==0.17.6", "flake8==7.5.0", "flake8-async==26.8.1", "fixit==2.2.1")
SKIP_DIRS = {"site-packages", "__pycache__", ".git", ".tox", ".venv"}
# The standard library's own test suite (530k of its 860k lines, many deliberately broken)
# is left out unless --with-stdlib-tests: flake8 and Fixit would take an hour over it.
STDLIB_TEST_DIRS = {"test", "tests", "idle_test"}
SAMPLE_SECONDS = 0.2
PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Measurement:
    label: str
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    note: str = ""


# --- Corpus -----------------------------------------------------------------------------------


def build_corpus(work: Path, stdlib_tests: bool) -> Path:
    corpus = work / ("corpus-with-stdlib-tests" if stdlib_tests else "corpus")
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    corpus.mkdir(exist_ok=True)
    for name, version in PROJECTS:
        target = corpus / f"{name}-{version}"
        if target.exists():
            continue
        archive = _download(name, version, sdists)
        print(f"extracting {archive.name}", flush=True)
        staging = Path(tempfile.mkdtemp(dir=work))
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, filter="data")
            else:  # pragma: no cover - Python < 3.10.12
                tar.extractall(staging)
        (extracted,) = [path for path in staging.iterdir() if path.is_dir()]
        extracted.rename(target)
        shutil.rmtree(staging)
    stdlib = corpus / f"stdlib-{sys.version_info.major}.{sys.version_info.minor}"
    if not stdlib.exists():
        source = Path(sysconfig.get_paths()["stdlib"])
        print(f"copying the standard library from {source}", flush=True)
        staging = Path(tempfile.mkdtemp(dir=work))
        for file in python_files(source):
            if not stdlib_tests and STDLIB_TEST_DIRS.intersection(file.relative_to(source).parts[:-1]):
                continue
            destination = staging / file.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
        staging.rename(stdlib)
    return corpus


def _download(name: str, version: str, sdists: Path) -> Path:
    for existing in sdists.iterdir():
        if existing.name.lower().replace("_", "-").startswith(f"{name}-{version}.".lower()):
            return existing
    print(f"downloading {name}=={version}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(sdists), f"{name}=={version}"],
        check=True,
    )
    return _download(name, version, sdists)


def python_files(root: Path) -> list[Path]:
    files = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
        files.extend(Path(directory, name) for name in sorted(names) if name.endswith(".py"))
    return files


# --- Peers ------------------------------------------------------------------------------------


def install_peers(work: Path) -> tuple[Path, dict[str, str]]:
    """A virtual environment with the peers; each that fails to install is reported, not fatal."""
    environment = work / "peers-venv"
    bin_dir = environment / ("Scripts" if os.name == "nt" else "bin")
    if not (bin_dir / "python").exists():
        print("creating the peers' virtual environment", flush=True)
        venv.create(environment, with_pip=True)
    missing: dict[str, str] = {}
    for requirement in PEERS:
        completed = subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement],
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            missing[requirement] = " ".join(completed.stderr.split())[-300:]
            print(f"could not install {requirement}: {missing[requirement]}", flush=True)
    return bin_dir, missing


# --- Measuring a process tree -------------------------------------------------------------------


def _become_subreaper() -> bool:
    """Orphans of the measured tool (a forkserver, its workers) are re-parented to this
    process, so that waiting for them adds their CPU time to RUSAGE_CHILDREN."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _descendants(root_pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        for child in parents.get(pid, ()):
            found.append(child)
            pending.append(child)
    return found


def _memory_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", b"Pss:"), ("status", b"VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as stream:
                for line in stream:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def measure(label: str, command: list[str], cwd: Path, stdout: Path | None = None) -> Measurement:
    """Run `command` (standard output to `stdout`, default discarded) and measure its tree.

    CPU time and the largest process come from `wait4` on the tool and on whatever it left
    behind (re-parented here, see `_become_subreaper`); the peak memory of the whole tree is
    sampled from /proc (proportional set sizes, so pages shared by forked workers count once).
    """
    me = os.getpid()
    peak_kb = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_kb
        while True:
            if os.path.isdir("/proc"):
                peak_kb = max(peak_kb, sum(_memory_kb(pid) for pid in _descendants(me)))
            if stop.wait(SAMPLE_SECONDS):
                return

    with tempfile.TemporaryFile() as errors, open(stdout or os.devnull, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=errors)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started  # what the user waits for
        process.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        sampler.join()
        cpu = usage.ru_utime + usage.ru_stime
        largest_kb = usage.ru_maxrss
        # Reap what the tool left behind (a forkserver ends when its parent has gone), so
        # that its CPU time is counted too.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                pid, _, orphan = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.01)
                continue
            cpu += orphan.ru_utime + orphan.ru_stime
            largest_kb = max(largest_kb, orphan.ru_maxrss)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    peak_mb = max(peak_kb, largest_kb) / 1024
    note = ""
    if process.returncode not in (0, 1):
        last_line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        note = f"exit code {process.returncode}; last line of its stderr: `{' '.join(last_line.split())[:200]}`"
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {peak_mb:.0f} MB{'; ' + note if note else ''}", flush=True)
    measurement = Measurement(label, wall, cpu, peak_mb, process.returncode, note)
    measurement.stderr = stderr  # type: ignore[attr-defined]
    return measurement


# --- The reference: bare parse plus one plain traversal ------------------------------------------


def files_needing_parse(files: list[Path]) -> list[Path]:
    """The files conclint's prefilter sends to libcst with the default settings."""
    from conclint.core.settings import DEFAULT_SETTINGS
    from conclint.engine.lint import _may_apply, rules_for_path
    from conclint.rules.general.parse_error import ParseError

    rules = [rule for rule in rules_for_path("x.py", DEFAULT_SETTINGS) if rule is not ParseError]
    return [file for file in files if any(_may_apply(rule, file.read_bytes()) for rule in rules)]


def files_read_by_index(files: list[Path], cache_dir: Path, parse_list: list[Path]) -> list[Path]:
    """The corpus files the cold run's project index parsed beyond `parse_list`: those whose
    summary it left in the cache directory's summary store (named by content digest and the
    module name relative imports are resolved against)."""
    from conclint.analysis.project_index import module_location
    from conclint.project.cache import content_digest

    stored = {path.name for path in (cache_dir / "summaries").glob("*/*.json")}
    needed = set(parse_list)
    read = []
    for file in files:
        if file in needed:
            continue
        anchor = module_location(file.absolute()).anchor
        if f"{content_digest(file.read_bytes())}-{anchor}.json" in stored:
            read.append(file)
    return read


def _reference_chunk(paths: list[str]) -> int:
    import libcst

    failures = 0
    for path in paths:
        try:
            with open(path, "rb") as stream:
                libcst.parse_module(stream.read()).visit(libcst.CSTVisitor())
        except Exception:  # noqa: BLE001 - what fails to parse fails for conclint too
            failures += 1
    return failures


def reference_main(list_file: str, jobs: int) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    paths = sorted(Path(list_file).read_text().splitlines(), key=lambda path: -os.path.getsize(path))
    chunks = [paths[index : index + 16] for index in range(0, len(paths), 16)]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["libcst"])
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        failures = sum(pool.map(_reference_chunk, chunks))
    print(f"reference: {len(paths)} files, {failures} failed to parse")


def engine_fingerprint() -> str:
    """conclint's cache key for its own code: it changes whenever a source file of conclint does."""
    from conclint.project.cache import engine_fingerprint as fingerprint

    return fingerprint()


def _engine_warnings(before: str, cache_dir: Path) -> list[str]:
    """A warm row is only a cached run if conclint's code did not change between the two runs
    (an edit in an editable install starts a new, empty results file)."""
    results = sorted(path.name for path in cache_dir.glob("results-*.json"))
    if engine_fingerprint() == before and len(results) <= 1:
        return []
    warning = (
        "WARNING: conclint's source changed during the conclint rows (the cache holds "
        f"{len(results)} results files), so the warm row did not read the cold run's results: re-run."
    )
    print(warning, file=sys.stderr, flush=True)
    return [warning, ""]


# --- Report -----------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores (nproc), {model or 'unknown CPU'}, Python {platform.python_version()}, {platform.system()}"


REFERENCE = "reference: libcst parse + plain traversal"
REFERENCE_PREFILTERED = "reference, prefiltered files only"


def render(rows: list[Measurement], lines: int, files: int, parsed: tuple[int, int, int, int], jobs: int, extra: list[str]) -> str:
    by_label = {row.label: row for row in rows}
    parse_files, parse_lines, index_files, index_lines = parsed
    out = [
        f"{date.today().isoformat()}, {machine()}; {files:,} files, {lines:,} lines; "
        f"{parse_files + index_files:,} files, {parse_lines + index_lines:,} lines need libcst: "
        f"{parse_files:,} files ({parse_lines:,} lines) pass the prefilter, and the project index "
        f"reads {index_files:,} more ({index_lines:,} lines); {jobs} worker processes.",
        "",
        "| tool | wall s | CPU s | peak MB | lines/s | wall vs conclint cold |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    cold = by_label.get("conclint cold")
    notes = []
    for row in rows:
        ratio = f"{row.wall / cold.wall:.2f}x" if cold else ""
        mark = ""
        if row.note:
            notes.append(f"{len(notes) + 1}. {row.label}: {row.note}")
            mark = f" ({len(notes)})"
        out.append(
            f"| {row.label}{mark} | {row.wall:.2f} | {row.cpu:.1f} | {row.peak_mb:.0f} | {lines / row.wall:,.0f} | {ratio} |"
        )
    out += ["", *notes, ""] if notes else [""]
    if cold:
        reference = by_label.get(REFERENCE)
        prefiltered = by_label.get(REFERENCE_PREFILTERED)
        per_file = by_label.get("conclint cold --per-file")
        warm = by_label.get("conclint warm")
        targets = []
        for peer in ("flake8 + flake8-async", "fixit"):
            if peer in by_label:
                speedup = by_label[peer].wall / cold.wall
                targets.append(f"- cold vs {peer}: {speedup:.1f}x faster (target >= 20x): {'met' if speedup >= 20 else 'missed'}")
        for label, run, base in (
            ("cold / reference (the files conclint cold parses)", cold, reference),
            ("cold --per-file / reference, prefiltered files only (the files it parses)", per_file, prefiltered),
        ):
            if run and base:
                ratio = run.wall / base.wall
                targets.append(
                    f"- {label}: {ratio:.2f} in wall time (target <= 1.2): {'met' if ratio <= 1.2 else 'missed'}; "
                    f"{run.cpu / base.cpu:.2f} in CPU time"
                )
        if warm:
            per_million = warm.wall / (lines / 1e6)
            targets.append(f"- warm: {per_million:.2f} s per million lines (target < 0.5): {'met' if per_million < 0.5 else 'missed'}")
        peak = max(by_label[label].peak_mb for label in ("conclint cold", "conclint warm") if label in by_label)
        targets.append(f"- conclint peak memory: {peak:.0f} MB (target < 400): {'met' if peak < 400 else 'missed'}")
        out += ["Targets:", "", *targets, ""]
    out += extra
    return "\n".join(out) + "\n"


README_START = "<!-- bench/compare.py: start -->"
README_END = "<!-- bench/compare.py: end -->"


def update_readme(readme: Path, report: str) -> None:
    """Replace what lies between the markers in `readme` with `report`, so that a re-run
    updates the README's table without hand-editing."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: no '{README_START}' ... '{README_END}' markers")
    head = text[: start + len(README_START)]
    readme.write_text(f"{head}\n{report}{text[end:]}", encoding="utf-8")


def robustness(findings_file: Path, stderr: str, files: int) -> list[str]:
    findings = json.loads(findings_file.read_text()) if findings_file.exists() else []
    parse_errors = [f for f in findings if f["code"] == "CCL001"]
    errors = [line for line in stderr.splitlines() if ": error: " in line]
    internal = [line for line in errors if "internal error" in line]
    out = [
        f"Robustness (conclint cold over the corpus): {files:,} files, {len(findings):,} findings, "
        f"{len(parse_errors)} CCL001, {len(internal)} internal errors, {len(errors) - len(internal)} other errors.",
        "",
    ]
    for finding in parse_errors:
        out.append(f"- CCL001 `{finding['path']}`: {finding['message']}")
    for line in errors:
        out.append(f"- error: `{line}`")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "conclint-bench")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        help="also put the report into this Markdown file, between its benchmark markers (README.md)",
    )
    parser.add_argument("--skip", action="append", default=[], choices=["ruff", "flake8", "fixit", "reference", "per-file"])
    parser.add_argument("--limit", type=int, default=None, help="only the first N files (a smoke test)")
    parser.add_argument("--with-stdlib-tests", action="store_true", help="include the standard library's test suite")
    parser.add_argument("--reference-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_child:
        reference_main(args.reference_child[0], int(args.reference_child[1]))
        return
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(work, args.with_stdlib_tests)
    files = python_files(corpus)[: args.limit]
    relative = [str(file.relative_to(corpus)) for file in files]
    lines = sum(file.read_bytes().count(b"\n") for file in files)
    parse_list = files_needing_parse(files)
    parse_lines = sum(file.read_bytes().count(b"\n") for file in parse_list)
    prefiltered_file = work / "reference-files.txt"
    prefiltered_file.write_text("\n".join(map(str, parse_list)))
    print(f"corpus: {len(files)} files, {lines} lines; {len(parse_list)} files, {parse_lines} lines pass the prefilter", flush=True)
    bin_dir, missing = install_peers(work) if not {"ruff", "flake8", "fixit"} <= set(args.skip) else (Path(), {})
    subreaper = _become_subreaper()
    load_at_start = os.getloadavg()[0]

    rows: list[Measurement] = []
    cache_dir = work / "conclint-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    findings_file = work / "conclint-findings.json"
    conclint = [sys.executable, "-m", "conclint", "--jobs", str(args.jobs), "--cache-dir", str(cache_dir), "--exit-zero"]
    engine_before = engine_fingerprint()
    cold = measure("conclint cold", [*conclint, "--format", "json", "--output-file", str(findings_file), *relative], corpus)
    rows.append(cold)
    rows.append(measure("conclint warm", [*conclint, "-q", *relative], corpus))
    warnings = _engine_warnings(engine_before, cache_dir)
    index_list = files_read_by_index(files, cache_dir, parse_list)
    index_lines = sum(file.read_bytes().count(b"\n") for file in index_list)
    print(f"the project index read {len(index_list)} more files, {index_lines} lines", flush=True)
    list_file = work / "reference-files-with-index.txt"
    list_file.write_text("\n".join(map(str, [*parse_list, *index_list])))
    if "reference" not in args.skip:
        reference_command = [sys.executable, __file__, "--reference-child"]
        rows.append(measure(REFERENCE, [*reference_command, str(list_file), str(args.jobs)], corpus))
        rows.append(measure(REFERENCE_PREFILTERED, [*reference_command, str(prefiltered_file), str(args.jobs)], corpus))
    if "per-file" not in args.skip:
        # What following calls into other modules (the project index) costs on top.
        rows.append(measure("conclint cold --per-file", [*conclint, "--no-cache", "--per-file", "-q", *relative], corpus))
    if "ruff" not in args.skip and not any(r.startswith("ruff") for r in missing):
        ruff_cache = work / "ruff-cache"
        shutil.rmtree(ruff_cache, ignore_errors=True)
        ruff = [str(bin_dir / "ruff"), "check", "--isolated", "--select", "ASYNC", "--exit-zero", "--cache-dir", str(ruff_cache), "--quiet"]
        rows.append(measure("ruff --select ASYNC cold", [*ruff, *relative], corpus))
        rows.append(measure("ruff --select ASYNC warm", [*ruff, *relative], corpus))
    if "flake8" not in args.skip and not any(r.startswith("flake8") for r in missing):
        flake8 = [str(bin_dir / "flake8"), "--isolated", "--select", "ASYNC", "--exit-zero", "-j", str(args.jobs)]
        rows.append(measure("flake8 + flake8-async", [*flake8, *relative], corpus))
    extra: list[str] = list(warnings)
    if "fixit" not in args.skip:
        if any(r.startswith("fixit") for r in missing):
            extra.append(f"Fixit was not measured: it did not install ({missing[next(r for r in missing if r.startswith('fixit'))]}).")
        else:
            rows.append(measure("fixit", [str(bin_dir / "fixit"), "lint", *relative], corpus))
    if not subreaper:
        extra.append("(CPU time may miss processes that outlived their parent: no subreaper on this platform.)")
    extra += robustness(findings_file, cold.stderr, len(files))  # type: ignore[attr-defined]
    extra += ["", "Command: `python bench/compare.py " + " ".join(sys.argv[1:]) + "`", "Projects: " + ", ".join(f"{n}=={v}" for n, v in PROJECTS) + ", plus the standard library.", "Peers: " + ", ".join(PEERS) + "."]
    extra.append(f"Load average (1 min) at start {load_at_start:.2f}, at end {os.getloadavg()[0]:.2f}.")
    parsed = (len(parse_list), parse_lines, len(index_list), index_lines)
    report = render(rows, lines, len(files), parsed, args.jobs, extra)
    output = args.output or work / "results.md"
    output.write_text(report)
    if args.readme is not None:
        update_readme(args.readme, report)
        print(f"{args.readme} updated")
    print()
    print(report)
    print(f"written to {output}")


if __name__ == "__main__":
    main()
