"""The catalog of blocking callables, each with its category and async replacements.

Entries are data: a group of qualified names shares one category and one remedy. A remedy
names the replacement per async library; `None` there means "no native equivalent: offload
the call to a worker thread".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Iterable, Mapping


class Category(str, Enum):
    SLEEP = "sleep"
    HTTP = "http"
    SUBPROCESS = "subprocess"
    FILE = "file"
    NETWORK = "network"
    DATABASE = "database"
    INPUT = "input"
    WAIT = "wait"
    EVENT_LOOP = "event-loop"
    COMPUTATION = "computation"
    OTHER = "other"


LIBRARIES = ("asyncio", "trio", "anyio")

OFFLOAD: Mapping[str, str] = {
    "asyncio": "`await asyncio.to_thread({call}, ...)`",
    "trio": "`await trio.to_thread.run_sync({call}, ...)`",
    "anyio": "`await anyio.to_thread.run_sync({call}, ...)`",
}


def offload_text(library: str, call: str, arguments: bool = True) -> str:
    """OFFLOAD for `call`; without `, ...` when the call passes no argument, so that the
    advice is code that runs as written (`await asyncio.to_thread(Path(x).read_bytes)`)."""
    template = OFFLOAD[library] if arguments else OFFLOAD[library].replace(", ...)", ")")
    return template.format(call=call)


@dataclass(frozen=True)
class Remedy:
    """The async replacement per library; None means offloading is the answer there.

    `offloadable` is False when running the call in a worker thread does not help (a
    running loop's `run_until_complete` fails from any thread), so it is never suggested.
    """

    asyncio: str | None = None
    trio: str | None = None
    anyio: str | None = None
    offloadable: bool = True

    def for_library(self, library: str) -> str | None:
        return getattr(self, library)


@dataclass(frozen=True)
class NonBlockingWhen:
    """The call does not block when argument `name` (or positional `position`) is `literal`;
    with `flag`, when the argument names the constant `literal` (`socket.AI_NUMERICHOST`,
    alone or or-ed with others); with `omitted`, also when the argument is left out."""

    name: str
    position: int
    literal: str
    flag: bool = False
    # Also when the argument is not given at all (its default is the literal).
    omitted: bool = False
    # Instead, when the argument is an integer literal: a file descriptor (`open(0)`), which
    # is wrapped as it is, with no path to look up (`literal` unused).
    descriptor: bool = False


@dataclass(frozen=True)
class BlockingCall:
    qualname: str
    category: Category
    remedy: Remedy
    nonblocking: tuple[NonBlockingWhen, ...] = ()

    def replacement(self, library: str, callee: str | None = None, arguments: bool = True) -> str:
        """What to write instead, in the module's async library."""
        native = self.remedy.for_library(library)
        return native if native is not None else self.offload(library, callee, arguments)

    def offload(self, library: str, callee: str | None = None, arguments: bool = True) -> str:
        """Running the call in a worker thread; `callee` is how the source names the callable
        (`session.get`), defaulting to its qualified name; `arguments`: whether the call
        passes any (`, ...` in the advice)."""
        return offload_text(library, callee or self.qualname.removeprefix("builtins."), arguments)


SLEEP = Remedy("`await asyncio.sleep(...)`", "`await trio.sleep(...)`", "`await anyio.sleep(...)`")
HTTP = Remedy(
    "an async HTTP client (`httpx.AsyncClient` or `aiohttp.ClientSession`)",
    "`httpx.AsyncClient`",
    "`httpx.AsyncClient`",
)
SUBPROCESS = Remedy(
    "`await asyncio.create_subprocess_exec(...)`",
    "`await trio.run_process(...)`",
    "`await anyio.run_process(...)`",
)
SHELL = Remedy(
    "`await asyncio.create_subprocess_shell(...)`",
    "`await trio.run_process(..., shell=True)`",
    "`await anyio.run_process(...)` with a command string",
)
PROCESS_WAIT = Remedy("`await process.wait()` on an `asyncio.subprocess.Process`", None, None)
PROCESS_COMMUNICATE = Remedy("`await process.communicate()` on an `asyncio.subprocess.Process`", None, None)
OPEN_FILE = Remedy(
    "`aiofiles.open(...)`, or the whole read/write in `await asyncio.to_thread(...)`",
    "`await trio.open_file(...)`",
    "`await anyio.open_file(...)`",
)
FILE_OBJECT = Remedy(None, "a file opened with `await trio.open_file(...)`", "a file opened with `await anyio.open_file(...)`")
PATH = Remedy(None, "the same method on `trio.Path(...)`, awaited", "the same method on `anyio.Path(...)`, awaited")
CONNECT = Remedy(
    "`await asyncio.open_connection(...)`",
    "`await trio.open_tcp_stream(...)`",
    "`await anyio.connect_tcp(...)`",
)
RESOLVE = Remedy(
    "`await loop.getaddrinfo(...)`",
    "`await trio.socket.getaddrinfo(...)`",
    "`await anyio.getaddrinfo(...)`",
)
REVERSE_RESOLVE = Remedy(
    "`await loop.getnameinfo(...)`",
    "`await trio.socket.getnameinfo(...)`",
    "`await anyio.getnameinfo(...)`",
)
SOCKET_IO = Remedy(
    "asyncio streams (`asyncio.open_connection`) or `await loop.sock_recv/sock_sendall(...)`",
    "a trio stream (`await trio.open_tcp_stream(...)`) or a `trio.socket` socket, awaited",
    "an anyio socket stream (`await anyio.connect_tcp(...)`)",
)
SQLITE = Remedy("`aiosqlite`", None, None)
POSTGRES = Remedy("an async driver (`asyncpg` or `psycopg.AsyncConnection`)", None, "`psycopg.AsyncConnection`")
MYSQL = Remedy("an async driver (`aiomysql` or `asyncmy`)", None, None)
REDIS = Remedy("`redis.asyncio.Redis`", None, "`redis.asyncio.Redis`")
MONGO = Remedy("`pymongo.AsyncMongoClient` (or motor)", None, "`pymongo.AsyncMongoClient`")
# A lock threads share too cannot become the async library's: the advice says what then
# (reviewers of livekit-agents' and freqtrade's audio and exchange locks asked for it).
LOCK = Remedy(
    *(f"`{library}.Lock` (`async with lock:`), or a worker thread for a lock threads share," for library in ("asyncio", "trio", "anyio"))
)
SEMAPHORE = Remedy("`asyncio.Semaphore`", "`trio.Semaphore`", "`anyio.Semaphore`")
CONDITION = Remedy("`asyncio.Condition`", "`trio.Condition`", "`anyio.Condition`")
EVENT = Remedy("`asyncio.Event` (`await event.wait()`)", "`trio.Event` (`await event.wait()`)", "`anyio.Event` (`await event.wait()`)")
BARRIER = Remedy("`asyncio.Barrier`", None, None)
QUEUE = Remedy(
    "`asyncio.Queue` (`await queue.get()`)",
    "a memory channel (`trio.open_memory_channel`)",
    "a memory object stream (`anyio.create_memory_object_stream`)",
)
FUTURE = Remedy("`await asyncio.wrap_future(future)`", None, None)
FUTURES_WAIT = Remedy("`asyncio.wait(...)` over `asyncio.wrap_future(...)` futures", None, None)
# as_completed() returns a lazy iterator: handing the call itself to a worker thread waits for nothing.
FUTURES_AS_COMPLETED = Remedy(
    "`asyncio.as_completed(...)` over `asyncio.wrap_future(...)` futures",
    "a worker-thread wait per future (`await trio.to_thread.run_sync(future.result)`)",
    "a worker-thread wait per future (`await anyio.to_thread.run_sync(future.result)`)",
    offloadable=False,
)
NESTED_LOOP = Remedy("`await` on the coroutine itself", "`await` on the coroutine itself", "`await` on the coroutine itself")
LOOP_METHOD = Remedy(
    "`await` on the coroutine or future itself",
    "`await` on the coroutine or future itself",
    "`await` on the coroutine or future itself",
    offloadable=False,
)
THREAD_OFFLOAD = Remedy()
# Libraries with an async client of their own (issue 14, catalog holes). Those that only run
# on asyncio are named for asyncio; trio and anyio modules are told to offload.
TEMP_FILE = Remedy("`aiofiles.tempfile` (the same class, entered with `async with`)", None, None)
TLS = Remedy(
    "an asyncio TLS stream (`await asyncio.open_connection(host, port, ssl=context)`)",
    "a trio TLS stream (`await trio.open_ssl_over_tcp_stream(...)`)",
    "an anyio TLS stream (`await anyio.connect_tcp(..., tls=True)`)",
)
# httpx2 continues httpx (same API); its users are pointed at its own async client.
HTTPX2 = Remedy("`httpx2.AsyncClient`", "`httpx2.AsyncClient`", "`httpx2.AsyncClient`")
SENDFILE = Remedy("`await loop.sock_sendfile(sock, file)`", None, None)
SMTP = Remedy("`aiosmtplib` (`await aiosmtplib.send(message, ...)`)", None, None)
FTP = Remedy("`aioftp` (`async with aioftp.Client.context(...)`)", None, None)
SSH = Remedy("`asyncssh` (`async with asyncssh.connect(...)`)", None, None)
AWS = Remedy("`aioboto3` or `aiobotocore` (awaited client calls)", None, None)
SQLALCHEMY = Remedy("SQLAlchemy's `AsyncSession` / `create_async_engine` (awaited `execute`, `commit`, ...)", None, None)
PSYCOPG = Remedy("`psycopg.AsyncConnection` (awaited `execute`, `commit`, ...)", None, "`psycopg.AsyncConnection`")
MYSQL_CONNECTOR = Remedy("`mysql.connector.aio` (or `aiomysql`)", None, None)


def _methods(type_name: str, methods: str) -> str:
    return " ".join(f"{type_name}.{method}" for method in methods.split())


_HTTP_VERBS = "get post put patch delete head options request"
_PATH_METHODS = (
    "read_text read_bytes write_text write_bytes open exists is_file is_dir is_symlink "
    "is_mount stat lstat iterdir glob rglob mkdir rmdir unlink touch rename replace "
    "resolve readlink chmod lchmod owner group samefile symlink_to hardlink_to walk"
)
# A zero timeout makes these calls try once and return (or raise) at once.
_BLOCK_FALSE = (NonBlockingWhen("block", 0, "False"), NonBlockingWhen("timeout", 1, "0"))
_PUT_BLOCK_FALSE = (NonBlockingWhen("block", 1, "False"), NonBlockingWhen("timeout", 2, "0"))
_ACQUIRE_FALSE = (NonBlockingWhen("blocking", 0, "False"), NonBlockingWhen("timeout", 1, "0"))
_TIMEOUT_ZERO = (NonBlockingWhen("timeout", 0, "0"),)
_HOST_OMITTED = (NonBlockingWhen("host", 0, "''", omitted=True),)

# Issue 14, "catalog holes": callables that block and were missing, kept together.
_CATALOG_HOLES: tuple[tuple[Category, Remedy, str, tuple[NonBlockingWhen, ...]], ...] = (
    # tempfile: each call creates a file or a directory on disk. Not gettempdir(): its answer
    # is cached after the first call. Not SpooledTemporaryFile(): it holds the data in memory
    # until it rolls over (past max_size, or asked for a descriptor), and only then writes.
    (Category.FILE, TEMP_FILE, "tempfile.TemporaryFile tempfile.NamedTemporaryFile tempfile.TemporaryDirectory", ()),
    (Category.FILE, THREAD_OFFLOAD, "tempfile.mkstemp tempfile.mkdtemp", ()),
    (Category.FILE, THREAD_OFFLOAD, _methods("tempfile.SpooledTemporaryFile", "rollover fileno"), ()),
    (Category.FILE, OPEN_FILE, "io.open_code", ()),
    # Source reads: through linecache, which reads the file (getsourcefile checks it exists).
    # Not inspect.getfile: it only returns the `__file__` or `co_filename` the object holds.
    (
        Category.FILE,
        THREAD_OFFLOAD,
        "netrc.netrc inspect.getsource inspect.getsourcelines inspect.getsourcefile inspect.getcomments "
        "inspect.findsource os.getcwd os.getcwdb os.statvfs os.path.sameopenfile",
        (),
    ),
    # Path.cwd() and absolute() ask the kernel for the working directory; the is_* tests stat
    # the file. Not Path.home() nor expanduser(): they read HOME from the environment and fall
    # back on the password database only when it is unset (or for `~user`), a rare path that
    # would report every use of `~`. Not os.path.samestat: it compares two stat results.
    (Category.FILE, PATH, _methods("pathlib.Path", "cwd absolute is_fifo is_socket is_block_device is_char_device"), ()),
    # os.path.abspath() joins a relative path to os.getcwd(), as Path.absolute() does, and
    # relpath() makes both its paths absolute that way (its start defaults to "."). Not
    # normpath, join, basename, dirname, splitext...: they only compute a string.
    (Category.FILE, THREAD_OFFLOAD, "os.path.abspath os.path.relpath", ()),
    # Not SSLContext.wrap_socket(): it does the handshake only on a socket already connected,
    # which the call does not tell (the connect that precedes it is reported).
    (
        Category.NETWORK,
        TLS,
        _methods("ssl.SSLSocket", "connect connect_ex accept do_handshake unwrap read write recv recv_into send sendall sendfile"),
        (),
    ),
    (Category.NETWORK, SENDFILE, "os.sendfile", ()),
    # Constructing SMTP/FTP with a host connects; without one (or with an empty one) it does
    # not, and the calls that follow are reported.
    (Category.NETWORK, SMTP, "smtplib.SMTP smtplib.SMTP_SSL smtplib.LMTP", _HOST_OMITTED),
    (Category.NETWORK, FTP, "ftplib.FTP ftplib.FTP_TLS", _HOST_OMITTED),
    (
        Category.NETWORK,
        SMTP,
        _methods(
            "smtplib.SMTP",
            "connect helo ehlo ehlo_or_helo_if_needed starttls login auth sendmail send_message "
            "quit noop rset verify expn docmd mail rcpt data",
        ),
        (),
    ),
    (
        Category.NETWORK,
        FTP,
        _methods(
            "ftplib.FTP",
            "connect login retrbinary retrlines storbinary storlines nlst dir mlsd cwd pwd mkd rmd "
            "delete rename size quit sendcmd voidcmd transfercmd ntransfercmd abort acct auth prot_p prot_c ccc",
        ),
        (),
    ),
    (Category.NETWORK, SSH, _methods("paramiko.SSHClient", "connect exec_command open_sftp invoke_shell"), ()),
    (
        Category.NETWORK,
        SSH,
        _methods(
            "paramiko.SFTPClient",
            "get put getfo putfo open file listdir listdir_attr stat lstat remove unlink rename posix_rename "
            "mkdir rmdir chmod chown chdir utime truncate readlink symlink normalize",
        ),
        (),
    ),
    (Category.NETWORK, SSH, _methods("paramiko.SFTPFile", "read readline readlines readv write writelines flush"), ()),
    (Category.HTTP, HTTP, "httpx.Client.close", ()),
    (Category.HTTP, HTTPX2, " ".join(f"httpx2.{verb}" for verb in (_HTTP_VERBS + " stream").split()), ()),
    (Category.HTTP, HTTPX2, _methods("httpx2.Client", _HTTP_VERBS + " send stream close"), ()),
    (Category.HTTP, HTTP, _methods("http.client.HTTPResponse", "read read1 readline readlines readinto peek"), ()),
    # Every method of a client or service resource is a request, but for those of
    # WILDCARD_EXCEPTIONS and the capitalised sub-resource constructors (`s3.Bucket(name)`).
    (Category.HTTP, AWS, "botocore.client.BaseClient.* boto3.resources.base.ServiceResource.*", ()),
    (
        Category.DATABASE,
        SQLALCHEMY,
        _methods("sqlalchemy.orm.Session", "execute scalars scalar get get_one exec commit flush refresh rollback")
        + " "
        + _methods("sqlalchemy.orm.Query", "all first one one_or_none scalar count get delete update")
        + " "
        + _methods("sqlalchemy.Engine", "connect begin execute")
        + " "
        + _methods("sqlalchemy.Connection", "execute exec_driver_sql scalar scalars commit rollback"),
        (),
    ),
    # Not Connection.cursor(): it makes an object; nor the fetch methods of a client-side
    # cursor, which read rows execute() has already received.
    (Category.DATABASE, PSYCOPG, "psycopg.connect psycopg.Connection.connect", ()),
    (Category.DATABASE, PSYCOPG, _methods("psycopg.Connection", "execute commit rollback"), ()),
    (Category.DATABASE, PSYCOPG, _methods("psycopg.Cursor", "execute executemany"), ()),
    (Category.DATABASE, MYSQL_CONNECTOR, "mysql.connector.connect", ()),
    (
        Category.DATABASE,
        MYSQL_CONNECTOR,
        _methods("mysql.connector.MySQLConnection", "commit rollback ping reconnect start_transaction cmd_query"),
        (),
    ),
    # Its cursors are unbuffered by default: fetching reads the rows from the server.
    (
        Category.DATABASE,
        MYSQL_CONNECTOR,
        _methods("mysql.connector.MySQLCursor", "execute executemany callproc fetchone fetchmany fetchall"),
        (),
    ),
    # acquire_lock: the old alias of acquire.
    (Category.WAIT, LOCK, "threading.Lock.acquire_lock", _ACQUIRE_FALSE),
)

# Catalogued calls whose only blocking is one system call for the working directory. A chain
# from a coroutine names one of them only when no other blocking call of its category is
# reachable (`path.absolute()` is a weak witness when `path.open()` runs two lines later),
# and is not reported when none is: they are findings only where a coroutine makes them.
WORKING_DIRECTORY_READS = frozenset(
    {"os.getcwd", "os.getcwdb", "os.path.abspath", "os.path.relpath", "pathlib.Path.cwd", "pathlib.Path.absolute"}
)

# The null device: opening it touches no disk, reading it ends at once, writing discards.
# A file call whose path (its first argument, or the `Path(...)` it is a method of) names it
# does not block (`open(os.devnull, "w")`, `Path(os.devnull).open("rb")`).
NULL_DEVICE_NAMES = frozenset({"os.devnull"})
NULL_DEVICE_PATHS = frozenset({"/dev/null"})
PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})

# Openers that wrap the file object they are given instead of opening a path: handed an
# in-memory stream (`gzip.open(io.BytesIO(), "wb")`), neither they nor the reads and writes of
# what they return touch a file (gcloud-aio-storage compresses uploads so).
STREAM_WRAPPING_OPENERS = frozenset({"gzip.open", "bz2.open", "lzma.open"})

# Openers that read a `data:` URI from the string itself (urllib's DataHandler decodes it in
# memory): no connection is made. Called on a URI known to start with `data:` (a literal, or
# a name the function turned away otherwise: `if not uri.startswith("data:"): raise`), they
# do not block.
DATA_URI_OPENERS = frozenset({"urllib.request.urlopen"})
DATA_URI_PREFIX = "data:"
# The type whose methods read what they return: a data URI's response is in memory too.
DATA_URI_RESPONSE = "http.client.HTTPResponse."

# The locks a `with` on which is left alone when every holder is brief.
BRIEFLY_HELD_TYPES = frozenset({"threading.Lock", "threading.RLock"})
# What a critical section may call and still be brief (conclint.analysis.brief_locks): the
# builtins and container constructors, and the container methods (on anything but `self`
# itself), that bookkeeping under a lock uses, with clock reads, lock constructors and
# non-blocking lock and event queries. Anything else (logging, I/O, a library's method) may
# take long while the lock is held; a function of the module is judged by its own body.
BRIEF_BUILTINS = frozenset(
    "len isinstance bool int float str tuple list dict set frozenset id hash min max abs round divmod getattr hasattr "
    "setattr delattr vars type callable object sum any all sorted reversed enumerate zip "
    "OrderedDict defaultdict deque Counter".split()
)
BRIEF_METHODS = frozenset(
    "append appendleft add discard remove pop popleft popitem get setdefault update clear copy "
    "items keys values extend insert count index monotonic perf_counter time monotonic_ns perf_counter_ns "
    "time_ns locked is_set Lock RLock qsize empty full done getpid get_ident "
    "call_soon call_soon_threadsafe run_coroutine_threadsafe create_task notify notify_all is_closed is_running".split()
)

# (category, remedy, space-separated qualified names, non-blocking exceptions)
# Library calls that compute for a long time by design: a model's inference or training, run
# by the library's native kernels (PyTorch, llama.cpp, CTranslate2), which release the GIL. On
# the event loop's thread they stop every task for the whole computation (tens of
# milliseconds for one short text, seconds for a batch, minutes for training), so a worker
# thread is the remedy. Only entry points that always run the model are listed: not the
# constructors (they load weights: file I/O), not cheap helpers (tokenizers, `similarity`),
# and a streamed completion (`stream=True`, passed by keyword) returns an iterator at once.
_KEYWORD_ONLY = 99
_STREAMED = (NonBlockingWhen("stream", _KEYWORD_ONLY, "True"),)
_COMPUTATIONS: tuple[tuple[Category, Remedy, str, tuple[NonBlockingWhen, ...]], ...] = (
    (
        Category.COMPUTATION,
        THREAD_OFFLOAD,
        _methods("sentence_transformers.SentenceTransformer", "encode encode_query encode_document fit")
        + " "
        + _methods("sentence_transformers.CrossEncoder", "predict rank fit"),
        (),
    ),
    (Category.COMPUTATION, THREAD_OFFLOAD, _methods("llama_cpp.Llama", "create_completion create_chat_completion"), _STREAMED),
    (Category.COMPUTATION, THREAD_OFFLOAD, _methods("llama_cpp.Llama", "embed create_embedding"), ()),
    (Category.COMPUTATION, THREAD_OFFLOAD, "whisper.transcribe whisper.model.Whisper.transcribe", ()),
    (Category.COMPUTATION, THREAD_OFFLOAD, "transformers.PreTrainedModel.generate", ()),
    (Category.COMPUTATION, THREAD_OFFLOAD, _methods("ultralytics.YOLO", "predict track"), _STREAMED),
    (Category.COMPUTATION, THREAD_OFFLOAD, _methods("ultralytics.YOLO", "train val"), ()),
    (Category.COMPUTATION, THREAD_OFFLOAD, "easyocr.Reader.readtext", ()),
    (Category.COMPUTATION, THREAD_OFFLOAD, "onnxruntime.InferenceSession.run", ()),
    # Presidio runs its NLP engine (a spaCy or transformers model's named-entity recognition)
    # and every recognizer over the text; the batch engine over each text or value.
    (
        Category.COMPUTATION,
        THREAD_OFFLOAD,
        "presidio_analyzer.AnalyzerEngine.analyze "
        + _methods("presidio_analyzer.BatchAnalyzerEngine", "analyze_iterator analyze_dict"),
        (),
    ),
    # Called like functions: a transformers pipeline or model (its forward pass), a spaCy
    # language, a diffusers pipeline.
    (
        Category.COMPUTATION,
        THREAD_OFFLOAD,
        "transformers.Pipeline.__call__ transformers.PreTrainedModel.__call__ "
        "spacy.language.Language.__call__ diffusers.DiffusionPipeline.__call__",
        (),
    ),
)

_GROUPS: tuple[tuple[Category, Remedy, str, tuple[NonBlockingWhen, ...]], ...] = (
    (Category.SLEEP, SLEEP, "time.sleep", ()),
    (Category.HTTP, HTTP, " ".join(f"requests.{v}" for v in _HTTP_VERBS.split()), ()),
    (Category.HTTP, HTTP, _methods("requests.Session", _HTTP_VERBS + " send"), ()),
    (Category.HTTP, HTTP, " ".join(f"httpx.{v}" for v in (_HTTP_VERBS + " stream").split()), ()),
    (Category.HTTP, HTTP, _methods("httpx.Client", _HTTP_VERBS + " send stream"), ()),
    (Category.HTTP, HTTP, "urllib.request.urlopen urllib.request.urlretrieve urllib3.request", ()),
    (Category.HTTP, HTTP, _methods("urllib3.PoolManager", "request urlopen request_encode_url request_encode_body"), ()),
    (Category.HTTP, HTTP, _methods("urllib3.HTTPConnectionPool", "request urlopen"), ()),
    (Category.HTTP, HTTP, _methods("http.client.HTTPConnection", "request getresponse connect"), ()),
    (Category.SUBPROCESS, SUBPROCESS, "subprocess.run subprocess.call subprocess.check_call subprocess.check_output subprocess.Popen", ()),
    (Category.SUBPROCESS, SHELL, "subprocess.getoutput subprocess.getstatusoutput os.system os.popen", ()),
    (Category.SUBPROCESS, PROCESS_WAIT, "subprocess.Popen.wait", _TIMEOUT_ZERO),
    (Category.SUBPROCESS, PROCESS_COMMUNICATE, "subprocess.Popen.communicate", (NonBlockingWhen("timeout", 1, "0"),)),
    (
        Category.SUBPROCESS,
        SUBPROCESS,
        "os.spawnl os.spawnle os.spawnlp os.spawnlpe os.spawnv os.spawnve os.spawnvp os.spawnvpe "
        "os.posix_spawn os.posix_spawnp",
        (),
    ),
    (Category.SUBPROCESS, THREAD_OFFLOAD, "os.wait", ()),
    # With WNOHANG in the options, they return at once when no child has changed state
    # (aiotools polls `os.waitpid(pid, os.WNOHANG)` between `asyncio.sleep`s).
    (Category.SUBPROCESS, THREAD_OFFLOAD, "os.wait3", (NonBlockingWhen("options", 0, "WNOHANG", flag=True),)),
    (Category.SUBPROCESS, THREAD_OFFLOAD, "os.wait4 os.waitpid", (NonBlockingWhen("options", 1, "WNOHANG", flag=True),)),
    (Category.SUBPROCESS, THREAD_OFFLOAD, "os.waitid", (NonBlockingWhen("options", 2, "WNOHANG", flag=True),)),
    # Not os.fdopen: it wraps a descriptor that is already open, and opens nothing (the
    # reads and writes of the file object it returns are reported). Nor `open(0)`, the same.
    (Category.FILE, OPEN_FILE, "builtins.open", (NonBlockingWhen("file", 0, "", descriptor=True),)),
    (Category.FILE, OPEN_FILE, "gzip.open bz2.open lzma.open", ()),
    (Category.FILE, FILE_OBJECT, _methods("io.file", "read read1 readline readlines readinto write writelines flush truncate"), ()),
    (Category.FILE, FILE_OBJECT, _methods("io.stream", "read read1 readline readlines readinto"), ()),
    (Category.FILE, PATH, _methods("pathlib.Path", _PATH_METHODS), ()),
    (
        Category.FILE,
        PATH,
        "os.path.exists os.path.lexists os.path.isfile os.path.isdir os.path.islink os.path.ismount "
        "os.path.getsize os.path.getmtime os.path.getatime os.path.getctime os.path.realpath "
        "os.path.samefile",
        (),
    ),
    (
        Category.FILE,
        THREAD_OFFLOAD,
        "os.listdir os.scandir os.stat os.lstat os.remove os.unlink os.rename os.renames os.replace "
        "os.makedirs os.mkdir os.rmdir os.removedirs os.walk os.chmod os.chown os.link os.symlink "
        "os.readlink os.access os.utime os.truncate os.fsync os.read os.write "
        "shutil.copy shutil.copy2 shutil.copyfile shutil.copyfileobj shutil.copytree shutil.move "
        "shutil.rmtree shutil.make_archive shutil.unpack_archive shutil.disk_usage shutil.chown shutil.which "
        "glob.glob glob.iglob",
        (),
    ),
    (Category.NETWORK, CONNECT, "socket.create_connection", ()),
    # With AI_NUMERICHOST, getaddrinfo only parses a numeric address: no lookup, no I/O.
    (Category.NETWORK, RESOLVE, "socket.getaddrinfo", (NonBlockingWhen("flags", 5, "AI_NUMERICHOST", flag=True),)),
    (Category.NETWORK, RESOLVE, "socket.gethostbyname socket.gethostbyname_ex socket.gethostbyaddr socket.getfqdn", ()),
    # With NI_NUMERICHOST, getnameinfo writes the address back as digits: no reverse lookup.
    (Category.NETWORK, REVERSE_RESOLVE, "socket.getnameinfo", (NonBlockingWhen("flags", 1, "NI_NUMERICHOST", flag=True),)),
    (Category.NETWORK, SOCKET_IO, _methods("socket.socket", "connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg send sendall sendto sendmsg sendfile"), ()),
    # An in-memory database (`sqlite3.connect(":memory:")`) opens no file.
    (Category.DATABASE, SQLITE, "sqlite3.connect", (NonBlockingWhen("database", 0, "':memory:'"),)),
    (Category.DATABASE, SQLITE, _methods("sqlite3.Connection", "execute executemany executescript commit rollback backup"), ()),
    (Category.DATABASE, SQLITE, _methods("sqlite3.Cursor", "execute executemany executescript fetchone fetchmany fetchall"), ()),
    (Category.DATABASE, POSTGRES, "psycopg2.connect", ()),
    (Category.DATABASE, POSTGRES, _methods("psycopg2.connection", "commit rollback"), ()),
    # Their cursors are client-side by default, as psycopg 3's are: the fetch methods read rows
    # execute() has already received (a named psycopg2 cursor, pymysql's SSCursor, would
    # fetch from the server; they are not told apart).
    (Category.DATABASE, POSTGRES, _methods("psycopg2.cursor", "execute executemany callproc copy_from copy_to copy_expert"), ()),
    (Category.DATABASE, MYSQL, "pymysql.connect", ()),
    (Category.DATABASE, MYSQL, _methods("pymysql.Connection", "commit rollback ping query"), ()),
    (Category.DATABASE, MYSQL, _methods("pymysql.Cursor", "execute executemany callproc"), ()),
    (Category.DATABASE, REDIS, "redis.Redis.*", ()),
    (Category.DATABASE, REDIS, "redis.Pipeline.execute", ()),
    (Category.DATABASE, MONGO, _methods("pymongo.MongoClient", "server_info list_database_names list_databases drop_database"), ()),
    (
        Category.DATABASE,
        MONGO,
        _methods(
            "pymongo.Collection",
            "find_one insert_one insert_many update_one update_many replace_one delete_one delete_many "
            "count_documents estimated_document_count distinct aggregate bulk_write create_index "
            "drop find_one_and_update find_one_and_replace find_one_and_delete",
        ),
        (),
    ),
    (Category.INPUT, THREAD_OFFLOAD, "builtins.input sys.stdin.read sys.stdin.readline sys.stdin.readlines getpass.getpass", ()),
    (Category.WAIT, LOCK, _methods("threading.Lock", "acquire __enter__") + " " + _methods("threading.RLock", "acquire __enter__"), _ACQUIRE_FALSE),
    (Category.WAIT, LOCK, _methods("multiprocessing.Lock", "acquire __enter__"), _ACQUIRE_FALSE),
    (Category.WAIT, SEMAPHORE, _methods("threading.Semaphore", "acquire __enter__"), _ACQUIRE_FALSE),
    (Category.WAIT, CONDITION, _methods("threading.Condition", "acquire __enter__ wait wait_for"), _ACQUIRE_FALSE),
    (Category.WAIT, EVENT, _methods("threading.Event", "wait") + " " + _methods("multiprocessing.Event", "wait"), _TIMEOUT_ZERO),
    (Category.WAIT, BARRIER, "threading.Barrier.wait", ()),
    (Category.WAIT, QUEUE, _methods("queue.Queue", "get join"), _BLOCK_FALSE),
    (Category.WAIT, QUEUE, "queue.Queue.put", _PUT_BLOCK_FALSE),
    (Category.WAIT, QUEUE, _methods("multiprocessing.Queue", "get join"), _BLOCK_FALSE),
    (Category.WAIT, QUEUE, "multiprocessing.Queue.put", _PUT_BLOCK_FALSE),
    (Category.WAIT, THREAD_OFFLOAD, "threading.Thread.join multiprocessing.Process.join", _TIMEOUT_ZERO),
    (Category.WAIT, FUTURE, _methods("concurrent.futures.Future", "result exception"), _TIMEOUT_ZERO),
    (Category.WAIT, FUTURES_WAIT, "concurrent.futures.wait", ()),
    (Category.WAIT, FUTURES_AS_COMPLETED, "concurrent.futures.as_completed", ()),
    (
        Category.WAIT,
        THREAD_OFFLOAD,
        _methods("multiprocessing.pool.Pool", "map starmap apply join imap imap_unordered")
        + " "
        + _methods("multiprocessing.pool.ThreadPool", "map starmap apply join imap imap_unordered")
        + " "
        + _methods("concurrent.futures.ThreadPoolExecutor", "shutdown")
        + " "
        + _methods("concurrent.futures.ProcessPoolExecutor", "shutdown"),
        (NonBlockingWhen("wait", 0, "False"),),
    ),
    (Category.EVENT_LOOP, NESTED_LOOP, "asyncio.run trio.run anyio.run", ()),
    (Category.EVENT_LOOP, LOOP_METHOD, _methods("asyncio.AbstractEventLoop", "run_until_complete run_forever"), ()),
    *_CATALOG_HOLES,
    *_COMPUTATIONS,
)

# Methods of wildcard types (`redis.Redis.*`) that return helpers or describe the client
# instead of doing I/O, per type.
WILDCARD_EXCEPTIONS: Mapping[str, frozenset[str]] = {
    "redis.Redis": frozenset({"pipeline", "pubsub", "lock", "register_script", "connection_pool", "close", "from_url"}),
    "botocore.client.BaseClient": frozenset(
        {
            "get_paginator", "get_waiter", "can_paginate", "generate_presigned_url",
            "generate_presigned_post", "close", "meta", "exceptions",
        }
    ),  # fmt: skip
    "boto3.resources.base.ServiceResource": frozenset({"meta", "get_available_subresources"}),
}


# Executors wait without a blocking call of their own: leaving `with executor:` calls
# shutdown(wait=True), which waits for the work submitted in the block; `executor.map()` only
# submits the work, and the iterator it returns waits for each result as it is consumed
# (`list(executor.map(f, xs))`, `for r in executor.map(f, xs)`). The rules report these
# where the wait happens, in a coroutine: a `with` block holding no `await` (the work
# submitted there is not awaited before the exit waits for it), a consumed map.
EXECUTOR_EXIT = Remedy(
    "awaited work inside the block (`await loop.run_in_executor(executor, f)`, "
    "`await asyncio.wrap_future(executor.submit(f))`), or the whole block in `await asyncio.to_thread(...)`",
    "the whole block in a function run by `await trio.to_thread.run_sync(...)`",
    "the whole block in a function run by `await anyio.to_thread.run_sync(...)`",
    offloadable=False,
)
EXECUTOR_RESULTS = Remedy(
    "`await asyncio.to_thread(list, executor.map(...))`",
    "`await trio.to_thread.run_sync(list, executor.map(...))`",
    "`await anyio.to_thread.run_sync(list, executor.map(...))`",
)
# Iterated by a `for` loop, the map cannot move to a thread on its own: no fix.
EXECUTOR_RESULTS_LOOP = Remedy(EXECUTOR_RESULTS.asyncio, EXECUTOR_RESULTS.trio, EXECUTOR_RESULTS.anyio, offloadable=False)
_EXECUTORS = ("concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor")
# executor type -> the wait of leaving its `with` block
WAITS_ON_EXIT: Mapping[str, BlockingCall] = {
    name: BlockingCall(f"{name}.__exit__", Category.WAIT, EXECUTOR_EXIT) for name in _EXECUTORS
}
# method -> the wait of consuming its result whole (`list(...)`), and of iterating it in a loop
WAITS_WHEN_CONSUMED: Mapping[str, tuple[BlockingCall, BlockingCall]] = {
    f"{name}.map": (
        BlockingCall(f"{name}.map", Category.WAIT, EXECUTOR_RESULTS),
        BlockingCall(f"{name}.map", Category.WAIT, EXECUTOR_RESULTS_LOOP),
    )
    for name in _EXECUTORS
}


@dataclass(frozen=True)
class StreamArgument:
    """The stream a function reads or writes: its argument at `position` or named `keyword`,
    used through the stream's method `method`."""

    position: int
    keyword: str
    method: str


def _streams(names: str, position: int, keyword: str, method: str) -> dict[str, tuple[StreamArgument, ...]]:
    return {name: (StreamArgument(position, keyword, method),) for name in names.split()}


# Functions that read or write the stream they are handed. They block when, and as, that
# stream's own method does: `json.load(f)` reads a file that `open()` returned (CCL104), while
# the same call on an `io.StringIO` reads memory. Lazy readers (`yaml.load_all`, `csv.reader`)
# read only as they are iterated, and are left out.
STREAM_FUNCTIONS: Mapping[str, tuple[StreamArgument, ...]] = {
    **_streams("json.load tomllib.load plistlib.load", 0, "fp", "read"),
    **_streams("json.dump plistlib.dump", 1, "fp", "write"),
    **_streams("pickle.load marshal.load", 0, "file", "read"),
    **_streams("pickle.dump marshal.dump", 1, "file", "write"),
    **_streams("yaml.load yaml.safe_load yaml.full_load yaml.unsafe_load", 0, "stream", "read"),
    **_streams("yaml.dump yaml.safe_dump", 1, "stream", "write"),
    "shutil.copyfileobj": (StreamArgument(0, "fsrc", "read"), StreamArgument(1, "fdst", "write")),
}


class BlockingCatalog:
    """Looks qualified names up among the blocking callables, exact names first, then `Type.*`."""

    def __init__(self, entries: Iterable[BlockingCall]) -> None:
        self.exact: dict[str, BlockingCall] = {}
        self.wildcard: dict[str, BlockingCall] = {}
        for entry in entries:
            if entry.qualname.endswith(".*"):
                self.wildcard[entry.qualname[:-2]] = entry
            else:
                self.exact[entry.qualname] = entry
        # The last part of every exact name (`get`, `read`, `recv`): a method called on an
        # object of unknown type can be one of the catalog's only under such a name.
        self.method_names = frozenset(name.rpartition(".")[2] for name in self.exact)

    def lookup(self, qualname: str) -> BlockingCall | None:
        found = self.exact.get(qualname)
        if found is not None or not self.wildcard:
            return found
        owner, _, method = qualname.rpartition(".")
        entry = self.wildcard.get(owner)
        if entry is None or method in WILDCARD_EXCEPTIONS.get(owner, ()) or not _is_plain_method(method):
            return None
        return BlockingCall(qualname, entry.category, entry.remedy, entry.nonblocking)

    def __contains__(self, qualname: str) -> bool:
        return self.lookup(qualname) is not None


def _is_plain_method(name: str) -> bool:
    """Private names are not the client's requests, and capitalised ones construct an object
    (boto3's `s3.Bucket(name)` makes a sub-resource without a request)."""
    return not name.startswith("_") and not name[:1].isupper()


def builtin_entries() -> list[BlockingCall]:
    return [
        BlockingCall(name, category, remedy, nonblocking)
        for category, remedy, names, nonblocking in _GROUPS
        for name in names.split()
    ]


@lru_cache(maxsize=16)
def blocking_catalog(extra: tuple[tuple[str, str], ...] = ()) -> BlockingCatalog:
    """The built-in catalog plus `extend-blocking-calls` entries (qualified name, category)."""
    entries = builtin_entries()
    entries.extend(BlockingCall(name, Category(category), THREAD_OFFLOAD) for name, category in extra)
    return BlockingCatalog(entries)
