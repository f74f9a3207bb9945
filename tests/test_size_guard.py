"""Issue 21, part 3: no file may take the run down by its size.

A file above `max-file-size` is reported as CCL001 without being parsed, and the other files
are still checked; a file that runs out of memory is reported for itself; a run under a
1.5 GB address-space limit on a file just under the default bound finishes and reports every
file; and the `__main__` guard fixes of one module share one fix instead of costing the rest
of the file each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conclint.engine import lint as engine
from conclint.core.settings import DEFAULT_MAX_FILE_SIZE
from conclint.project.configuration import ConfigError, load_settings
from conclint.engine import OUT_OF_MEMORY, lint_source, summarize_source
from conclint.autofix.apply import FixMode, fix_text
from conclint.syntax.parsing import SourceError
from conclint.rules.general.parse_error import ParseError

CONCLINT = Path(sys.executable).parent / ("conclint.exe" if os.name == "nt" else "conclint")
BLOCKING = "import time\nasync def handler():\n    time.sleep(1)\n"
# Ordinary code with findings that have fixes, repeated to make a file of a given size.
BODY = '''

class Ledger{n}:
    def __init__(self, owner):
        self.owner = owner
        self.entries = []

    def add(self, amount):
        self.entries.append(amount)
        return sum(self.entries)


async def refresh_{n}():
    time.sleep(1)


def work_{n}():
    return {n}


multiprocessing.Process(target=work_{n}).start()
'''
HEADER = "import asyncio\nimport multiprocessing\nimport time\n"
# The address-space limit of the memory-bounded run: what a worker must stay well under.
MEMORY_LIMIT = 1536 * 1024 * 1024


def generated(size: int) -> str:
    """A module of ordinary code of at most `size` bytes (ASCII, so characters are bytes)."""
    parts, total, copy = [HEADER], len(HEADER), 0
    while True:
        part = BODY.format(n=copy)
        if total + len(part) > size:
            return "".join(parts)
        parts.append(part)
        total += len(part)
        copy += 1


def run_conclint(*args: str, cwd: Path, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    if not CONCLINT.exists():
        pytest.skip(f"the conclint command is not installed next to {sys.executable}")
    return subprocess.run(
        [str(CONCLINT), "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_address_space if limit_memory else None,
    )


def _limit_address_space() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small file with a finding, and one of 1,500 bytes of clean code."""
    (tmp_path / "small.py").write_text(BLOCKING)
    (tmp_path / "big.py").write_text("x = 1\n" * 250)
    return tmp_path


# --- the bound, from the command line and from pyproject.toml ----------------------------------------


def test_a_file_above_the_bound_is_ccl001_and_the_others_are_still_checked(project: Path) -> None:
    completed = run_conclint("--max-file-size", "1000", cwd=project)
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert (
        "big.py:1:1: CCL001 file too large to analyse (1.5 KB, limit 1000 bytes); raise max-file-size to check it"
        in lines
    )
    assert any(line.startswith("small.py:3:5: CCL101 ") for line in lines)
    assert lines[-1] == "Found 2 problems in 2 files."
    assert completed.stderr == ""


def test_the_pyproject_setting_bounds_the_files(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.conclint]\nmax-file-size = "1KB"\n')
    completed = run_conclint(cwd=project)
    assert completed.returncode == 1, completed.stderr
    assert "big.py:1:1: CCL001 file too large to analyse (1.5 KB, limit 1 KB)" in completed.stdout
    assert "small.py:3:5: CCL101 " in completed.stdout
    # The command line overrides the file: a bound above the file checks it.
    raised = run_conclint("--max-file-size", "2000", cwd=project)
    assert "CCL001" not in raised.stdout
    assert "small.py:3:5: CCL101 " in raised.stdout


def test_a_bad_pyproject_value_is_a_clear_config_error(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.conclint]\nmax-file-size = "huge"\n')
    completed = run_conclint(cwd=project)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "[tool.conclint] max-file-size: expected a positive size in bytes" in completed.stderr
    assert "'huge'" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(4096, 4096), ("4096", 4096), ("4MB", 4 * 1024 * 1024), ("512 kb", 512 * 1024), ("1.5MiB", 1572864), ("1000B", 1000)],
)
def test_sizes_are_read_in_bytes_or_with_a_unit(tmp_path: Path, raw: object, expected: int) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.conclint]\nmax-file-size = {raw!r}\n".replace("'", '"'))
    assert load_settings(pyproject).max_file_size == expected
    assert load_settings(None, max_file_size=str(raw)).max_file_size == expected


@pytest.mark.parametrize("raw", ["0", "-1", "4XB", "", "MB", "true", "1e9"])
def test_bad_sizes_are_refused_naming_the_option(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"command line: --max-file-size: expected a positive size"):
        load_settings(None, max_file_size=raw)


@pytest.mark.parametrize("raw", ["true", "0", "[1]", "1.5"])
def test_bad_toml_values_are_refused(tmp_path: Path, raw: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.conclint]\nmax-file-size = {raw}\n")
    with pytest.raises(ConfigError, match=r"\[tool.conclint\] max-file-size: expected a positive size"):
        load_settings(pyproject)


# --- the engine: no parse above the bound, MemoryError reported for the file ------------------------------


def test_the_bound_counts_bytes_of_text_not_characters() -> None:
    source = "s = '" + "é" * 600 + "'\n"  # 607 characters, 1,207 bytes in UTF-8
    settings = load_settings(None, max_file_size="1000")
    [diagnostic] = lint_source(source, "x.py", settings)
    assert diagnostic.code == "CCL001"
    assert "(1.2 KB, limit 1000 bytes)" in diagnostic.message
    assert lint_source(source.encode(), "x.py", load_settings(None, max_file_size="1207")) == []


def test_sizes_read_in_messages() -> None:
    assert ParseError.too_large_reason(5452595, 4 * 1024 * 1024) == (
        "file too large to analyse (5.2 MB, limit 4 MB); raise max-file-size to check it"
    )
    # Rounded to the same text, the sizes are given in bytes.
    assert "(1048577 bytes, limit 1048576 bytes)" in ParseError.too_large_reason(1048577, 1048576)


def test_a_file_above_the_bound_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file above the bound")

    monkeypatch.setattr(engine, "parse_source", no_parse)
    monkeypatch.setattr(engine, "check_source", no_parse)
    settings = load_settings(None, max_file_size="20")
    assert [d.code for d in lint_source(BLOCKING, "x.py", settings)] == ["CCL001"]
    with pytest.raises(SourceError, match="file too large to analyse"):
        summarize_source(BLOCKING, settings)


def test_ignoring_ccl001_silences_the_bound_as_it_does_parse_errors() -> None:
    settings = load_settings(None, max_file_size="20", ignore=["CCL001"])
    assert lint_source(BLOCKING, "x.py", settings) == []


@pytest.mark.parametrize("stage", ["parse_source", "_run_rules", "_to_diagnostics"])
def test_memory_error_is_a_finding_for_the_file(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(engine, stage, exhausted)
    [diagnostic] = lint_source(BLOCKING, "x.py")
    assert (diagnostic.code, diagnostic.line) == ("CCL001", 1)
    assert OUT_OF_MEMORY in diagnostic.message
    monkeypatch.undo()
    assert [d.code for d in lint_source(BLOCKING, "x.py")] == ["CCL101"]


def test_keyboard_interrupt_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "parse_source", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lint_source(BLOCKING, "x.py")


# --- a run under a memory limit ----------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32" or sys.platform == "darwin", reason="RLIMIT_AS is enforced on Linux")
def test_a_memory_bounded_run_reports_every_file(tmp_path: Path) -> None:
    """Serially (fewer than 16 files), under 1.5 GB of address space: a file just under the
    default bound is checked, one three times the bound (which aborted the run in libcst's
    allocator before the bound existed) is CCL001, and the small files are reported."""
    for number in range(3):
        (tmp_path / f"small{number}.py").write_text(BLOCKING)
    (tmp_path / "just_under.py").write_text(generated(DEFAULT_MAX_FILE_SIZE))
    (tmp_path / "three_times.py").write_text(generated(3 * DEFAULT_MAX_FILE_SIZE))
    completed = run_conclint("--format", "json", cwd=tmp_path, limit_memory=True)
    assert completed.returncode == 1, completed.stderr[-2000:]
    assert completed.stderr == ""
    reported = json.loads(completed.stdout)
    paths = {finding["path"] for finding in reported}
    assert paths == {"small0.py", "small1.py", "small2.py", "just_under.py", "three_times.py"}
    assert [f["code"] for f in reported if f["path"] == "three_times.py"] == ["CCL001"]
    assert {f["code"] for f in reported if f["path"] == "just_under.py"} == {"CCL101", "CCL301"}


# --- the `__main__` guard fixes of one module share one fix ------------------------------------------------


STARTS = """\
import multiprocessing as mp

def work():
    pass

mp.Process(target=work).start()
print("between")
mp.Process(target=work).start()
"""


def test_guard_fixes_of_one_module_share_the_first_ones_edits() -> None:
    first, second = lint_source(STARTS, "x.py")
    assert first.fix is not None and second.fix is not None
    assert first.fix.edits is second.fix.edits
    assert first.fix.description.startswith("Move the statements from here on")
    assert second.fix.description.startswith("Move the statements from the first process start on")
    result = fix_text(STARTS, "x.py", mode=FixMode(unsafe=True))
    assert result.diagnostics == []
    assert result.text.endswith(
        'if __name__ == "__main__":\n'
        "    mp.Process(target=work).start()\n"
        '    print("between")\n'
        "    mp.Process(target=work).start()\n"
    )


def test_a_suppressed_start_is_not_moved_by_a_later_ones_fix() -> None:
    source = STARTS.replace("start()\nprint", "start()  # noqa: CCL301\nprint", 1)
    [diagnostic] = lint_source(source, "x.py")
    assert diagnostic.line == 8 and diagnostic.fix is not None
    assert diagnostic.fix.description.startswith("Move the statements from here on")
    result = fix_text(source, "x.py", mode=FixMode(unsafe=True))
    assert "start()  # noqa: CCL301\nprint(\"between\")\n" in result.text
    assert result.text.endswith('if __name__ == "__main__":\n    mp.Process(target=work).start()\n')


def test_a_start_in_a_class_body_after_another_gets_its_own_fix() -> None:
    source = STARTS + "\nclass Service:\n    pool = mp.Pool(2)\n"
    diagnostics = lint_source(source, "x.py")
    assert [d.line for d in diagnostics] == [6, 8, 11]
    shared, own = diagnostics[0].fix, diagnostics[2].fix
    assert shared is not None and own is not None and own.edits is shared.edits  # the shared fix moves the class body too
    result = fix_text(source, "x.py", mode=FixMode(unsafe=True))
    assert result.error is None and result.diagnostics == []
    compile(result.text, "x.py", "exec")
