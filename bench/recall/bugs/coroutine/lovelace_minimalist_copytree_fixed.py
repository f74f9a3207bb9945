"""Fixed: the copy runs in Home Assistant's executor."""
import logging
import os
import shutil

_LOGGER = logging.getLogger(__name__)


class UlmBase:
    def __init__(self, hass, integration_dir: str):
        self.hass = hass
        self.integration_dir = integration_dir
        self.configuration = {"community_cards": ["battery", "welcome"]}

    def configure_community_cards(self) -> None:
        dest = self.hass.config.path("ui_lovelace_minimalist/community")
        for card in self.configuration["community_cards"]:
            src = os.path.join(self.integration_dir, "__ui_minimalist__/ulm_templates/community_cards", card)
            shutil.copytree(src, os.path.join(dest, card), dirs_exist_ok=True)

    async def configure_ulm(self) -> None:
        _LOGGER.debug("Configuring UI Lovelace Minimalist")
        await self.hass.async_add_executor_job(self.configure_community_cards)
