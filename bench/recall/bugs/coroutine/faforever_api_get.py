"""FAForever/server#406 (fix PR #409): ApiAccessor.api_get and api_patch, coroutines of the
lobby server, made their requests through a requests-oauthlib OAuth2Session, a
requests.Session subclass, so every achievement/event update stalled the server."""
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

    async def api_get(self, path):
        with self.api_session as api:
            result = api.get(API_BASE_URL + path)  # BUG: CCL102
            return result.status_code, result.json()

    async def api_patch(self, path, json_data):
        headers = {"Content-type": "application/json"}
        with self.api_session as api:
            result = api.request("PATCH", API_BASE_URL + path, headers=headers, json=json_data)  # BUG: CCL102
            return result.status_code, result.json()
