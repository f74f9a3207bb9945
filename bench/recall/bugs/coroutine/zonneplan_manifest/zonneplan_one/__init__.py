"""The integration's setup, a coroutine on Home Assistant's event loop, builds the API."""
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .zonneplan_api.api import ZonneplanApi

DOMAIN = "zonneplan_one"


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    api = ZonneplanApi(async_get_clientsession(hass))  # BUG: CCL104
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {"api": api}
    return True
