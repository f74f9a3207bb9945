"""CCL102: a synchronous HTTP request (requests, httpx, urllib, urllib3, http.client) in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine

# gradio's `Interface`, whose parameter is rebound after its test: a VALID and an INVALID example.
_INTERFACE = """
            import httpx

            def download_if_url(article):
                return httpx.get(article).text

            class Interface:
                def __init__(self, fn, article=None):
                    if article is not None:
                        article = download_if_url(article)
                    self.article = article
"""

_DATA_URI = """
            import urllib.request

            def from_data_uri(data_uri):
                {guard}
                with urllib.request.urlopen(data_uri) as response:
                    return response.read()

            async def send(channel, attachment):
                await channel.upload(from_data_uri(attachment))
"""


# weaviate-client's sync-or-async clients: one class serves both, each method building a
# coroutine under `if colour == "async":`, where the `def` sits, and doing the sync call
# otherwise.
_COLOURED = """
            import httpx

            class Auth:
                def __init__(self, url, colour):
                    self.url = url
                    self._colour = colour

                def token_endpoint(self):
                    if self._colour == "async":

                        async def _execute():
                            async with httpx.AsyncClient() as client:
                                return await client.get(self.url)

                        return _execute()
                    with httpx.Client() as client:
                        return client.get(self.url)

                def session(self):
                    if self._colour {test} "async":

                        async def _execute():
                            return await self.token_endpoint()

                        return _execute()
                    return self.token_endpoint()

            def process(response, colour):
                if colour == "async":
                    return response
                return httpx.get(response)

            def connect(url, colour):
                if colour {test} "async":

                    async def _execute():
                        return process(url, colour)

                    return _execute()
                return process(url, colour)
"""

_ASSUMED_ROLE = """
            import boto3

            class RefreshableSession:
                def __init__(self, region_name=None, sts_arn=None):
                    self.region_name = region_name
                    self.sts_arn = sts_arn

                def credentials(self):
                    if self.sts_arn:
                        sts = boto3.client("sts", region_name=self.region_name)
                        return sts.assume_role(RoleArn=self.sts_arn, RoleSessionName="s")
                    return None

            async def connect(config):
                return RefreshableSession({arguments}).credentials()
"""


class BlockingHttpCallInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds synchronous HTTP requests made inside an `async def`: the `requests` functions
    (`requests.get`, `requests.post`, ...) and `requests.Session` methods, the synchronous
    `httpx` functions and `httpx.Client` methods (`close()` included), the same of `httpx2`
    (which continues httpx), `urllib.request.urlopen`
    and the reads of the response it returns (`read`, `readline`, `readlines`), `urllib3`
    pools (`PoolManager`, `ProxyManager`) and `http.client` connections and responses, and the
    AWS SDK: every method of a `boto3`/`botocore` client or service resource
    (`boto3.client("s3").put_object(...)`, `boto3.Session().resource("dynamodb").create_table(...)`)
    but the helpers that send no request (`get_paginator`, `get_waiter`, `can_paginate`,
    `generate_presigned_url`, `generate_presigned_post`, `close`, `meta`, `exceptions`, and
    sub-resources such as `s3.Bucket(name)`). Method calls are recognised on objects created
    from those constructors (`s = requests.Session()`, `with httpx.Client() as client:`,
    `self.session = requests.Session()` in `__init__`). `urlopen()` of a `data:` URI decodes
    it in memory and makes no request: one written as a literal, or a parameter the function
    turns away unless it starts with `data:` (`if not uri.startswith("data:"): raise
    ValueError(...)`), is not reported, nor the reads of the response it returns.

    ## Why is this bad?
    A synchronous client waits for the whole request (DNS, connect, TLS handshake, the server's
    answer) on the event loop's thread. Every other task stops for as long as the slowest
    server takes to answer; timeouts and cancellation of other tasks cannot fire meanwhile.

    ## Example
    ```python
    import requests

    async def fetch_user(user_id):
        response = requests.get(f"https://api.example.com/users/{user_id}", timeout=10)
        return response.json()
    ```

    ## Use instead
    ```python
    import httpx

    async def fetch_user(user_id):
        async with httpx.AsyncClient() as client:
            response = await client.get(f"https://api.example.com/users/{user_id}", timeout=10)
        return response.json()
    ```
    `httpx.AsyncClient` works under asyncio, trio and anyio; `aiohttp.ClientSession` under
    asyncio. To keep the synchronous client, run the request in a worker thread:
    `await asyncio.to_thread(requests.get, url)`, `await trio.to_thread.run_sync(requests.get, url)`
    or `await anyio.to_thread.run_sync(requests.get, url)`. For AWS under asyncio, `aioboto3`
    or `aiobotocore` have the same calls, awaited.

    ## Fix safety
    {offload_fix} The
    request runs unchanged on another thread, where cancelling the awaiting task no longer stops
    it. Moving to an async client (its session, connection pooling, awaited calls) is left to
    you.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; an entry with the category
      `"http"` (for example `"mylib.download" = "http"`) is reported by this rule.

    ## References
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [HTTPX: async support](https://www.python-httpx.org/async/)
    - [aiohttp client quickstart](https://docs.aiohttp.org/en/stable/client_quickstart.html)
    - [aioboto3](https://aioboto3.readthedocs.io/en/latest/)
    - [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    - [trio.to_thread.run_sync](https://trio.readthedocs.io/en/stable/reference-core.html#trio.to_thread.run_sync)
    - [AnyIO: working with threads](https://anyio.readthedocs.io/en/stable/threads.html)

    ## Differences from flake8-async and ruff
    - On a `urllib3` pool or an `http.client` connection, only the methods that send a request
      or read a response are reported (`request`, `urlopen`, `getresponse`, `read`, ...), not
      any method called on it.
    - A module-level name is read as its last module-level assignment gives it: a coroutine
      runs after the import. A client the module binds again further down to something else
      (`glob_client: int = 4` below the coroutine) is not reported; flake8-async's suite
      expects it, reading the binding above the function.
    """

    CODE = "CCL102"
    NAME = "blocking-http-call-in-async"
    CATEGORY = Category.HTTP
    VALID = (
        # llama-stack's Bedrock client: the session is built without a role to assume, and its
        # `__init__` stores that None, so no STS call is made.
        Valid(_ASSUMED_ROLE.format(arguments="region_name=config.region")),
        # agno's AG-UI input: `urlopen` decodes a data URI in memory, in the branch that tests
        # for one.
        Valid(
            """
            import base64
            import urllib.request

            def decode(value):
                if value.startswith("data:"):
                    return urllib.request.urlopen(value).read()
                return base64.b64decode(value)

            async def extract_media(message):
                return [decode(part) for part in message.parts]
            """
        ),
        # hikari's attachments: a data URI is decoded in memory by urllib.
        Valid(
            _DATA_URI.format(guard='if not data_uri.startswith("data:"):\n                    raise ValueError("Invalid data URI passed")')
        ),
        # gradio's tests build `gr.Interface(fn, ...)` without an article: the parameter is
        # rebound after its test, which still reads what the caller passed (None).
        Valid(
            _INTERFACE + """
            async def test_interface():
                return Interface(print)
            """
        ),
        # A textual thread worker, whatever other flags it has (textual's weather05 example).
        Valid(
            """
            from urllib.request import urlopen

            from textual import work
            from textual.app import App

            class WeatherApp(App):
                async def on_input_changed(self, message):
                    self.update_weather(message.value)

                @work(exclusive=True, thread=True)
                def update_weather(self, city):
                    return urlopen(f"https://wttr.in/{city}").read()
            """
        ),
        Valid(
            """
            import httpx

            async def fetch(url):
                async with httpx.AsyncClient() as client:
                    response = await client.get(url)
                    await client.post(url, json={"seen": True})
                return response.json()
            """
        ),
        Valid(
            """
            import aiohttp

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    async with session.get(url) as response:
                        return await response.text()
            """
        ),
        Valid(
            """
            import asyncio
            import requests

            async def fetch(url):
                response = await asyncio.to_thread(requests.get, url, timeout=10)
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, requests.post, url)
                return response
            """
        ),
        Valid(
            """
            import functools
            import requests
            import trio

            async def fetch(url):
                await trio.to_thread.run_sync(functools.partial(requests.get, url, timeout=10))
                await trio.to_thread.run_sync(lambda: requests.get(url))
            """
        ),
        Valid(
            """
            import anyio
            import requests

            async def fetch(url):
                def download():
                    with requests.Session() as session:
                        return session.get(url).content
                return await anyio.to_thread.run_sync(download)
            """
        ),
        Valid(
            """
            import requests

            def fetch(url):
                return requests.get(url, timeout=10).json()
            """
        ),
        Valid(
            """
            from requests import get

            async def handler(request, cache, params: dict):
                user = cache.get("user")
                page = params.get("page", 1)
                headers = dict(request.headers).get("accept")
                return user, page, headers
            """
        ),
        Valid(
            """
            from requests import get

            async def handler(url):
                def get(key):
                    return key
                return get(url)
            """
        ),
        Valid(
            """
            async def handler(requests, url):
                return requests.get(url)
            """
        ),
        Valid(
            """
            import requests
            import urllib.parse

            async def build(base, path):
                url = urllib.parse.urljoin(base, path)
                prepared = requests.Request("GET", url).prepare()
                return prepared
            """
        ),
        Valid(
            """
            import aioboto3
            import boto3

            async def links(keys):
                s3 = boto3.client("s3")
                pages = s3.get_paginator("list_objects_v2")
                bucket = boto3.resource("s3").Bucket("uploads")
                async with aioboto3.Session().client("s3") as client:
                    await client.put_object(Bucket="uploads", Key="new", Body=b"")
                return [s3.generate_presigned_url("get_object", Params={"Key": key}) for key in keys], pages, bucket
            """
        ),
        Valid(_COLOURED.format(test="==")),
    )
    INVALID = (
        # The same session given a role: assuming it calls AWS STS.
        Invalid(
            _ASSUMED_ROLE.format(arguments="region_name=config.region, sts_arn=config.role"),
            line=15,
            message_contains=(".credentials()` blocks the event loop", "via RefreshableSession.credentials -> sts.assume_role() (line 11)"),
        ),
        # The same clients, but the coroutines are defined where the colour is not "async":
        # both reach the sync calls.
        Invalid(
            _COLOURED.format(test="!="),
            line=23,
            count=2,
            message_contains=("`self.token_endpoint()` blocks the event loop", "client.get() (line 17)"),
        ),
        # The same helper without the check: any URL reaches urlopen.
        Invalid(
            _DATA_URI.format(guard="data_uri = data_uri.strip()"),
            line=9,
            message_contains=("`from_data_uri()` blocks the event loop", "urllib.request.urlopen() (line 5)"),
        ),
        # The same class given an article by URL: it is fetched on the loop.
        Invalid(
            _INTERFACE + """
            async def test_interface_with_article():
                return Interface(print, article="https://example.com/article.md")
            """,
            line=13,
            message_contains=("`Interface()` blocks the event loop", "httpx.get()"),
        ),
        Invalid(
            """
            import requests
            import trio

            async def fetch(url):
                return requests.get(url, timeout=5).json()
            """,
            line=5,
            column=12,
            fixed="""
            import functools

            import requests
            import trio

            async def fetch(url):
                return (await trio.to_thread.run_sync(functools.partial(requests.get, url, timeout=5))).json()
            """,
        ),
        Invalid(
            """
            import requests

            async def fetch(url):
                return requests.get(url, timeout=10).json()
            """,
            line=4,
            column=12,
            message_contains=("requests.get()", "httpx.AsyncClient", "await asyncio.to_thread(requests.get, ...)"),
        ),
        Invalid(
            """
            import requests as rq

            async def publish(url, body):
                rq.post(url, json=body)
            """,
            line=4,
            message_contains=("requests.post()",),
        ),
        Invalid(
            """
            import requests

            async def crawl(urls):
                s = requests.Session()
                for url in urls:
                    s.get(url)
            """,
            line=6,
            message_contains=("s.get()", "asyncio.to_thread(s.get, ...)"),
        ),
        Invalid(
            """
            import requests

            class Api:
                def __init__(self):
                    self.session = requests.Session()

                async def user(self, user_id):
                    return self.session.get(f"/users/{user_id}").json()
            """,
            line=8,
            message_contains=("self.session.get()",),
        ),
        Invalid(
            """
            import trio

            async def status(url):
                from urllib.request import urlopen
                with urlopen(url) as response:
                    return response.status
            """,
            line=5,
            message_contains=(
                "urllib.request.urlopen()",
                "`httpx.AsyncClient`",
                "trio.to_thread.run_sync(urllib.request.urlopen",
            ),
            fixed="""
            import trio

            async def status(url):
                from urllib.request import urlopen
                with await trio.to_thread.run_sync(urlopen, url) as response:
                    return response.status
            """,
        ),
        Invalid(
            """
            import anyio
            import httpx

            async def fetch_all(urls):
                with httpx.Client() as client:
                    return [client.get(url) for url in urls]
            """,
            line=6,
            message_contains=("client.get()", "anyio.to_thread.run_sync(client.get, ...)"),
        ),
        Invalid(
            """
            import httpx

            async def pages(url):
                for page in range(3):
                    yield httpx.get(url, params={"page": page})
            """,
            line=5,
        ),
        Invalid(
            """
            import http.client
            import urllib3

            async def ping(host):
                conn = http.client.HTTPSConnection(host)
                conn.request("HEAD", "/")
                pool = urllib3.PoolManager()
                pool.request("GET", f"https://{host}/")
            """,
            line=6,
            count=2,
            message_contains=("conn.request()",),
        ),
        Invalid(
            """
            from mylib import download

            async def mirror(url):
                return download(url)
            """,
            line=4,
            message_contains=("mylib.download()", "await asyncio.to_thread(mylib.download, ...)"),
            settings={"extend_blocking_calls": (("mylib.download", "http"),)},
        ),
        Invalid(
            """
            import urllib.request

            async def fetch(url):
                with urllib.request.urlopen(url) as response:
                    return response.read()
            """,
            line=4,
            count=2,
        ),
        Invalid(
            """
            import httpx
            import urllib3

            async def shutdown(client: httpx.Client, proxy_url, url):
                urllib3.ProxyManager(proxy_url).request("GET", url)
                client.close()
            """,
            line=5,
            count=2,
            message_contains=("httpx.AsyncClient",),
        ),
        Invalid(
            """
            import boto3

            s3 = boto3.client("s3")

            async def save(key, body):
                s3.put_object(Bucket="uploads", Key=key, Body=body)
                return s3.generate_presigned_url("get_object", Params={"Bucket": "uploads", "Key": key})
            """,
            line=6,
            message_contains=("s3.put_object()", "aioboto3"),
        ),
        Invalid(
            """
            import boto3

            async def create(name):
                dynamodb = boto3.Session().resource("dynamodb")
                table = dynamodb.Table(name)
                return dynamodb.create_table(TableName=name), table
            """,
            line=6,
        ),
        Invalid(
            """
            import httpx2

            async def publish(url, payload):
                with httpx2.Client() as client:
                    return client.post(url, json=payload)
            """,
            line=5,
            message_contains=("client.post()", "httpx2.AsyncClient"),
        ),
    )
