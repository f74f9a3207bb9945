"""A file no rule needs to parse is answered without the engine, so without importing libcst
(issue 19, item 6), and with exactly the findings the engine would give."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conclint.core.settings import Settings
from conclint.engine import lint_source
from conclint.knowledge.rule_tokens import RULE_PREFILTERS, Prefilter
from conclint.project import lint_one
from conclint.project.parse_needed import PATTERNS, needs_engine
from conclint.project.tasks import IndexOptions
from conclint.rules.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
PLAIN = "def scale(values, factor):\n    return [v * factor for v in values]\n"

# Sources beside the fixtures and examples, for the cases those do not hold.
SOURCES = {
    "plain.py": PLAIN,
    "bad.py": "def f(:\n    pass\n",
    "nul.py": "x = 1\0\n",
    "deep.py": "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
    "imports.py": "import os\n\nfrom app.jobs import run\n\nrun()\nprint(os.sep)\n",
    "mentions_async.py": "import asyncio\n\n\ndef main():\n    asyncio.run(None)\n",
    "coroutine.py": "import time\n\n\nasync def f():\n    time.sleep(1)\n",
    "threads.py": (
        "import threading\n\n\ndef work():\n    return sum(i * i for i in range(10**7))\n\n\n"
        "threading.Thread(target=work).start()\n"
    ),
    "noqa.py": "x = 1  # noqa: CCL101\n",
}
SETTINGS = [
    Settings(),
    Settings(select=("CCL1",)),
    Settings(select=("CCL2", "CCL3")),
    Settings(ignore=("CCL001",)),
    Settings(select=("CCL001",)),
    Settings(select=("ALL", "CCL002")),
    Settings(free_threaded=True),
    Settings(max_file_size=200),
]


def test_the_table_equals_what_the_rule_classes_say() -> None:
    names = {pattern: name for name, pattern in PATTERNS.items()}
    from_classes = {
        cls.CODE: Prefilter(
            cls.REQUIRED_TOKENS,
            names[cls.REQUIRED_PATTERN] if cls.REQUIRED_PATTERN is not None else None,
            cls.FOLLOWS_IMPORTED_CALLS,
            cls.REQUIRES_GIL,
        )
        for cls in all_rules()
    }
    assert dict(RULE_PREFILTERS) == from_classes


def _files(tmp_path: Path) -> list[Path]:
    """The fixtures, the examples, the rules' examples, and `SOURCES`, as files."""
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.py")) + sorted((ROOT / "examples").glob("*.py"))
    for name, text in SOURCES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    for cls in all_rules():
        for number, example in enumerate([*cls.VALID, *cls.INVALID]):
            file = tmp_path / f"{cls.CODE}_{number}.py"
            file.write_text(textwrap.dedent(example.code).lstrip("\n"), encoding="utf-8")
            files.append(file)
    return files


@pytest.mark.parametrize("indexed", [False, True])
@pytest.mark.parametrize("settings", SETTINGS, ids=[str(number) for number in range(len(SETTINGS))])
def test_a_file_left_to_cpython_gets_what_the_engine_gives(settings: Settings, indexed: bool, tmp_path: Path) -> None:
    shortcut = engine = 0
    for file in _files(tmp_path):
        source = file.read_bytes()
        if needs_engine(source, settings, indexed):
            engine += 1
            continue
        shortcut += 1
        view = lint_one.project_view(str(file), settings, IndexOptions(run=1)) if indexed else None
        assert lint_source(source, str(file), settings, view) == [], file
    # Both ways are taken, or the comparison above proves nothing.
    assert shortcut and engine


def test_a_rejected_file_is_left_to_the_engine() -> None:
    assert needs_engine(SOURCES["bad.py"].encode(), Settings(), False)
    assert not needs_engine(SOURCES["bad.py"].encode(), Settings(ignore=("CCL001",)), False)


def test_an_import_is_left_to_the_engine_when_a_rule_follows_imported_calls() -> None:
    source = SOURCES["imports.py"].encode()
    assert needs_engine(source, Settings(), True)
    assert not needs_engine(source, Settings(), False)
    assert not needs_engine(source, Settings(ignore=("CCL302",)), True)


def test_per_file_ignores_are_left_to_the_engine() -> None:
    settings = dataclasses.replace(Settings(), per_file_ignores=(("*.py", ("CCL1",)),))
    assert needs_engine(PLAIN.encode(), settings, False)


def _run_cold(project: Path, file: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from conclint.cli import main\n"
        "try:\n"
        f"    main([{file!r}])\n"
        "except SystemExit as exit:\n"
        "    print('libcst' in sys.modules, exit.code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_cold_run_on_a_file_no_rule_parses_does_not_import_libcst(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "plain.py").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "app" / "bad.py").write_text(SOURCES["bad.py"], encoding="utf-8")
    (tmp_path / "app" / "slow.py").write_text(SOURCES["coroutine.py"], encoding="utf-8")

    plain = _run_cold(tmp_path, "app/plain.py")
    assert plain.stdout.splitlines()[-1] == "False 0", plain.stdout + plain.stderr
    # A file CPython rejects, and one a rule parses, still go through libcst and the engine.
    bad = _run_cold(tmp_path, "app/bad.py")
    assert "CCL001" in bad.stdout and bad.stdout.splitlines()[-1] == "True 1", bad.stdout + bad.stderr
    slow = _run_cold(tmp_path, "app/slow.py")
    assert "CCL101" in slow.stdout and slow.stdout.splitlines()[-1] == "True 1", slow.stdout + slow.stderr
