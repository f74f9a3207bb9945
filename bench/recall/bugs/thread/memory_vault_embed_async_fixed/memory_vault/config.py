"""Settings (shortened): the values the modules below read."""
import os


class Settings:
    database_url = os.environ.get("DATABASE_URL", "postgresql://localhost/memory_vault")
    embedding_model = os.environ.get("EMBEDDING_MODEL", "sentence-transformers/all-MiniLM-L6-v2")
    embedding_dimensions = 384
    embedding_batch_size = 64
    search_default_limit = 10
    rrf_k = 60


settings = Settings()
