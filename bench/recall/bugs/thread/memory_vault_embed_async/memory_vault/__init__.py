"""MihaiBuilds/memory-vault#116 (fixed by PR #145): the synchronous sentence-transformers helpers
`embed()` / `embed_batch()` (services/embedding.py) were called directly from four async paths:
`hybrid_search` (services/search.py), the ingestion worker's `_process_file` and the quick path
`ingest_text` (services/ingestion.py), and the MCP tool `remember` (mcp/server.py). While the
model encoded, the event loop served nothing else; the issue reproduced the stall with a
200 ms stub (a concurrent 20 ms sleep finished after ~200 ms). The fix wrapped each call in
`asyncio.to_thread`, as the spaCy extraction path already did. Reconstructed from the
project's modules (read after the fix, the thread hops removed at the four sites PR #145
lists); shortened."""
