"""Threads as data: the APIs that run a callable on a thread, and what a call costs under the GIL.

The summary collector (`conclint.analysis.summary_collector`) sorts every call a function
makes into one kind, looked up here by qualified name (the longest matching dotted prefix
wins):

- "releases": the call does I/O, sleeps, waits, or runs in C with the GIL released (numpy,
  hashlib, zlib ...). A function that makes such a call, or reaches one, is never judged
  CPU-bound: threads do overlap there.
- "heavy": pure computation in C or Python that holds the GIL and grows with its input
  (`json.loads`, `sorted`, `re.sub`, `ast.parse`). It keeps a loop pure, and it is CPU
  evidence only when it runs inside a pure loop, or on an input built from a range: the size
  of any other input is unknown.
- "pure": cheap computation that holds the GIL (`len`, `math.sqrt`, `str.split`); a loop that
  only makes pure calls stays a candidate.
- "long": an entry point of a pure-Python library that by itself runs a long computation
  holding the GIL (`backtrader.Cerebro.run`, `sympy.simplify`): CPU evidence wherever it is
  called (`LONG_COMPUTATIONS`, with the other pure-Python libraries' calls).
- anything else is unknown. An unknown call inside a loop may well be I/O, so it keeps the
  function from being judged CPU-bound: precision comes first.

Every entry of the blocking catalog (`conclint.knowledge.blocking`) counts as "releases" too.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Mapping

# ----- thread dispatch ---------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadDispatch:
    """An API that runs a callable on a thread.

    The callable is positional argument `position` or keyword `keyword`. `executor_position`
    names the executor argument of `run_in_executor`: the call runs on a thread only when it
    is `None` or a thread pool. With `executor_keyword` too, the executor may be passed by
    that name and must be a thread pool: None there runs the callable in the caller.
    `remedy` says what to use instead for CPU-bound work.
    """

    qualname: str
    position: int | None
    keyword: str | None
    remedy: str
    executor_position: int | None = None
    executor_keyword: str | None = None

    @property
    def display(self) -> str:
        return self.qualname.removeprefix("concurrent.futures.").removeprefix("multiprocessing.pool.")


_PROCESS = "`multiprocessing.Process(target=...)` or `concurrent.futures.ProcessPoolExecutor().submit(...)`"
_EXECUTOR = "`concurrent.futures.ProcessPoolExecutor` (same `submit`/`map` API)"
_LOOP_EXECUTOR = "`await loop.run_in_executor(process_pool, ...)` with a `concurrent.futures.ProcessPoolExecutor`"
_POOL = "`multiprocessing.Pool` (same `map`/`apply` API)"

_POOL_METHODS = "map map_async imap imap_unordered starmap starmap_async apply apply_async"

THREAD_DISPATCH: Mapping[str, ThreadDispatch] = {
    entry.qualname: entry
    for entry in (
        ThreadDispatch("threading.Thread", 1, "target", _PROCESS),
        ThreadDispatch("threading.Timer", 1, "function", _PROCESS),
        ThreadDispatch("concurrent.futures.ThreadPoolExecutor.submit", 0, "fn", _EXECUTOR),
        ThreadDispatch("concurrent.futures.ThreadPoolExecutor.map", 0, "fn", _EXECUTOR),
        ThreadDispatch("asyncio.to_thread", 0, "func", _LOOP_EXECUTOR),
        ThreadDispatch("asyncio.AbstractEventLoop.run_in_executor", 1, "func", _LOOP_EXECUTOR, executor_position=0),
        ThreadDispatch("anyio.to_thread.run_sync", 0, "func", "`await anyio.to_process.run_sync(...)`"),
        ThreadDispatch(
            "trio.to_thread.run_sync",
            0,
            "sync_fn",
            "`await trio_parallel.run_sync(...)` (the trio-parallel package) or a `ProcessPoolExecutor`",
        ),
        *(
            ThreadDispatch(f"multiprocessing.pool.ThreadPool.{method}", 0, "func", _POOL)
            for method in _POOL_METHODS.split()
        ),
    )
}

# Methods whose name alone identifies the API, on receivers this module cannot resolve (a
# `loop` parameter without annotation): the executor argument still has to say "thread".
DISPATCH_BY_METHOD_NAME: Mapping[str, str] = {
    "run_in_executor": "asyncio.AbstractEventLoop.run_in_executor",
}

# Library methods documented to run the callable they are given on the executor they are
# given, by (top-level package, method name), whatever class of the package the receiver is
# (nevergrad has dozens of optimizers): on a thread pool, the callable runs on its threads.
EXECUTOR_ARGUMENT_DISPATCH: Mapping[tuple[str, str], ThreadDispatch] = {
    # nevergrad's `Optimizer.minimize(objective_function, executor=None, ...)`: "an executor
    # object, with method submit(callable, *args, **kwargs)"; without one it runs in turn.
    ("nevergrad", "minimize"): ThreadDispatch(
        "nevergrad.optimization.base.Optimizer.minimize",
        0,
        "objective_function",
        "a `concurrent.futures.ProcessPoolExecutor` as `executor` (under the `__main__` guard)",
        executor_position=1,
        executor_keyword="executor",
    ),
}

# The executors `run_in_executor` may be given that run the callable on a thread.
THREAD_EXECUTORS = frozenset({"concurrent.futures.ThreadPoolExecutor"})

# Classes whose instances are threads; a subclass that overrides `run` runs it on the thread.
THREAD_CLASSES = frozenset({"threading.Thread"})

# Wrappers that call their first argument later: `functools.partial(f, x)` runs `f`.
CALLABLE_WRAPPERS = frozenset({"functools.partial"})


# ----- what a call costs ---------------------------------------------------------------------

RELEASES, HEAVY, PURE = "releases", "heavy", "pure"

# The reason of the array and tensor libraries' calls. Made once, outside every loop of a
# function (`f = np.zeros(n)`), such a call sets data up for the Python loops that follow;
# it does not make nested loops counting over numbers any less GIL-bound (see
# conclint.analysis.summaries.cpu_bound).
ARRAY_WORK = "array operations in C"

_RELEASING: dict[str, str] = {
    # Array and tensor libraries run their kernels in C with the GIL released.
    **dict.fromkeys("numpy scipy pandas torch tensorflow jax cupy numba numexpr sklearn cv2 PIL pyarrow polars".split(), ARRAY_WORK),
    # Compression and hashing release the GIL on large buffers.
    **dict.fromkeys("hashlib hmac zlib bz2 lzma gzip zstandard zstd lz4 brotli snappy xxhash blake3".split(), "hashing or compression in C"),
    # I/O of every kind.
    **dict.fromkeys(
        "socket ssl select selectors http urllib urllib3 requests httpx ftplib smtplib imaplib poplib "
        "telnetlib xmlrpc subprocess shutil glob tempfile mmap fcntl termios pty tty ctypes "
        "sqlite3 psycopg psycopg2 pymysql MySQLdb redis pymongo sqlalchemy boto3 botocore "
        "paramiko grpc zmq pika kafka confluent_kafka elasticsearch serial usb webbrowser logging "
        "io.file sys.stdin sys.stdout sys.stderr".split(),
        "I/O",
    ),
    "os": "I/O",
    "builtins.print": "I/O",
    "builtins.open": "I/O",
    "builtins.input": "I/O",
    "json.load": "I/O",
    "json.dump": "I/O",
    "pickle.load": "I/O",
    "pickle.dump": "I/O",
    "marshal.load": "I/O",
    "marshal.dump": "I/O",
    "time.sleep": "sleep",
    "signal": "signal handling",
    # Coordination with other threads, processes and event loops: waits, or hands work away.
    **dict.fromkeys(
        "queue threading multiprocessing concurrent.futures asyncio trio anyio _thread".split(),
        "waits on or hands work to other threads",
    ),
}

_HEAVY = frozenset(
    {
        "builtins.sorted",
        "builtins.compile",
        "json.loads",
        "json.dumps",
        "pickle.loads",
        "pickle.dumps",
        "marshal.loads",
        "marshal.dumps",
        "ast.parse",
        "ast.literal_eval",
        "copy.deepcopy",
        "re",
        "difflib",
        "statistics",
        "fractions",
        "decimal",
        "list.sort",
    }
)

_PURE_MODULES = (
    "math cmath operator itertools functools bisect heapq random statistics collections copy "
    "struct string textwrap unicodedata base64 binascii array dataclasses enum typing abc numbers "
    "keyword fnmatch datetime calendar types weakref contextlib warnings uuid secrets "
    "os.path pathlib io time json pickle marshal ast"
)
_PURE_BUILTINS = (
    "abs all any ascii bin bool bytearray bytes callable chr complex dict divmod enumerate filter "
    "float format frozenset getattr hasattr hash hex id int isinstance issubclass iter len list "
    "map max min object oct ord pow range repr reversed round set setattr slice str sum super "
    "tuple type vars zip staticmethod classmethod property delattr memoryview NotImplemented"
)
_EXCEPTIONS = " ".join(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)
# Functions of `os` that compute or look up and never touch the file system.
_PURE_OS = "os.getenv os.environ os.getpid os.getppid os.cpu_count os.fspath os.fsencode os.fsdecode os.sep os.linesep os.urandom os.get_terminal_size"
# Functions of `logging` that look a logger up rather than write (`logging.getLogger(__name__)`).
_PURE_LOGGING = "logging.getLogger logging.getLevelName"


# ----- pure-Python libraries -----------------------------------------------------------------

# A call that by itself runs a long computation in Python, holding the GIL: one call, in a
# loop or not, is CPU evidence (conclint.analysis.summaries.LIBRARY).
LONG = "long"


@dataclass(frozen=True)
class LongComputation:
    """A library entry point that runs a long pure-Python computation by itself. `reason`
    says what it computes, for messages. `requires`: when not empty, the call is evidence
    only in a function that also calls one of these (by full dotted name), because the same
    entry point may instead wait on the network (a backtest over a live feed)."""

    reason: str
    requires: frozenset[str] = frozenset()


# The offline data feeds of backtrader: tables in memory (pandas) or files read once and
# preloaded before the strategy runs over them.
_BACKTEST_FEEDS = frozenset(
    f"backtrader.feeds.{name}"
    for name in "PandasData PandasDirectData GenericCSVData BacktraderCSVData YahooFinanceCSVData MT4CSVData SierraChartCSVData".split()
)

# Libraries written in Python whose calls compute and never wait, and their entry points
# that run long. Only what their documentation and source show:
# - backtrader ("Live Trading and backtesting platform written in Python", its README;
#   "self-contained with no external dependencies" but for plotting): `Cerebro.run()` runs
#   the whole backtest, bar by bar, strategies, indicators and the simulated broker in
#   Python. The same call trades live over a store (Interactive Brokers, Oanda, ccxt ...),
#   where it waits on the network for hours: it counts only beside an offline feed built in
#   the same function (`bt.feeds.PandasData(dataname=frame)`), and every live store, broker
#   and feed, of backtrader or of the packages that add one, is I/O below.
# - SymPy ("a pure Python library for symbolic mathematics ... written entirely in Python"):
#   `simplify`, `solve`, `integrate` and `dsolve` search through rewritings of an expression
#   tree, for milliseconds on a small one and minutes on a large one. The names are
#   prefixes: the functions of the `sympy.simplify` package (`trigsimp`, `radsimp` ...) are
#   such rewritings too.
# - NetworkX (graphs as Python dicts, its algorithms in Python): centrality and community
#   detection visit every node and edge many times (Brandes' algorithm, Louvain). Left out:
#   `pagerank` and the spectral functions, which run on scipy; generators (`connected_components`,
#   `all_pairs_shortest_path`), which compute only as they are iterated. A backend configured
#   for networkx (nx-cugraph ...) would run them natively: the default runs them in Python.
LONG_COMPUTATIONS: Mapping[str, LongComputation] = {
    "backtrader.Cerebro.run": LongComputation("a backtest in pure Python", _BACKTEST_FEEDS),
    **{
        f"sympy.{name}": LongComputation(f"symbolic {what} in pure Python")
        for name, what in (("simplify", "simplification"), ("solve", "solving"), ("integrate", "integration"), ("dsolve", "ODE solving"))
    },
    **{
        f"networkx.{name}": LongComputation("a graph algorithm in pure Python")
        for name in (
            "betweenness_centrality",
            "edge_betweenness_centrality",
            "closeness_centrality",
            "community.louvain_communities",
            "community.greedy_modularity_communities",
        )
    },
}
# Every name a `requires` lists: the only calls whose names the collector keeps for it.
LONG_REQUIREMENTS = frozenset(name for entry in LONG_COMPUTATIONS.values() for name in entry.requires)

# Calls that encode or decode one item in Python (HEAVY: they keep a loop pure): made
# on each element of a loop, that work outweighs whatever yields the elements, as a power
# or a `math.exp` per element does (conclint.analysis.summaries.ELEMENTWISE). pyrlp is "a
# Python implementation of Recursive Length Prefix encoding", a recursive walk over the item
# (its optional Rust backend holds the GIL as well).
PER_ELEMENT_WORK: Mapping[str, str] = {
    "rlp.encode": "RLP encoding in Python",
    "rlp.decode": "RLP decoding in Python",
}

# Cheap or in-memory calls of those libraries (PURE). py-trie is the "Python Implementation
# of the Ethereum Trie structure": a `HexaryTrie` encodes and hashes its nodes in Python
# into the mapping it is given (a dict, as in py-evm's `make_trie_root_and_nodes`);
# `squash_changes()` batches the writes in memory. Everything of pyrlp computes. backtrader's
# offline feeds only wrap their table or file until the run reads it.
_PURE_LIBRARY_CALLS = ("rlp", "trie.HexaryTrie", *_BACKTEST_FEEDS)

# The parts of those libraries, and the packages built on them, that wait on the network.
_LIBRARY_IO: dict[str, str] = dict.fromkeys(
    (
        # backtrader's live stores and brokers, and every feed but the offline ones above
        # (IBData, OandaData, VCData stream; YahooFinanceData, Quandl, InfluxDB download;
        # a feed added to the package by its user may do either)
        "backtrader.stores backtrader.brokers.IBBroker backtrader.brokers.OandaBroker backtrader.brokers.VCBroker "
        "backtrader.feeds "
        # live trading packages for backtrader
        "ccxtbt btoandav20 alpaca_backtrader_api"
    ).split(),
    "I/O (a live broker or market-data connection, or a download)",
)

CALL_KINDS: Mapping[str, str] = {
    **{f"builtins.{name}": PURE for name in (_PURE_BUILTINS + " " + _EXCEPTIONS).split()},
    **{name: PURE for name in (_PURE_MODULES + " " + _PURE_OS + " " + _PURE_LOGGING).split()},
    **{name: HEAVY for name in _HEAVY},
    **{name: RELEASES for name in _RELEASING},
    **{name: PURE for name in _PURE_LIBRARY_CALLS},
    **{name: HEAVY for name in PER_ELEMENT_WORK},
    **{name: LONG for name in LONG_COMPUTATIONS},
    **{name: RELEASES for name in _LIBRARY_IO},
}
RELEASE_REASONS: Mapping[str, str] = {**_RELEASING, **_LIBRARY_IO}


def call_kind(qualname: str) -> tuple[str | None, str]:
    """The kind of a call of `qualname` and the catalog key that decided it (longest dotted
    prefix first): `("releases", "numpy")` for `numpy.linalg.svd`, `(None, "")` if unknown."""
    prefix = qualname
    while True:
        kind = CALL_KINDS.get(prefix)
        if kind is not None:
            return kind, prefix
        cut = prefix.rfind(".")
        if cut < 0:
            return None, ""
        prefix = prefix[:cut]


# ----- output that reports on the work ----------------------------------------------------

# Calls that print or log. One costs microseconds, so it does not make a function I/O-bound
# when it runs outside the loop doing the work, only now and then inside it (under an `if`
# or in an `except`), or once per round of an outer loop whose inner loop does the work.
# Made once per round of the innermost loop, it is the work (a report printed row by row)
# and counts as I/O, like every other call of `print` and `logging` did before.
LOG_METHODS = frozenset("debug info warning warn error exception critical fatal log".split())
INCIDENTAL_OUTPUT = frozenset(
    {
        "builtins.print",
        *(f"{owner}.{method}" for owner in ("logging", "logging.Logger", "logging.LoggerAdapter") for method in LOG_METHODS),
    }
)
# A receiver of a `LOG_METHODS` call that this module cannot resolve is a logger when its
# name says so (`logger.debug(...)`, `self.log.info(...)`) or when it was assigned a call of
# one of `LOGGER_FACTORIES` (`audit = logging.getLogger("audit")`).
LOGGER_NAMES = frozenset("log logger _log _logger LOG LOGGER _LOG _LOGGER".split())
LOGGER_FACTORIES = frozenset({"logging.getLogger", "logging.LoggerAdapter", "structlog.get_logger"})


# Methods, looked up by name when the receiver's type is a builtin one this module can see
# (a literal, a comprehension, `x = []`), or, for PURE_METHODS_ANY_RECEIVER, whatever it is.
_STR_METHODS = (
    "capitalize casefold center count encode endswith expandtabs find format format_map index "
    "isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace "
    "istitle isupper join ljust lower lstrip maketrans partition removeprefix removesuffix replace "
    "rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title "
    "translate upper zfill"
)
BUILTIN_TYPE_METHODS: Mapping[str, frozenset[str]] = {
    "str": frozenset(_STR_METHODS.split()),
    "bytes": frozenset((_STR_METHODS + " decode hex fromhex").split()) - {"encode", "format", "format_map"},
    "list": frozenset("append clear copy count extend index insert pop remove reverse sort".split()),
    "dict": frozenset("clear copy fromkeys get items keys pop popitem setdefault update values".split()),
    "set": frozenset(
        "add clear copy difference difference_update discard intersection intersection_update "
        "isdisjoint issubset issuperset pop remove symmetric_difference symmetric_difference_update "
        "union update".split()
    ),
    "tuple": frozenset("count index".split()),
    "int": frozenset("bit_length bit_count to_bytes as_integer_ratio conjugate".split()),
    "float": frozenset("is_integer hex as_integer_ratio conjugate".split()),
}
# Not here on purpose, because on an unknown object they are as likely to wait or do I/O:
# get put pop join wait read write send recv acquire release result update remove close.
PURE_METHODS_ANY_RECEIVER = frozenset(
    (
        "append appendleft extend insert add discard items keys values setdefault copy count index "
        "startswith endswith strip lstrip rstrip split rsplit splitlines lower upper replace format "
        "encode decode isdigit isalpha isalnum isspace isupper islower find rfind partition rpartition "
        "zfill ljust rjust center title capitalize casefold removeprefix removesuffix bit_length "
        "is_integer conjugate union intersection difference issubset issuperset isdisjoint "
        "most_common sort reverse"
    ).split()
)
# Methods of containers whose result is iterated without I/O (`for k, v in d.items()`).
ITERATING_METHODS = frozenset("items keys values split splitlines copy".split())

# Method names that are heavy on the builtin types they belong to.
HEAVY_METHODS = frozenset({"sort"})

# Builtin calls whose result has a builtin type (so `x = list(...)` then `x.pop()` is pure).
BUILTIN_RESULT_TYPES: Mapping[str, str] = {
    "builtins.list": "list",
    "builtins.sorted": "list",
    "builtins.dict": "dict",
    "builtins.set": "set",
    "builtins.frozenset": "set",
    "builtins.str": "str",
    "builtins.repr": "str",
    "builtins.bytes": "bytes",
    "builtins.tuple": "tuple",
    "builtins.int": "int",
    "builtins.float": "float",
    "builtins.len": "int",
    "builtins.sum": "int",
}

# Pure calls that call a callable argument (position, keyword) once per element: passing an
# unknown function there is an unknown call in a loop; passing a local function, a call edge.
CALLABLE_ARGUMENTS: Mapping[str, tuple[int | None, str | None]] = {
    "builtins.map": (0, None),
    "builtins.filter": (0, None),
    "builtins.sorted": (None, "key"),
    "builtins.min": (None, "key"),
    "builtins.max": (None, "key"),
    "functools.reduce": (0, None),
    "itertools.starmap": (0, None),
    "itertools.filterfalse": (0, None),
    "itertools.takewhile": (0, None),
    "itertools.dropwhile": (0, None),
    "itertools.groupby": (None, "key"),
    "itertools.accumulate": (1, "func"),
    "heapq.nsmallest": (None, "key"),
    "heapq.nlargest": (None, "key"),
    "list.sort": (None, "key"),
}

# Pure functions that compute on numbers: applied to a loop's variable (`math.sqrt(i)`,
# `abs(a - b)`), they are the loop's arithmetic, even when their result is discarded. Module
# names cover every function of the module.
NUMERIC_FUNCTIONS = frozenset(
    "math cmath builtins.abs builtins.pow builtins.divmod builtins.round "
    "operator.mul operator.pow operator.truediv operator.floordiv operator.mod".split()
)


# Hashing modules (catalog keys above) and the methods of a hash object that only read its
# digest out. hashlib releases the GIL only while it hashes more than 2047 bytes at once
# (its documentation says so): a loop that hashes an element per round and then walks the
# digest in a nested loop over numbers, in Python (simhash, Bloom filters, minhash), holds
# the GIL for most of each round, so such a hash does not excuse that loop
# (conclint.analysis.summary_collector).
HASHING_MODULES = frozenset({"hashlib", "hmac", "xxhash", "blake3"})
DIGEST_METHODS = frozenset({"digest", "hexdigest", "intdigest"})


# Functions whose every call is floating-point work (a power, an exponential, a root, a
# trigonometric function): applied to the elements of a loop over data, they make it
# "elementwise" evidence (conclint.analysis.summaries.ELEMENTWISE), as `x ** 0.5` does.
FLOAT_FUNCTIONS = frozenset(
    f"{module}.{name}"
    for module in ("math", "cmath")
    for name in "sqrt exp expm1 log log10 log2 log1p pow sin cos tan asin acos atan atan2 sinh cosh tanh hypot erf erfc gamma lgamma cbrt".split()
) | {"builtins.pow"}


def is_numeric_function(qualname: str) -> bool:
    """`math.sqrt`, `abs`: a function of `NUMERIC_FUNCTIONS` or of a module listed there."""
    return qualname in NUMERIC_FUNCTIONS or qualname.rpartition(".")[0] in NUMERIC_FUNCTIONS


# Builtins that iterate their argument to the end when called (`list`, `sum`): handed to a
# thread with a lazy iterable, `to_thread(sum, (f(x) for x in xs))`, they run `f` there.
CONSUMING_CALLABLES = frozenset(
    f"builtins.{name}" for name in "list tuple set frozenset dict sum min max sorted any all".split()
)
# Lazy iterables that call a function per element (its position): `map(f, xs)` runs nothing
# until it is iterated, wherever that happens.
LAZY_APPLY: Mapping[str, int] = {"builtins.map": 0, "builtins.filter": 0, "itertools.starmap": 0, "itertools.filterfalse": 0}


# Where the count a `range()` runs to comes from data held already, the loop walks that data
# (a packet's entries) rather than doing work a number asks for:
# - calls that give such a count: a length, or fields unpacked from bytes;
SIZE_READERS = frozenset(
    {"builtins.len", "struct.unpack", "struct.unpack_from", "struct.Struct.unpack", "struct.Struct.unpack_from", "builtins.int.from_bytes"}
)
# - functions of numbers that keep it so (`math.ceil(len(data) / size)`);
COUNT_PRESERVING = frozenset({"math.ceil", "math.floor", "builtins.int", "builtins.min", "builtins.max", "builtins.round", "builtins.abs"})
# - a byte of a parameter annotated with one of these, or a value masked to fewer bits than a
#   byte has (`v_p_x_cc & 0x0F`).
BYTE_SEQUENCES = frozenset({"bytes", "bytearray", "memoryview"})
BYTE_VALUES = 256
# - a span of time read as whole days (`(today - last_run).days`): as many as the calendar
#   holds between two dates a program keeps, a few thousand at most.
CALENDAR_COUNTS = frozenset({"days"})


# A `range()` whose literal bounds stay below this is too short to be evidence by itself:
# a hundred thousand rounds of simple arithmetic take a few milliseconds, and a loop of
# constant length does not grow with the input (`[x * 0.01 for x in range(1, 10000)]`).
SMALL_RANGE = 100_000
