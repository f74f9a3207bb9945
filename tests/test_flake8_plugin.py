"""The flake8 plugin, through the real `flake8` command.

The central test writes every VALID and INVALID example of every rule to files, runs one
`flake8 --select CCL,E999` and one `conclint --format json` over them (one pair per distinct
example configuration, given to flake8 through `.flake8` and to conclint through
`pyproject.toml`), and requires the same `(path, line, column, code)` from both.

One difference is by design: a file Python cannot parse is reported by flake8 itself as
E999, and flake8 then never calls AST plugins, so where the CLI reports CCL001 flake8
reports E999 on the same line instead.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping

import pytest

from conclint import flake8_plugin
from conclint.flake8_plugin import Plugin, settings_from_options
from conclint.rules.registry import all_rules

flake8 = pytest.importorskip("flake8", reason="flake8 is not installed (it is in the `test` extra)")

FLAKE8 = [sys.executable, "-m", "flake8"]
CONCLINT = [sys.executable, "-m", "conclint"]
FLAKE8_FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s"
BLOCKING = "import time\n\nasync def handler():\n    time.sleep(1)\n"
CUSTOM_BLOCKING = "import mylib\n\nasync def handler():\n    mylib.fetch()\n"
CPU_ON_THREAD = (
    "import threading\n\n"
    "def work():\n    total = 0\n    for i in range(10**7):\n        total += i * i\n    return total\n\n"
    "threading.Thread(target=work).start()\n"
)

Finding = tuple[str, int, int, str]


def start(command: list[str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [*command, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run(command: list[str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return finish(start(command, cwd, *args))


def start_flake8(directory: Path, *args: str) -> subprocess.Popen[str]:
    return start(FLAKE8, directory, f"--format={FLAKE8_FORMAT}", *args)


def flake8_parse(completed: subprocess.CompletedProcess[str]) -> list[Finding]:
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr, completed.stderr
    findings = []
    for line in completed.stdout.splitlines():
        path, row, col, code = line.split("\t")
        findings.append((os.path.normpath(path), int(row), int(col), code))
    return sorted(findings)


def flake8_findings(directory: Path, *args: str) -> list[Finding]:
    return flake8_parse(finish(start_flake8(directory, *args)))


def start_conclint(directory: Path, *args: str) -> subprocess.Popen[str]:
    return start(CONCLINT, directory, "--format", "json", *args)


def conclint_parse(completed: subprocess.CompletedProcess[str]) -> list[Finding]:
    assert completed.returncode in (0, 1), completed.stderr
    return sorted(
        (os.path.normpath(f["path"]), f["line"], f["column"], f["code"]) for f in json.loads(completed.stdout)
    )


def conclint_findings(directory: Path, *args: str) -> list[Finding]:
    return conclint_parse(finish(start_conclint(directory, *args)))


# --- the same findings as the command line, for every rule example ------------------------------------


def _settings_key(settings: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((key, value) for key, value in settings.items()))


def _write_configuration(directory: Path, settings: Mapping[str, object]) -> None:
    """The example's settings, as `[tool.conclint]` for conclint and `[flake8]` for the plugin."""
    toml, flake8_config = ["[tool.conclint]"], ["[flake8]"]
    for key, value in settings.items():
        if key == "free_threaded":
            toml.append(f"free-threaded = {str(value).lower()}")
            flake8_config.append(f"conclint-free-threaded = {str(value).lower()}")
        elif key == "extend_blocking_calls":
            pairs = dict(value)  # type: ignore[call-overload]
            toml.append("extend-blocking-calls = { " + ", ".join(f'"{n}" = "{c}"' for n, c in pairs.items()) + " }")
            # newline-separated, as a long list in a config file would be written
            flake8_config.append("conclint-extend-blocking-calls =")
            flake8_config += [f"    {name}={category}" for name, category in pairs.items()]
        elif key == "offload_decorators":
            names = list(value)  # type: ignore[call-overload]
            toml.append("offload-decorators = [" + ", ".join(f'"{name}"' for name in names) + "]")
            flake8_config.append("conclint-offload-decorators = " + ",".join(names))
        else:  # pragma: no cover - a new example setting needs a flake8 option or a skip here
            raise AssertionError(f"no flake8 option for the example setting {key!r}")
    (directory / "pyproject.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    (directory / ".flake8").write_text("\n".join(flake8_config) + "\n", encoding="utf-8")


def _write_examples(root: Path) -> list[Path]:
    """One directory per distinct example configuration, holding one file per example."""
    groups: dict[tuple[tuple[str, object], ...], list[tuple[str, str, Mapping[str, object]]]] = defaultdict(list)
    for rule in all_rules():
        for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for index, example in enumerate(examples):
                settings = dict(getattr(example, "settings", {}) or {})
                if "select" in settings:
                    continue  # a rule only naming turns on (CCL002), which the plugin does not run
                groups[_settings_key(settings)].append((f"{rule.CODE}_{kind}_{index}.py", example.source, settings))
    directories = []
    for number, members in enumerate(groups.values()):
        directory = root / f"group{number}"
        directory.mkdir()
        _write_configuration(directory, members[0][2])
        for name, source, _ in members:
            (directory / name).write_text(source, encoding="utf-8", newline="")
        directories.append(directory)
    return directories


def _expected_from_flake8(cli: Iterable[Finding], directory: Path) -> list[Finding]:
    """What flake8 should print given the CLI's findings: CCL001 on a file Python cannot
    parse becomes flake8's own E999 (its column is flake8's business, so it is not compared)."""
    expected = []
    for path, line, column, code in cli:
        if code == "CCL001" and not _python_parses(directory / path):
            expected.append((path, line, -1, "E999"))
        else:
            expected.append((path, line, column, code))
    return sorted(expected)


def _python_parses(path: Path) -> bool:
    try:
        ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return False
    return True


def test_flake8_and_cli_agree_on_every_rule_example(tmp_path: Path) -> None:
    directories = _write_examples(tmp_path)
    assert directories
    # one conclint and one flake8 process per configuration, all running at once
    processes = [
        (directory, start_conclint(directory, "."), start_flake8(directory, "--select", "CCL,E999", "."))
        for directory in directories
    ]
    compared = 0
    for directory, conclint_process, flake8_process in processes:
        cli = conclint_parse(finish(conclint_process))
        plugin = [
            (path, line, -1 if code == "E999" else column, code)
            for path, line, column, code in flake8_parse(finish(flake8_process))
        ]
        assert plugin == _expected_from_flake8(cli, directory), directory
        compared += len(cli)
    # every INVALID example produced at least one finding: the comparison was not vacuous
    invalid_examples = sum(len(rule.INVALID) for rule in all_rules())
    assert compared >= invalid_examples


# --- files the plugin must survive --------------------------------------------------------------------


def test_a_file_python_cannot_parse_is_flake8s_e999_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("async def handler(:\n    pass\n")
    (tmp_path / "bad.py").write_text(BLOCKING)
    completed = run(FLAKE8, tmp_path, "--select", "CCL,E999", "broken.py", "bad.py")
    assert completed.returncode == 1
    assert completed.stderr == ""
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("bad.py:4:5: CCL101 ")
    assert lines[1].startswith("broken.py:1:") and " E999 SyntaxError" in lines[1]
    assert len(lines) == 2


def test_a_file_python_parses_but_conclint_cannot_analyse_is_ccl001_in_both(tmp_path: Path) -> None:
    # CPython keeps a long `and` chain flat; conclint refuses it rather than overflow libcst.
    (tmp_path / "chain.py").write_text("x = " + " and ".join(["a"] * 2500) + "\n")
    expected = conclint_findings(tmp_path, "chain.py")
    assert [code for *_, code in expected] == ["CCL001"]
    assert flake8_findings(tmp_path, "--select", "CCL", "chain.py") == expected


@pytest.mark.parametrize("part", ["'text {i}'", "f'text {{x}} {i}'"], ids=["strings", "f-strings"])
def test_a_long_string_concatenation_gets_the_findings_the_cli_gives_not_ccl001(tmp_path: Path, part: str) -> None:
    # libcst nests an implicit concatenation of 1,000 strings 1,000 deep: under flake8's own
    # recursion limit its code generation gives up (CCL001 "too deeply nested"), while the
    # command line lints on a deep-stack thread. (A sum of 1,000 terms cannot be tested
    # here: pyflakes, which flake8 always runs, fails on it first and ends the flake8 run.)
    expression = "(\n" + "".join(f"    {part.format(i=i)}\n" for i in range(1000)) + ")"
    (tmp_path / "long.py").write_text(BLOCKING + f"\nVALUE = {expression}\n")
    expected = conclint_findings(tmp_path, "long.py")
    assert expected == [("long.py", 4, 5, "CCL101")]
    assert flake8_findings(tmp_path, "--select", "CCL", "long.py") == expected


def test_the_plugin_leaves_the_recursion_limit_as_it_found_it() -> None:
    limit = sys.getrecursionlimit()
    lines = BLOCKING.splitlines(keepends=True)
    assert [text.split()[0] for *_, text, _ in Plugin(ast.parse(BLOCKING), lines, "app.py").run()] == ["CCL101"]
    assert sys.getrecursionlimit() == limit


def test_an_engine_failure_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> list[object]:
        raise ValueError("engine bug")

    monkeypatch.setattr(flake8_plugin, "lint_source", broken)
    results = list(Plugin(ast.parse("x = 1\n"), ["x = 1\n"], "x.py").run())
    assert len(results) == 1
    line, column, text, _ = results[0]
    assert (line, column) == (1, 0)
    assert text.startswith("CCL001 ") and "internal error: ValueError: engine bug" in text


def test_the_plugin_yields_flake8_tuples_with_0_based_columns() -> None:
    lines = BLOCKING.splitlines(keepends=True)
    results = list(Plugin(ast.parse(BLOCKING), lines, "app.py").run())
    assert [(line, column, text.split()[0]) for line, column, text, _ in results] == [(4, 4, "CCL101")]
    assert results[0][3] is Plugin


# --- registration and options -------------------------------------------------------------------------


def test_the_plugin_is_registered_with_flake8(tmp_path: Path) -> None:
    completed = run(FLAKE8, tmp_path, "--version")
    assert "conclint:" in completed.stdout


def test_codes_match_what_flake8_accepts() -> None:
    from flake8.plugins.finder import VALID_CODE_PREFIX

    assert VALID_CODE_PREFIX.match("CCL")
    assert all(VALID_CODE_PREFIX.fullmatch(rule.CODE) for rule in all_rules())


def test_extend_blocking_calls_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CUSTOM_BLOCKING)
    assert flake8_findings(tmp_path, "--select", "CCL", "app.py") == []
    as_other = flake8_findings(tmp_path, "--select", "CCL", "--conclint-extend-blocking-calls", "mylib.fetch", "app.py")
    assert as_other == [("app.py", 4, 5, "CCL110")]
    as_http = flake8_findings(
        tmp_path, "--select", "CCL", "--conclint-extend-blocking-calls", "other.thing, mylib.fetch=http", "app.py"
    )
    assert as_http == [("app.py", 4, 5, "CCL102")]


@pytest.mark.parametrize("where", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_are_read_from_flake8_config_files(tmp_path: Path, where: str) -> None:
    (tmp_path / "app.py").write_text(CUSTOM_BLOCKING)
    (tmp_path / "threads.py").write_text(CPU_ON_THREAD)
    before = {code for *_, code in flake8_findings(tmp_path, "--select", "CCL", ".")}
    assert "CCL110" not in before and "CCL201" in before
    (tmp_path / where).write_text(
        "[flake8]\nconclint-free-threaded = true\nconclint-extend-blocking-calls = mylib.fetch\n"
    )
    after = {code for *_, code in flake8_findings(tmp_path, "--select", "CCL", ".")}
    assert "CCL110" in after and "CCL201" not in after


def test_free_threaded_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "threads.py").write_text(CPU_ON_THREAD)
    assert [code for *_, code in flake8_findings(tmp_path, "--select", "CCL", "threads.py")] == ["CCL201"]
    assert flake8_findings(tmp_path, "--select", "CCL", "--conclint-free-threaded", "threads.py") == []


@pytest.mark.parametrize(
    ("value", "complaint"),
    [("mylib.fetch=bogus", "unknown category 'bogus'"), ("mylib.9fetch", "is not a qualified name")],
)
def test_a_bad_option_value_is_a_usage_error(tmp_path: Path, value: str, complaint: str) -> None:
    (tmp_path / "app.py").write_text(CUSTOM_BLOCKING)
    completed = run(FLAKE8, tmp_path, "--select", "CCL", f"--conclint-extend-blocking-calls={value}", "app.py")
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "--conclint-extend-blocking-calls" in completed.stderr and complaint in completed.stderr


def test_settings_from_options_match_the_configuration_table() -> None:
    settings = settings_from_options(True, ["a.b", "c.d=http", " "])
    assert settings.free_threaded is True
    assert settings.extend_blocking_calls == (("a.b", "other"), ("c.d", "http"))


def test_stdin_is_checked_like_a_file(tmp_path: Path) -> None:
    # editors (the VS Code flake8 extension) send the buffer on stdin
    completed = subprocess.run(
        [*FLAKE8, "--select", "CCL", "--stdin-display-name", "buffer.py", "-"],
        input=BLOCKING,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert completed.stdout.startswith("buffer.py:4:5: CCL101 "), completed.stderr


# --- the README's snippets work ---------------------------------------------------------------------


def _readme_block(heading: str, language: str) -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n{heading}\n", 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_readme_flake8_configuration_works(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(_readme_block("### flake8", "ini"))
    (tmp_path / "app.py").write_text(CUSTOM_BLOCKING.replace("fetch", "legacy_call"))
    (tmp_path / "threads.py").write_text(CPU_ON_THREAD)
    found = flake8_findings(tmp_path, ".")  # no --select: the configuration's extend-select decides
    assert ("app.py", 4, 5, "CCL110") in found
    assert any(code == "CCL201" for *_, code in found)


def test_the_readme_vscode_arguments_are_flake8_arguments(tmp_path: Path) -> None:
    arguments = json.loads(_readme_block("### VS Code", "json"))["flake8.args"]
    (tmp_path / "app.py").write_text(BLOCKING)
    found = flake8_findings(tmp_path, *arguments, "app.py")
    assert [finding for finding in found if finding[3].startswith("CCL")] == [("app.py", 4, 5, "CCL101")]
