"""Apply `conclint --fix --unsafe-fixes` to copies of real code and check that nothing breaks.

Usage: python bench/fix_corpus.py [--sdist NAME==VERSION] [--no-stdlib] [--skip-tests] [--keep DIR]

Copies the running interpreter's standard library (without site-packages) and the source
distribution of one async project from PyPI (default: aiohttp==3.9.5, fetched with
`pip download --no-binary :all:`) into a temporary directory, then:

1. counts the findings a fix would remove, per code (`--format json --unsafe-fixes`);
2. runs `conclint --fix --unsafe-fixes` over the copy;
3. compiles every file the fix changed (as bytes, so its coding cookie counts) and checks that
   it kept its BOM, newline style and permission bits;
4. runs conclint again and counts the findings still fixable (must be 0), and checks that a
   second `--fix` changes no file.

Prints the counts and exits 1 when a check fails. Nothing outside the temporary directory
(or --keep DIR) is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import stat
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

SKIP_DIRS = {"site-packages", "__pycache__", ".git", "dist-packages"}
TEST_DIRS = {"test", "tests", "idle_test"}


def copy_stdlib(target: Path, skip_tests: bool) -> None:
    source = Path(sysconfig.get_paths()["stdlib"])
    skip = SKIP_DIRS | (TEST_DIRS if skip_tests else set())
    shutil.copytree(source, target, ignore=lambda _dir, names: [n for n in names if n in skip], symlinks=True)


def copy_sdist(requirement: str, target: Path, scratch: Path) -> None:
    downloads = scratch / "downloads"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(downloads), requirement],
        check=True,
    )
    (archive,) = list(downloads.iterdir())
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(target)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(target, filter="data") if hasattr(tarfile, "data_filter") else bundle.extractall(target)


def python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if path.is_file() and not path.is_symlink())


def snapshot(files: list[Path]) -> dict[Path, tuple[str, int]]:
    return {path: (hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest(), path.stat().st_mode) for path in files}


def conclint(root: Path, *options: str) -> tuple[list[dict], str, float]:
    """Run conclint over `root` (from inside it); its JSON findings, stderr and seconds."""
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "conclint", "--no-cache", "--format", "json", "--exit-zero", *options, "."],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 2):
        raise SystemExit(f"conclint failed ({process.returncode}):\n{process.stderr[-2000:]}")
    return json.loads(process.stdout or "[]"), process.stderr, elapsed


def newline_style(data: bytes) -> str:
    crlf = data.count(b"\r\n")
    return "crlf" if crlf and crlf == data.count(b"\n") else "lf"


def check_changed(before: dict[Path, tuple[str, int]], originals: dict[Path, bytes]) -> tuple[list[Path], list[str]]:
    changed, problems = [], []
    for path, (digest, mode) in before.items():
        data = path.read_bytes()
        if hashlib.blake2b(data, digest_size=16).hexdigest() == digest:
            continue
        changed.append(path)
        original = originals[path]
        try:
            compile(data, str(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            problems.append(f"{path}: does not compile after fixing: {error}")
        if original.startswith(b"\xef\xbb\xbf") != data.startswith(b"\xef\xbb\xbf"):
            problems.append(f"{path}: BOM changed")
        if newline_style(original) != newline_style(data):
            problems.append(f"{path}: newline style changed")
        if stat.S_IMODE(path.stat().st_mode) != stat.S_IMODE(mode):
            problems.append(f"{path}: permission bits changed")
    return changed, problems


def run_corpus(label: str, root: Path) -> bool:
    files = python_files(root)
    originals = {path: path.read_bytes() for path in files}
    before = snapshot(files)
    findings, _, lint_seconds = conclint(root, "--unsafe-fixes")
    fixable = Counter(row["code"] for row in findings if row["fixable"])
    remaining, fix_errors, fix_seconds = conclint(root, "--fix", "--unsafe-fixes")
    changed, problems = check_changed(before, originals)
    removed = Counter(row["code"] for row in findings) - Counter(row["code"] for row in remaining)
    after_fix = snapshot(files)
    again, _, _ = conclint(root, "--unsafe-fixes")
    still_fixable = [row for row in again if row["fixable"]]
    _, second_errors, _ = conclint(root, "--fix", "--unsafe-fixes")
    changed_again = [path for path, entry in snapshot(files).items() if entry != after_fix[path]]
    refused = [line for line in fix_errors.splitlines() if "error: not fixed" in line]

    print(f"## {label}: {len(files)} files")
    print(f"- findings before: {len(findings)}; fixable with --unsafe-fixes: {sum(fixable.values())} ({_codes(fixable)})")
    print(f"- --fix --unsafe-fixes: {len(changed)} files changed, findings removed {sum(removed.values())} ({_codes(removed)}), "
          f"{len(remaining)} findings left; {fix_seconds:.0f} s (a lint alone: {lint_seconds:.0f} s)")
    print(f"- changed files that compile: {len(changed) - sum('compile' in p for p in problems)} of {len(changed)}")
    print(f"- fixes refused (file left unchanged): {len(refused)}")
    for line in refused[:10]:
        print(f"    {line}")
    print(f"- second run: {len(still_fixable)} fixable findings, {len(changed_again)} files changed by a second --fix")
    for row in still_fixable[:10]:
        print(f"    still fixable: {row['path']}:{row['line']}:{row['column']} {row['code']}")
    for problem in problems[:20]:
        print(f"    PROBLEM {problem}")
    print(flush=True)
    return not problems and not still_fixable and not changed_again


def _codes(counts: Counter[str]) -> str:
    return ", ".join(f"{code} {count}" for code, count in sorted(counts.items())) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", default="aiohttp==3.9.5", help="a PyPI requirement whose sdist to fix ('' for none)")
    parser.add_argument("--no-stdlib", action="store_true", help="do not fix a copy of the standard library")
    parser.add_argument("--skip-tests", action="store_true", help="leave the standard library's test directories out")
    parser.add_argument("--keep", type=Path, help="work in this (new) directory and keep it")
    args = parser.parse_args()
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="conclint-fix-corpus-"))
    scratch.mkdir(parents=True, exist_ok=True)
    print(f"conclint --fix --unsafe-fixes on copies under {scratch} (Python {sys.version.split()[0]})\n", flush=True)
    ok = True
    try:
        if not args.no_stdlib:
            stdlib = scratch / "stdlib"
            copy_stdlib(stdlib, args.skip_tests)
            ok &= run_corpus("standard library", stdlib)
        if args.sdist:
            project = scratch / "sdist"
            copy_sdist(args.sdist, project, scratch)
            ok &= run_corpus(args.sdist, project)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    print("all checks passed" if ok else "CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
