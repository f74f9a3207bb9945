"""UI-Lovelace-Minimalist/UI#1501: at startup the integration copies the community cards with
shutil.copytree (base.py line 486) from a sync helper that the async setup calls on the loop;
Home Assistant logged the blocking open() inside copytree 350 times."""
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
        self.configure_community_cards()  # BUG: CCL104
