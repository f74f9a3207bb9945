"""Lyellr88/marm-memory#55 (review): read_protocol_lite_file is async but checks, opens and
reads PROTOCOL-LITE.md synchronously on every request that injects the protocol."""
from pathlib import Path


async def read_protocol_lite_file():
    try:
        lite_path = Path(__file__).parent.parent.parent / "marm-docs" / "PROTOCOL-LITE.md"
        if lite_path.exists():  # BUG: CCL104
            with open(lite_path, "r", encoding="utf-8") as f:  # BUG: CCL104
                return f.read()  # BUG: CCL104
        else:
            return ""
    except Exception:
        return ""
