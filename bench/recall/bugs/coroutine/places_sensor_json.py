"""custom-components/places#280: the Places sensor restores its attributes from a JSON file with
`with open(` (sensor.py line 364) while the entity is built by the async platform setup."""
import json
import logging
import os

from homeassistant.components.sensor import SensorEntity

_LOGGER = logging.getLogger(__name__)
JSON_FOLDER = "custom_components/places/json_sensors"


class Places(SensorEntity):
    def __init__(self, hass, config, config_entry, name, unique_id):
        self._hass = hass
        self._name = name
        self._attr_unique_id = unique_id
        self._json_filename = f"places-{unique_id}.json"
        self._internal_attr = {}
        try:
            with open(os.path.join(JSON_FOLDER, self._json_filename), "r") as jsonfile:
                self._internal_attr.update(json.load(jsonfile))
        except OSError:
            _LOGGER.debug("[%s] No JSON file to import", self._name)


async def async_setup_entry(hass, config_entry, async_add_entities):
    config = hass.data["places"][config_entry.entry_id]
    unique_id = config_entry.entry_id
    name = config["name"]
    async_add_entities([Places(hass, config, config_entry, name, unique_id)], update_before_add=True)  # BUG: CCL104
