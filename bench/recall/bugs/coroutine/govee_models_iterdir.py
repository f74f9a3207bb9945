"""Beshelmek/govee_ble_lights#45: the config flow's __init__ lists the bundled model files with
Path.iterdir(); Home Assistant constructs config flows on its event loop (a framework fact the
file alone does not show)."""
from typing import Any

from homeassistant.config_entries import ConfigFlow
from homeassistant.data_entry_flow import FlowResult
from pathlib import Path

DOMAIN = "govee-ble-lights"


class GoveeConfigFlow(ConfigFlow, domain=DOMAIN):
    VERSION = 1

    def __init__(self) -> None:
        self._discovered_devices: dict[str, str] = {}
        self._available_models: list[str] = []
        jsons_path = Path(Path(__file__).parent / "jsons")
        for file in jsons_path.iterdir():  # BUG: CCL104
            self._available_models.append(file.name.replace(".json", ""))

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        return self.async_show_form(step_id="user")
