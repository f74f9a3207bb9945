"""What calls and attributes return, so method calls on the objects they create resolve.

Type names are the public, canonical spelling (`requests.Session`, not
`requests.sessions.Session`); `canonical_name` maps the other spellings onto them.
"""

from __future__ import annotations

# Other spellings of a module or class -> the canonical one (applied to whole dotted prefixes).
CANONICAL_PREFIXES: dict[str, str] = {
    "requests.api": "requests",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.session",
    # A requests.Session subclass whose requests go through the same blocking methods.
    "requests_oauthlib.OAuth2Session": "requests.Session",
    "requests_oauthlib.oauth2_session.OAuth2Session": "requests.Session",
    "httpx._api": "httpx",
    "httpx._client.Client": "httpx.Client",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.HTTPSConnectionPool",
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "io.open": "builtins.open",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "socket.SocketType": "socket.socket",
    "concurrent.futures.thread": "concurrent.futures",
    "concurrent.futures.process": "concurrent.futures",
    "concurrent.futures._base": "concurrent.futures",
    "multiprocessing.queues.Queue": "multiprocessing.Queue",
    "multiprocessing.queues.JoinableQueue": "multiprocessing.JoinableQueue",
    "multiprocessing.context.Process": "multiprocessing.Process",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "pymongo.synchronous.mongo_client.MongoClient": "pymongo.MongoClient",
    "pymongo.database.Database": "pymongo.Database",
    "pymongo.synchronous.database.Database": "pymongo.Database",
    "pymongo.collection.Collection": "pymongo.Collection",
    "pymongo.synchronous.collection.Collection": "pymongo.Collection",
    "psycopg2.extensions.connection": "psycopg2.connection",
    "psycopg2.extensions.cursor": "psycopg2.cursor",
    "pymysql.connections.Connection": "pymysql.Connection",
    "pymysql.cursors.Cursor": "pymysql.Cursor",
    "redis.client.Pipeline": "redis.Pipeline",
    "asyncio.events": "asyncio",
    "asyncio.runners": "asyncio",
    # issue 14, catalog holes
    "httpx2._api": "httpx2",
    "httpx2._client.Client": "httpx2.Client",
    "urllib3.poolmanager.ProxyManager": "urllib3.ProxyManager",
    "urllib3.poolmanager.proxy_from_url": "urllib3.proxy_from_url",
    "paramiko.client.SSHClient": "paramiko.SSHClient",
    "paramiko.sftp_client.SFTPClient": "paramiko.SFTPClient",
    "paramiko.sftp_client.SFTP": "paramiko.SFTPClient",
    "paramiko.SFTP": "paramiko.SFTPClient",
    "paramiko.sftp_file.SFTPFile": "paramiko.SFTPFile",
    "boto3.session.Session": "boto3.Session",
    "sqlalchemy.engine.Engine": "sqlalchemy.Engine",
    "sqlalchemy.engine.base.Engine": "sqlalchemy.Engine",
    "sqlalchemy.engine.Connection": "sqlalchemy.Connection",
    "sqlalchemy.engine.base.Connection": "sqlalchemy.Connection",
    "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.engine.create.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.query.Query": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.scoping.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
    # SQLModel's Session is SQLAlchemy's with exec() added; its async one lives elsewhere.
    "sqlmodel.Session": "sqlalchemy.orm.Session",
    "sqlmodel.orm.session.Session": "sqlalchemy.orm.Session",
    "psycopg.connection.Connection": "psycopg.Connection",
    "psycopg.cursor.Cursor": "psycopg.Cursor",
    "psycopg.ServerCursor": "psycopg.Cursor",
    "mysql.connector.connection.MySQLConnection": "mysql.connector.MySQLConnection",
    "mysql.connector.connection_cext.CMySQLConnection": "mysql.connector.MySQLConnection",
    "mysql.connector.cursor.MySQLCursor": "mysql.connector.MySQLCursor",
    "mysql.connector.cursor_cext.CMySQLCursor": "mysql.connector.MySQLCursor",
}

_FILE = "io.file"
# How the catalog names a method of a real file object (`io.file.write`).
FILE_METHOD_PREFIX = _FILE + "."
_STREAM = "io.stream"
_PATH = "pathlib.Path"

# Calling the key returns an instance of the value.
CALL_RESULTS: dict[str, str] = {
    # HTTP clients
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "http.client.HTTPConnection": "http.client.HTTPConnection",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    # files and paths
    "builtins.open": _FILE,
    "os.fdopen": _FILE,
    "gzip.open": _FILE,
    "bz2.open": _FILE,
    "lzma.open": _FILE,
    "pathlib.Path.open": _FILE,
    "pathlib.Path": _PATH,
    "pathlib.Path.cwd": _PATH,
    "pathlib.Path.home": _PATH,
    "pathlib.Path.resolve": _PATH,
    "pathlib.Path.absolute": _PATH,
    "pathlib.Path.expanduser": _PATH,
    "pathlib.Path.joinpath": _PATH,
    "pathlib.Path.with_name": _PATH,
    "pathlib.Path.with_suffix": _PATH,
    "pathlib.Path.with_stem": _PATH,
    "pathlib.Path.relative_to": _PATH,
    # processes
    "subprocess.Popen": "subprocess.Popen",
    # sockets
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.fromfd": "socket.socket",
    # databases
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "psycopg2.connect": "psycopg2.connection",
    "psycopg2.connection.cursor": "psycopg2.cursor",
    "pymysql.connect": "pymysql.Connection",
    "pymysql.Connection.cursor": "pymysql.Cursor",
    "redis.Redis": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.from_url": "redis.Redis",
    "redis.Redis.pipeline": "redis.Pipeline",
    "pymongo.MongoClient": "pymongo.MongoClient",
    # thread and process primitives
    "threading.Lock": "threading.Lock",
    "threading.RLock": "threading.RLock",
    "threading.Semaphore": "threading.Semaphore",
    "threading.BoundedSemaphore": "threading.Semaphore",
    "threading.Condition": "threading.Condition",
    "threading.Event": "threading.Event",
    "threading.Barrier": "threading.Barrier",
    "threading.Thread": "threading.Thread",
    "threading.Timer": "threading.Thread",
    "queue.Queue": "queue.Queue",
    "queue.LifoQueue": "queue.Queue",
    "queue.PriorityQueue": "queue.Queue",
    "queue.SimpleQueue": "queue.Queue",
    "multiprocessing.Queue": "multiprocessing.Queue",
    "multiprocessing.JoinableQueue": "multiprocessing.Queue",
    "multiprocessing.SimpleQueue": "multiprocessing.Queue",
    "multiprocessing.Process": "multiprocessing.Process",
    "multiprocessing.Lock": "multiprocessing.Lock",
    "multiprocessing.RLock": "multiprocessing.Lock",
    "multiprocessing.Semaphore": "multiprocessing.Lock",
    "multiprocessing.Event": "multiprocessing.Event",
    "multiprocessing.Pool": "multiprocessing.pool.Pool",
    "multiprocessing.pool.Pool": "multiprocessing.pool.Pool",
    # Same API as Pool, but its workers are threads: the thread rules tell them apart.
    "multiprocessing.pool.ThreadPool": "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool": "multiprocessing.pool.ThreadPool",
    "multiprocessing.Manager": "multiprocessing.managers.SyncManager",
    "multiprocessing.managers.SyncManager": "multiprocessing.managers.SyncManager",
    "multiprocessing.managers.BaseManager": "multiprocessing.managers.BaseManager",
    "multiprocessing.get_context": "multiprocessing.context.BaseContext",
    "torch.multiprocessing.Process": "multiprocessing.Process",
    "torch.multiprocessing.Pool": "multiprocessing.pool.Pool",
    "torch.multiprocessing.get_context": "multiprocessing.context.BaseContext",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.Future": "concurrent.futures.Future",
    "concurrent.futures.ThreadPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.ProcessPoolExecutor.submit": "concurrent.futures.Future",
    "asyncio.run_coroutine_threadsafe": "concurrent.futures.Future",
    # event loops
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    # issue 14, catalog holes
    "httpx2.Client": "httpx2.Client",
    "tempfile.TemporaryFile": _FILE,
    "tempfile.NamedTemporaryFile": _FILE,
    "tempfile.SpooledTemporaryFile": "tempfile.SpooledTemporaryFile",
    "io.open_code": _FILE,
    "urllib3.ProxyManager": "urllib3.PoolManager",
    "urllib3.proxy_from_url": "urllib3.PoolManager",
    "urllib.request.urlopen": "http.client.HTTPResponse",
    "http.client.HTTPConnection.getresponse": "http.client.HTTPResponse",
    "_thread.allocate_lock": "threading.Lock",
    "ssl.SSLContext": "ssl.SSLContext",
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl.SSLContext.wrap_socket": "ssl.SSLSocket",
    "ssl.wrap_socket": "ssl.SSLSocket",
    "smtplib.SMTP": "smtplib.SMTP",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "smtplib.LMTP": "smtplib.SMTP",
    "ftplib.FTP": "ftplib.FTP",
    "ftplib.FTP_TLS": "ftplib.FTP",
    "paramiko.SSHClient": "paramiko.SSHClient",
    "paramiko.SSHClient.open_sftp": "paramiko.SFTPClient",
    "paramiko.SFTPClient.from_transport": "paramiko.SFTPClient",
    "paramiko.SFTPClient.open": "paramiko.SFTPFile",
    "paramiko.SFTPClient.file": "paramiko.SFTPFile",
    "boto3.client": "botocore.client.BaseClient",
    "boto3.resource": "boto3.resources.base.ServiceResource",
    "boto3.Session": "boto3.Session",
    "boto3.Session.client": "botocore.client.BaseClient",
    "boto3.Session.resource": "boto3.resources.base.ServiceResource",
    "botocore.session.get_session": "botocore.session.Session",
    "botocore.session.Session.create_client": "botocore.client.BaseClient",
    "sqlalchemy.create_engine": "sqlalchemy.Engine",
    "sqlalchemy.engine_from_config": "sqlalchemy.Engine",
    "sqlmodel.create_engine": "sqlalchemy.Engine",
    "sqlalchemy.Engine.connect": "sqlalchemy.Connection",
    "sqlalchemy.Engine.begin": "sqlalchemy.Connection",
    "sqlalchemy.orm.Session": "sqlalchemy.orm.Session",
    # A sessionmaker is a factory: calling the instance makes a Session (`SessionLocal()`).
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.sessionmaker.__call__": "sqlalchemy.orm.Session",
    # A scoped_session registry proxies the methods of the Session it holds.
    "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.Session.query": "sqlalchemy.orm.Query",
    **{
        f"sqlalchemy.orm.Query.{method}": "sqlalchemy.orm.Query"
        for method in (
            "filter filter_by where order_by group_by having limit offset join outerjoin options "
            "distinct select_from with_entities execution_options"
        ).split()
    },
    # models whose inference the blocking catalog lists (category "computation")
    "sentence_transformers.SentenceTransformer": "sentence_transformers.SentenceTransformer",
    "sentence_transformers.CrossEncoder": "sentence_transformers.CrossEncoder",
    "llama_cpp.Llama": "llama_cpp.Llama",
    "llama_cpp.Llama.from_pretrained": "llama_cpp.Llama",
    "whisper.load_model": "whisper.model.Whisper",
    **{
        f"transformers.{auto}.from_pretrained": "transformers.PreTrainedModel"
        for auto in (
            "AutoModel", "AutoModelForCausalLM", "AutoModelForSeq2SeqLM", "AutoModelForSpeechSeq2Seq",
            "AutoModelForVision2Seq", "AutoModelForSequenceClassification", "AutoModelForTokenClassification",
            "AutoModelForQuestionAnswering", "AutoModelForMaskedLM", "AutoModelForImageClassification",
        )
    },
    "ultralytics.YOLO": "ultralytics.YOLO",
    "easyocr.Reader": "easyocr.Reader",
    "onnxruntime.InferenceSession": "onnxruntime.InferenceSession",
    "presidio_analyzer.AnalyzerEngine": "presidio_analyzer.AnalyzerEngine",
    "presidio_analyzer.BatchAnalyzerEngine": "presidio_analyzer.BatchAnalyzerEngine",
    "transformers.pipeline": "transformers.Pipeline",
    # Not `spacy.blank(...)`: a blank pipeline only tokenizes, which is cheap.
    "spacy.load": "spacy.language.Language",
    **{
        f"diffusers.{pipeline}.from_pretrained": "diffusers.DiffusionPipeline"
        for pipeline in (
            "DiffusionPipeline", "StableDiffusionPipeline", "StableDiffusionXLPipeline",
            "AutoPipelineForText2Image", "AutoPipelineForImage2Image", "FluxPipeline",
        )
    },
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "psycopg.Connection.execute": "psycopg.Cursor",
    "mysql.connector.connect": "mysql.connector.MySQLConnection",
    "mysql.connector.MySQLConnection": "mysql.connector.MySQLConnection",
    "mysql.connector.MySQLConnection.cursor": "mysql.connector.MySQLCursor",
}

# A context from `multiprocessing.get_context()` makes the same objects as the module.
CALL_RESULTS.update(
    {
        f"multiprocessing.context.BaseContext.{name}": CALL_RESULTS[f"multiprocessing.{name}"]
        for name in ("Process", "Pool", "Manager", "Queue", "JoinableQueue", "SimpleQueue", "Lock", "RLock", "Semaphore", "Event")
    }
)

# Reading the attribute (key) of an instance returns an instance of the value;
# `Type.*` stands for any attribute that is not a known method.
ATTRIBUTE_RESULTS: dict[str, str] = {
    "pathlib.Path.parent": _PATH,
    "pymongo.MongoClient.*": "pymongo.Database",
    "pymongo.Database.*": "pymongo.Collection",
}

# Subscripting an instance of the key returns an instance of the value.
SUBSCRIPT_RESULTS: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.Database",
    "pymongo.Database": "pymongo.Collection",
}

# `path / "name"` on these types gives the same type.
PATH_TYPES = frozenset({_PATH})

# Classes that appear in annotations but are never called for an instance here: a parameter
# annotated with the key holds an instance of the value (`f: io.TextIOWrapper` is a real file).
# The concrete classes are what `open()` returns; the abstract `typing` protocols stand for any
# stream (a terminal, a `StringIO`, a pipe, a file) and get the narrower `io.stream` type, whose
# reads wait for data but whose writes are as likely a few bytes to a terminal as file I/O.
ANNOTATION_TYPES: dict[str, str] = {
    **{name: _FILE for name in ("io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter", "io.BufferedRandom", "io.FileIO")},
    **{name: _STREAM for name in ("typing.IO", "typing.TextIO", "typing.BinaryIO")},
}

# Streams held in memory: a read or write of one never waits. A stream method called on a
# parameter does not block where the caller passes one of these (`_md5sum(BytesIO(body))`).
IN_MEMORY_STREAMS = ("io.BytesIO", "io.StringIO")

# A file-annotated parameter defaulting to one of these is a terminal stream as often as a
# file: writing a few bytes to it is not the file I/O the CCL1 rules mean, so its type is unknown.
STANDARD_STREAMS = frozenset(f"sys.{prefix}{name}{suffix}" for name in ("stdin", "stdout", "stderr") for prefix, suffix in (("", ""), ("__", "__")))

# `Optional[X]` and `Union[X, None]` annotate an X (or nothing): the X is what is called.
OPTIONAL_ANNOTATIONS = frozenset({"typing.Optional", "typing.Union"})

# Iterating over what the key returns yields instances of the value (`for p in d.iterdir()`).
# A DirEntry caches what scandir read: only its stat() may make a system call (always on Unix).
ITERATION_RESULTS: dict[str, str] = {f"pathlib.Path.{name}": _PATH for name in ("iterdir", "glob", "rglob")}
ITERATION_RESULTS["os.scandir"] = "os.DirEntry"
# Calls whose result holds the elements of their one argument (`for t in sorted(threads)`).
ELEMENT_PRESERVING = frozenset({f"builtins.{name}" for name in ("list", "tuple", "set", "frozenset", "sorted", "reversed", "iter")})
# Annotations of containers: `list[X]` elements, `dict[K, V]` values (the last argument) are X, V.
SEQUENCE_ANNOTATIONS = frozenset(
    {f"builtins.{name}" for name in ("list", "set", "frozenset")}
    | {f"{module}.{name}" for module in ("typing", "collections.abc") for name in ("Sequence", "MutableSequence", "Iterable", "Iterator", "Collection", "Set", "MutableSet")}
    | {"typing.List", "typing.FrozenSet"}
)
# Methods a subclass inherits whose blocking depends on how its __init__ built the instance
# (a queue's put() blocks only when made with a maxsize): unknown on a subclass.
UNKNOWN_IN_SUBCLASSES = frozenset({"queue.Queue.put"})
# Bases that define no method a subclass could call by a plain name.
EMPTY_BASES = frozenset({"builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol"})
MAPPING_ANNOTATIONS = frozenset(
    {"builtins.dict", "typing.Dict"} | {f"{module}.{name}" for module in ("typing", "collections.abc") for name in ("Mapping", "MutableMapping")}
)

KNOWN_TYPES = frozenset(CALL_RESULTS.values()) | frozenset(ATTRIBUTE_RESULTS.values())


# The classes an instance of a known type is an instance of (besides its own), for deciding
# `isinstance(value, T)` at a call site: `isinstance(io.BytesIO(b""), io.IOBase)` holds,
# `isinstance("path", io.IOBase)` does not. Only concrete types whose bases are certain.
_OBJECT = ("builtins.object",)
_NUMBER = ("numbers.Number", "numbers.Complex", "numbers.Real", "numbers.Integral")
TYPE_ANCESTORS: dict[str, tuple[str, ...]] = {
    "builtins.object": (),
    "builtins.NoneType": _OBJECT,
    "builtins.bool": ("builtins.int", *_NUMBER, *_OBJECT),
    "builtins.int": (*_NUMBER, *_OBJECT),
    "builtins.float": ("numbers.Number", "numbers.Complex", "numbers.Real", *_OBJECT),
    "builtins.str": _OBJECT,
    "builtins.bytes": _OBJECT,
    "builtins.bytearray": _OBJECT,
    "builtins.list": _OBJECT,
    "builtins.tuple": _OBJECT,
    "builtins.dict": _OBJECT,
    "builtins.set": _OBJECT,
    "builtins.frozenset": _OBJECT,
    "io.IOBase": _OBJECT,
    "io.RawIOBase": ("io.IOBase", *_OBJECT),
    "io.BufferedIOBase": ("io.IOBase", *_OBJECT),
    "io.TextIOBase": ("io.IOBase", *_OBJECT),
    "io.BytesIO": ("io.BufferedIOBase", "io.IOBase", *_OBJECT),
    "io.StringIO": ("io.TextIOBase", "io.IOBase", *_OBJECT),
    "io.FileIO": ("io.RawIOBase", "io.IOBase", *_OBJECT),
    "io.BufferedReader": ("io.BufferedIOBase", "io.IOBase", *_OBJECT),
    "io.BufferedWriter": ("io.BufferedIOBase", "io.IOBase", *_OBJECT),
    "io.TextIOWrapper": ("io.TextIOBase", "io.IOBase", *_OBJECT),
}
# Abstract classes whose subclass hook claims none of the types of TYPE_ANCESTORS, so that
# `isinstance(value, T)` is false for them all: `os.PathLike` claims a class that defines
# `__fspath__`, which none of them does (opsdroid's test server: `isinstance(response,
# PathLike)` given None).
CLAIMS_NO_KNOWN_TYPE = frozenset({"os.PathLike"})
# The types of constructor calls a call site can tell apart (`io.BytesIO(data)`), beyond
# those of TYPE_ANCESTORS: the value is an instance of that type, never None.
CONSTRUCTED_TYPES = frozenset(name for name in TYPE_ANCESTORS if name != "builtins.NoneType")


def canonical_name(name: str) -> str:
    """`requests.sessions.Session` -> `requests.Session`; unknown names come back unchanged."""
    prefix = name
    while prefix:
        replacement = CANONICAL_PREFIXES.get(prefix)
        if replacement is not None:
            return replacement + name[len(prefix):]
        cut = prefix.rfind(".")
        if cut < 0:
            return name
        prefix = prefix[:cut]
    return name
