"""theexperiencecompany/gaia#657 (review): _is_public_address resolves the host with
socket.getaddrinfo; it is reached synchronously through _validate_external_url from the async
fetch_url_metadata, so a slow resolver stalls every request on the worker."""
import ipaddress
import socket
from urllib.parse import urlparse

import httpx

_BLOCKED_IP_ATTRS = ("is_private", "is_loopback", "is_link_local", "is_reserved", "is_multicast")


def _is_public_address(host: str) -> bool:
    try:
        addr_infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    seen = False
    for info in addr_infos:
        ip = ipaddress.ip_address(info[4][0])
        if any(getattr(ip, attr) for attr in _BLOCKED_IP_ATTRS):
            return False
        seen = True
    return seen


def _validate_external_url(url: str) -> None:
    host = urlparse(url).hostname
    if not host or not _is_public_address(host):
        raise ValueError(f"URL not allowed: {url}")


async def fetch_url_metadata(url: str) -> dict:
    _validate_external_url(url)  # BUG: CCL105
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url)
    return {"status": response.status_code, "title": response.text[:200]}
