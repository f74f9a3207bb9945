"""The shared check behind every CCL1 rule: a catalogued blocking call made from a coroutine.

Each CCL1 rule picks one category of the blocking catalog; the engine runs them all in the
same traversal and `FileFacts.blocking_call` resolves each call only once for all of them.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from conclint.analysis.facts import BlockingMatch, FileFacts
from conclint.core.settings import Settings
from conclint.fixes.blocking import blocking_fix, helper_call_fix
from conclint.analysis.helpers import HelperChain, LineOf, helper_chains, short_name
from conclint.analysis.summary_collector import CoroutineCall
from conclint.analysis.scopes import dotted_name
from conclint.knowledge.blocking import OFFLOAD, WAITS_ON_EXIT, WAITS_WHEN_CONSUMED, Category, offload_text
from conclint.knowledge.frameworks import LoopConstructed
from conclint.knowledge.offloading import CONSUMERS
from conclint.syntax.prefilter import COROUTINE
from conclint.rules.base import Rule


HELPERS_PARAGRAPH = """\
A call in a coroutine of a sync function or method of the project that makes such a call,
directly or through further sync calls (through at most five functions), is reported at the
call in the coroutine, with what to do and the shortest chain down to the blocking call:
`load_config() blocks the event loop (run it in a worker thread) via load_config -> read_text
-> open() (line 4)`. A chain of more than three links is shown by its first and last (`via
load_config -> … -> open()`); the JSON output (`chain`) and SARIF (related locations and a
code flow) give every link with its file and line. The command line follows
calls into the other modules of the project (a function of `app/io.py` is shown as
`io.read_text`, the last two parts of its name, with its file; the chain in JSON and SARIF
has `app.io.read_text`); the flake8 plugin and `--per-file` follow calls within the
file only. A call that reaches blocking calls of several categories is one finding, by the
first category's rule (sleep, http, subprocess, file, network, database, input, wait, in that
order, among the selected rules), and its message names the others. Reading a property in
a coroutine (`self.rows`, a `@property` or `cached_property` of the class or of a base class
of the module) runs its getter: it is reported when the getter itself makes a blocking call,
with no automatic fix. A getter that reaches one only through further functions is not
followed, nor a property read in a sync helper: such getters are mostly lazy set-up
(`if not self._client: self._client = get_client()`), done once, before coroutines read them.
A getter whose blocking calls run only while an attribute it sets itself is unset (`if
self._cursor is None: self._cursor = connect(...)`) does that set-up once per object: a
coroutine that reads it several times is reported at its first read only, and not at all when
that read gives the receiver of a call reported by itself (`self.cursor.execute(...)`): the
line is reported once, by that call.
A call `self.data()` of a method that the class and its bases of the module leave undefined
(a template method), or define as a stub (a body that only raises `NotImplementedError`, or
an `@abstractmethod` that does nothing), runs a subclass's override: it is followed into the
overrides that the module's subclasses define, and reported when one of them blocks.
A helper that calls a method on one of its parameters (`def fetch(session, url): return
session.get(url)`) blocks where the coroutine passes an object whose type the catalog knows:
a local or an attribute of `self` made by a catalogued call (`session = requests.Session()`,
`handle = open(path, "w")`, `self.sock = socket.create_connection(...)`, or a conditional
expression whose branches make the same type), passed on down the chain too; such an
object is not None there either. An object whose type only an annotation gives (`session:
requests.Session`, kept in a local) tells what a method called on it does, and decides no
test: the caller may pass None or a stand-in. Methods that block only by how the object was made or is used (`put` on a
queue made without a bound, `get(block=False)`, a lock made just before, a socket set
non-blocking by the caller) are not judged there, nor a call under a test of the
parameter's type that the object passed leaves undecided (`if isinstance(path, PurePath):
... else: path.replace("\\", "/")` is a `str`'s `replace`).

Code that never runs is not checked: statements after a `raise`, `return`, `continue` or
`break` of their block, an `except` clause that an earlier clause of the same `try` always
catches first (a second `except Exception`, `except OSError` after `except Exception`), or
statements after a call that ends the process (`sys.exit()`, `os._exit()`,
`os.kill(os.getpid(), sig)`: dagster's crash hook sleeps after it, waiting to be killed),
and the branch a literal test never takes (the `else` of `if True:`,
the body of `if False:` or `if 0:`), as code generated in an async and a sync flavour leaves
them (psycopg's `if True:  # ASYNC`), also when the test reads a flag of the module: a name
its body binds once, to `True` or `False`, and no `global` statement rebinds (pymongo's
`_IS_SYNC = False`, in `if _IS_SYNC and connect:`).

Only calls that can run are followed. A call or blocking call inside a helper that sits
under a test of the helper's own parameters or `self` attributes (`if path is None: return`,
`if force:`, `isinstance(fp, io.IOBase)`, `hasattr(fp, "read")`, `for p in paths`, `x and f()`;
an early return inside a `with` block guards what follows the block too, unless the manager
may swallow an exception, as `contextlib.suppress` and `pytest.raises` do) is skipped when the
test is decided false with what the coroutine passes: literal arguments, omitted ones (their
defaults, also a default naming a literal its module binds once: `path=AUTO` with `AUTO =
None`), objects it constructs (`io.BytesIO(...)` is an `io.IOBase`; none of these, nor None,
a string or a dict, is an `os.PathLike`), a module constant (a name its module binds once to
a number, a string or `True`/`False`: valkey's `default_host = "127.0.0.1"` never takes a
`host == "localhost"` branch), the class attributes
of the class it constructs (`STYLE_FILE = None`, unless a subclass overrides it or a method
assigns it), a parameter the method stored in `self` earlier in its own body (`self.script =
script` before `if self.script:`, when nothing else in the class assigns it; likewise a
test it stored, `self.save = save or directory is not None` before `if self.save:`), what a test
of an attribute of `self` that only `__init__` assigns decided where a method is called on
the same `self` (`if self._is_wav: self.end_input()` enters `end_input` knowing `_is_wav`
is true; `if self._colour == "async":` knowing it is that string), also from a function
defined under such a test (weaviate-client's `if self._colour == "async": async def
_execute(): ...`), which likewise passes on a parameter of the enclosing function compared
equal to a constant there, and never rebound, as that constant; what the object a method
is called on was built with, when the code built it itself from a class of the project (a
name of the module or the function assigned once, `journal = AsyncLogger(verbose=True)`, or
an attribute of `self` every assignment of which in the module is the same construction)
and its `__init__` stores a parameter as given (`self.log_file = log_file`, at the top of
its body, assigned nowhere else), or passes it on to a base's `__init__` that does
(`super().__init__(source=source)`, the base of the same module or, with the project index,
imported from another): the constant passed there, or the default (crawl4ai's
module loggers, made without a file, never open one), a keyword the `__init__` takes out
of its `**kwargs` at the top of its body (`source = kwargs.pop("source", None)`) counting
as a parameter with that default (newrelic's traces, made without a source, never read
one; `TimeTrace.__enter__(self)` is followed as `self.__enter__()` on that object would
be); and arguments passed on down the chain: a parameter passed on under a test that
None fails (`if hasattr(source, "engine"): Store(db=source)`, `if source:`, `isinstance`)
is not None in the callee. The `except RuntimeError:` handler of a `try` whose first
statement asks asyncio for the running loop (`asyncio.get_event_loop().create_task(...)`,
`get_running_loop()`) runs only where no loop runs, never in a chain from a coroutine
(nodriver's `Browser.stop()` falls back on `asyncio.run` there). A module global the helper declares
`global`, and so sets, is taken as set up: code that runs only while it is unset (`if
_config is None: _config = load()`, or after `if _options and not force: return
_options`, also tested through a local copy, `provider = _provider` and `if provider is not
None: return provider`, as double-checked locking does) is lazy set-up, done once per
process, mostly before the loop serves anything.
So is a context variable of the module that the module's import sets (`var.set(...)` among
its statements, or a call of a function of the module that does: flytekit's
`FlyteContextManager.initialize()`): every task starts from a copy of the context that made
it, so `if not var.get(): initialize()` in a chain from a coroutine finds it set.
So is the body of a memoized function that takes no arguments (`@functools.cache`,
`@lru_cache`): it runs at the first call, and the cache answers every later one.
So is an attribute a method sets on `self` itself when its class keeps one instance for the
process (every `return` of its `__new__` returns `cls._instance`, or `cls._instances[key]`): `if not
self.running: self.running = True; ...` starts that one object once, at its first use.
A test on anything else (the environment, configuration, a computed value) keeps the call. Not followed either: a
generator function whose result is not iterated or entered (its body has not run); a
function decorated with an offloading decorator (asgiref `sync_to_async`, channels
`database_sync_to_async`, textual `work(thread=True)`, asyncer `asyncify`, tornado
`run_on_executor`, pebble's `asynchronous`/`concurrent` `process` and `thread`, prefect's
`async_dispatch`, which runs the async implementation when called from a coroutine, those
of the `offload-decorators` setting, and the project's own: a decorator whose wrapper hands
the function to `asyncio.to_thread`, `loop.run_in_executor` or `executor.submit`, itself or
through a helper of the project that does, as appdaemon's `executor_decorator` does); calls handed to a thread
(`asyncio.to_thread(helper)`); calls in lambdas and nested functions, unless the coroutine
hands the function to one of the project that calls it itself (`await retry(load)` or
`timed(functools.partial(load, path))` where `retry` or `timed` calls `operation()`, not
awaited; a lambda counts when its body is one call of a function of the project or one
blocking call, `lambda: load(path)`, `lambda: requests.get(url)`); functions of the
standard library and installed packages (the catalog speaks for those). Nor is a chain
whose only blocking call reads the working directory (`os.getcwd()`, `os.path.abspath()`,
`relpath()`, `Path.cwd()`, `absolute()`): one system call answered from memory, or none for
a path that is absolute already; written in the coroutine itself, such a call is reported.
A suppression comment on the blocking call inside the helper silences the chains through it. The fix for
such a call is the unsafe offload: `await asyncio.to_thread(load_config, path)` (or trio's and
anyio's `to_thread.run_sync`), where "Fix safety" says it applies.

Some frameworks run code on the event loop that no coroutine of the file calls: Home
Assistant constructs config and options flows (subclasses of `ConfigFlow`, `OptionsFlow`,
`FlowHandler`) on its loop, so blocking calls in their `__init__`, direct or through
helpers, are reported too, with the framework's remedy (`await
self.hass.async_add_executor_job(...)` in an async step) and no fix: `__init__` cannot
await. Others step coroutines themselves, one at a time, with no event loop: the coroutines
of a module that imports ESPHome's code generator (`esphome.codegen`, whose components write
`to_code` as `async def` only to order the generation) block no other task and are not
checked."""


PEERS_HEADING = "Differences from flake8-async and ruff"
PEERS_PARAGRAPH = """\
flake8-async, and ruff's ASYNC rules that follow it, match a call by how it is spelled in the
one file they read. conclint resolves names through the file's imports: a module that is never
imported is not reported (`requests.get(url)` without `import requests`), an alias or a
`from ... import` is, and a local name that shadows a library one is not. It also follows calls
into helpers and into other modules of the project, which the peers do not. A call that is
awaited is not reported (what it returns is awaitable, so it is not the sync call the rule
means), also when the `await` receives its value through `:=`, a conditional, `or` or `and`
(`await (cached or fetch())`), which flake8-async reports and lists as known false alarms. flake8-async's ASYNC200 (calls you configure) is `extend-blocking-calls` here (CCL110),
which takes qualified names (`mypkg.db.query`, or `mypkg.client.Client.*` for every public
method) where ASYNC200 takes patterns of the text (`*session.get`).
`bench/peer_suites.py` runs both peers' test suites against conclint and lists these
differences apart from the misses."""


OFFLOAD_OPTION = """\
- `offload-decorators`: qualified names of your own decorators that run the decorated
  function on a thread (`["mylib.run_in_thread"]`); calls of functions they decorate are not
  followed."""


OFFLOAD_FIX_PARAGRAPH = """\
Unsafe fix (`--unsafe-fixes`): the unchanged call moves to a worker thread, `await
asyncio.to_thread(f, ...)`, or `await trio.to_thread.run_sync(f, ...)` / `await
anyio.to_thread.run_sync(f, ...)` (through `functools.partial` when there are keyword
arguments), for the library the module imports, importing it if needed. A call returning a
lazy iterator (`Path.glob`, `iterdir`, `os.scandir`, `os.walk`, a generator helper) moves with
what consumes it, `await asyncio.to_thread(list, path.glob("*"))`, when that is `list()`,
`sorted()` and the like or a `for` loop; kept in a name it gets no edit, since its iteration
would still read on the loop. A helper call gets no edit when it constructs an object, or
when a function of its chain must run on the loop's thread: it calls the loop's APIs
(`asyncio.get_running_loop()`, `loop.call_soon`, `create_task`) or sets attributes of objects
it was given (`self.x = ...`, as UI widgets do). Nor when the edit alone would not compile
(a call already awaited). No fix is offered when the library is unclear (neither or both of
asyncio and trio imported, anyio aside), inside a comprehension, or when the name the fix
needs means something else there. The suggestion stays, in words, wherever there is no edit."""


class BlockingCallInCoroutine(Rule):
    """Abstract: reports calls of `CATEGORY` made directly in a coroutine and not awaited."""

    CATEGORY: ClassVar[Category]
    MESSAGE = "{call} blocks the event loop; use {replacement} instead"
    # A coroutine is an `async def`.
    REQUIRED_TOKENS = (b"async",)
    REQUIRED_PATTERN = COROUTINE
    # Calls of helper functions that block are found through the function summaries.
    USES_SUMMARIES = True

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """Every CCL1 page also says how calls of blocking helpers are reported, and its
        "Fix safety" has the offload fix's shared words where it writes `{offload_fix}`."""
        sections = super().doc_sections()
        if "What it does" in sections:
            sections["What it does"] += "\n\n" + HELPERS_PARAGRAPH
        if "Fix safety" in sections:
            sections["Fix safety"] = sections["Fix safety"].replace("{offload_fix}", OFFLOAD_FIX_PARAGRAPH)
        if "Options" in sections:
            sections["Options"] += "\n" + OFFLOAD_OPTION
        own = sections.get(PEERS_HEADING)
        sections[PEERS_HEADING] = PEERS_PARAGRAPH + ("\n\n" + own if own else "")
        return sections

    def __init__(self, facts: FileFacts, settings: Settings) -> None:
        super().__init__(facts, settings)
        # (index in self.reports, coroutine) of the direct findings of an OWN_LOOP_SILENT rule.
        self._in_coroutines: list[tuple[int, str]] = []

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.facts
        if not facts.on_event_loop:
            constructed = facts.loop_constructor
            if constructed is not None:
                self._in_loop_constructor(node, facts.blocking_call(node), constructed)
            return
        if facts.is_awaited(node):
            facts.note_awaited_offload(node)
            return
        match = facts.blocking_call(node)
        if match is None and self.CATEGORY is Category.WAIT:
            match = _consumed_results(facts, node)
        if match is not None and match.entry.category is self.CATEGORY:
            self._report_in_coroutine(node, match)

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            return
        if not self.facts.on_event_loop:
            constructed = self.facts.loop_constructor
            if constructed is not None:
                for item in node.items:
                    self._in_loop_constructor(item.item, self.facts.blocking_with_item(item), constructed)
            return
        for item in node.items:
            match = self.facts.blocking_with_item(item)
            if match is None and self.CATEGORY is Category.WAIT:
                match = _exit_waits(self.facts, item, node)
            if match is not None and match.entry.category is self.CATEGORY:
                self._report_in_coroutine(item.item, match)

    def visit_For(self, node: cst.For) -> None:
        """`for r in executor.map(f, xs):` waits for each result on the loop's thread."""
        if self.CATEGORY is Category.WAIT and node.asynchronous is None and self.facts.on_event_loop:
            self._report_iterated(node.iter)

    def _comprehension(self, node: cst.ListComp | cst.SetComp | cst.DictComp) -> None:
        """`[r for r in executor.map(f, xs)]` is built at once (not a generator expression)."""
        if self.CATEGORY is Category.WAIT and node.for_in.asynchronous is None and self.facts.on_event_loop:
            self._report_iterated(node.for_in.iter)

    visit_ListComp = visit_SetComp = visit_DictComp = _comprehension

    def _report_iterated(self, iterable: cst.BaseExpression) -> None:
        if not isinstance(iterable, cst.Call):
            return
        name = self.facts.qualified_name(iterable.func)
        entries = WAITS_WHEN_CONSUMED.get(name) if name is not None else None
        if entries is not None:
            display = f"`{_callee(iterable, name)}()` (iterating its results)"
            self._report_in_coroutine(iterable, BlockingMatch(entries[1], display))

    def _report_in_coroutine(self, node: cst.CSTNode, match: BlockingMatch) -> None:
        """Report a direct call; where the rule is silent on a loop of the coroutine's own,
        remember which coroutine it is in, for leave_Module to decide once the module is known."""
        if self.CATEGORY.value in OWN_LOOP_SILENT:
            self._in_coroutines.append((len(self.reports), self.facts.scope.qualname))
        self._report(node, match)

    def _on_own_loop(self, coroutine: str) -> bool:
        return _silent(self.CATEGORY.value, coroutine, self.facts)

    def leave_Module(self, node: cst.Module) -> None:
        """Drop the direct findings made in coroutines on a loop of their own, and those on a
        lazy call whose iterator a thread consumes, then report calls of helpers that block. A call whose chains reach several categories is one
        finding, by the rule of the first category (in catalog order) that is selected and
        not silent there; the other categories are named in its message."""
        if self._in_coroutines:
            dropped = {index for index, coroutine in self._in_coroutines if self._on_own_loop(coroutine)}
            self.reports = [report for index, report in enumerate(self.reports) if index not in dropped]
        # A lazy call bound to a name before an awaited offload handed the name to a thread.
        self.reports = [report for report in self.reports if not self.facts.iterated_in_thread(report.node)]
        category = self.CATEGORY.value
        if self.facts.stepped_coroutines:
            return
        for call, chains in helper_chains(self.facts):
            if category not in chains or self._on_own_loop(call.scope.qualname):
                continue
            selected = self.facts.helper_categories
            reporting = [
                c.value
                for c in Category
                if c.value in chains and c.value in selected and not _silent(c.value, call.scope.qualname, self.facts)
            ]
            if reporting and reporting[0] == category:
                others = [chains[name] for name in reporting[1:]]
                self._report_helper(call, chains[category], others)

    def _report_helper(self, call: CoroutineCall, chain: HelperChain, others: list[HelperChain] = []) -> None:
        facts = self.facts
        library = facts.library
        called = call.called(facts.module)
        # What runs in the worker thread: the function, or a lambda reading the property.
        shown = f"lambda: {called}" if call.reads_property else called.removesuffix("()")
        entry = facts.catalog.lookup(chain.callee)
        native = entry.remedy.for_library(library) if entry is not None else None
        first = chain.chain[0]
        constructed = call.constructed
        if constructed is not None:
            suggestion = f"{constructed.reason}: move the call out of `__init__`, to {constructed.remedy}"
            advice = f"use {constructed.remedy}"
        elif chain.through_argument:
            suggestion = (
                f"`{first}` calls the function it is given on the event loop's thread: give it one that does not "
                f"block, or make `{first}` run it in a worker thread ({OFFLOAD[library].format(call='function')})"
            )
            advice = f"give `{short_name(first)}` a function that does not block"
        else:
            arguments = not call.reads_property and (not isinstance(call.node, cst.Call) or bool(call.node.args))
            suggestion = f"Run it in a worker thread: {offload_text(library, shown, arguments)}"
            advice = "run it in a worker thread"
            if native is not None:
                suggestion += f"; or make `{first}` a coroutine that uses {native}"

        def message(line_of: LineOf) -> str:
            """Short, for the one-line view: what blocks, what to do, the chain it blocks
            through (cut when long; the finding's `chain` has every link)."""
            text = f"`{called}` blocks the event loop ({advice}) {chain.explain(line_of)}"
            also = "; ".join(f"{other.shown} ({other.where(line_of)})" for other in others)
            return f"{text}; it also calls {also}" if also else text

        self.report(
            call.node,
            message,
            suggestion=suggestion + ".",
            statement=call.statement,
            origin=chain.node,
            helper_chain=chain.links,
            fix=(lambda: helper_call_fix(facts, call, chain, self.settings.target_version)) if constructed is None else None,
        )

    def _in_loop_constructor(self, node: cst.CSTNode, match: BlockingMatch | None, constructed: LoopConstructed) -> None:
        """A blocking call in the `__init__` of a class a framework constructs on its event
        loop (`knowledge/frameworks.py`): reported with the framework's remedy and no fix,
        since `__init__` cannot await."""
        if match is None or match.entry.category is not self.CATEGORY:
            return
        call = _quoted(match)
        self.report(
            node,
            suggestion=f"{constructed.reason}: move {call} out of `__init__`, to {constructed.remedy}.",
            call=call,
            replacement=f"{constructed.remedy} ({constructed.reason})",
        )

    def _report(self, node: cst.CSTNode, match: BlockingMatch) -> None:
        library = self.facts.library
        entry = match.entry
        replacement = entry.replacement(library, match.callee, match.arguments)
        call = _quoted(match)
        suggestion = f"Replace {call} with {replacement}"
        if match.callee is not None and entry.remedy.offloadable:
            offload = entry.offload(library, match.callee, match.arguments)
            if replacement != offload:
                suggestion += f", or run it in a worker thread: {offload}"
        fix = blocking_fix(self.facts, node, match, self.settings.target_version)
        self.report(node, suggestion=suggestion + ".", call=call, replacement=replacement, fix=fix)


def _quoted(match: BlockingMatch) -> str:
    """How a finding names the call: its display, in backquotes unless it has them."""
    return match.display if match.display.startswith("`") else f"`{match.display}`"


def _consumed_results(facts: FileFacts, call: cst.Call) -> BlockingMatch | None:
    """`list(executor.map(f, xs))`: consuming the iterator waits for every result (a bare
    `executor.map(...)` only submits the work, and is not reported)."""
    if not call.args or call.args[0].star or facts.qualified_name(call.func) not in CONSUMERS:
        return None
    inner = call.args[0].value
    name = facts.qualified_name(inner.func) if isinstance(inner, cst.Call) else None
    entries = WAITS_WHEN_CONSUMED.get(name) if name is not None else None
    if entries is None:
        return None
    assert isinstance(inner, cst.Call)
    consumer = dotted_name(call.func) or "list"
    return BlockingMatch(entries[0], f"`{consumer}({_callee(inner, entries[0].qualname)}(...))`")


def _exit_waits(facts: FileFacts, item: cst.WithItem, block: cst.With) -> BlockingMatch | None:
    """`with ThreadPoolExecutor() as pool:` whose block never waits for its work: its exit
    calls `shutdown(wait=True)`, which waits on the loop's thread for the work submitted in
    the block. A block that awaits its work (`await loop.run_in_executor(pool, f)`) leaves
    none, and one that waits for it on the loop (`future.result()`, reported itself) leaves
    none either: a second finding would say nothing new."""
    symbol = facts.resolve(item.item)
    if symbol is None or not symbol.instance or symbol.local:
        return None
    entry = WAITS_ON_EXIT.get(symbol.qualname)
    if entry is None or _waits_for_work(facts, block.body):
        return None
    text = facts.module.code_for_node(item).strip().rstrip(",").strip()
    shown = f"`with {text}:`" if len(text) <= 60 and "\n" not in text else f"`with` on a {symbol.qualname}"
    return BlockingMatch(entry, f"{shown} (its exit waits for the work)")


def _waits_for_work(facts: FileFacts, block: cst.CSTNode) -> bool:
    """Whether `block` awaits anything itself, or waits for the work of an executor on the
    loop's thread (`future.result()`, `list(pool.map(...))`): nested functions and classes
    aside."""
    stack: list[cst.CSTNode] = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Await) or (isinstance(node, (cst.For, cst.With, cst.CompFor)) and node.asynchronous is not None):
            return True
        if isinstance(node, cst.Call) and (_waits(facts.blocking_call(node)) or _consumed_results(facts, node) is not None):
            return True
        if not isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            stack.extend(node.children)
    return False


def _waits(match: BlockingMatch | None) -> bool:
    return match is not None and match.entry.category is Category.WAIT


def _callee(call: cst.Call, qualname: str) -> str:
    """How the source names a method (`pool.map`), or its type's short name."""
    text = dotted_name(call.func)
    return text if text and len(text) <= 40 else short_name(qualname)


# Silent in a coroutine that only ever runs on a loop of its own in another thread
# (conclint.analysis.own_loops): sleeping, waiting or computing there holds up that thread only.
OWN_LOOP_SILENT = frozenset({Category.SLEEP.value, Category.WAIT.value, Category.COMPUTATION.value})


def _silent(category: str, coroutine: str, facts: FileFacts) -> bool:
    summaries = facts.summaries
    return category in OWN_LOOP_SILENT and summaries is not None and coroutine in summaries.own_loop_coroutines
