"""What frameworks run on the event loop without the file showing it.

A Home Assistant integration never calls its config flow's constructor: the framework's flow
manager builds the flow inside its event loop when a user starts the flow, so a file read or
a directory listing in `ConfigFlow.__init__` blocks the loop as if it sat in a coroutine, and
Home Assistant's own blocking-call detector reports it there. Each entry: a base class whose
subclasses' `__init__` runs on the loop, why, and what to write instead (no `await` is
possible in `__init__`, so the call moves to a step that can await it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class LoopConstructed:
    """Subclasses of a framework class are constructed on the event loop: `reason` says by
    whom, `remedy` what to do with a blocking call in `__init__`."""

    reason: str
    remedy: str


_HOME_ASSISTANT_FLOW = LoopConstructed(
    "Home Assistant constructs config and options flows on its event loop",
    "`await self.hass.async_add_executor_job(...)` in an async step of the flow",
)

LOOP_CONSTRUCTED: Mapping[str, LoopConstructed] = {
    "homeassistant.config_entries.ConfigFlow": _HOME_ASSISTANT_FLOW,
    "homeassistant.config_entries.OptionsFlow": _HOME_ASSISTANT_FLOW,
    "homeassistant.config_entries.OptionsFlowWithConfigEntry": _HOME_ASSISTANT_FLOW,
    "homeassistant.data_entry_flow.FlowHandler": _HOME_ASSISTANT_FLOW,
}


# Frameworks that drive coroutines themselves, with no event loop: every `async def` of a
# module importing the key is stepped by the framework (`coro.send(None)`), one at a time, so
# a blocking call there holds up no other task. ESPHome's code generation writes components'
# `to_code` as coroutines only to order them by what each waits for ("ESPHome only uses the
# coroutine *syntax*, no actual asyncio event loop is running", esphome/coroutine.py); its
# dashboard, a real asyncio server, does not import the code generator.
STEPPED_COROUTINES: Mapping[str, str] = {
    "esphome.codegen": "ESPHome's code generator steps these coroutines itself, with no event loop",
}
