"""Fixed as vectorize-io/hindsight PR #999 did: `_search_with_retries` embeds the query with the
async `embedding_utils.generate_embeddings_batch()`, which runs the backend's `encode` on the
default executor, so the loop keeps answering /health."""
