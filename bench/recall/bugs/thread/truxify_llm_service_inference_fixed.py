"""Fixed as KanishJebaMathewM/Truxify PR #12637 did (the project's later `llm_service.py`): the
encode and generation calls run on the service's own `ThreadPoolExecutor` through
`loop.run_in_executor`."""
import asyncio
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
            loop = asyncio.get_running_loop()
            query_embedding = await loop.run_in_executor(
                self.executor,
                lambda: self.embedder.encode(query).tolist()
            )

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
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(
                self.executor,
                lambda: self.qa_pipeline(
                    prompt,
                    max_new_tokens=512,
                    temperature=0.7,
                    do_sample=True
                )
            )

            generated_text = response[0]['generated_text']
            return generated_text.split('[/INST]')[-1].strip()
        except Exception as e:
            logger.error(f"Response generation failed: {e}")
            return "I apologize, but I'm having trouble processing your request. Please try again."

    async def add_to_vector_db(self, documents: List[str], metadata: List[Dict] = None):
        try:
            # Generate embeddings
            loop = asyncio.get_running_loop()
            embeddings = await loop.run_in_executor(
                self.executor,
                lambda: self.embedder.encode(documents).tolist()
            )

            ids = [str(uuid.uuid4()) for _ in documents]
            self.collection.add(embeddings=embeddings, documents=documents,
                                metadatas=metadata or [{}] * len(documents), ids=ids)
            return {'success': True, 'count': len(documents)}
        except Exception as e:
            logger.error(f"Vector DB update failed: {e}")
            return {'success': False, 'error': str(e)}
