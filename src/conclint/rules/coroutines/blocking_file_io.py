"""CCL104: synchronous file-system I/O in a coroutine."""

from conclint.knowledge.blocking import Category
from conclint.rules.base import Invalid, Valid
from conclint.rules.coroutines.blocking_base import BlockingCallInCoroutine

# streamlit's config, set up once into a module global: a VALID and an INVALID example.
_OPTIONS = """
            _options = None

            def get_options(force_reparse=False):
                global _options
                if _options and not force_reparse:
                    return _options
                with open(".streamlit/config.toml") as fh:
                    _options = {"raw": fh.read()}
                return _options
"""

# scrapy's checksum of any stream: a VALID and an INVALID example.
_MD5SUM = """
            def md5sum(file: IO[bytes]) -> str:
                m = hashlib.md5()
                while chunk := file.read(8096):
                    m.update(chunk)
                return m.hexdigest()
"""

_FRAME_TO_EVENT = """
            import os

            def frame_to_event(frame, with_source=False):
                path = os.path.abspath(frame.f_code.co_filename)
                event = {{"abs_path": path, "lineno": frame.f_lineno}}
                if with_source:
                    with open(path) as fh:
                        event["context_line"] = fh.readlines()[frame.f_lineno - 1]
                return event

            async def handle(request, app):
                try:
                    return await app(request)
                except Exception as error:
                    frame = error.__traceback__.tb_frame
                    request.client.capture(frame_to_event({arguments}))
                    raise
"""

_TO_CODE = """
            from pathlib import Path

            {imported}

            async def to_code(config):
                data = Path(config["file"]).read_bytes()
                cg.add_define("CERTIFICATE", data.decode())
"""

# browser-use reads its version once: the cache answers every later call.
_VERSION = """
            import functools
            from pathlib import Path

            @functools.cache
            def package_version({parameters}):
                pyproject = Path(__file__).parent / "pyproject.toml"
                return pyproject.read_text() if pyproject.exists() else "unknown"

            async def connect(session):
                await session.send({{"client": package_version({arguments})}})
"""

# opsdroid's test server: a mocked response is a JSON file when given as a path.
_MOCKED_RESPONSE = """
            import json
            from os import PathLike

            class ExternalAPIMockServer:
                def add_response(self, route, response=None):
                    if isinstance(response, PathLike):
                        with open(response) as json_file:
                            response = json.load(json_file)
                    return route, response

            async def start(server: ExternalAPIMockServer, fixture):
                server.add_response("/test", {response})
"""

# A helper that writes to the stream it is given: a file the exporter opened, or a buffer.
_WRITE_ROWS = """
            import io

            def write_rows(stream, rows):
                for row in rows:
                    stream.write(",".join(map(str, row)) + "\\n")

            class Exporter:
                def __init__(self, path):
                    self.stream = {stream}

                async def export(self, rows):
                    write_rows(self.stream, rows)
"""

# fast-agent's message builders: an item that is a `Path` is read from disk, a string is text.
_MESSAGE = """
            from pathlib import Path

            def image(path):
                with open(path, "rb") as f:
                    return f.read()

            def message(*items, role="user"):
                for item in items:
                    if isinstance(item, str):
                        yield {{"role": role, "text": item}}
                    elif isinstance(item, Path):
                        yield {{"role": role, "image": image(item)}}

            def user(*items):
                return list(message(*items, role="user"))

            async def reply(text: str):
                return user({arguments})
"""

# crawl4ai's module logger (renamed: a name that says logger is taken as a logging call):
# built once without a log file, it only prints.
_MODULE_LOGGER = """
            class AsyncLogger:
                def __init__(self, log_file=None, verbose=True):
                    self.log_file = log_file
                    self.verbose = verbose

                def _write_to_file(self, message):
                    if self.log_file:
                        with open(self.log_file, "a") as f:
                            f.write(message)

                def info(self, message):
                    if self.verbose:
                        print(message)
                    self._write_to_file(message)

            journal = AsyncLogger({arguments})

            async def migrate_database():
                journal.info("Starting database migration...")
"""

_TRACE = """
            import inspect

            class TimeTrace:
                def __init__(self, parent=None, source=None):
                    self.parent = parent
                    self._source = source

                def __enter__(self):
                    if self._source is not None:
                        self.code_path = inspect.getsourcefile(self._source)
                    return self

            class FunctionTrace(TimeTrace):
                def __init__(self, name, group=None, **kwargs):
                    parent = kwargs.pop("parent", None)
                    source = kwargs.pop("source", None)
                    super().__init__(parent=parent, source=source)
                    self.name = name

                def __enter__(self):
                    return TimeTrace.__enter__(self)

            async def wrap_completion(wrapped):
                trace = FunctionTrace({arguments})
                trace.__enter__()
                return await wrapped()
"""

_RUN_CONFIG = """
            from pathlib import Path

            class RunConfig:
                def __init__(self, c4a_script=None):
                    self.c4a_script = c4a_script
                    if self.c4a_script:
                        self.compiled = self._compile("scripts")

                def _compile(self, root):
                    return Path(root).resolve()

            async def crawl(crawler, url, script):
                return await crawler.arun(url, config=RunConfig({arguments}))
"""

_PAGE_THEME = """
            from pathlib import Path

            def add_example(*, app_file=None):
                def _(func):
                    func.__doc__ = (func.__doc__ or "") + (app_file or "")
                    return func
                return _

            def theme_dependencies(theme):
                if theme is None:
                    return []
                return [Path(theme).read_text()]

            @add_example()
            def page_fluid(*args, theme=None):
                return [*args, *theme_dependencies(theme)]

            async def render(session):
                return page_fluid({arguments})
"""

_TOOL_LOADER = """
            from pathlib import Path

            class ToolRegistry:
                def initialize_tools(self, load_from_directory=False):
                    for tool_path in self.discover():
                        if not load_from_directory:
                            continue
                        self.load(Path(tool_path).resolve())

                def discover(self):
                    return ["tools/search.py"]

                def load(self, path):
                    return path

            class Agent:
                def __init__(self, model, load_tools_from_directory=False):
                    self.registry = ToolRegistry()
                    self.registry.initialize_tools(load_tools_from_directory)

            async def classify(model):
                return Agent({arguments})
"""

_EXECUTOR_DECORATOR = """
            import functools

            async def run_in_executor(self, fn, *args, **kwargs):
                preloaded = functools.partial(fn, *args, **kwargs)
                return await self.loop.run_in_executor(self.executor, preloaded)

            def executor_decorator(func):
                @functools.wraps(func)
                async def wrapper(*args, **kwargs):
                    return await {helper}(args[0], func, *args, **kwargs)
                return wrapper

            def run_inline(self, fn, *args, **kwargs):
                return fn(*args, **kwargs)

            class AppManagement:
                @executor_decorator
                def read_config_file(self, path):
                    with open(path) as f:
                        return f.read()

                async def check_config(self):
                    return await self.read_config_file("apps.yaml")
"""


# flytekit's context: a getter sets it up when its context variable is empty; the module
# does so at import, or not.
_CONTEXT = """
            import pathlib
            from contextvars import ContextVar

            flyte_context = ContextVar("flyte_context", default=[])

            class ContextManager:
                @staticmethod
                def current_context():
                    if not flyte_context.get():
                        ContextManager.initialize()
                    return flyte_context.get()[-1]

                @staticmethod
                def initialize():
                    pathlib.Path("user_space").mkdir(parents=True, exist_ok=True)
                    flyte_context.set([{{}}])

            async def convert(value):
                return ContextManager.current_context(), value
            {at_import}
"""

# Compressing what is read into a target a helper makes (gcloud-aio-storage's upload).
_COMPRESSED = """
            import gzip
            import io

            def compress(stream):
                compressed = {target}
                with gzip.open(compressed, "wb") as zipped:
                    zipped.write(stream.getvalue())
                return compressed

            async def upload(session, data):
                await session.put(compress(io.BytesIO(data)))
"""


class BlockingFileIoInAsync(BlockingCallInCoroutine):
    """
    ## What it does
    Finds synchronous file-system calls inside an `async def`: `open()` (and `gzip.open`,
    `bz2.open`, `lzma.open`), the `read`/`write`/`readline`/`flush`... methods of the file
    objects they and `os.fdopen` return and of parameters annotated as real files
    (`io.TextIOWrapper`, `io.BufferedReader`/`Writer`/`Random`, `io.FileIO`, also as
    `X | None`, `Optional[X]` or a string; not when the parameter defaults to `sys.stdout`,
    `sys.stderr` or `sys.stdin`, a terminal as often as a file), the reads of parameters
    annotated `typing.IO`, `TextIO` or `BinaryIO` (any stream: a terminal, a `StringIO`, a
    pipe; their writes are as likely a few bytes to a terminal as file I/O, so they are not
    reported, like `print()`) (`os.fdopen` itself only wraps a descriptor that is
    already open, so it is not reported, unlike flake8-async's ASYNC231), the `pathlib.Path` methods that touch the disk
    (`read_text`, `write_bytes`, `exists`, `stat`, `iterdir`, `glob`, `mkdir`, `unlink`, ...),
    the `os.path` functions that ask the disk (`exists`, `isfile`, `getsize`, `realpath`, ...),
    the `os` file functions (`listdir`, `scandir`, `remove`, `rename`, `makedirs`, `walk`,
    `getcwd`, `statvfs`, ...) and `shutil` (`copy`, `move`, `rmtree`, ...), `Path.cwd()`,
    `absolute()`, `os.path.abspath()` and `relpath()` (a relative path is joined to the
    working directory, which they ask the kernel for, as `os.getcwd()` does), the file-type
    tests (`is_fifo`, `is_socket`, `is_block_device`, `is_char_device`), `tempfile`
    (`mkstemp`, `mkdtemp`, `TemporaryFile`,
    `NamedTemporaryFile`, `TemporaryDirectory`, and the methods of the files they return),
    `io.open_code`, `netrc.netrc()` and the source reads of `inspect` (`getsource`,
    `getsourcelines`, `getsourcefile`, ...). Functions that read or write the stream they
    are handed (`json.load`, `json.dump`, `pickle.load`, `pickle.dump`, `marshal`, `plistlib`,
    `tomllib.load`, PyYAML's `load`, `safe_load` and `dump`, `shutil.copyfileobj`) are reported
    when that stream's own read or write would be: `json.load(fh)` on a file from `open()`,
    not on an `io.StringIO`.

    Not reported, because they touch no disk: `tempfile.gettempdir()` (its answer is kept
    after the first call), a `SpooledTemporaryFile` until it rolls over to disk
    (`rollover()`, `fileno()`), `inspect.getfile()` (an attribute of the object),
    `os.path.samestat()` (two stat results compared), `Path.home()` and `expanduser()` (they
    read `HOME` from the environment, and the password database only when it is unset), and
    opening the null device (`open(os.devnull, "w")`, `Path("/dev/null").open()`), and
    `open()` of a file descriptor (`open(0, "rb", closefd=False)`): like `os.fdopen`, it
    wraps what is open already (the reads and writes of what it returns are reported).
    Nor `gzip.open`, `bz2.open` or `lzma.open` handed an in-memory stream (`buffer =
    io.BytesIO()`, then `gzip.open(buffer, "wb")`), nor the reads and writes of what they
    return: they compress in memory.

    Reads and writes on a descriptor the module sets non-blocking (`os.set_blocking(fd,
    False)`, opened with `O_NONBLOCK`) and calls inside a `try` that catches
    `BlockingIOError` are not reported: they return at once.

    Pure path arithmetic is never reported: `os.path.join`, `basename`, `dirname`,
    `splitext`, and `Path` operations that only compute (`/`, `.name`, `.suffix`,
    `.with_suffix()`, `.joinpath()`).

    ## Why is this bad?
    File-system calls block the thread until the kernel answers. On a local SSD that is
    usually short, but a network file system, a cold cache, a large file or a full directory
    walk can take seconds, and the event loop runs nothing else meanwhile. Operating systems
    offer no portable non-blocking file I/O, which is why the async libraries run file
    operations in worker threads.

    ## Example
    ```python
    import json

    async def load_config(path):
        with open(path) as fh:
            return json.load(fh)
    ```

    ## Use instead
    ```python
    import anyio
    import json

    async def load_config(path):
        async with await anyio.open_file(path) as fh:
            return json.loads(await fh.read())
    ```
    With asyncio, use `aiofiles.open(...)` or do the whole read in a worker thread:
    `await asyncio.to_thread(Path(path).read_text)`. In trio use `await trio.open_file(...)`
    and `trio.Path`; in anyio `anyio.Path`, whose disk methods are awaited.

    ## Fix safety
    {offload_fix} Each call
    moves on its own (`open`, then each `read`), so a file is used from several threads in turn,
    which Python's file objects allow. Async file objects (`async with await ...`, `async for`)
    change the whole block and are left to you.

    ## Options
    - `extend-blocking-calls`: add your own blocking callables; entries with the category
      `"file"` are reported by this rule.

    ## References
    - [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    - [trio: asynchronous filesystem I/O](https://trio.readthedocs.io/en/stable/reference-io.html#asynchronous-filesystem-i-o)
    - [AnyIO: asynchronous file I/O support](https://anyio.readthedocs.io/en/stable/fileio.html)
    - [aiofiles](https://github.com/Tinche/aiofiles)

    ## Differences from flake8-async and ruff
    - The `os.path` functions that only compute a string (`normpath`, `join`, `basename`,
      ...) are not reported; flake8-async's suite expects some of them. Those that ask the
      disk (`exists`, `isfile`, `getsize`, `realpath`, ...) or the working directory
      (`abspath`, `relpath`) are; flake8-async leaves `abspath` out, ruff's ASYNC240 has it.
    - `os.fdopen` is not reported (ASYNC231 is): it wraps a descriptor that is already open.
      The reads and writes of the file it returns are.
    - On a file object, only the methods that do I/O are reported (`read`, `write`, `flush`,
      `readline`, ...), not any method called on it.
    - `open()` handed to `trio.wrap_file(open(path))` is reported: opening the file is the
      blocking part, and `await trio.open_file(path)` avoids it.
    """

    CODE = "CCL104"
    NAME = "blocking-file-io-in-async"
    CATEGORY = Category.FILE
    VALID = (
        # A helper writing to the stream it is given, here a buffer in memory.
        Valid(_WRITE_ROWS.format(stream="io.StringIO()")),
        # crawl4ai's run configuration compiles a script only when one is given; `__init__`
        # keeps the argument in `self.c4a_script` before testing it there.
        Valid(_RUN_CONFIG.format(arguments="")),
        # crawl4ai's migrations log through a logger the module built without a file: its
        # `__init__` stores the default None in `self.log_file`, which nothing assigns again,
        # so `_write_to_file` never opens one.
        Valid(_MODULE_LOGGER.format(arguments="verbose=True")),
        # newrelic's LLM hooks: `FunctionTrace(name=...)` takes `source` out of its `**kwargs`
        # (None when not given) and hands it to its base's `__init__`, which stores it; the
        # base's `__enter__`, which the trace's runs on its own `self`, reads the source file
        # only for a trace given one.
        Valid(_TRACE.format(arguments='name=wrapped.__name__, group="Llm/completion"')),
        # fast-agent's `Prompt.assistant("...")`: every item spread into the builder is a
        # string, so the loop over them never takes the branch that reads a `Path`.
        Valid(_MESSAGE.format(arguments='"Done."')),
        # appdaemon's `@executor_decorator`: its wrapper hands the function to a helper of the
        # project that runs it in the loop's executor.
        Valid(_EXECUTOR_DECORATOR.format(helper="run_in_executor")),
        # strands-agents' Agent: its tool registry skips every tool file unless told to load
        # them (`if not load_from_directory: continue`), so no path is resolved.
        Valid(_TOOL_LOADER.format(arguments="model")),
        # shiny's pages: `@add_example()` only edits the docstring and returns the function,
        # so the call binds its arguments as written and no theme means no file to read.
        Valid(_PAGE_THEME.format(arguments='"Hello"')),
        # No value a call site can tell (None, a dict, a str) defines `__fspath__`.
        Valid(_MOCKED_RESPONSE.format(response="None")),
        Valid(_VERSION.format(parameters="", arguments="")),
        # sentry-sdk's error events: a helper normalises a code object's file name, which is
        # absolute already; only a working-directory read is on the way, so no chain is
        # reported (the same call written in the coroutine is).
        Valid(_FRAME_TO_EVENT.format(arguments="frame")),
        # prefect's `async_dispatch`: called from a coroutine, `apply` returns the coroutine of
        # `aapply`, the async implementation; its sync body runs only outside an event loop.
        Valid(
            """
            from pathlib import Path

            from prefect._internal.compatibility.async_dispatch import async_dispatch

            async def aapply(name):
                return name

            @async_dispatch(aapply)
            def apply(name):
                return Path("deployments", name).read_text()

            async def deploy(name):
                return await apply(name)
            """
        ),
        # ESPHome's code generation: `to_code` is a coroutine only in syntax; the generator
        # steps it with no event loop, so the read holds up no other task.
        Valid(
            _TO_CODE.format(imported="import esphome.codegen as cg")
        ),
        # streamlit's config: read once per process into a module global, then served from it.
        Valid(
            _OPTIONS + """
            async def handle(request):
                return get_options()["raw"]
            """
        ),
        # scrapy's files pipeline hashes the downloaded body through a helper that reads any
        # stream: here an in-memory one.
        Valid(
            """
            import hashlib
            from io import BytesIO
            from typing import IO
""" + _MD5SUM + """
            async def file_downloaded(response, store, path):
                buf = BytesIO(response.body)
                checksum = md5sum(buf)
                buf.seek(0)
                await store.persist_file(path, buf)
                return checksum
            """
        ),
        # mcp's stdio tests wrap the process's standard input, descriptor 0.
        Valid(
            """
            from io import TextIOWrapper

            async def serve_stdio(server):
                stdin = TextIOWrapper(open(0, "rb", closefd=False), encoding="utf-8")
                await server.run(stdin)
            """
        ),
        # python-telegram-bot's tests send an empty file: the null device holds no data.
        Valid(
            """
            import os
            from pathlib import Path

            async def test_error_send_empty_file(bot, chat_id):
                with Path(os.devnull).open("rb") as empty:
                    await bot.send_document(chat_id, empty)
                with open("/dev/null", "w") as sink:
                    await bot.log_to(sink)
            """
        ),
        # The import sets the context up: every task starts from a copy where it is set.
        Valid(_CONTEXT.format(at_import="ContextManager.initialize()")),
        # gcloud-aio-storage compresses an upload into a buffer before sending it.
        Valid(_COMPRESSED.format(target="io.BytesIO()")),
        # The flow lists its models in an async step, on a worker thread.
        Valid(
            """
            from pathlib import Path

            from homeassistant.config_entries import ConfigFlow

            def list_models():
                return [path.stem for path in (Path(__file__).parent / "models").iterdir()]

            class LightsConfigFlow(ConfigFlow, domain="lights"):
                def __init__(self):
                    self.models = []

                async def async_step_user(self, user_input=None):
                    self.models = await self.hass.async_add_executor_job(list_models)
                    return self.async_show_form(step_id="user")
            """
        ),
        Valid(
            """
            import asyncio
            from pathlib import Path

            async def configs(root: Path):
                # glob() only makes the iterator; the worker thread reads the directory
                return await asyncio.to_thread(sorted, root.glob("*.toml"))
            """
        ),
        Valid(
            """
            import asyncio
            from pathlib import Path

            async def configs(root: Path):
                found = root.glob("*.toml")  # the iterator, kept for the worker thread
                return await asyncio.to_thread(sorted, found)
            """
        ),
        Valid(
            """
            import io
            import json
            from typing import IO

            import yaml

            async def parse(text: str, log: IO[str]):
                settings = yaml.safe_load(text)  # a string, not a stream
                state = json.load(io.StringIO(text))  # reads memory
                json.dump(state, log)  # a write to any stream, as `log.write()` is not reported
                return settings
            """
        ),
        Valid(
            """
            import io
            from typing import Union

            async def render(out: io.StringIO, sink: Union[io.StringIO, io.TextIOWrapper]):
                out.write("in memory")  # a StringIO touches no disk
                sink.write("either")  # which of the two it is, is not known
            """
        ),
        Valid(
            """
            import io
            import os
            from pathlib import Path

            class Upload:
                def __init__(self, fp):
                    self.fp = fp if isinstance(fp, io.IOBase) else open(fp, "rb")

            def cleanup(sock_path=None):
                if sock_path is None:
                    return
                os.unlink(sock_path)

            class Widget:
                STYLE_FILE = None

                def __init__(self):
                    self.rules = [Path(p).read_text() for p in ([self.STYLE_FILE] if self.STYLE_FILE else [])]

            def lines(path):
                with open(path) as fh:
                    yield from fh

            async def send(data: bytes, path, response):
                Upload(io.BytesIO(data))  # the file object is used as it is
                cleanup()  # sock_path is None: returns at once
                Widget()  # STYLE_FILE is None: nothing is read
                response.body = lines(path)  # a generator: nothing runs until it is iterated
            """
        ),
        Valid(
            """
            import os
            from asgiref.sync import sync_to_async

            @sync_to_async
            def save(path, data):
                with open(path, "wb") as fh:
                    fh.write(data)

            async def handle(path, data, fd):
                await save(path, data)  # runs in a worker thread
                return os.fdopen(fd, "rb")  # wraps a descriptor that is already open
            """
        ),
        Valid(
            """
            import mylib

            @mylib.in_thread
            def save(path, data):
                with open(path, "wb") as fh:
                    fh.write(data)

            async def handle(path, data):
                await save(path, data)
            """,
            settings={"offload_decorators": ("mylib.in_thread",)},
        ),
        Valid(
            """
            import os.path

            async def target(root, name):
                path = os.path.join(root, name)
                stem, ext = os.path.splitext(os.path.basename(path))
                return os.path.dirname(path), stem, ext, os.path.normpath(path)
            """
        ),
        Valid(
            """
            import asyncio
            import os.path

            async def locate(root, name):
                joined = os.path.normpath(os.path.join(root, name))  # only computes a string
                return await asyncio.to_thread(os.path.abspath, joined)  # the working directory is read in a thread
            """
        ),
        Valid(
            """
            from pathlib import Path

            async def names(root: Path):
                report = Path(root) / "out" / "report.txt"
                return report.name, report.suffix, report.with_suffix(".json"), root.joinpath("x").stem
            """
        ),
        Valid(
            """
            import anyio

            async def load(path):
                async with await anyio.open_file(path) as fh:
                    text = await fh.read()
                if await anyio.Path(path).exists():
                    await anyio.Path(path).write_text(text)
                return text
            """
        ),
        Valid(
            """
            import trio

            async def load(path):
                async with await trio.open_file(path) as fh:
                    data = await fh.read()
                await trio.Path(path).with_suffix(".bak").write_text(data)
                return await trio.Path(path).exists()
            """
        ),
        Valid(
            """
            import aiofiles

            async def load(path):
                async with aiofiles.open(path) as fh:
                    return await fh.read()
            """
        ),
        Valid(
            """
            import asyncio
            from pathlib import Path

            async def load(path):
                text = await asyncio.to_thread(Path(path).read_text)
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, lambda: open(path).read())
                return text
            """
        ),
        Valid(
            """
            import json

            def load(path):
                with open(path) as fh:
                    return json.load(fh)

            async def parse(stream, text):
                import io
                buffer = io.StringIO(text)
                return buffer.read(), stream.read()
            """
        ),
        Valid(
            """
            async def handler(request):
                def open(name):
                    return name
                return open(request.path)
            """
        ),
        Valid(
            """
            import shutil

            async def tools(name, os):
                return shutil.get_terminal_size(), os.listdir(name)
            """
        ),
        Valid(
            """
            import asyncio

            def read_config(path):
                with open(path) as fh:
                    return fh.read()

            async def load(path, loop):
                text = await asyncio.to_thread(read_config, path)
                more = await loop.run_in_executor(None, read_config, path)
                later = lambda: read_config(path)

                def nested():
                    return read_config(path)

                return text, more, later, nested
            """
        ),
        Valid(
            """
            import asyncio

            def read_config(path):
                return asyncio.to_thread(open, path)

            def run_later(loop, path):
                return loop.run_in_executor(None, lambda: open(path).read())

            async def load(path, loop):
                return await read_config(path), await run_later(loop, path)
            """
        ),
        Valid(
            """
            def ping(n):
                return pong(n - 1) if n else 0

            def pong(n):
                return ping(n - 1) if n else 1

            async def play():
                return ping(10)
            """
        ),
        Valid(
            """
            import inspect
            import os
            import tempfile
            from pathlib import Path

            async def describe(obj, first, second, name):
                spool = tempfile.SpooledTemporaryFile(max_size=1024)
                spool.write(b"kept in memory")
                return (
                    tempfile.gettempdir(),
                    inspect.getfile(obj),
                    os.path.samestat(first, second),
                    Path.home() / name,
                    Path(name).expanduser(),
                )
            """
        ),
        Valid(
            """
            import io
            import sys
            from typing import IO, TextIO

            class Spinner:
                def __init__(self, file: io.TextIOWrapper = sys.stderr):
                    self.file = file  # a terminal as often as a file

                def finish(self):
                    self.file.flush()

            def finish(file: TextIO):
                print("done", file=file)
                file.flush()

            async def report(out: IO[str]):
                out.write("progress\\n")  # any stream: a few bytes to a terminal, like print()
                Spinner().finish()
                finish(out)
            """
        ),
        Valid(
            """
            from pathlib import Path

            async def manifest(root, bundle):
                path = Path(root) / "manifest.json"
                path = bundle.member(path)  # an in-memory member of the bundle from here on
                return path.read_text()
            """
        ),
        Valid(
            """
            import os

            class Stream:
                def write_to_fd(self, data):
                    raise NotImplementedError()

                async def flush(self, data):
                    return self.write_to_fd(data)

            class PipeStream(Stream):
                def __init__(self, fd):
                    self.fd = fd
                    os.set_blocking(fd, False)  # kept as self.fd: writes return at once

                def write_to_fd(self, data):
                    return os.write(self.fd, data)
            """
        ),
    )
    INVALID = (
        # The same context left to the first reader: a coroutine may be the one that sets it up.
        Invalid(_CONTEXT.format(at_import=""), line=19, message_contains=("via ContextManager.current_context -> ContextManager.initialize",)),
        # The same compression into a file: the helper opens it on the loop.
        Invalid(
            _COMPRESSED.format(target='open("upload.gz", "w+b")'),
            line=11,
            message_contains=("`compress()` blocks the event loop", "open()"),
        ),
        # The same helper given a file the exporter opened: each write goes to the disk.
        Invalid(
            _WRITE_ROWS.format(stream='open(path, "w")'),
            line=12,
            message_contains=("`write_rows()` blocks the event loop", "via write_rows -> stream.write() (line 5)"),
        ),
        # The same logger built with a file: every message is appended to it.
        Invalid(
            _TRACE.format(arguments='name=wrapped.__name__, source=wrapped'),
            line=25,
            message_contains=("via FunctionTrace.__enter__ -> TimeTrace.__enter__ -> inspect.getsourcefile()",),
        ),
        Invalid(
            _MODULE_LOGGER.format(arguments='"crawl.log", verbose=True'),
            line=19,
            message_contains=("`journal.info()` blocks the event loop", "AsyncLogger._write_to_file -> open() (line 8)"),
        ),
        # The same builder given a path among its items: that item's file is read.
        Invalid(_MESSAGE.format(arguments='"See:", Path("chart.png")'), line=18, message_contains=("`user()` blocks the event loop", "open() (line 4)")),
        # The same decorator handing the function to a helper that calls it in place.
        Invalid(
            _EXECUTOR_DECORATOR.format(helper="run_inline"),
            line=23,
            message_contains=("`self.read_config_file()` blocks the event loop", "open() (line 19)"),
        ),
        # The same agent told to load its tool directory: each tool path is resolved.
        Invalid(
            _TOOL_LOADER.format(arguments="model, load_tools_from_directory=True"),
            line=22,
            message_contains=("`Agent()` blocks the event loop", "Path(tool_path).resolve() (line 8)"),
        ),
        # The same page given a theme file: building it reads the file.
        Invalid(
            _PAGE_THEME.format(arguments='"Hello", theme=session.theme'),
            line=19,
            message_contains=("`page_fluid()` blocks the event loop", "Path(theme).read_text() (line 12)"),
        ),
        # The same server given a value of unknown type, which may be a path.
        Invalid(_MOCKED_RESPONSE.format(response="fixture"), line=12, message_contains=("via ExternalAPIMockServer.add_response -> open()",)),
        # The same cache keyed by a name: each new name reads a file.
        Invalid(
            _VERSION.format(parameters="name", arguments="session.name"),
            line=10,
            message_contains=("`package_version()` blocks the event loop", "package_version -> pyproject.exists() (line 7)"),
        ),
        # The same configuration given a script: compiling it resolves the directory.
        Invalid(
            _RUN_CONFIG.format(arguments="script"),
            line=13,
            message_contains=("`RunConfig()` blocks the event loop", "RunConfig._compile -> Path(root).resolve() (line 10)"),
        ),
        # The same coroutine in a module that does not import the code generator: an event
        # loop runs it.
        Invalid(
            _TO_CODE.format(imported="from mylib import codegen as cg"),
            line=6,
            message_contains=("`Path(config[\"file\"]).read_bytes()` blocks the event loop",),
        ),
        # The same helper when it also reads the source line from the file: that read blocks.
        Invalid(
            _FRAME_TO_EVENT.format(arguments="frame, with_source=True"),
            line=16,
            message_contains=("`frame_to_event()` blocks the event loop", "-> open() (line 7)"),
        ),
        # The same helper given a file opened on the loop's thread: the hashing reads it there.
        Invalid(
            """
            import hashlib
            from typing import IO
""" + _MD5SUM + """
            async def stored_checksum(path, opener):
                stream = opener(path)
                return md5sum(stream)
            """,
            line=12,
            message_contains=("`md5sum()` blocks the event loop", "file.read()"),
        ),
        # The same helper forced to read again: the read runs on the loop.
        Invalid(
            _OPTIONS + """
            async def reload(request):
                return get_options(force_reparse=True)["raw"]
            """,
            line=12,
            message_contains=("`get_options()` blocks the event loop",),
        ),
        # Home Assistant builds the flow on its event loop when a user starts it.
        Invalid(
            """
            from pathlib import Path

            from homeassistant.config_entries import ConfigFlow

            class LightsConfigFlow(ConfigFlow, domain="lights"):
                def __init__(self):
                    models = Path(__file__).parent / "models"
                    self.models = [path.stem for path in models.iterdir()]

                async def async_step_user(self, user_input=None):
                    return self.async_show_form(step_id="user")
            """,
            line=8,
        ),
        Invalid(
            """
            import io
            import json
            import pickle
            import shutil

            async def refresh(f: io.TextIOWrapper, path, state):
                data = json.load(f)
                with open(path, "rb") as source, open(path + ".bak", "wb") as target:
                    shutil.copyfileobj(source, target)
                    pickle.dump(state, target)
                return data
            """,
            line=7,
            count=5,
            message_contains=("`json.load()` blocks the event loop; use `await asyncio.to_thread(json.load, ...)` instead",),
        ),
        Invalid(
            """
            import io

            log: io.TextIOWrapper = ...  # declared: set up elsewhere

            async def tail():
                latest: io.BufferedReader = ...
                return log.readline(), latest.read()
            """,
            line=7,
            count=2,
            message_contains=("`log.readline()` blocks the event loop",),
        ),
        Invalid(
            """
            import io
            from typing import IO, Optional

            async def copy(source: io.BufferedReader, target: "Optional[IO[bytes]]", log: io.TextIOWrapper | None):
                data = source.read()
                target.write(target.read() + data)  # the read waits for data, the write is not reported
                if log:
                    log.write("copied")
            """,
            line=5,
            count=3,
            message_contains=("`source.read()` blocks the event loop",),
        ),
        Invalid(
            """
            import io
            import os
            from pathlib import Path

            class Upload:
                def __init__(self, fp):
                    self.fp = fp if isinstance(fp, io.IOBase) else open(fp, "rb")

            def cleanup(sock_path=None):
                if sock_path is None:
                    return
                os.unlink(sock_path)

            class Widget:
                STYLE_FILE = None

                def __init__(self):
                    self.rules = [Path(p).read_text() for p in ([self.STYLE_FILE] if self.STYLE_FILE else [])]

            class Fancy(Widget):
                STYLE_FILE = "fancy.css"

            def lines(path):
                with open(path) as fh:
                    yield from fh

            async def send(path: str):
                Upload(path)
                cleanup("/run/app.sock")
                Fancy()
                for line in lines(path):
                    print(line)
            """,
            line=28,
            count=4,
            message_contains=("`Upload()` blocks the event loop (run it in a worker thread) via Upload.__init__ -> open() (line 7)",),
        ),
        Invalid(
            """
            async def load(path):
                with open(path) as fh:
                    return fh.read()
            """,
            line=2,
            column=10,
            count=2,
            message_contains=("open()", "aiofiles.open(...)"),
        ),
        Invalid(
            """
            import asyncio
            from pathlib import Path

            async def configs(root: Path):
                return sorted(root.glob("*.toml"))
            """,
            line=5,
            message_contains=("root.glob()",),
            fixed="""
            import asyncio
            from pathlib import Path

            async def configs(root: Path):
                return await asyncio.to_thread(sorted, root.glob("*.toml"))
            """,
        ),
        Invalid(
            """
            import trio
            from pathlib import Path

            async def load(path):
                return Path(path).read_text()
            """,
            line=5,
            message_contains=("`Path(path).read_text()`", "trio.Path", "trio.to_thread.run_sync(Path(path).read_text)`"),
            fixed="""
            import trio
            from pathlib import Path

            async def load(path):
                return await trio.to_thread.run_sync(Path(path).read_text)
            """,
        ),
        Invalid(
            """
            import anyio
            import json

            async def load(path):
                fh = open(path)
                return json.load(fh)
            """,
            line=5,
            count=2,  # the open, and json.load reading the file
            message_contains=("await anyio.open_file(...)",),
            fixed="""
            import anyio
            import json

            async def load(path):
                fh = await anyio.to_thread.run_sync(open, path)
                return await anyio.to_thread.run_sync(json.load, fh)
            """,
        ),
        Invalid(
            """
            from os import path as osp

            async def ready(name):
                return osp.exists(name)
            """,
            line=4,
            message_contains=("os.path.exists()", "await asyncio.to_thread(os.path.exists, ...)"),
        ),
        Invalid(
            """
            async def reset(directory):
                import shutil
                shutil.rmtree(directory)
            """,
            line=3,
            message_contains=("shutil.rmtree()",),
        ),
        Invalid(
            """
            from pathlib import Path

            class Store:
                def __init__(self, root):
                    self.root = Path(root)

                async def save(self, name, data):
                    (self.root / name).write_text(data)
            """,
            line=8,
            message_contains=("write_text()",),
        ),
        Invalid(
            """
            import os

            async def sizes(paths):
                return {p: os.path.getsize(p) for p in paths}
            """,
            line=4,
        ),
        Invalid(
            """
            from pathlib import Path

            async def children(root: Path):
                for child in root.iterdir():
                    yield child
            """,
            line=4,
        ),
        Invalid(
            """
            import gzip
            import os

            async def archive(names):
                for name in os.listdir("."):
                    with gzip.open(name + ".gz", "wb") as out:
                        out.write(b"")
            """,
            line=5,
            count=3,
            message_contains=("os.listdir()",),
        ),
        Invalid(
            """
            import io
            import trio

            async def header(path):
                with io.open(path, "rb") as fh:
                    return fh.read(16)
            """,
            line=5,
            count=2,
            message_contains=("await trio.open_file(...)",),
            fixed="""
            import io
            import trio

            async def header(path):
                with await trio.to_thread.run_sync(io.open, path, "rb") as fh:
                    return await trio.to_thread.run_sync(fh.read, 16)
            """,
        ),
        Invalid(
            """
            import json

            def read_text(path):
                with open(path) as fh:
                    return fh.read()

            def parse(path):
                return json.loads(read_text(path))

            def load_config(path):
                return parse(path) if path else {}

            async def serve(path):
                config = load_config(path)
            """,
            line=14,
            column=14,
            message_contains=(
                "`load_config()` blocks the event loop (run it in a worker thread) via load_config -> … -> open() (line 4)",
                "await asyncio.to_thread(load_config, ...)",
            ),
        ),
        Invalid(
            """
            import os

            class Store:
                def __init__(self, root):
                    self.root = root

                def _names(self):
                    return os.listdir(self.root)

                @classmethod
                def scan(cls, root):
                    return cls(root)._names() if root else []

                def refresh(self, force=False):
                    if force:
                        return self._names()
                    return []

                def recurse(self, depth):
                    return self.recurse(depth - 1) if depth else self.refresh(True)

                async def handle(self):
                    self.refresh(force=True)
                    self.recurse(3)
                    Store.scan("/srv")
            """,
            line=23,
            count=3,
            message_contains=("`self.refresh()` blocks the event loop (run it in a worker thread) via Store.refresh -> Store._names -> os.listdir() (line 8)",),
        ),
        Invalid(
            """
            import asyncio
            import json

            def read_config(path):
                with open(path) as fh:
                    return json.load(fh)

            async def reload(path, loop):
                config = read_config(path)["settings"]
                return config
            """,
            line=9,
            message_contains=("`read_config()` blocks the event loop (run it in a worker thread) via read_config -> open() (line 5)",),
            fixed="""
            import asyncio
            import json

            def read_config(path):
                with open(path) as fh:
                    return json.load(fh)

            async def reload(path, loop):
                config = (await asyncio.to_thread(read_config, path))["settings"]
                return config
            """,
        ),
        Invalid(
            """
            import tempfile

            async def upload(data, send):
                with tempfile.NamedTemporaryFile(suffix=".bin") as tmp:
                    tmp.write(data)
                    await send(tmp.name)
            """,
            line=4,
            count=2,
            message_contains=("tempfile.NamedTemporaryFile()", "aiofiles.tempfile"),
        ),
        Invalid(
            """
            import io
            from pathlib import Path

            async def load_plugin(path: Path):
                if path.is_fifo() or path.is_socket():
                    return None
                with io.open_code(str(path.absolute())) as fh:
                    return fh.read()
            """,
            line=5,
            count=5,
            message_contains=("path.is_fifo()",),
        ),
        Invalid(
            """
            import inspect
            import netrc
            import os
            import trio

            async def report(obj):
                credentials = netrc.netrc()
                source = inspect.getsource(obj)
                return credentials, source, os.getcwd()
            """,
            line=7,
            count=3,
            message_contains=("netrc.netrc()", "trio.to_thread.run_sync(netrc.netrc)`"),
            fixed="""
            import inspect
            import netrc
            import os
            import trio

            async def report(obj):
                credentials = await trio.to_thread.run_sync(netrc.netrc)
                source = await trio.to_thread.run_sync(inspect.getsource, obj)
                return credentials, source, await trio.to_thread.run_sync(os.getcwd)
            """,
        ),
        Invalid(
            """
            import os.path

            async def describe(path, root):
                full = os.path.abspath(path)  # a relative path is joined to os.getcwd()
                return full, os.path.relpath(path, root)
            """,
            line=4,
            count=2,
            message_contains=("os.path.abspath()",),
        ),
        Invalid(
            """
            from pathlib import Path

            async def total_size(root, entries):
                path = Path(root)
                total = path.stat().st_size  # a Path up to the loop that rebinds the name
                for path, size in entries:
                    total += size
                return total
            """,
            line=5,
            column=13,
            message_contains=("path.stat()",),
        ),
        Invalid(
            """
            import pathlib

            class FileResponse:
                def __init__(self, path):
                    if isinstance(path, str):  # text or a Path: a Path after this
                        path = pathlib.Path(path)
                    self._path = path

                async def prepare(self, request):
                    st = self._path.stat()
                    return st.st_size
            """,
            line=10,
            message_contains=("self._path.stat()",),
        ),
    )
