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
        view = lint_one.project_view(str(file), settings, IndexOptions(run=1)) if indexed else None
        if needs_engine(source, settings, view.is_project_module if view is not None else None):
            engine += 1
            continue
        shortcut += 1
        assert lint_source(source, str(file), settings, view) == [], file
    # Both ways are taken, or the comparison above proves nothing.
    assert shortcut and engine


def test_a_rejected_file_is_left_to_the_engine() -> None:
    assert needs_engine(SOURCES["bad.py"].encode(), Settings(), None)
    assert not needs_engine(SOURCES["bad.py"].encode(), Settings(ignore=("CCL001",)), None)


def _in_app(module: str) -> bool:
    return module.partition(".")[0] == "app"


@pytest.mark.parametrize(
    "source",
    [
        "from app.jobs import run\n\nrun()\n",
        "import app.jobs\n\napp.jobs.run()\n",
        "from . import jobs\n\njobs.run()\n",
        "from app.ops import Operator\n\nOperator().expval()\n",
        "from app.jobs import run\n\n\n@run()\ndef f():\n    pass\n",
        "from app.jobs import run\n\n\nclass C:\n    x = run()\n",
        "from app.jobs import run\n\n\ndef f(x=run()):\n    pass\n",
        "from app.jobs import run\n\nrun()\nextra = {}\nsettings = {**extra, 'a': 1}\n",
    ],
)
def test_an_import_time_call_of_a_project_import_is_left_to_the_engine(source: str) -> None:
    assert needs_engine(source.encode(), Settings(), _in_app)
    assert not needs_engine(source.encode(), Settings(), None)
    assert not needs_engine(source.encode(), Settings(ignore=("CCL301", "CCL302")), _in_app)


@pytest.mark.parametrize(
    "source",
    [
        "import logging\n\nlog = logging.getLogger(__name__)\n",
        "from app.jobs import run\n\n\ndef main():\n    run()\n",
        "from app.jobs import run\n\nhandler = lambda: run()\n",
        "import app.jobs\n\nx = len([])\n",
    ],
)
def test_no_import_time_call_of_a_project_import_needs_no_engine(source: str) -> None:
    assert not needs_engine(source.encode(), Settings(), _in_app)


def test_a_file_left_to_the_engine_after_cpythons_check_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from conclint.syntax import cpython_check

    compiled: list[object] = []
    real = cpython_check._compile_at_default_limit
    monkeypatch.setattr(cpython_check, "_compile_at_default_limit", lambda source: compiled.append(source) or real(source))
    needed = "from app.jobs import run\n\nrun()\n".encode()
    assert needs_engine(needed, Settings(), _in_app)
    from conclint.syntax.parsing import check_source

    assert check_source(needed) is not None
    assert compiled == [needed]
    # A file the engine is spared keeps no tree alive: the next check compiles.
    spared = "import app.jobs\n\nx = len([])\n".encode()
    assert not needs_engine(spared, Settings(), _in_app)
    assert check_source(spared) is not None
    assert compiled == [needed, spared, spared]


def test_a_process_start_through_an_imported_call_is_still_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "workers.py").write_text(
        "import multiprocessing\n\n\ndef main():\n    multiprocessing.Process(target=print).start()\n",
        encoding="utf-8",
    )
    (tmp_path / "app" / "run.py").write_text("from app.workers import main\n\nmain()\n", encoding="utf-8")
    result = lint_one.lint_file(str(tmp_path / "app" / "run.py"), Settings(), IndexOptions(run=2))
    assert [diagnostic.code for diagnostic in result.diagnostics] == ["CCL302"]


def test_per_file_ignores_are_left_to_the_engine() -> None:
    settings = dataclasses.replace(Settings(), per_file_ignores=(("*.py", ("CCL1",)),))
    assert needs_engine(PLAIN.encode(), settings, None)


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
