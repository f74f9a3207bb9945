"""Fixed as MihaiBuilds/memory-vault PR #145 did: each of the four async call sites runs
`embed` / `embed_batch` with `asyncio.to_thread`, so the loop keeps serving other coroutines
while the model encodes."""
