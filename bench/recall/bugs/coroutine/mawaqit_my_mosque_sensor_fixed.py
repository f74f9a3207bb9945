"""Fixed: the file is opened and parsed in Home Assistant's executor, as the project's
`read_my_mosque_NN_file` helper does (`def read(): with open(...)`,
`await hass.async_add_executor_job(read)`)."""
import json
import logging
import os

from homeassistant.components.sensor import SensorEntity

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(hass, config_entry, async_add_entities):
    """Set up the Mawaqit prayer times sensor platform."""
    name = "My Mosque"
    sensor1 = [MyMosqueSensor(name, hass)]
    async_add_entities(sensor1, True)


class MyMosqueSensor(SensorEntity):
    """Representation of a mosque sensor."""

    def __init__(self, name, hass):
        """Initialize the mosque sensor."""
        self.hass = hass
        self._attributes = {}
        self._name = name
        self._state = None

    async def async_update(self):
        """Get the latest data from the Mawaqit API."""

        def read():
            current_dir = os.path.dirname(os.path.realpath(__file__))
            with open('{}/data/my_mosquee_NN.txt'.format(current_dir)) as f:
                return json.load(f)

        data = await self.hass.async_add_executor_job(read)

        for (k, v) in data.items():
            if str(k) != "uuid" and str(k) != "id" and str(k) != "slug":
                self._attributes[k] = str(v)

    @property
    def name(self):
        """Return the name of the sensor."""
        return self._name

    @property
    def state(self):
        """Return the state of the sensor."""
        return self._attributes['name']

    @property
    def extra_state_attributes(self):
        """Return attributes for the sensor."""
        return self._attributes
