"""fsaris/home-assistant-zonneplan-one#117: ZonneplanApi.__init__ read the integration version
from manifest.json with open() (api.py line 32), and the API object is built in the event loop."""
import inspect
import json
import logging
import os

import aiohttp

API_VERSION = "2.1.1"
_LOGGER = logging.getLogger(__name__)


class ZonneplanApi:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._request_headers = {
            "content-type": "application/json;charset=utf-8",
            "x-app-version": API_VERSION,
            "x-ha-integration": self._get_integration_version(),
        }

    def _get_integration_version(self) -> str:
        script_directory = os.path.dirname(os.path.abspath(inspect.getfile(inspect.currentframe())))
        f = open(script_directory + "/../manifest.json")
        manifest = json.load(f)
        _LOGGER.debug("Version from manifest.json -> %s", manifest["version"])
        return manifest["version"]
