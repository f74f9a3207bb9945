"""Fixed: the model list is read in the executor when the user step first needs it."""
from typing import Any

from homeassistant.config_entries import ConfigFlow
from homeassistant.data_entry_flow import FlowResult
from pathlib import Path

DOMAIN = "govee-ble-lights"


def _list_models() -> list[str]:
    jsons_path = Path(Path(__file__).parent / "jsons")
    return sorted(file.name.replace(".json", "") for file in jsons_path.iterdir())


class GoveeConfigFlow(ConfigFlow, domain=DOMAIN):
    VERSION = 1

    def __init__(self) -> None:
        self._discovered_devices: dict[str, str] = {}
        self._available_models: list[str] = []

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if not self._available_models:
            self._available_models = await self.hass.async_add_executor_job(_list_models)
        return self.async_show_form(step_id="user")
