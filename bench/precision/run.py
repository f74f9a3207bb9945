"""Precision on projects nobody here tuned for: fetch pinned sdists, lint them, and score the
findings against the hand-reviewed verdicts in `verdicts.tsv`.

    python bench/precision/run.py lint [--work DIR]    # download, extract, lint -> findings.json
    python bench/precision/run.py lint --conclint REF/bin/conclint --output bench/precision/findings-before.json
    python bench/precision/run.py score                # join findings.json with verdicts.tsv
    python bench/precision/run.py score --findings bench/precision/findings-before.json

`lint` downloads each project with `pip download --no-deps --no-binary :all:` (nothing is
built or installed: the sdist is only unpacked) and runs the installed `conclint` on the
unpacked tree, from the tree's root, with `--no-cache --format json`. The findings, with the
path relative to the project and whether it is library code, go to `findings.json` next to
this script. `score` reads `verdicts.tsv` (project, path, line, code, verdict, reason;
verdict T true, F false, D debatable) and prints precision overall, per code, on library
code, and the findings in test files; `--markdown` writes REVIEW.md's tables from it.
A finding without a verdict is listed as unreviewed: score it by hand before trusting the
figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
FINDINGS = HERE / "findings.json"
VERDICTS = HERE / "verdicts.tsv"

# Never linted by this project before (not in bench/compare.py, not named in earlier notes),
# each with asyncio, threads or processes in its library code.
PROJECTS = (
    ("asyncssh", "2.17.0"),
    ("aiokafka", "0.11.0"),
    ("redis", "5.0.8"),
    ("motor", "3.5.1"),
    ("hypercorn", "0.17.3"),
    ("aio-pika", "9.4.3"),
    ("nats-py", "2.9.0"),
    ("jupyter_client", "8.6.2"),
    ("zeroconf", "0.132.2"),
    ("kopf", "1.37.2"),
    ("pymodbus", "3.7.0"),
    ("bleak", "0.22.2"),
    ("aiosmtplib", "3.0.2"),
    ("channels", "4.1.0"),
    ("asgiref", "3.8.1"),
    ("httpcore", "1.0.5"),
    ("aiobotocore", "2.13.1"),
    ("aiocache", "0.12.2"),
    ("aiodocker", "0.22.2"),
    ("faust-streaming", "0.11.2"),
    ("gql", "3.5.0"),
    ("grpclib", "0.4.7"),
    ("tortoise-orm", "0.21.6"),
    # Added on 2026-12-06 for the recall changes of issue 14: never linted here before, picked
    # for variety (web framework, client SDK, task queue, database wrapper, browser automation,
    # CLI, process pools, a scientific sampler).
    ("quart", "0.19.6"),
    ("slack_sdk", "3.31.0"),
    ("huey", "2.5.1"),
    ("databases", "0.9.0"),
    ("pyppeteer", "2.0.0"),
    ("aria2p", "0.12.0"),
    ("pebble", "5.0.7"),
    ("mpire", "2.10.2"),
    ("emcee", "3.1.6"),
    ("telethon", "1.36.0"),
    ("taskiq", "0.11.7"),
    ("saq", "0.12.5"),
    ("aiormq", "6.8.0"),
    ("discord.py", "2.4.0"),
    # Added on 2026-12-06 (third session) for issue 17: never linted here before, picked because
    # they start threads, fork, or run an event loop next to threads (fork-based servers and
    # process pools, remote execution, file watchers, schedulers, protocol clients that run
    # their loop on a thread, a sync/async queue), so the crossing rules CCL305-CCL408 meet
    # real thread and fork code.
    ("mitogen", "0.3.9"),
    ("gunicorn", "22.0.0"),
    ("billiard", "4.2.0"),
    ("watchdog", "4.0.1"),
    ("paho-mqtt", "2.1.0"),
    ("APScheduler", "3.10.4"),
    ("asyncua", "1.1.5"),
    ("caproto", "1.1.1"),
    ("janus", "1.0.0"),
    ("luigi", "3.5.1"),
    ("supervisor", "4.2.5"),
)

# Path parts that mark code that is not the library: tests, docs, examples, benchmarks.
NOT_LIBRARY = {"test", "tests", "testing", "docs", "doc", "examples", "example", "benchmarks", "bench", "scripts", "tools"}


def is_library(path: str) -> bool:
    parts = PurePosixPath(path).parts
    name = parts[-1]
    if any(part.lower() in NOT_LIBRARY for part in parts[:-1]):
        return False
    return not (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or name.startswith("setup"))


def is_test(path: str) -> bool:
    parts = PurePosixPath(path).parts
    name = parts[-1]
    return any(p.lower() in {"test", "tests", "testing"} for p in parts[:-1]) or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _unpack(archive: Path, into: Path) -> Path:
    """Unpack an sdist, refusing members that would land outside `into`."""
    into.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                if PurePosixPath(member).is_absolute() or ".." in PurePosixPath(member).parts:
                    raise SystemExit(f"{archive.name}: unsafe member {member!r}")
            zipped.extractall(into)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(into, filter="data")
    roots = [p for p in into.iterdir() if p.is_dir()]
    return roots[0] if len(roots) == 1 else into


def lint(work: Path, names: list[str], output: Path = FINDINGS, conclint: str = "conclint") -> None:
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    findings: list[dict[str, object]] = []
    for name, version in PROJECTS:
        if names and name not in names:
            continue
        target = work / "src" / f"{name}-{version}"
        if not target.exists():
            print(f"downloading {name}=={version}", flush=True)
            before = set(sdists.iterdir())
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(sdists), f"{name}=={version}"],
                check=True,
            )
            new = sorted(set(sdists.iterdir()) - before) or sorted(p for p in sdists.iterdir() if p.name.lower().replace("_", "-").startswith(name.lower().replace("_", "-")))
            root = _unpack(new[-1], work / "src" / f".{name}")
            root.rename(target)
        run = subprocess.run(
            [conclint, ".", "--no-cache", "--format", "json", "--exit-zero"], cwd=target, capture_output=True, text=True
        )
        if run.returncode != 0:
            raise SystemExit(f"{name}: conclint exited {run.returncode}\n{run.stderr}")
        for item in json.loads(run.stdout):
            path = item["path"]
            findings.append(
                {
                    "project": name,
                    "path": path,
                    "line": item["line"],
                    "column": item["column"],
                    "code": item["code"],
                    "message": item["message"],
                    "library": is_library(path),
                    "test": is_test(path),
                }
            )
        print(f"{name}: {sum(1 for f in findings if f['project'] == name)} findings", flush=True)
    if names and output.exists():
        kept = [f for f in json.loads(output.read_text()) if f["project"] not in names]
        findings = kept + findings
    output.write_text("[\n" + ",\n".join(json.dumps(finding) for finding in findings) + "\n]\n")
    print(f"{len(findings)} findings -> {output}")


def _key(project: str, path: str, line: object, code: str) -> tuple[str, str, int, str]:
    return project, path, int(line), code  # type: ignore[call-overload]


def load_verdicts() -> dict[tuple[str, str, int, str], tuple[str, str]]:
    verdicts = {}
    if VERDICTS.exists():
        with VERDICTS.open(newline="") as stream:
            for row in csv.DictReader(stream, delimiter="\t"):
                verdicts[_key(row["project"], row["path"], row["line"], row["code"])] = (row["verdict"], row["reason"])
    return verdicts


def _precision(counts: Counter[str]) -> str:
    judged = counts["T"] + counts["F"]
    return f"{counts['T'] / judged:.0%}" if judged else "n/a"


def score(markdown: bool, path: Path = FINDINGS) -> None:
    findings = json.loads(path.read_text())
    verdicts = load_verdicts()
    overall: Counter[str] = Counter()
    library: Counter[str] = Counter()
    per_code: dict[str, Counter[str]] = defaultdict(Counter)
    per_project: dict[str, Counter[str]] = defaultdict(Counter)
    unreviewed = []
    for finding in findings:
        verdict = verdicts.get(_key(finding["project"], finding["path"], finding["line"], finding["code"]))
        mark = verdict[0] if verdict else "?"
        if verdict is None:
            unreviewed.append(finding)
        overall[mark] += 1
        per_code[finding["code"]][mark] += 1
        per_project[finding["project"]][mark] += 1
        if finding["library"]:
            library[mark] += 1
    tests = sum(1 for f in findings if f["test"])
    lines = [
        "| scope | findings | true | false | debatable | unreviewed | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label: str, counts: Counter[str]) -> None:
        total = sum(counts.values())
        lines.append(f"| {label} | {total} | {counts['T']} | {counts['F']} | {counts['D']} | {counts['?']} | {_precision(counts)} |")

    row("all", overall)
    row("library code", library)
    for code in sorted(per_code):
        row(code, per_code[code])
    for project in sorted(per_project):
        row(project, per_project[project])
    lines.append("")
    lines.append(f"Findings in test files: {tests} of {len(findings)}.")
    print("\n".join(lines))
    if unreviewed:
        print(f"\n{len(unreviewed)} findings have no verdict:", file=sys.stderr)
        for f in unreviewed[:50]:
            print(f"  {f['project']} {f['path']}:{f['line']} {f['code']} {f['message'][:100]}", file=sys.stderr)
    if markdown:
        (HERE / "SCORE.md").write_text(f"Scored: {path.name}\n\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lint_parser = sub.add_parser("lint")
    lint_parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "conclint-precision")
    lint_parser.add_argument("projects", nargs="*")
    lint_parser.add_argument("--output", type=Path, default=FINDINGS, help="where the findings go (default: findings.json)")
    lint_parser.add_argument(
        "--conclint", default="conclint", help="the conclint command to run (a reference install's, for a before/after table)"
    )
    score_parser = sub.add_parser("score")
    score_parser.add_argument("--markdown", action="store_true", help="also write SCORE.md")
    score_parser.add_argument("--findings", type=Path, default=FINDINGS, help="the findings to score (default: findings.json)")
    args = parser.parse_args()
    if args.command == "lint":
        lint(args.work, args.projects, args.output, args.conclint)
    else:
        score(args.markdown, args.findings)


if __name__ == "__main__":
    main()
