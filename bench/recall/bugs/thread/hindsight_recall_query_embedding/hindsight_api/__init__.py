"""vectorize-io/hindsight PR #999 (merged): `MemoryEngine._search_with_retries`, the async
recall path of the Hindsight API, embedded the query with the synchronous
`embedding_utils.generate_embedding()`, which calls the embeddings backend's `encode`, a
SentenceTransformer `model.encode()` for the default local provider, directly on the event loop.
The uvicorn worker's /health and every other request waited for the inference; under
consolidation load the stacked calls exceeded the watchdog's timeout and the service was
restarted. The PR replaced the call with the async `generate_embeddings_batch()` of the same
module, which runs `encode` through `loop.run_in_executor` (as three other call sites already
did). The call and the helpers follow the project's `memory_engine.py` (the version before the
PR), `retain/embedding_utils.py` and `embeddings.py`; shortened."""
