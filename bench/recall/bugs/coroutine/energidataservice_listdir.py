"""MTrab/energidataservice#531: Connectors.load_connectors, a coroutine run at setup, listed
its own package directory with os.listdir on the event loop (Home Assistant 2024.7 warning)."""
from __future__ import annotations

import importlib
from collections import namedtuple
from logging import getLogger
from os import listdir
from posixpath import dirname

from genericpath import isdir

_LOGGER = getLogger(__name__)


class Connectors:
    def __init__(self, hass):
        self.hass = hass
        self._connectors = []

    async def load_connectors(self) -> None:
        for module in sorted(listdir(f"{dirname(__file__)}")):  # BUG: CCL104
            mod_path = f"{dirname(__file__)}/{module}"
            if isdir(mod_path) and not module.endswith("__pycache__"):  # BUG: CCL104
                Connector = namedtuple("Connector", "module namespace regions")
                api_ns = f".{module}"
                mod = await self.hass.async_add_executor_job(importlib.import_module, api_ns, __name__)
                self._connectors.append(Connector(module, f".connectors{api_ns}", mod.REGIONS))
