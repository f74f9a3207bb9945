"""CCL204: a library call that computes for long (a model's inference) in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine


class ComputationInCoroutine(BlockingCallInCoroutine):
    """
    ## What it does
    Finds, inside an `async def`, calls of library functions that compute for a long time by
    design: a machine-learning model's inference or training, such as
    `SentenceTransformer.encode()`, `CrossEncoder.predict()`, llama-cpp-python's
    `Llama.create_completion()`, Whisper's `transcribe()`, transformers' `model.generate()`,
    ultralytics' `YOLO.predict()`, EasyOCR's `Reader.readtext()`, ONNX Runtime's
    `InferenceSession.run()`, Presidio's `AnalyzerEngine.analyze()` (named-entity recognition
    by a spaCy or transformers model), and the objects called like functions: a transformers model
    (its forward pass, `model(**inputs)`) or `pipeline(...)`, a spaCy language from
    `spacy.load(...)`, a diffusers pipeline. The model object is recognised from the call that
    made it (`SentenceTransformer(name)`, `whisper.load_model(name)`,
    `AutoModelForCausalLM.from_pretrained(name)`), wherever the rules follow types: in the
    coroutine, at module level, in an attribute of the class (a field a subclass hands to its
    base's `__init__` included), through a factory function of the module (or a function or
    method annotated to return the model, `def load(name) -> "SentenceTransformer":`, as a
    cache that returns the model it kept or the one it made is), in a global or a factory of
    another module of the project. A streamed completion (`stream=True`) returns an iterator at once and is not
    reported.

    ## Why is this bad?
    The library runs the model in native code, which takes tens of milliseconds for one short
    text and seconds for a batch, all on the thread that called it. Called in a coroutine,
    that thread is the event loop's: no other request is served, health checks go unanswered
    and timers fire late until the model is done. These libraries release the GIL while
    their kernels run, so a worker thread really does free the event loop.

    ## Example
    ```python
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer("all-MiniLM-L6-v2")

    async def embed(texts):
        return model.encode(texts).tolist()
    ```

    ## Use instead
    ```python
    import asyncio

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer("all-MiniLM-L6-v2")

    async def embed(texts):
        vectors = await asyncio.to_thread(model.encode, texts)
        return vectors.tolist()
    ```
    In a trio module use `await trio.to_thread.run_sync(model.encode, texts)`, in an anyio
    module `await anyio.to_thread.run_sync(model.encode, texts)`. A server under heavy load
    may rather give the model a process or a service of its own.

    ## Fix safety
    {offload_fix}

    ## Options
    - `extend-blocking-calls`: add your own long computations; entries with the category
      `"computation"` are reported by this rule.

    ## Differences from flake8-async and ruff
    Neither peer has a rule for library computation in a coroutine; they report only the
    blocking I/O of their catalogs.

    ## References
    - [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [SentenceTransformer.encode](https://sbert.net/docs/package_reference/sentence_transformer/SentenceTransformer.html)
    """

    CODE = "CCL204"
    NAME = "computation-in-coroutine"
    MESSAGE = "{call} runs a long computation on the event loop's thread, which blocks it; use {replacement} instead"
    CATEGORY = Category.COMPUTATION
    VALID = (
        Valid(
            """
            import asyncio

            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer("all-MiniLM-L6-v2")

            async def embed(texts):
                vectors = await asyncio.to_thread(model.encode, texts)
                return vectors.tolist()
            """
        ),
        # A streamed completion returns an iterator: the call itself does not compute.
        Valid(
            """
            from llama_cpp import Llama

            llm = Llama(model_path="model.gguf")

            async def answer(prompt):
                return llm.create_completion(prompt, stream=True)
            """
        ),
        # Encoding on a worker thread, where the helper runs: no event loop waits.
        Valid(
            """
            import asyncio

            from sentence_transformers import SentenceTransformer

            class Embedder:
                def __init__(self):
                    self.model = SentenceTransformer("all-MiniLM-L6-v2")

                def embed(self, text):
                    return self.model.encode([text])[0]

            async def handle(embedder, text):
                return await asyncio.to_thread(embedder.embed, text)
            """
        ),
        # `nlp.pipe(texts)` is a generator: the model runs as it is iterated, not here.
        Valid(
            """
            import spacy

            nlp = spacy.load("en_core_web_sm")

            async def parse(texts):
                return nlp.pipe(texts)
            """
        ),
        # An object of unknown type with an `encode` method: a codec, not a model.
        Valid(
            """
            async def send(codec, writer, message):
                writer.write(codec.encode(message))
                await writer.drain()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer("all-MiniLM-L6-v2")

            async def embed(texts):
                return model.encode(texts).tolist()
            """,
            line=6,
        ),
        # A loader annotated to return the model: its returns (a cache) do not show it.
        Invalid(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from sentence_transformers import SentenceTransformer

            MODELS = {}

            class EmbeddingMixin:
                def _load_model(self, name) -> "SentenceTransformer":
                    loaded = MODELS.get(name)
                    if loaded is None:
                        from sentence_transformers import SentenceTransformer

                        loaded = MODELS[name] = SentenceTransformer(name)
                    return loaded

                async def embeddings(self, name, texts):
                    model = self._load_model(name)
                    return model.encode(texts, show_progress_bar=False)
            """,
            line=19,
        ),
        # Through helpers of the module, with the model held in an attribute.
        Invalid(
            """
            from sentence_transformers import SentenceTransformer

            class Embedder:
                def __init__(self):
                    self.model = SentenceTransformer("all-MiniLM-L6-v2")

                def embed(self, text):
                    return self.model.encode([text])[0]

            embedder = Embedder()

            async def handle(text):
                return embedder.embed(text)
            """,
            line=13,
        ),
        # With the event loop's library known, the unsafe fix moves the call to a thread.
        Invalid(
            """
            import asyncio

            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer("all-MiniLM-L6-v2")

            async def embed(texts):
                vectors = model.encode(texts, normalize_embeddings=True)
                return vectors.tolist()
            """,
            line=8,
            fixed="""
            import asyncio

            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer("all-MiniLM-L6-v2")

            async def embed(texts):
                vectors = await asyncio.to_thread(model.encode, texts, normalize_embeddings=True)
                return vectors.tolist()
            """,
        ),
        # A pipeline is called like a function.
        Invalid(
            """
            from transformers import pipeline

            classifier = pipeline("sentiment-analysis")

            async def predict(text):
                return classifier(text)[0]["label"]
            """,
            line=6,
        ),
        Invalid(
            """
            import onnxruntime as ort

            session = ort.InferenceSession("model.onnx")

            async def classify(pixels):
                return session.run(None, {"input": pixels})[0]
            """,
            line=6,
        ),
        # A pydantic field filled by the keyword of its name in `super().__init__(...)`.
        Invalid(
            """
            from typing import Any

            from pydantic import BaseModel
            from sentence_transformers import SentenceTransformer

            class TextEmbedding(BaseModel):
                generator: Any

                def __init__(self, model_id: str):
                    super().__init__(generator=SentenceTransformer(model_id))

                async def generate_embeddings(self, texts):
                    return self.generator.encode(texts)
            """,
            line=13,
        ),
        # The engine comes from a cached factory of the module that imports it inside.
        Invalid(
            """
            from functools import lru_cache

            @lru_cache
            def get_analyzer():
                from presidio_analyzer import AnalyzerEngine

                return AnalyzerEngine()

            async def contains_personal_data(text):
                return bool(get_analyzer().analyze(text=text, language="en"))
            """,
            line=10,
        ),
        Invalid(
            """
            import whisper

            model = whisper.load_model("base")

            async def transcribe(path):
                result = model.transcribe(path)
                return result["text"]
            """,
            line=6,
        ),
        Invalid(
            """
            from transformers import AutoModelForCausalLM, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained("gpt2")
            model = AutoModelForCausalLM.from_pretrained("gpt2")

            async def complete(prompt):
                inputs = tokenizer(prompt, return_tensors="pt")
                output = model.generate(**inputs, max_new_tokens=50)
                return tokenizer.decode(output[0])
            """,
            line=8,
        ),
        Invalid(
            """
            class LocalEmbeddings:
                def __init__(self):
                    self._models = {}

                def _load_model(self, name):
                    if name in self._models:  # the model kept, or the one made below
                        return self._models[name]
                    from sentence_transformers import SentenceTransformer

                    model = SentenceTransformer(name)
                    self._models[name] = model
                    return model

                async def embed(self, texts, name):
                    model = self._load_model(name)
                    return model.encode(texts)
            """,
            line=16,
        ),
    )
