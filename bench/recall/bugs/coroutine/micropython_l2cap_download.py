"""micropython/micropython-lib#704: the aioble L2CAP file client example wrote the downloaded
file with the blocking open()/write() inside its download coroutine (uasyncio imported as
asyncio)."""
import struct

import uasyncio as asyncio

_COMMAND_SEND = 0


class FileClient:
    def __init__(self, device):
        self._device = device
        self._connection = None
        self._seq = 1

    async def _command(self, cmd, data):
        send_seq = self._seq
        await self._control_characteristic.write(struct.pack("<BB", cmd, send_seq) + data)
        self._seq += 1
        return send_seq

    async def download(self, path, dest, size):
        await self._command(_COMMAND_SEND, path.encode())
        with open(dest, "wb") as f:  # BUG: CCL104
            total = 0
            buf = bytearray(self._channel.our_mtu)
            mv = memoryview(buf)
            while total < size:
                n = await self._channel.recvinto(buf)
                f.write(mv[:n])  # BUG: CCL104
                total += n


async def main(device):
    client = FileClient(device)
    await client.download("demo/file.txt", "download.txt", 1024)


asyncio.run(main(None))
