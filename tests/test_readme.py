"""The README works as written: its quickstart is what CI runs, and what it links to exists.

A newcomer copies the quickstart verbatim, and CI (`.ci/run`) is the only place that runs it,
so the two must not drift apart; a link to a file a clone does not have is a dead end for
the same reader (issue 19, item 7).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def _quickstart_commands() -> list[str]:
    """The shell lines of the quickstart's code blocks, in order."""
    section = README.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _ci_commands() -> list[str]:
    """The commands of `.ci/run`, comments and blank lines left out."""
    lines = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _without_quiet(command: str) -> list[str]:
    """A command's words without `--quiet`, which only changes how much pip prints."""
    return [word for word in shlex.split(command) if word != "--quiet"]


def test_the_quickstart_starts_with_a_virtual_environment() -> None:
    first = _quickstart_commands()[0]
    assert first.startswith("python3 -m venv "), first
    assert ". .venv/bin/activate" in first


def test_the_first_command_installs_no_test_extra_and_runs_on_the_examples() -> None:
    install, run = _quickstart_commands()[1].split(" && ")
    assert _without_quiet(install) == ["python", "-m", "pip", "install", "."]
    assert shlex.split(run) == ["conclint", "examples/"]
    assert (PROJECT / "examples").is_dir()


def test_ci_installs_and_tests_as_the_quickstart_says() -> None:
    install, test = _quickstart_commands()[2].split(" && ")
    ci = _ci_commands()
    assert ci[-1] == test, "the last command of .ci/run must be the README's test command"
    assert [_without_quiet(command) for command in ci[-2:-1]] == [_without_quiet(install)]


def test_relative_links_lead_to_files_of_the_checkout() -> None:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    local = [target for target in targets if "://" not in target]
    assert local, "the README links to no file of the checkout: the pattern no longer matches"
    missing = [target for target in local if not (PROJECT / target).exists()]
    assert missing == []
