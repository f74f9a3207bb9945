"""Fixed: the directory scan runs in Home Assistant's executor, like the imports already did."""
from __future__ import annotations

import importlib
from collections import namedtuple
from logging import getLogger
from os import listdir
from posixpath import dirname

from genericpath import isdir

_LOGGER = getLogger(__name__)


def _connector_modules(path: str) -> list[str]:
    return [module for module in sorted(listdir(path)) if isdir(f"{path}/{module}") and not module.endswith("__pycache__")]


class Connectors:
    def __init__(self, hass):
        self.hass = hass
        self._connectors = []

    async def load_connectors(self) -> None:
        modules = await self.hass.async_add_executor_job(_connector_modules, dirname(__file__))
        for module in modules:
            Connector = namedtuple("Connector", "module namespace regions")
            api_ns = f".{module}"
            mod = await self.hass.async_add_executor_job(importlib.import_module, api_ns, __name__)
            self._connectors.append(Connector(module, f".connectors{api_ns}", mod.REGIONS))
