"""KanishJebaMathewM/Truxify#12001 (fixed by PR #12637): `backend/llm/llm_service.py` creates a
`ThreadPoolExecutor` "for async processing" but never uses it; the async `get_context`,
`generate_response` and `add_to_vector_db` run the SentenceTransformer `encode` and the
transformers text-generation pipeline (a 7B model, seconds per answer) directly on the
FastAPI event loop, stalling every other request on the worker. The fix wired the executor
in with `loop.run_in_executor`. Reconstructed from the project's `llm_service.py` (after the
fix) with the three calls as the issue quotes them; Redis storage, translation stubs and
fine-tuning are left out."""
import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Dict, List

import chromadb
import torch
from chromadb.config import Settings
from sentence_transformers import SentenceTransformer
from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig, pipeline

logger = logging.getLogger(__name__)


class LLMService:
    """Custom LLM Service for Driver Support"""

    def __init__(self):
        self.model_name = os.getenv('LLM_MODEL', 'mistralai/Mistral-7B-Instruct-v0.1')
        self.device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
        self.tokenizer = None
        self.model = None
        self.embedder = None
        self.collection = None
        self.qa_pipeline = None

        # Thread pool for async processing
        self.executor = ThreadPoolExecutor(max_workers=4)

        self.initialize_models()
        self.initialize_vector_db()

    def initialize_models(self):
        bnb_config = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.float16,
            bnb_4bit_use_double_quant=True
        )
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_name, trust_remote_code=True)
        self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(
            self.model_name, quantization_config=bnb_config, device_map="auto", trust_remote_code=True
        )
        self.embedder = SentenceTransformer('all-MiniLM-L6-v2')
        self.qa_pipeline = pipeline(
            "text-generation",
            model=self.model,
            tokenizer=self.tokenizer,
            max_new_tokens=512,
            temperature=0.7,
            top_p=0.95,
            do_sample=True
        )

    def initialize_vector_db(self):
        chroma_client = chromadb.Client(Settings(chroma_db_impl="duckdb+parquet", persist_directory="./chroma_db"))
        self.collection = chroma_client.get_or_create_collection(name="driver_support", metadata={"hnsw:space": "cosine"})

    async def process_query(self, query: str, language: str = 'en', user_id: str = None) -> Dict:
        try:
            context = await self.get_context(query)
            response = await self.generate_response(query, context)
            return {'success': True, 'query': query, 'response': response, 'language': language,
                    'context_used': context, 'timestamp': datetime.now().isoformat()}
        except Exception as e:
            logger.error(f"Query processing failed: {e}")
            return {'success': False, 'error': str(e), 'timestamp': datetime.now().isoformat()}

    async def get_context(self, query: str, top_k: int = 3) -> List[str]:
        try:
            # Generate query embedding
            query_embedding = self.embedder.encode(query).tolist()  # BUG: CCL204

            results = self.collection.query(query_embeddings=[query_embedding], n_results=top_k)
            context = []
            if results['documents']:
                context = results['documents'][0]
            return context
        except Exception as e:
            logger.error(f"Context retrieval failed: {e}")
            return []

    async def generate_response(self, query: str, context: List[str]) -> str:
        try:
            context_str = "\n".join(context) if context else "No specific context available."
            prompt = f"""<s>[INST] Context information:
            {context_str}

            Question: {query}

            Answer: [/INST]"""

            # Generate response
            response = self.qa_pipeline(  # BUG: CCL204
                prompt,
                max_new_tokens=512,
                temperature=0.7,
                do_sample=True
            )

            generated_text = response[0]['generated_text']
            return generated_text.split('[/INST]')[-1].strip()
        except Exception as e:
            logger.error(f"Response generation failed: {e}")
            return "I apologize, but I'm having trouble processing your request. Please try again."

    async def add_to_vector_db(self, documents: List[str], metadata: List[Dict] = None):
        try:
            # Generate embeddings
            embeddings = self.embedder.encode(documents).tolist()  # BUG: CCL204

            ids = [str(uuid.uuid4()) for _ in documents]
            self.collection.add(embeddings=embeddings, documents=documents,
                                metadatas=metadata or [{}] * len(documents), ids=ids)
            return {'success': True, 'count': len(documents)}
        except Exception as e:
            logger.error(f"Vector DB update failed: {e}")
            return {'success': False, 'error': str(e)}
