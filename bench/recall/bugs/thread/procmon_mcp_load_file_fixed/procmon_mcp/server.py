"""MCP server setup and global state for ProcmonMCP."""
from typing import Optional

from .compat import FastMCP, Context
from .models import ProcmonLogData

LOADED_DATA: Optional[ProcmonLogData] = None
LOADING_IN_PROGRESS = False

mcp = FastMCP("ProcmonXmlToolRefactored")


async def _check_loaded(ctx: Context, tool_name: str) -> ProcmonLogData:
    if not LOADED_DATA or not LOADED_DATA.is_loaded():
        msg = f"[{tool_name}] No Procmon data loaded. Load a file with --input-file first."
        await ctx.error(msg)
        raise RuntimeError(msg)
    return LOADED_DATA


tool_decorator = mcp.tool()
