"""scaarup/aula#18: Home Assistant logged "Detected blocking call to sleep inside the event
loop ... at custom_components/aula/calendar.py, line 38: time.sleep(0.400)": the calendar
platform's `async_setup_entry` polls for the client's children with `time.sleep` on the loop.
The maintainer answered that calendar.py waits for data this way and a fix was coming;
"resolved in v0.1.24". `async_get_events` reads skoleskema.json through the sync
`parseCalendarData`, which later versions still do (marked ALSO)."""
from datetime import datetime, timedelta
import logging, time
from .const import DOMAIN
from homeassistant import config_entries, core
from .const import CONF_SCHOOLSCHEDULE
from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEvent,
)

_LOGGER = logging.getLogger(__name__)

MIN_TIME_BETWEEN_UPDATES = timedelta(minutes=10)

async def async_setup_entry(
    hass: core.HomeAssistant,
    config_entry: config_entries.ConfigEntry,
    async_add_entities,
):
    config = hass.data[DOMAIN][config_entry.entry_id]
    if not config[CONF_SCHOOLSCHEDULE] == True:
        return True
    client = hass.data[DOMAIN]["client"]
    calendar_devices = []
    calendar = []
    for i in range(0,100):
        try:
            a = client._children
        except:
            _LOGGER.debug(str(i)+" no client._children ... yet")
        else:
            _LOGGER.debug("Got client._children, breaking")
            break
        time.sleep(0.400)  # BUG: CCL101
    for i, child in enumerate(client._children):
        childid = child["id"]
        name = child["name"]
        calendar_devices.append(CalendarDevice(hass,calendar,name,childid))
    async_add_entities(calendar_devices)

class CalendarDevice(CalendarEntity):
    def __init__(self,hass,calendar,name,childid):
        self.data = CalendarData(hass,calendar,childid)
        self._name = "Skoleskema "+name

    async def async_get_events(self, hass, start_date, end_date):
        """Get all events in a specific time frame."""
        return await self.data.async_get_events(hass, start_date, end_date)

class CalendarData:
    def __init__(self,hass,calendar,childid):
        self._hass = hass
        self._calendar = calendar
        self._childid = childid
        self._client = hass.data[DOMAIN]["client"]

    def parseCalendarData(self,i=None):
        import json
        try:
            with open('skoleskema.json', 'r') as openfile:
                _data = json.load(openfile)
            data = json.loads(_data)
        except:
            _LOGGER.warn("Could not open and parse file skoleskema.json!")
            return False
        events = []
        for c in data['data']:
            if c['type'] == "lesson" and c['belongsToProfiles'][0] == self._childid:
                start = datetime.strptime(c['startDateTime'],"%Y-%m-%dT%H:%M:%S%z")
                end = datetime.strptime(c['endDateTime'],"%Y-%m-%dT%H:%M:%S%z")
                events.append(CalendarEvent(summary=c['title'], start=start, end=end))
        return events

    async def async_get_events(self, hass, start_date, end_date):
        events = self.parseCalendarData()  # ALSO: CCL104
        return events
