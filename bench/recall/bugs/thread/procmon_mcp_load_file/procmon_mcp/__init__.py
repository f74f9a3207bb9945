"""JameZUK/ProcmonMCP#24 (fixed in #31, commit 0db415d, released in v0.4.0): the async MCP tool
`load_file` (tools.py) calls the synchronous `load_procmon_xml` (parser.py), which parses a
Procmon XML capture event by event in Python (iterparse, per-event timestamp parsing, string
interning, index building): about 60 s on a 2.7 GB capture, during which the streamable-http/SSE
server is frozen and cannot even answer `get_status`. The fix runs the parse with
`asyncio.to_thread`. Shortened from the project's `procmon_mcp/` package before the fix."""
