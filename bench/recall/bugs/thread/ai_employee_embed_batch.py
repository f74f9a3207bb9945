"""greeves89/AI-Employee#826: the embedding service's `embed_batch` (and `/embed`) are
`async def` but call the synchronous, CPU-bound SentenceTransformer `_model.encode(...)`
directly, blocking the service's event loop for the whole batch: on a 2-core host /healthz went
unanswered, Docker marked the container unhealthy, and abandoned batches kept computing. The
route follows the code quoted in the issue; the rest of the service is shortened."""
from fastapi import FastAPI
from pydantic import BaseModel
from sentence_transformers import SentenceTransformer

app = FastAPI()
_model = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")


class EmbedBatchRequest(BaseModel):
    texts: list[str]
    normalize: bool = True


class EmbedBatchResponse(BaseModel):
    vectors: list[list[float]]
    dim: int


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.post("/embed/batch", response_model=EmbedBatchResponse)
async def embed_batch(body: EmbedBatchRequest):
    texts = [t.strip() for t in body.texts if t.strip()]
    vecs = _model.encode(  # BUG: CCL204
        texts, normalize_embeddings=body.normalize,
        show_progress_bar=False, convert_to_numpy=True, batch_size=32,
    )
    return EmbedBatchResponse(vectors=vecs.tolist(), dim=int(vecs.shape[1]))
