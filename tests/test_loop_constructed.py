"""Issue 14: a class a framework constructs on its event loop (a Home Assistant config flow)
runs its `__init__` on the loop though no coroutine of the file calls it; and the other way
round, coroutines a framework steps itself with no event loop (ESPHome's code generation)."""

from __future__ import annotations

import textwrap

import pytest

from conclint.core.settings import DEFAULT_SETTINGS, Settings
from conclint.engine import lint_source

SOURCE = """
import json
import os

from homeassistant import config_entries
from homeassistant.config_entries import OptionsFlow


class BaseFlow(config_entries.ConfigFlow):
    async def async_step_user(self, user_input=None):
        return self.async_show_form(step_id="user")


class LightsFlow(BaseFlow, domain="lights"):
    def __init__(self):
        with open("manifest.json") as manifest:
            self.manifest = json.load(manifest)
        self.models = os.listdir("models")

    def models_on_disk(self):
        return os.listdir("models")


class Options(OptionsFlow):
    def __init__(self, entry):
        self.entry = entry


class Plain:
    def __init__(self):
        self.models = os.listdir("models")
"""


def test_blocking_calls_in_the_init_of_a_flow_are_reported_without_a_fix() -> None:
    found = lint_source(textwrap.dedent(SOURCE), "config_flow.py", Settings())
    assert [(d.line, d.code) for d in found] == [(16, "CCL104"), (17, "CCL104"), (18, "CCL104")]
    assert all(d.fix is None for d in found)
    assert "Home Assistant constructs config and options flows on its event loop" in found[0].message
    assert "async_add_executor_job" in found[0].message


def test_a_helper_the_init_of_a_flow_calls_is_followed_without_a_fix() -> None:
    source = """
        from pathlib import Path

        from homeassistant.config_entries import ConfigFlow

        def load_models():
            return [path.stem for path in (Path(__file__).parent / "models").iterdir()]

        class LightsFlow(ConfigFlow, domain="lights"):
            def __init__(self):
                self.models = load_models()

            def refresh(self):
                self.models = load_models()

            async def async_step_user(self, user_input=None):
                return self.async_show_form(step_id="user")
    """
    found = lint_source(textwrap.dedent(source), "config_flow.py", Settings())
    assert [(d.line, d.code, d.fix) for d in found] == [(11, "CCL104", None)]
    assert "async_add_executor_job" in found[0].message and "via load_models" in found[0].message


STEPPED = """
import requests
from pathlib import Path

{imported}

def fetch(url):
    return requests.get(url).content

async def to_code(config):
    data = Path(config["file"]).read_bytes()
    firmware = fetch(config["url"])
    total = 0
    for i in range(10**6):
        total += i * i
    cg.add_define("SIZE", len(data) + len(firmware) + total)
"""


@pytest.mark.parametrize("imported", ["import esphome.codegen as cg", "from esphome import codegen as cg"])
def test_coroutines_a_framework_steps_without_an_event_loop_are_not_checked(imported: str) -> None:
    assert lint_source(STEPPED.format(imported=imported), "m.py", DEFAULT_SETTINGS) == []


def test_the_same_coroutines_on_an_event_loop_are_checked() -> None:
    found = lint_source(STEPPED.format(imported="import mylib as cg"), "m.py", DEFAULT_SETTINGS)
    assert [(d.line, d.code) for d in found] == [(11, "CCL104"), (12, "CCL102"), (14, "CCL202")]
