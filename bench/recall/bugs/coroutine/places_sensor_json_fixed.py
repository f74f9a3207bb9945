"""Fixed as the project did: the JSON attributes are read in the executor before the entity is
built."""
import json
import logging
import os

from homeassistant.components.sensor import SensorEntity

_LOGGER = logging.getLogger(__name__)
JSON_FOLDER = "custom_components/places/json_sensors"


def _read_json_attributes(filename: str) -> dict:
    try:
        with open(os.path.join(JSON_FOLDER, filename), "r") as jsonfile:
            return json.load(jsonfile)
    except OSError:
        return {}


class Places(SensorEntity):
    def __init__(self, hass, config, config_entry, name, unique_id, imported_attributes):
        self._hass = hass
        self._name = name
        self._attr_unique_id = unique_id
        self._internal_attr = dict(imported_attributes)


async def async_setup_entry(hass, config_entry, async_add_entities):
    config = hass.data["places"][config_entry.entry_id]
    unique_id = config_entry.entry_id
    name = config["name"]
    imported = await hass.async_add_executor_job(_read_json_attributes, f"places-{unique_id}.json")
    async_add_entities([Places(hass, config, config_entry, name, unique_id, imported)], update_before_add=True)
