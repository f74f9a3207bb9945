"""CCL406 and CCL305 on released code that had the bug: lint the last release with the bug and
the first release with the fix, and print whether conclint reports the line of the bug.

    python bench/crossing/real_bugs.py [--work DIR] [--conclint PATH] [--only PROJECT]

Each case pins a project's release with a known thread/loop or fork/thread bug (fixed
upstream by the pull request named in REAL_BUGS.md) and, where one exists, the release that
fixed it. Both are fetched with `pip download --no-deps --no-binary :all:`, unpacked into
the work directory (nothing is built or installed) and linted from the tree's root with the installed `conclint --select
CCL406,CCL305 --no-cache --format json`, so the project index sees the whole project, one
conclint process at a time.

Before it lints, the script checks that the pins are right: the buggy release holds the
buggy statement at the recorded line, the fixed release holds the fix. A column says
whether a finding lands on the bug's line; findings elsewhere are counted apart, since they
would be new library findings to review by hand.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "precision"))
from run import _unpack as unpack  # noqa: E402 - bench/precision/run.py: the same guarded unpacking

CODES = "CCL406,CCL305"


@dataclass(frozen=True)
class Case:
    """One known bug: where it is in the buggy release, and how the fix reads."""

    project: str
    code: str
    buggy: str
    fixed: str | None  # None: no release fixes it yet
    path: str  # relative to the unpacked release's root
    lines: tuple[int, ...]  # the lines of the bug in the buggy release
    bug_text: str  # the buggy statement, as it reads on those lines
    fix_text: str | None  # a statement only the fixed release's `path` holds


CASES = (
    Case(
        "kopf", "CCL406", "0.18", "0.19", "kopf/engines/posting.py", (39,),
        "queue.put_nowait(event)", "asyncio.run_coroutine_threadsafe(queue.put(event), loop=loop)",
    ),
    Case(
        "kopf", "CCL406", "1.44.5", "1.44.6", "kopf/_core/engines/posting.py", (88,),
        "queue.put_nowait(event)", "loop.call_soon_threadsafe(queue.put_nowait, event)",
    ),
    Case(
        "django-eventstream", "CCL406", "4.3.1", "4.4.0", "django_eventstream/consumers.py", (66, 81),
        "l.aevent.set()", "self.loop.call_soon_threadsafe(self.aevent.set)",
    ),
    Case(
        "prompt-toolkit", "CCL406", "0.50", "0.51", "prompt_toolkit/eventloop/asyncio_posix.py", (103,),
        "self.loop.call_soon(callback)", "self.loop.call_soon_threadsafe(callback)",
    ),
    Case(
        "streamlit-webrtc", "CCL406", "0.53.11", "0.54.0", "streamlit_webrtc/webrtc.py", (525,),
        "process_offer_task = loop.create_task(", "process_offer_task = asyncio.run_coroutine_threadsafe(",
    ),
    Case(
        "livekit-agents", "CCL406", "0.12.18", "0.12.19", "livekit/agents/utils/codecs/decoder.py", (151, 164),
        "self._output_ch.", "self._loop.call_soon_threadsafe(self._output_ch.close)",
    ),
    Case(
        "luigi", "CCL305", "3.8.1", None, "luigi/worker.py", (1040,),
        "task_process.start()", None,
    ),
    Case(
        "mitogen", "CCL305", "0.3.54", None, "mitogen/fork.py", (189,),
        "pid = os.fork()", None,
    ),
    Case(
        "vector2dggs", "CCL305", "0.17.0", "0.18.0", "vector2dggs/common.py", (794,),
        "executor.submit(_polyfill_star, arg)", "max_workers=max(1, processes), mp_context=_mp_context()",
    ),
    Case(
        "ansible-core", "CCL305", "2.19.14", None, "lib/ansible/plugins/strategy/__init__.py", (390,),
        "worker_prc.start()", None,
    ),
)


def fetch(name: str, version: str, work: Path) -> Path:
    """The unpacked release `name==version` under `work`, downloaded if not there yet."""
    target = work / "src" / f"{name}-{version}"
    if target.exists():
        return target
    archives = work / "archives" / f"{name}-{version}"
    archives.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(archives), f"{name}=={version}"],
        check=True,
    )
    archive = sorted(archives.iterdir())[-1]
    staging = work / "src" / f".{name}-{version}"
    root = unpack(archive, staging)
    root.rename(target)
    return target


def check_pin(case: Case, root: Path, buggy: bool) -> None:
    """Stops when a pin is wrong: the buggy statement not on its lines, or the fix missing,
    so that a silent run is never taken for a silent rule on the wrong code."""
    lines = (root / case.path).read_text(encoding="utf-8").splitlines()
    if buggy:
        for number in case.lines:
            if case.bug_text not in lines[number - 1]:
                raise SystemExit(f"{case.project} {case.buggy}: {case.path}:{number} is not `{case.bug_text}`")
    elif case.fix_text is not None and not any(case.fix_text in line for line in lines):
        raise SystemExit(f"{case.project} {case.fixed}: {case.path} has no `{case.fix_text}`")


def lint(root: Path, conclint: str) -> list[dict[str, object]]:
    """conclint's findings of the crossing rules on the whole tree (project index on)."""
    run = subprocess.run(
        [conclint, ".", "--select", CODES, "--no-cache", "--format", "json", "--exit-zero"],
        cwd=root, capture_output=True, text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"{root.name}: conclint exited {run.returncode}\n{run.stderr}")
    return json.loads(run.stdout)


def verdict(case: Case, findings: list[dict[str, object]]) -> tuple[bool, int]:
    """Whether a finding of the case's rule is on a line of the bug (a thread-to-loop call is
    reported where it is made, or where the thread is handed the function that makes it),
    and how many findings are elsewhere."""
    on_bug = [
        f for f in findings
        if f["code"] == case.code and f["path"] == case.path and f["line"] in case.lines
    ]
    return bool(on_bug), len(findings) - len(on_bug)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, help="where releases are downloaded and unpacked (default: a temporary directory)")
    parser.add_argument("--conclint", default="conclint", help="the conclint command to run")
    parser.add_argument("--only", action="append", default=[], help="only this project (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        rows = []
        for case in CASES:
            if args.only and case.project not in args.only:
                continue
            for version, buggy in ((case.buggy, True), (case.fixed, False)):
                if version is None:
                    rows.append((case, "(no fix released)", "", "", ""))
                    continue
                root = fetch(case.project, version, work)
                check_pin(case, root, buggy)
                findings = lint(root, args.conclint)
                reported, elsewhere = verdict(case, findings)
                where = ", ".join(f"{case.path}:{n}" for n in case.lines) if buggy else "-"
                rows.append((case, version, where, "T" if reported else "F", str(elsewhere)))
                print(f"linted {case.project}=={version}: {len(findings)} findings", file=sys.stderr, flush=True)
    print("| project | rule | release | has the bug at | reported there | other findings |")
    print("|---|---|---|---|:-:|--:|")
    for case, version, where, reported, elsewhere in rows:
        print(f"| {case.project} | {case.code} | {version} | {where} | {reported} | {elsewhere} |")


if __name__ == "__main__":
    main()
