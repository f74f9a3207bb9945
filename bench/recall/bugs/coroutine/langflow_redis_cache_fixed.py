"""Fixed (PR #4231): the client is `redis.asyncio.StrictRedis` and the coroutines await it;
the sync `is_connected` and `__contains__` drive the async call with `asyncio.run`, as the PR
describes."""
import asyncio
import pickle
from typing import Generic

from loguru import logger

from langflow.services.cache.base import AsyncBaseCacheService, LockType


class RedisCache(AsyncBaseCacheService, Generic[LockType]):  # type: ignore
    def __init__(self, host="localhost", port=6379, db=0, url=None, expiration_time=60 * 60):
        try:
            from redis.asyncio import StrictRedis
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
            self._client = StrictRedis.from_url(url)
        else:
            self._client = StrictRedis(host=host, port=port, db=db)
        self.expiration_time = expiration_time

    # check connection
    def is_connected(self):
        import redis

        try:
            asyncio.run(self._client.ping())
            return True
        except redis.exceptions.ConnectionError as exc:
            logger.error(f"RedisCache could not connect to the Redis server: {exc}")
            return False

    async def get(self, key, lock=None):
        if key is None:
            return None
        value = await self._client.get(str(key))
        return pickle.loads(value) if value else None

    async def set(self, key, value, lock=None):
        try:
            if pickled := pickle.dumps(value):
                result = await self._client.setex(str(key), self.expiration_time, pickled)
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
        await self._client.delete(key)

    async def clear(self, lock=None):
        await self._client.flushdb()

    def __contains__(self, key):
        """Check if the key is in the cache."""
        return False if key is None else asyncio.run(self._client.exists(str(key)))

    def __repr__(self):
        return f"RedisCache(expiration_time={self.expiration_time})"
