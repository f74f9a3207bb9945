"""langflow-ai/langflow PR #4231 ("fix: Use an async client for Redis cache"): "The current
redis cache is problematic as it will block the event loop." `RedisCache` implements the
async cache service, but its coroutines `get`, `set`, `delete` and `clear` call a synchronous
`redis.StrictRedis`. The PR switched to the `redis.asyncio` client and awaited the calls; the
two sync methods (`is_connected`, `__contains__`) run the async call with `asyncio.run`."""
import pickle
from typing import Generic

from loguru import logger

from langflow.services.cache.base import AsyncBaseCacheService, LockType


class RedisCache(AsyncBaseCacheService, Generic[LockType]):  # type: ignore
    def __init__(self, host="localhost", port=6379, db=0, url=None, expiration_time=60 * 60):
        try:
            import redis
        except ImportError as exc:
            raise ImportError(
                "RedisCache requires the redis-py package."
                " Please install Langflow with the deploy extra: pip install langflow[deploy]"
            ) from exc
        logger.warning(
            "RedisCache is an experimental feature and may not work as expected."
            " Please report any issues to our GitHub repository."
        )
        if url:
            self._client = redis.StrictRedis.from_url(url)
        else:
            self._client = redis.StrictRedis(host=host, port=port, db=db)
        self.expiration_time = expiration_time

    # check connection
    def is_connected(self):
        import redis

        try:
            self._client.ping()
            return True
        except redis.exceptions.ConnectionError as exc:
            logger.error(f"RedisCache could not connect to the Redis server: {exc}")
            return False

    async def get(self, key, lock=None):
        if key is None:
            return None
        value = self._client.get(str(key))  # BUG: CCL106
        return pickle.loads(value) if value else None

    async def set(self, key, value, lock=None):
        try:
            if pickled := pickle.dumps(value):
                result = self._client.setex(str(key), self.expiration_time, pickled)  # BUG: CCL106
                if not result:
                    raise ValueError("RedisCache could not set the value.")
        except TypeError as exc:
            raise TypeError("RedisCache only accepts values that can be pickled. ") from exc

    async def upsert(self, key, value, lock=None):
        if key is None:
            return
        existing_value = await self.get(key)
        if existing_value is not None and isinstance(existing_value, dict) and isinstance(value, dict):
            existing_value.update(value)
            value = existing_value

        await self.set(key, value)

    async def delete(self, key, lock=None):
        self._client.delete(key)  # BUG: CCL106

    async def clear(self, lock=None):
        self._client.flushdb()  # BUG: CCL106

    def __contains__(self, key):
        """Check if the key is in the cache."""
        return False if key is None else self._client.exists(str(key))

    def __repr__(self):
        return f"RedisCache(expiration_time={self.expiration_time})"
