import secrets

from sqladmin.authentication import AuthenticationBackend
from starlette.requests import Request

from ..config import settings
from ..datasources.cache.redis import get_redis


class AdminAuth(AuthenticationBackend):
    async def login(self, request: Request) -> bool:
        form = await request.form()
        username, _password = form["username"], form["password"]

        # Validate username/password credentials
        if username == settings.ADMIN_USERNAME and settings.ADMIN_PASSWORD:
            # And update session
            secret = secrets.token_hex(nbytes=16)
            request.session.update({"token": secret})

            # Use redis to store the token
            await get_redis().set(
                f"admin:token:{secret}", 1, ex=settings.ADMIN_TOKEN_EXPIRATION_SECONDS
            )

            return True
        return False

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        secret = request.session.get("token")

        if not secret:
            return False

        return bool(await get_redis().exists(f"admin:token:{secret}"))
