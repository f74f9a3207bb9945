"""newAM/idasen PR #331: IdasenDesk.connect, the coroutine behind `async with IdasenDesk(...)`,
retried a failed Bluetooth connection with time.sleep(0.3 * i) between attempts, blocking
the event loop ("asyncio.sleep() avoids blocking the event loop"; the maintainer: "Good catch").
The fix awaits asyncio.sleep instead."""
from bleak import BleakClient
from bleak.backends.device import BLEDevice
from typing import Any, Callable, MutableMapping, Optional, Tuple, Union
import asyncio
import logging
import sys
import time


class _DeskLoggingAdapter(logging.LoggerAdapter):
    """Prepends logging messages with the desk MAC address."""

    def process(
        self, msg: str, kwargs: MutableMapping[str, Any]
    ) -> Tuple[str, MutableMapping[str, Any]]:
        return f"[{self.extra['mac']}] {msg}", kwargs


class IdasenDesk:
    #: Number of times to retry upon failure to connect.
    RETRY_COUNT: int = 3

    def __init__(
        self,
        mac: Union[BLEDevice, str],
        exit_on_fail: bool = False,
        disconnected_callback: Optional[Callable[[BleakClient], None]] = None,
    ):
        self._exit_on_fail = exit_on_fail
        self._client = BleakClient(
            address_or_ble_device=mac,
            disconnected_callback=disconnected_callback,
        )
        self._mac = mac.address if isinstance(mac, BLEDevice) else mac
        self._logger = _DeskLoggingAdapter(
            logger=logging.getLogger(__name__), extra={"mac": self._mac}
        )

    async def __aenter__(self):
        await self.connect()
        return self

    async def __aexit__(self, *args, **kwargs):
        await self.disconnect()

    async def connect(self):
        i = 0
        while True:
            try:
                await self._client.connect()
                return
            except Exception:
                if i >= self.RETRY_COUNT:
                    self._logger.critical("Connection failed")
                    if self._exit_on_fail:
                        sys.exit(1)
                    raise
                i += 1
                self._logger.warning(
                    f"Failed to connect, retrying ({i}/{self.RETRY_COUNT})..."
                )
                time.sleep(0.3 * i)  # BUG: CCL101

    async def disconnect(self):
        await self._client.disconnect()
