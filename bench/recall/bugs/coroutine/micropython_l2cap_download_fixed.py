"""The idiomatic fix (CPython side): the chunks are received on the loop and written by a
worker thread; the file is opened and closed in the thread too."""
import asyncio
import struct

_COMMAND_SEND = 0


def _append(dest, chunk):
    with open(dest, "ab") as f:
        f.write(chunk)


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
        total = 0
        buf = bytearray(self._channel.our_mtu)
        mv = memoryview(buf)
        while total < size:
            n = await self._channel.recvinto(buf)
            await asyncio.to_thread(_append, dest, bytes(mv[:n]))
            total += n


async def main(device):
    client = FileClient(device)
    await client.download("demo/file.txt", "download.txt", 1024)


asyncio.run(main(None))
