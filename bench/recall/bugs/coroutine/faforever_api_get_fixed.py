"""Fixed as FAForever/server#409 proposed: the session work runs in the loop's executor."""
import asyncio

from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

API_BASE_URL = "https://api.faforever.com"


class SessionManager:
    def __init__(self):
        self.session = None

    def __enter__(self) -> OAuth2Session:
        if self.session is None:
            client = BackendApplicationClient(client_id="lobby")
            self.session = OAuth2Session(client=client)
        return self.session

    def __exit__(self, *exc):
        return False


class ApiAccessor:
    def __init__(self):
        self.api_session = SessionManager()

    def _get(self, path):
        with self.api_session as api:
            result = api.get(API_BASE_URL + path)
            return result.status_code, result.json()

    def _patch(self, path, json_data):
        headers = {"Content-type": "application/json"}
        with self.api_session as api:
            result = api.request("PATCH", API_BASE_URL + path, headers=headers, json=json_data)
            return result.status_code, result.json()

    async def api_get(self, path):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._get, path)

    async def api_patch(self, path, json_data):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._patch, path, json_data)
