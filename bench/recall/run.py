"""Recall on real reported concurrency bugs: lint each bug of `bugs/` and its fixed counterpart,
and score the findings against the lines the corpus marks.

    python bench/recall/run.py                          # the installed conclint
    python bench/recall/run.py --conclint REF/bin/conclint --json /tmp/before.json
    python bench/recall/run.py --ruff                   # ruff check --select ASYNC, scored the same way
    python bench/recall/run.py --json bench/recall/results.json

`bugs/<family>/<name>.py` (or a folder `<name>/` for a bug spread over modules) reconstructs a
bug from a public report, and `<name>_fixed.py` (or `<name>_fixed/`) its fix; CORPUS.md says
where each comes from. A buggy line ends with `# BUG: CCL101` (several codes: `# BUG: CCL301,
CCL303`): the code a perfect conclint would report on that line. A line another rule rightly
reports but the bug is not about (one the project kept in its fix, the fix's own
`get_event_loop()`, blocking I/O beside a computation) ends with `# ALSO: CCL404`: a finding
of that code there is listed apart, neither a hit nor a false positive. Each bug and each fixed
version is copied alone into a temporary directory with an empty `[tool.conclint]` table, so
that the run treats it as a project of its own (the repository's configuration stays out),
and the tool runs there, from that directory, with `--no-cache --format json --exit-zero`.

Per family (coroutine CCL1, thread CCL2, process CCL3) the script prints the marked
(line, code) pairs, how many are found strictly (a finding with that code on that line) and at
family level (a finding of any code of the same family on that line), the recall of both, and
the findings on the fixed versions, every one of which is a false positive and is listed. Then
each miss, with its file:line and the source line, and the findings on buggy files that sit on
no marked line (neither counted nor hidden). With `--ruff` the tool is `ruff check --select
ASYNC`: a marked line counts as found when ruff reports any ASYNC code on it (ruff has no thread
or process rules, and its codes are not conclint's, so only the family level is scored).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUGS = HERE / "bugs"
FAMILIES = {"coroutine": "CCL1", "thread": "CCL2", "process": "CCL3"}
MARKER = re.compile(r"#\s*BUG:\s*(?P<codes>CCL\d{3}(?:\s*,\s*CCL\d{3})*)\s*$")
# A line the project kept unchanged in its fix that another rule rightly reports there
# (`loop = asyncio.get_event_loop()` in a coroutine, CCL404): not the bug, and no false
# positive on the fixed version either. Listed apart.
ALSO_MARKER = re.compile(r"#\s*ALSO:\s*(?P<codes>CCL\d{3}(?:\s*,\s*CCL\d{3})*)\s*$")
FIXED_SUFFIX = "_fixed"
PYPROJECT = "[tool.conclint]\n"
TIMEOUT = 300


@dataclass(frozen=True)
class Expected:
    """One marked (line, code) pair: what a perfect tool reports on a buggy line."""

    bug: str
    path: str
    line: int
    code: str
    source: str


@dataclass(frozen=True)
class Finding:
    """A tool's finding, with its path relative to the bug's own directory."""

    path: str
    line: int
    code: str
    message: str = ""


@dataclass
class Bug:
    """A corpus entry: the buggy file or folder and its fixed counterpart."""

    family: str
    name: str
    buggy: Path
    fixed: Path
    expected: list[Expected] = field(default_factory=list)


def family_of(code: str) -> str | None:
    """The family a conclint code belongs to, by its prefix (CCL1xx is coroutine, ...)."""
    for family, prefix in FAMILIES.items():
        if code.startswith(prefix):
            return family
    return None


def python_files(root: Path) -> list[Path]:
    """The Python files of a bug: the file itself, or every `.py` under its folder."""
    return [root] if root.is_file() else sorted(root.rglob("*.py"))


def relative(path: Path, root: Path) -> str:
    """`path` as the tool reports it from the bug's directory: its name for a single file."""
    return path.name if root.is_file() else path.relative_to(root).as_posix()


def read_expected(bug: Bug) -> list[Expected]:
    """The marked pairs of a bug, read from the `# BUG:` comments of its files."""
    expected = []
    for path in python_files(bug.buggy):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARKER.search(text)
            if match is None:
                continue
            source = text[: match.start()].strip()
            for code in re.split(r"\s*,\s*", match.group("codes")):
                expected.append(Expected(bug.name, relative(path, bug.buggy), number, code, source))
    return expected


def also_true(root: Path) -> set[tuple[str, int, str]]:
    """The (path, line, code) triples a bug's or fix's `# ALSO:` comments mark."""
    marked = set()
    for path in python_files(root):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = ALSO_MARKER.search(text)
            if match is not None:
                marked.update((relative(path, root), number, code) for code in re.split(r"\s*,\s*", match.group("codes")))
    return marked


def discover(selected: set[str] | None) -> list[Bug]:
    """Every bug of the corpus with its fixed counterpart; a bug without one is an error."""
    bugs = []
    for family in FAMILIES:
        for entry in sorted((BUGS / family).iterdir()):
            name = entry.stem if entry.is_file() else entry.name
            if name.endswith(FIXED_SUFFIX) or entry.name == "__pycache__":
                continue
            if selected and name not in selected:
                continue
            fixed = entry.with_name(name + FIXED_SUFFIX + entry.suffix)
            if not fixed.exists():
                raise SystemExit(f"{entry}: no fixed counterpart {fixed.name}")
            bug = Bug(family, name, entry, fixed)
            bug.expected = read_expected(bug)
            if not bug.expected:
                raise SystemExit(f"{entry}: no `# BUG: CCLxxx` marker")
            bugs.append(bug)
    return bugs


def stage(source: Path, into: Path) -> Path:
    """Copy a bug (file or folder) alone into `into`, with an empty conclint table."""
    into.mkdir(parents=True)
    if source.is_file():
        shutil.copy2(source, into / source.name)
    else:
        shutil.copytree(source, into, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    (into / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return into


def run_conclint(executable: str, directory: Path) -> list[Finding]:
    """conclint's findings on a staged bug, run from the bug's own directory."""
    command = [executable, "--no-cache", "--format", "json", "--exit-zero", "-j", "1", "."]
    done = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} in {directory} exited {done.returncode}:\n{done.stderr}")
    return [Finding(Path(d["path"]).as_posix(), d["line"], d["code"], d["message"]) for d in json.loads(done.stdout or "[]")]


def run_ruff(executable: str, directory: Path) -> list[Finding]:
    """ruff's ASYNC findings on a staged bug, its own configuration ignored (`--isolated`)."""
    command = [executable, "check", "--isolated", "--no-cache", "--select", "ASYNC", "--output-format", "json", "--exit-zero", "."]
    done = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} in {directory} exited {done.returncode}:\n{done.stderr}")
    findings = []
    for d in json.loads(done.stdout or "[]"):
        path = Path(d["filename"]).resolve().relative_to(directory.resolve()).as_posix()
        findings.append(Finding(path, d["location"]["row"], d["code"], d["message"]))
    return findings


def tool_version(executable: str) -> str:
    """`--version` of the tool, to record which one produced the figures."""
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=60)
    return (done.stdout or done.stderr).strip()


def found(expected: Expected, findings: list[Finding], ruff: bool) -> tuple[bool, bool]:
    """Whether a marked pair is found strictly (same code) and at family level (same family;
    for ruff, any ASYNC code), on the marked line of the marked file."""
    on_line = [f for f in findings if f.path == expected.path and f.line == expected.line]
    if ruff:
        hit = any(f.code.startswith("ASYNC") for f in on_line)
        return hit, hit
    strict = any(f.code == expected.code for f in on_line)
    family = any(family_of(f.code) == family_of(expected.code) for f in on_line)
    return strict, family


def source_line(root: Path, path: str, line: int) -> str:
    """The text of a line of a bug's file, for the listings."""
    file = root if root.is_file() else root / path
    lines = file.read_text(encoding="utf-8").splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def score(bugs: list[Bug], lint: Callable[[Path], list[Finding]], ruff: bool) -> dict:
    """Lint every bug and fixed version and gather the figures, misses and false positives."""
    families = {family: {"bugs": 0, "marked": 0, "strict_found": 0, "family_found": 0, "false_positives": 0} for family in FAMILIES}
    misses, false_positives, unmarked, others = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="conclint-recall-") as work:
        for bug in bugs:
            figures = families[bug.family]
            figures["bugs"] += 1
            findings = lint(stage(bug.buggy, Path(work) / bug.family / bug.name))
            marked_lines = {(e.path, e.line) for e in bug.expected}
            for expected in bug.expected:
                strict, family = found(expected, findings, ruff)
                figures["marked"] += 1
                figures["strict_found"] += strict
                figures["family_found"] += family
                if not family or (not strict and not ruff):
                    misses.append({**asdict(expected), "family": bug.family, "family_level_found": family})
            also = also_true(bug.buggy)
            for f in findings:
                if (f.path, f.line) not in marked_lines:
                    listing = others if (f.path, f.line, f.code) in also else unmarked
                    listing.append({"bug": bug.name, **asdict(f), "source": source_line(bug.buggy, f.path, f.line)})
            fixed_findings = lint(stage(bug.fixed, Path(work) / bug.family / (bug.name + FIXED_SUFFIX)))
            also = also_true(bug.fixed)
            for f in fixed_findings:
                listing = others if (f.path, f.line, f.code) in also else false_positives
                listing.append({"bug": bug.name + FIXED_SUFFIX, **asdict(f), "source": source_line(bug.fixed, f.path, f.line)})
            figures["false_positives"] += sum(1 for f in fixed_findings if (f.path, f.line, f.code) not in also)
    for figures in families.values():
        marked = figures["marked"]
        figures["strict_recall"] = None if ruff else round(figures["strict_found"] / marked, 3) if marked else None
        figures["family_recall"] = round(figures["family_found"] / marked, 3) if marked else None
        if ruff:
            figures["strict_found"] = None
    return {
        "families": families,
        "misses": misses,
        "false_positives": false_positives,
        "unmarked_findings": unmarked,
        "other_true_findings": others,
    }


def print_report(result: dict, tool: str) -> None:
    """The figures per family, then every miss, false positive and unmarked finding."""
    print(f"Recall of {tool} on {sum(f['bugs'] for f in result['families'].values())} reported bugs ({BUGS.relative_to(HERE.parent.parent)})")
    print(f"{'family':<10} {'bugs':>4} {'marked':>6} {'strict':>7} {'family':>7} {'recall':>7} {'fam.rec':>7} {'FP fixed':>8}")
    for family, f in result["families"].items():
        strict = "-" if f["strict_found"] is None else f["strict_found"]
        recall = "-" if f["strict_recall"] is None else f"{f['strict_recall']:.2f}"
        family_recall = "-" if f["family_recall"] is None else f"{f['family_recall']:.2f}"
        print(f"{family:<10} {f['bugs']:>4} {f['marked']:>6} {strict:>7} {f['family_found']:>7} {recall:>7} {family_recall:>7} {f['false_positives']:>8}")
    grouped = defaultdict(list)
    for miss in result["misses"]:
        grouped[miss["family"]].append(miss)
    for family, misses in grouped.items():
        print(f"\nMisses, {family} ({len(misses)}; '~' = found at family level with another code):")
        for m in misses:
            mark = "~" if m["family_level_found"] else " "
            print(f" {mark} {m['family']}/{m['bug']}/{m['path']}:{m['line']} {m['code']}  {m['source']}")
    print(f"\nFindings on the fixed versions (false positives): {len(result['false_positives'])}")
    for f in result["false_positives"]:
        print(f"   {f['bug']}/{f['path']}:{f['line']} {f['code']}  {f['source']}")
    print(f"\nFindings on buggy files outside the marked lines: {len(result['unmarked_findings'])}")
    for f in result["unmarked_findings"]:
        print(f"   {f['bug']}/{f['path']}:{f['line']} {f['code']}  {f['source']}")
    print(f"\nTrue findings of other rules on lines marked `# ALSO:`: {len(result['other_true_findings'])}")
    for f in result["other_true_findings"]:
        print(f"   {f['bug']}/{f['path']}:{f['line']} {f['code']}  {f['source']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conclint", help="the conclint executable (default: the one on PATH or next to this Python)")
    parser.add_argument("--ruff", nargs="?", const="ruff", metavar="PATH", help="score `ruff check --select ASYNC` instead (default executable: ruff on PATH)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures, misses and false positives to FILE")
    parser.add_argument("--bug", action="append", metavar="NAME", help="only this bug (repeatable)")
    parser.add_argument("--label", default="", help="recorded in the JSON file: which build was measured (a commit)")
    args = parser.parse_args(argv)
    bugs = discover(set(args.bug) if args.bug else None)
    if args.ruff:
        executable = shutil.which(args.ruff)
        if executable is None:
            raise SystemExit(f"ruff not found: {args.ruff} (pip install ruff into a virtual environment of its own)")
        lint, ruff = (lambda directory: run_ruff(executable, directory)), True
    else:
        executable = args.conclint or shutil.which("conclint") or str(Path(sys.executable).parent / "conclint")
        lint, ruff = (lambda directory: run_conclint(executable, directory)), False
    tool = tool_version(executable)
    result = score(bugs, lint, ruff)
    print_report(result, tool)
    if args.json:
        args.json.write_text(json.dumps({"tool": tool, "label": args.label, **result}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
