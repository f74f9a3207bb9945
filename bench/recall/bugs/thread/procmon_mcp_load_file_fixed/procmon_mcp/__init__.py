"""Fixed as in JameZUK/ProcmonMCP#31 (commit 0db415d): `load_file` runs the synchronous
parse with `asyncio.to_thread(load_procmon_xml, ...)`, so the server keeps answering
`get_status` during a long load."""
