"""Chia-Network/chia-blockchain#14999: get_host_addr resolved peer host names with the blocking
socket.getaddrinfo, and the full node's async connection code called it on the event loop."""
import asyncio
import socket
from ipaddress import ip_address


def get_host_addr(host: str, prefer_ipv6: bool = False) -> str:
    try:
        return str(ip_address(host))
    except ValueError:
        pass
    addrset = socket.getaddrinfo(host, None)
    for family, _, _, _, sockaddr in addrset:
        if prefer_ipv6 == (family == socket.AF_INET6):
            return sockaddr[0]
    return addrset[0][4][0]


class ChiaServer:
    def __init__(self, prefer_ipv6: bool):
        self.prefer_ipv6 = prefer_ipv6

    async def start_client(self, host: str, port: int) -> bool:
        target = get_host_addr(host, self.prefer_ipv6)  # BUG: CCL105
        reader, writer = await asyncio.open_connection(target, port)
        writer.close()
        await writer.wait_closed()
        return True
