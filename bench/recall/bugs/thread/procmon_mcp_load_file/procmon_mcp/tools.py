"""MCP tool definitions for ProcmonMCP."""
import os
import time
from typing import Any, Dict

from . import server
from .compat import Context
from .server import tool_decorator


@tool_decorator
async def get_status(ctx: Context) -> Dict[str, Any]:
    """Returns the current status of the ProcmonMCP server."""
    status: Dict[str, Any] = {
        "file_loaded": False,
        "loading_in_progress": server.LOADING_IN_PROGRESS,
    }
    if server.LOADING_IN_PROGRESS:
        status["message"] = "A file is currently being loaded. Please wait for loading to complete."
    elif server.LOADED_DATA and server.LOADED_DATA.is_loaded():
        status["file_loaded"] = True
        status["event_count"] = len(server.LOADED_DATA.events)
    return status


@tool_decorator
async def load_file(
    file_path: str,
    no_stack_traces: bool = False,
    no_extra_data: bool = False,
    no_cache: bool = False,
    *,
    ctx: Context,
) -> Dict[str, Any]:
    """Loads a Procmon XML file for analysis."""
    from .parser import load_procmon_xml

    await ctx.info(f"[load_file] Starting load for: {file_path}")

    if server.LOADING_IN_PROGRESS:
        raise RuntimeError("A file load is already in progress.")

    abs_path = os.path.abspath(file_path)  # ALSO: CCL104
    load_stacks = not no_stack_traces
    load_extra = not no_extra_data

    server.LOADING_IN_PROGRESS = True
    try:
        start_time = time.time()
        new_data = load_procmon_xml(abs_path, load_stacks, load_extra, use_cache=not no_cache)  # BUG: CCL202

        if not new_data or not new_data.is_loaded():
            raise RuntimeError(f"Failed to load file: {abs_path}")

        elapsed = time.time() - start_time
        server.LOADED_DATA = new_data
        result = {
            "success": True,
            "loaded_filename": new_data.loaded_filename,
            "event_count": len(new_data.events),
            "load_time_seconds": round(elapsed, 2),
        }
        await ctx.info(f"[load_file] Completed in {elapsed:.1f}s.")
        return result
    finally:
        server.LOADING_IN_PROGRESS = False
