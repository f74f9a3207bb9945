"""Fixed the idiomatic way for a model that runs in torch (which releases the GIL): the encode call
runs on a worker thread through `run_in_threadpool`, so the loop keeps answering /healthz."""
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
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
    vecs = await run_in_threadpool(
        _model.encode, texts, normalize_embeddings=body.normalize,
        show_progress_bar=False, convert_to_numpy=True, batch_size=32,
    )
    return EmbedBatchResponse(vectors=vecs.tolist(), dim=int(vecs.shape[1]))
