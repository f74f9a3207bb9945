"""CCL204 (issue 14, recall of the thread family): model inference in a coroutine, and the
typing it needs that the rule examples do not show: a model made on first use, read through a
property, and the category open to `extend-blocking-calls`."""

from __future__ import annotations

import textwrap

from conclint.core.settings import Settings
from conclint.engine import lint_source


def _findings(source: str, settings: Settings | None = None) -> list[tuple[int, str]]:
    found = lint_source(textwrap.dedent(source), "example.py", settings or Settings())
    return sorted((d.line, d.code) for d in found if d.code in ("CCL102", "CCL204"))


LAZY_MODEL = """
    from sentence_transformers import SentenceTransformer

    class EmbeddingService:
        def __init__(self, name):
            self.name = name
            self._model = None

        @property
        def model(self):
            if self._model is None:
                self._model = SentenceTransformer(self.name)
            return self._model

        async def through_property(self, text):
            return self.model.encode(text)

        async def through_attribute(self, text):
            return self._model.encode(text)
"""


def test_a_model_made_on_first_use_is_typed_through_attribute_and_property() -> None:
    assert _findings(LAZY_MODEL) == [(16, "CCL204"), (19, "CCL204")]


def test_an_attribute_only_ever_none_or_unknown_is_not_typed() -> None:
    source = """
        class Service:
            def __init__(self, model):
                self._model = None
                self.other = model

            async def embed(self, text):
                return self._model.encode(text), self.other.encode(text)
    """
    assert _findings(source) == []


def test_a_property_with_several_returns_is_not_typed() -> None:
    source = """
        import requests
        from sentence_transformers import SentenceTransformer

        class Service:
            @property
            def model(self):
                if self.remote:
                    return self.client
                return SentenceTransformer("m")

            async def embed(self, text):
                return self.model.encode(text)
    """
    assert _findings(source) == []


def test_a_lazily_made_session_is_typed_for_the_http_rule_too() -> None:
    source = """
        import requests

        class Client:
            def __init__(self):
                self._session = None

            def connect(self):
                self._session = requests.Session()

            async def fetch(self, url):
                return self._session.get(url)
    """
    assert _findings(source) == [(12, "CCL102")]


def test_streamed_completion_by_keyword_only() -> None:
    source = """
        from llama_cpp import Llama

        llm = Llama(model_path="m.gguf")

        async def answer(prompt):
            streamed = llm.create_completion(prompt, stream=True)
            whole = llm.create_completion(prompt, stream=False)
            return streamed, whole
    """
    assert _findings(source) == [(8, "CCL204")]


def test_configured_computation_is_reported_by_ccl204() -> None:
    source = """
        import solver

        async def plan(problem):
            return solver.optimise(problem)
    """
    settings = Settings(extend_blocking_calls=(("solver.optimise", "computation"),))
    assert _findings(source, settings) == [(5, "CCL204")]


def test_reported_for_a_free_threaded_build_too() -> None:
    source = """
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("m")

        async def embed(texts):
            return model.encode(texts)
    """
    assert _findings(source, Settings(free_threaded=True)) == [(7, "CCL204")]


INJECTED = textwrap.dedent(
    """
    import requests

    class Api:
        def __init__(self, name, session):
            self.name = name
            self.session = session

        async def fetch(self, url):
            return self.session.get(url)
    """
)


def test_an_attribute_given_to_the_one_module_level_construction_is_typed() -> None:
    assert _findings(INJECTED + "api = Api('x', requests.Session())\n") == [(10, "CCL102")]
    assert _findings(INJECTED + "api = Api('x', session=requests.Session())\n") == [(10, "CCL102")]


def test_an_attribute_given_to_several_constructions_is_not_typed() -> None:
    twice = INJECTED + "one = Api('x', requests.Session())\ntwo = Api('y', other_session())\n"
    assert _findings(twice) == []


def test_a_model_injected_into_a_helper_class_is_followed_through_the_chain() -> None:
    source = """
        from sentence_transformers import SentenceTransformer

        class Embedder:
            def __init__(self, name):
                self._model = SentenceTransformer(name)

            def embed(self, text):
                return self._model.encode([text])[0]

        class Graph:
            def __init__(self, embedder):
                self.embedder = embedder

            def add(self, text):
                return self.embedder.embed(text)

        graph = Graph(Embedder("m"))

        async def handle(text):
            return graph.add(text)
    """
    assert _findings(source) == [(21, "CCL204")]


def test_an_object_called_like_a_function_through_a_helper() -> None:
    source = """
        import spacy

        nlp = spacy.load("en_core_web_sm")

        def entities(text):
            return [ent.text for ent in nlp(text).ents]

        async def handle(text):
            return entities(text)
    """
    assert _findings(source) == [(10, "CCL204")]


def test_calling_a_factory_object_is_not_a_computation() -> None:
    source = """
        from sqlalchemy.orm import sessionmaker

        SessionLocal = sessionmaker()

        async def handle():
            return SessionLocal()
    """
    assert _findings(source) == []


def test_a_blank_spacy_pipeline_only_tokenizes() -> None:
    source = """
        import spacy

        tokenizer = spacy.blank("en")

        async def words(text):
            return [token.text for token in tokenizer(text)]
    """
    assert _findings(source) == []


def test_a_transformers_forward_pass() -> None:
    source = """
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
        model = AutoModel.from_pretrained("bert-base-uncased")

        async def embed(text):
            inputs = tokenizer(text, return_tensors="pt")
            return model(**inputs).last_hidden_state
    """
    assert _findings(source) == [(9, "CCL204")]
