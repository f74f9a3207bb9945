"""Fixed as the review suggested: the loop's own resolver, awaited."""
import asyncio
import ipaddress
from urllib.parse import urlparse

import httpx

_BLOCKED_IP_ATTRS = ("is_private", "is_loopback", "is_link_local", "is_reserved", "is_multicast")


async def _is_public_address(host: str) -> bool:
    loop = asyncio.get_running_loop()
    try:
        addr_infos = await loop.getaddrinfo(host, None)
    except OSError:
        return False
    seen = False
    for info in addr_infos:
        ip = ipaddress.ip_address(info[4][0])
        if any(getattr(ip, attr) for attr in _BLOCKED_IP_ATTRS):
            return False
        seen = True
    return seen


async def _validate_external_url(url: str) -> None:
    host = urlparse(url).hostname
    if not host or not await _is_public_address(host):
        raise ValueError(f"URL not allowed: {url}")


async def fetch_url_metadata(url: str) -> dict:
    await _validate_external_url(url)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url)
    return {"status": response.status_code, "title": response.text[:200]}
