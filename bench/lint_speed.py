"""Lint a directory and compare with a bare `libcst.parse_module` loop over the same files.

Usage: python bench/lint_speed.py [DIRECTORY] [--limit N]

DIRECTORY defaults to the running interpreter's standard library. Each measurement runs in
its own child process, so peak memory (max RSS) belongs to that measurement alone. Prints
files/s, lines/s and peak memory for both, and the ratio lint/parse.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

SKIP_DIRS = {"site-packages", "__pycache__", ".git"}


def python_files(root: Path, limit: int | None) -> list[Path]:
    files = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
        files.extend(Path(directory, name) for name in sorted(names) if name.endswith(".py"))
    return files[:limit] if limit else files


def measure(mode: str, files: list[str]) -> dict[str, float]:
    """Runs in the child: parse or lint every file, report time and peak memory."""
    import libcst

    sources = [Path(f).read_bytes() for f in files]
    lint = None
    if mode == "lint":
        from conclint.engine import lint_source

        lint = lint_source
        lint(b"import time\nasync def f():\n    time.sleep(1)\n", "warmup.py")
    findings = failures = 0
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for path, source in zip(files, sources):
        if lint is not None:
            found = lint(source, path)
            findings += len(found)
            failures += sum(d.code == "CCL001" for d in found)
        else:
            try:
                libcst.parse_module(source)
            except Exception:
                failures += 1
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"wall": wall, "cpu": cpu, "peak_mb": peak_mb, "findings": findings, "failures": failures}


def run_child(mode: str, list_file: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, list_file],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, list_file = args.child
        print(json.dumps(measure(mode, Path(list_file).read_text().splitlines())))
        return
    files = python_files(Path(args.directory), args.limit)
    lines = sum(Path(f).read_bytes().count(b"\n") for f in files)
    list_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"conclint-bench-{os.getpid()}.txt"
    list_file.write_text("\n".join(map(str, files)))
    try:
        results = {mode: run_child(mode, str(list_file)) for mode in ("parse", "lint")}
    finally:
        list_file.unlink()
    print(f"{len(files)} files, {lines} lines under {args.directory}")
    print(f"{'':14}{'wall s':>8}{'cpu s':>8}{'files/s':>10}{'lines/s':>10}{'peak MB':>9}")
    for mode, label in (("parse", "libcst parse"), ("lint", "conclint")):
        r = results[mode]
        print(
            f"{label:14}{r['wall']:8.1f}{r['cpu']:8.1f}{len(files) / r['wall']:10.0f}"
            f"{lines / r['wall']:10.0f}{r['peak_mb']:9.0f}"
        )
    print(f"lint/parse wall ratio: {results['lint']['wall'] / results['parse']['wall']:.2f}")
    print(f"findings: {results['lint']['findings']}, CCL001: {results['lint']['failures']}, parse failures: {results['parse']['failures']}")


if __name__ == "__main__":
    main()
