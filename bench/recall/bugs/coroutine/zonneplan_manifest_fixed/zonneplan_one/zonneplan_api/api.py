"""Fixed as the project did: the version is a constant of the integration, no file read."""
import logging

import aiohttp

from ..const import VERSION

API_VERSION = "2.1.1"
_LOGGER = logging.getLogger(__name__)


class ZonneplanApi:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._request_headers = {
            "content-type": "application/json;charset=utf-8",
            "x-app-version": API_VERSION,
            "x-ha-integration": VERSION,
        }
