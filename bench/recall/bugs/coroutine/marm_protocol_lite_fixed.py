"""Fixed as the review proposed: a sync reader run with asyncio.to_thread."""
import asyncio
from pathlib import Path


def _read_lite_file_sync():
    lite_path = Path(__file__).parent.parent.parent / "marm-docs" / "PROTOCOL-LITE.md"
    if lite_path.exists():
        with open(lite_path, "r", encoding="utf-8") as f:
            return f.read()
    return ""


async def read_protocol_lite_file():
    try:
        return await asyncio.to_thread(_read_lite_file_sync)
    except Exception:
        return ""
