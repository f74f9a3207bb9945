"""FileFacts: the shared analysis of one file, built during the single batched traversal.

It runs first in the batch, so when a rule's `visit_X` sees a node, the facts describe that
node's context: the scope names resolve in, whether the code runs in a coroutine or at import
time, and which statement holds it. Answers that several rules ask for (what a call
resolves to, whether it blocks) are computed once per node and remembered.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

import libcst as cst

from conclint.analysis.brief_locks import briefly_held
from conclint.analysis.guards import Scalar, context_vars_set_at_import, main_guard_branch, module_constants, module_literals, never_taken_branch
from conclint.analysis.dispatch import call_argument
from conclint.analysis.flow import assigned_here, reaching_binding
from conclint.analysis.library import async_library, stepped_by
from conclint.analysis.nonblocking import catches_nonblocking_errors, nonblocking_handles
from conclint.analysis.scopes import (
    Scope,
    bind_parameters,
    bind_target,
    collect_bindings,
    dotted_name,
    global_assignments,
    instance_attributes,
    is_instance_method,
    is_none,
    last_name,
    loop_binding,
    walrus_scopes,
)
from conclint.analysis.symbols import Symbol, member_of, resolve
from conclint.core.settings import Settings
from conclint.syntax.traversal import CachedVisitorMethods, nodes_within
from conclint.knowledge.blocking import (
    BRIEFLY_HELD_TYPES,
    DATA_URI_OPENERS,
    DATA_URI_PREFIX,
    DATA_URI_RESPONSE,
    NULL_DEVICE_NAMES,
    NULL_DEVICE_PATHS,
    PATH_CLASSES,
    STREAM_FUNCTIONS,
    STREAM_WRAPPING_OPENERS,
    THREAD_OFFLOAD,
    BlockingCall,
    BlockingCatalog,
    Category,
    blocking_catalog,
)
from conclint.knowledge.frameworks import LOOP_CONSTRUCTED, LoopConstructed
from conclint.knowledge.offloading import CONSUMERS, LAZY_CALLS, OFFLOAD_FUNCTIONS
from conclint.knowledge.processes import ENDS_PROCESS, SELF_SIGNAL
from conclint.knowledge.receivers import receiver_imports
from conclint.knowledge.types import FILE_METHOD_PREFIX, IN_MEMORY_STREAMS

if TYPE_CHECKING:
    from conclint.analysis.project_index import ProjectView
    from conclint.analysis.summary_collector import SummaryCollector


@dataclass(frozen=True)
class Frame:
    """One level of execution context: the module, a class body, a function or a lambda."""

    kind: str  # "module", "class", "function", "lambda"
    is_async: bool
    node: cst.CSTNode | None
    # The `__init__` of a class a framework constructs on its event loop: that fact.
    on_loop: LoopConstructed | None = None


@dataclass(frozen=True)
class BlockingMatch:
    """A call (or `with` item) that blocks, and the catalog entry that says so."""

    entry: BlockingCall
    display: str
    # How the source names the callable (`session.get`), for "run it in a worker thread"
    # advice; None when the blocking operation is not a call (a `with` statement).
    callee: str | None = None
    # Whether the call passes arguments: the advice writes `, ...` for them only then.
    arguments: bool = True


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
# Statements after which the rest of their block never runs.
_ENDS_BLOCK = (cst.Raise, cst.Return, cst.Continue, cst.Break)  # and calls that end the process (`_ends_process`)


# Offloading calls that may take a consumer and a lazy iterator: `to_thread(list, it)`.
OFFLOADS_WITH_CONSUMER = frozenset(OFFLOAD_FUNCTIONS.values())


def _awaited_values(expression: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """What an `await` may receive: its expression, or any branch of a conditional
    (`await (a() if x else b())`), an assignment expression or a boolean operation
    (`await (cached or fetch())`) that gives its value."""
    pending = [expression]
    while pending:
        value = pending.pop()
        if isinstance(value, cst.NamedExpr):
            pending.append(value.value)
        elif isinstance(value, cst.IfExp):
            pending.extend((value.body, value.orelse))
        elif isinstance(value, cst.BooleanOperation):
            pending.extend((value.left, value.right))
        else:
            yield value


# The tests whose truth a literal or a module flag may decide (`guards.never_taken_branch`):
# the others (comparisons, calls, attributes) are not looked into.
_DECIDABLE_TESTS = frozenset({cst.Name, cst.Integer, cst.UnaryOperation, cst.BooleanOperation})

class FileFacts(CachedVisitorMethods, cst.BatchableCSTVisitor):
    """Tracks scopes and execution context during the traversal; answers rules' questions."""

    def __init__(
        self,
        module: cst.Module,
        settings: Settings,
        module_name: str = "",
        source: str | bytes = b"",
        project: ProjectView | None = None,
    ) -> None:
        super().__init__()
        self.module = module
        self._brief_locks: dict[int, frozenset[str]] = {}  # per class or module node
        self.module_name = module_name
        self.settings = settings
        self.catalog: BlockingCatalog = blocking_catalog(settings.extend_blocking_calls)
        # Whether `extend-blocking-calls` names functions or methods of this module
        # (`mypkg.db.query`, `mypkg.db.Client.*`): a call of one here blocks as much as one
        # made from another module.
        prefix = f"{module_name}."
        self.configured_here = bool(module_name) and any(name.startswith(prefix) for name, _ in settings.extend_blocking_calls)
        self.module_scope = Scope("module", "", None, module)
        self.module_scope.walrus = walrus_scopes(source)
        if project is not None:
            # Only an index can say what other modules' factories and globals hold: without
            # one, resolution does not even look for such receivers.
            self.module_scope.returns_of = self._project_returns
            self.module_scope.global_of = self._project_global
        collect_bindings(self.module_scope, module.body, module_name)
        self.library = async_library(self.module_scope)
        # Why no event loop runs the module's coroutines (a framework steps them), or "".
        self.stepped_coroutines = stepped_by(self.module_scope)
        self.scope = self.module_scope
        self.frames: list[Frame] = [Frame("module", False, module)]
        self.statements: list[cst.CSTNode] = []
        # Per open block (the module's body, then each indented block): whether one of its
        # statements ended it (`raise`, `return`, `continue`, `break`), and how many open
        # blocks are past such a statement: what follows there never runs.
        self._ended: list[bool] = [False]
        # Per open block: a `while ... poll() is None:` loop has ended in it (REAPS_EXITED).
        self._polled_exit: list[bool] = [False]
        self._dead_blocks = 0
        self._shadowed_handlers: dict[int, bool] = {}
        self._open_tries: list[cst.Try] = []
        self.main_guard_depth = 0
        self._awaited: set[int] = set()
        # What each expression denotes, by the expression and the scope it was read in: the
        # rules ask about the same callee one after the other (a third of a run's lookups).
        self._resolved: dict[tuple[int, int], tuple[Scope, Symbol | None]] = {}
        # Handles set non-blocking in this module, and how many `try` bodies catching
        # BlockingIOError the traversal is in (conclint.analysis.nonblocking).
        self.source_bytes = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
        self.nonblocking_handles = nonblocking_handles(self.source_bytes)
        self._nonblocking_tries = 0
        self._tries: list[bool] = []  # per open `try` body: does it catch BlockingIOError?
        # The blocking categories whose rules run (the engine narrows it to the selected
        # ones), so a helper call reaching several is reported once, by the first of them.
        self.helper_categories: frozenset[str] = frozenset(category.value for category in Category)
        self._blocking: dict[int, BlockingMatch | None] = {}
        # Lazy calls whose iterator a worker thread consumes (see _consumed_in_thread).
        self._iterated_in_thread: set[int] = set()
        # Function summaries, when a selected rule uses them: the engine sets the collector,
        # which runs right after these facts; complete from its `leave_Module` on.
        self.summaries: SummaryCollector | None = None
        # The rest of the project, when the linter runs over files on disk (the CLI): lets
        # rules follow calls into functions of other modules. None for a lone source.
        self.project = project
        # `_project_global`'s answers: a module reads the same globals many times.
        self._globals_asked: dict[tuple[str, str], tuple[str, str] | None] = {}
        # Whether the index told a type this module's text does not: another module's
        # function returns it or its global holds it. The summary made here then depends on
        # those modules too, and is not the one the index makes from this text alone.
        self.typed_by_project = False
        # The module's constants, once an `if` tests a name or a call passes one (`constants`).
        self._module_constants: dict[str, Scalar] | None = None
        self._module_literals: dict[str, Scalar | None] | None = None
        self._context_vars_set: frozenset[str] | None = None
        self._module_flags: dict[str, bool] | None = None

    # ----- questions rules ask -------------------------------------------------------------

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    @property
    def in_coroutine(self) -> bool:
        """True when the nearest enclosing function is `async def` (lambdas, nested defs and
        class bodies break the chain; comprehensions do not)."""
        frame = self.frames[-1]
        return frame.is_async and frame.kind == "function"

    @property
    def on_event_loop(self) -> bool:
        """In a coroutine that an event loop runs: `in_coroutine`, in a module whose
        coroutines no framework steps by itself (`stepped_coroutines`)."""
        return not self.stepped_coroutines and self.in_coroutine

    @property
    def loop_constructor(self) -> LoopConstructed | None:
        """The framework fact when the nearest enclosing function is the `__init__` of a class
        whose base a framework constructs on its event loop (a Home Assistant `ConfigFlow`):
        that body runs on the loop though nothing in the file calls it from a coroutine."""
        return self.frames[-1].on_loop

    @property
    def at_import_time(self) -> bool:
        """True for module-level code (not in a def or class body) outside a `__main__` guard."""
        return len(self.frames) == 1 and self.main_guard_depth == 0

    @property
    def unreachable(self) -> bool:
        """True after a `raise`, `return`, `continue` or `break` of the same block or of an
        enclosing one, or a call that ends the process (`sys.exit()`, `os.kill(os.getpid(),
        sig)`): code left there (`raise NotImplementedError` above an old body) never runs,
        so nothing in it is reported."""
        return self._dead_blocks > 0

    @property
    def current_statement(self) -> cst.CSTNode | None:
        return self.statements[-1] if self.statements else None

    def is_awaited(self, node: cst.CSTNode) -> bool:
        return id(node) in self._awaited

    def resolve(self, expression: cst.CSTNode) -> Symbol | None:
        """What `expression` denotes in the current scope (the scope's bindings and the flow
        that picks one are fixed once the scope is made, so the answer is remembered)."""
        scope = self.scope
        found = self._resolved.get((id(expression), id(scope)))
        if found is None:
            # The scope is kept with the answer, so that its id is not reused while remembered.
            found = self._resolved[(id(expression), id(scope))] = (scope, resolve(expression, scope))
        return found[1]

    def qualified_name(self, expression: cst.CSTNode) -> str | None:
        """The library name an expression refers to (`time.sleep`), or None."""
        symbol = self.resolve(expression)
        if symbol is None or symbol.local or symbol.instance:
            return None
        return symbol.qualname

    def blocking_call(self, call: cst.Call) -> BlockingMatch | None:
        """The catalog entry when `call` blocks the thread, else None (remembered per node)."""
        key = id(call)
        if key in self._blocking:
            return self._blocking[key]
        match = None
        name = self.qualified_name(call.func) or self._called_instance(call.func) or self._configured_here_name(call.func)
        if name is not None and id(call) not in self._iterated_in_thread:
            entry = self.catalog.lookup(name) or self._stream_entry(name, call)
            if (
                entry is not None
                and not _made_nonblocking(entry, call)
                and not self._on_nonblocking_handle(entry, call)
                and not self._on_null_device(entry, call)
                and not self._opens_data_uri(entry, call)
                and not self._wraps_memory_stream(entry, call)
                and not self._put_on_unbounded_queue(entry, call)
                and not self._get_after_not_empty(entry, call)
                and not (entry.qualname in FRESH_LOCK_WAITS and isinstance(call.func, cst.Attribute) and self._made_just_before(call.func.value))
                and not (entry.qualname in REAPS_EXITED and self._polled_exit[-1])
            ):
                callee = self._callee_text(call.func, name)
                match = BlockingMatch(entry, f"{callee}()", callee, bool(call.args))
        self._blocking[key] = match
        return match

    def member_blocking(self, type_name: str, method: str) -> tuple[str, str] | None:
        """(catalog name, category) when `method` of an instance of the library type
        `type_name` blocks (`requests.Session`, `get`), else None: for a method a function
        calls on a parameter, where a caller passed such an instance. Only the catalog's exact
        names count: whether a call was made non-blocking (`sock.setblocking(False)`) is
        not known there, so the names that only a mode makes blocking are left out."""
        member = member_of(Symbol(type_name, instance=True), method)
        if member is None or member.local or member.instance:
            return None
        entry = self.catalog.exact.get(member.qualname)
        if entry is None or entry.nonblocking or entry.qualname in EXEMPT_BY_OWN_CODE:
            return None
        return entry.qualname, entry.category.value

    def _stream_entry(self, name: str, call: cst.Call) -> BlockingCall | None:
        """`json.load(f)`, `pickle.dump(x, f)`: a function that reads or writes the stream it
        is handed blocks as that stream's method does (`STREAM_FUNCTIONS`), in its category,
        and is offloaded whole."""
        for argument in STREAM_FUNCTIONS.get(name, ()):
            stream = call_argument(call, argument.position, argument.keyword)
            if stream is None:
                continue
            # A node made here, so resolved without the per-node memo of `self.resolve`.
            method = resolve(cst.Attribute(value=stream, attr=cst.Name(argument.method)), self.scope)
            entry = self.catalog.lookup(method.qualname) if method is not None and not (method.local or method.instance) else None
            if entry is not None:
                return BlockingCall(name, entry.category, THREAD_OFFLOAD)
        return None

    def note_awaited_offload(self, offload: cst.Call) -> None:
        """`await to_thread(list, path.glob("*"))`: the lazy call only makes the iterator, which
        the thread consumes, so it is not a blocking call. Called by the rules for each awaited
        call (parents are visited before their arguments). The lazy call may also be bound
        to a local name first (`found = path.glob("*")`); visited by then, a rule drops what
        it reported there (`iterated_in_thread`)."""
        args = offload.args
        if len(args) != 2 or any(arg.keyword or arg.star for arg in args):
            return
        lazy = args[1].value
        if isinstance(lazy, cst.Name):
            lazy = assigned_here(lazy, self.scope)  # type: ignore[assignment]
        if not isinstance(lazy, cst.Call):
            return
        if id(lazy) in self._iterated_in_thread or self.qualified_name(offload.func) not in OFFLOADS_WITH_CONSUMER:
            return
        if self.qualified_name(args[0].value) in CONSUMERS and self.qualified_name(lazy.func) in LAZY_CALLS:
            self._iterated_in_thread.add(id(lazy))

    def iterated_in_thread(self, node: cst.CSTNode) -> bool:
        """Whether `node` is a lazy call whose iterator an awaited offload hands a thread."""
        return id(node) in self._iterated_in_thread

    def _on_null_device(self, entry: BlockingCall, call: cst.Call) -> bool:
        """A file call on the null device: `open(os.devnull)`, `Path("/dev/null").open()`."""
        if entry.category is not Category.FILE:
            return False
        func = call.func
        if entry.qualname.startswith("pathlib.") and isinstance(func, cst.Attribute):
            opened = func.value
            if not isinstance(opened, cst.Call) or len(opened.args) != 1 or self.qualified_name(opened.func) not in PATH_CLASSES:
                return False  # `Path(os.devnull, "x")` is a path under it
            call = opened
        path = call_argument(call, 0, None)
        if path is None:
            return False
        if isinstance(path, cst.SimpleString):
            return path.evaluated_value in NULL_DEVICE_PATHS
        return self.qualified_name(path) in NULL_DEVICE_NAMES

    def _opens_data_uri(self, entry: BlockingCall, call: cst.Call) -> bool:
        """`urlopen()` of a `data:` URI, decoded in memory, and the reads of the response it
        returns (`with urlopen(uri) as response: response.read()`)."""
        if entry.qualname in DATA_URI_OPENERS:
            return self._data_uri_argument(call)
        if not entry.qualname.startswith(DATA_URI_RESPONSE):
            return False
        opener = self._opener_of(call)
        return opener is not None and self.qualified_name(opener.func) in DATA_URI_OPENERS and self._data_uri_argument(opener)

    def _wraps_memory_stream(self, entry: BlockingCall, call: cst.Call) -> bool:
        """`gzip.open(buffer, "wb")` of an in-memory stream (`buffer = io.BytesIO()`), and the
        reads and writes of what it returns: compression in memory, no file."""
        if entry.qualname in STREAM_WRAPPING_OPENERS:
            opener: cst.Call | None = call
        elif entry.qualname.startswith(FILE_METHOD_PREFIX):  # what the openers return is a file
            opener = self._opener_of(call)
        else:
            return False
        if opener is None or self.qualified_name(opener.func) not in STREAM_WRAPPING_OPENERS:
            return False
        stream = self._made_by(call_argument(opener, 0, "filename"))
        return stream is not None and self.qualified_name(stream.func) in IN_MEMORY_STREAMS

    def _data_uri_argument(self, call: cst.Call) -> bool:
        """The URI `call` opens is a `data:` one: a literal, or a parameter the function turned
        away before unless it starts with `data:` (hikari's `Bytes.from_data_uri`) or tested
        to start with it (`if value.startswith("data:"):`, agno's `_decode_base64`)."""
        uri = call_argument(call, 0, "url")
        if isinstance(uri, cst.SimpleString):
            value = uri.evaluated_value
            return isinstance(value, str) and value.startswith(DATA_URI_PREFIX)
        scope = self.scope
        if not isinstance(uri, cst.Name) or scope.kind != "function" or not isinstance(scope.node, cst.FunctionDef):
            return False
        binding = scope.bindings.get(uri.value)
        if binding is None or binding.kind != "param" or uri.value in scope.rebound:
            return False
        if _in_data_uri_branch(scope.node, call, uri.value):
            return True
        for statement in scope.node.body.body:
            if _turns_away_other_than_data_uris(statement, uri.value):
                return True
            if any(found is call for found in nodes_within(statement, (cst.Call,))):
                return False
        return False

    def _opener_of(self, call: cst.Call) -> cst.Call | None:
        """The call that made the receiver of the method `call`: written in place
        (`urlopen(uri).read()`), or bound to a local of this function, also by `with ... as`."""
        func = call.func
        return self._made_by(func.value) if isinstance(func, cst.Attribute) else None

    def _made_by(self, node: cst.BaseExpression | None) -> cst.Call | None:
        """The call that made an object: written in place, or bound to a local of this
        function, also by `with ... as`."""
        if isinstance(node, cst.Name):
            binding = reaching_binding(node, self.scope)
            node = binding.node if binding is not None and binding.kind == "assign" and binding.scope is self.scope else None
        return node if isinstance(node, cst.Call) else None

    def _on_nonblocking_handle(self, entry: BlockingCall, call: cst.Call) -> bool:
        """File and socket calls on a handle set non-blocking, or made where the code
        catches BlockingIOError, return at once."""
        if entry.category not in (Category.NETWORK, Category.FILE):
            return False
        if self._nonblocking_tries:
            return True
        if not self.nonblocking_handles:
            return False
        func = call.func
        receiver = func.value if isinstance(func, cst.Attribute) else None
        handles = [receiver] if receiver is not None else []
        if call.args:
            handles.append(call.args[0].value)  # `os.read(fd, n)`
        return any(dotted_name(handle) in self.nonblocking_handles for handle in handles)

    def _put_on_unbounded_queue(self, entry: BlockingCall, call: cst.Call) -> bool:
        """`q.put(x)` never blocks when `q` was made without a positive `maxsize`
        (`queue.Queue()`, `LifoQueue(0)`), or is a `SimpleQueue`."""
        if entry.qualname not in UNBOUNDED_PUT_ENTRIES or not isinstance(call.func, cst.Attribute):
            return False
        made = self._constructors_of(call.func.value)
        return bool(made) and all(_unbounded_queue(expression, scope) for expression, scope in made)

    def _get_after_not_empty(self, entry: BlockingCall, call: cst.Call) -> bool:
        """`q.get()` in the block of `while not q.empty():` (or `if`), before any `await` of
        that block, or right after a `while q.empty():` loop that no `break` leaves: the
        queue held an item when the test ran, and no other task of this thread ran since to
        take it (semantic-kernel's and pyatv's drains, lilya's test client's receive)."""
        if entry.qualname not in GETS_AFTER_EMPTY_TEST or not isinstance(call.func, cst.Attribute):
            return False
        placed = self._place_in_block()  # None in the `else` branch
        if placed is None:
            return False
        block, earlier = placed
        queue = dotted_name(call.func.value)
        if earlier and _waits_until_not_empty(earlier[-1], queue):
            return True
        if not isinstance(block, (cst.If, cst.While)) or not _tests_not_empty(block.test, queue):
            return False
        return all(next(iter(nodes_within(statement, (cst.Await,))), None) is None for statement in earlier)

    def _place_in_block(self) -> tuple[cst.CSTNode, Sequence[cst.CSTNode]] | None:
        """The statement (`if`, `while`, `for`, `with`), function or module whose block holds
        the statement being visited, and the statements before it there; None when it sits
        elsewhere (an `else` branch, a `try` block)."""
        return next(self.blocks_around(), None)

    def blocks_around(self) -> Iterator[tuple[cst.CSTNode, Sequence[cst.CSTNode]]]:
        """From the statement being visited outwards, within its function or module: each
        statement (`if`, `while`, `for`, `with`), function or module whose block holds it or
        a statement around it, with the statements before that one there; it stops at one it
        cannot place (an `else` branch, a `try` block)."""
        statements = self.statements
        for level in range(len(statements) - 1, -1, -1):
            block = statements[level - 1] if level else self.scope.node
            body = block.body if isinstance(block, cst.Module) else getattr(getattr(block, "body", None), "body", ())
            index = next((i for i, inner in enumerate(body) if inner is statements[level]), None)
            if index is None:
                return
            yield block, body[:index]

    def _made_just_before(self, lock: cst.BaseExpression) -> bool:
        """`lock = threading.Lock()` as the statement right before the one that takes `lock`,
        in the same block: no other thread can hold a lock nothing has handed out yet
        (prefect's in-memory lock store takes each new lock before it stores it)."""
        if not isinstance(lock, cst.Name):
            return False
        placed = self._place_in_block()
        previous = placed[1][-1] if placed and placed[1] else None
        if not isinstance(previous, cst.SimpleStatementLine) or len(previous.body) != 1:
            return False
        assign = previous.body[0]
        return (
            isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and assign.targets[0].target.value == lock.value
            and isinstance(assign.value, cst.Call)
            and self.qualified_name(assign.value.func) in BRIEFLY_HELD_TYPES
        )

    def _constructors_of(self, receiver: cst.BaseExpression) -> list[tuple[cst.Call, Scope]]:
        """The calls that made `receiver`, with the scope each runs in: of a name assigned
        once, of `self.x`, or every call a global only annotated at module level is given in
        the functions that declare it `global` (rollbar's `_threads: queue.Queue`, made in
        `init()`); empty when that cannot be told."""
        if isinstance(receiver, cst.Name):
            binding = self.scope.lookup(receiver.value)
            if binding is not None and binding.kind == "assign" and isinstance(binding.node, cst.Call):
                return [(binding.node, self.scope)]
            if binding is not None and binding.kind == "param" and binding.scope is self.module_scope:
                values = global_assignments(self.module, receiver.value)
                if all(isinstance(value, cst.Call) for value in values):
                    return [(value, self.module_scope) for value in values if isinstance(value, cst.Call)]
            return []
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            binding = self.scope.lookup(receiver.value.value)
            class_scope = binding.scope if binding is not None and binding.kind == "self" else None
            if class_scope is None or not isinstance(class_scope.node, cst.ClassDef) or class_scope.parent is None:
                return []
            found = instance_attributes(class_scope.node, class_scope.parent).get(receiver.attr.value)
            if found is not None and isinstance(found[0], cst.Call):
                return [(found[0], found[1])]
        return []

    def visit_Try_body(self, node: cst.Try) -> None:
        catches = catches_nonblocking_errors(node)
        self._tries.append(catches)
        self._nonblocking_tries += catches

    def leave_Try_body(self, node: cst.Try) -> None:
        self._nonblocking_tries -= self._tries.pop()

    # An `except` clause an earlier clause of the same `try` always catches first never runs
    # (crawl4ai's second `except Exception` after a first one).
    def visit_Try(self, node: cst.Try) -> None:
        self._open_tries.append(node)

    def leave_Try(self, node: cst.Try) -> None:
        self._open_tries.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self._shadowed(node):
            self._dead_blocks += 1

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self._shadowed(node):
            self._dead_blocks -= 1

    def _shadowed(self, handler: cst.ExceptHandler) -> bool:
        found = self._shadowed_handlers.get(id(handler))
        if found is None:
            found = self._shadowed_handlers[id(handler)] = self._caught_before(handler)
        return found

    def _caught_before(self, handler: cst.ExceptHandler) -> bool:
        """Whether a clause before `handler` in its `try` catches everything it names: a bare
        `except:` or `except BaseException`, the same names, or `except Exception` before
        builtin exceptions derived from it."""
        statement = self._open_tries[-1] if self._open_tries else None
        if statement is None or handler.type is None:
            return False
        later = self._exception_names(handler.type)
        if later is None:
            return False
        for earlier in statement.handlers:
            if earlier is handler:
                return False
            if earlier.type is None:
                return True
            caught = self._exception_names(earlier.type)
            if caught is not None and all(_catches(caught, name) for name in later):
                return True
        return False

    def _exception_names(self, node: cst.BaseExpression) -> list[str] | None:
        elements = [element.value for element in node.elements] if isinstance(node, cst.Tuple) else [node]
        names = [self.qualified_name(element) for element in elements]
        return None if any(name is None for name in names) else names  # type: ignore[return-value]

    def _project_returns(self, qualname: str, method: str) -> tuple[str, bool] | None:
        """The library type the project function `qualname` of another module returns (or
        yields) and whether it is a generator, when that type may have a method `method`:
        asked of the index only if the function's module imports a library one of whose
        catalogued types has such a method (read off its text, before any summary)."""
        if self.project is None:
            return None
        imports = receiver_imports(method)
        if imports is None or not self.project.module_mentions(qualname, imports):
            return None
        summary = self.project.function(qualname)
        if summary is None or not summary.returns:
            return None
        self.typed_by_project = True
        return summary.returns, summary.is_generator

    def _project_global(self, qualname: str, method: str) -> tuple[str, str] | None:
        """What the global `qualname` of another module of the project holds, and its
        elements hold (types, "" where unknown), when `method` is called on it or on an
        element: asked of the index only if that module annotates the name at module level
        (`embeddings_model: Dict[str, EmbeddingsModel] = None`, which may name a class of
        the project), or imports a library one of whose catalogued types has such a method,
        as for `_project_returns`. Both are read off the module's text."""
        key = (qualname, method)
        if key not in self._globals_asked:
            self._globals_asked[key] = self._ask_global(qualname, method)
        held = self._globals_asked[key]
        self.typed_by_project |= held is not None
        return held

    def _ask_global(self, qualname: str, method: str) -> tuple[str, str] | None:
        if self.project is None or not self.project.is_project_module(qualname):
            return None
        names = self.project.module_text_names(qualname)
        if names is None:
            return None
        if qualname.rpartition(".")[2].encode() not in names.annotated:
            imports = receiver_imports(method)
            if imports is None or not self.project.module_mentions(qualname, imports):
                return None
        return self.project.global_type(qualname)

    def _configured_here_name(self, func: cst.BaseExpression) -> str | None:
        """`query()` or `self.fetch()` of this module's own function or method, when
        `extend-blocking-calls` names something of this module: its qualified name, for the
        catalog to say whether it is one of them."""
        if not self.configured_here:
            return None
        symbol = self.resolve(func)
        if symbol is None or not symbol.local or symbol.instance:
            return None
        return f"{self.module_name}.{symbol.qualname}"  # looked up in the catalog by the caller

    def _called_instance(self, func: cst.BaseExpression) -> str | None:
        """`classifier(text)` on an object of a library type: its `__call__` (a transformers
        pipeline, a spaCy language), for the catalog; None for anything else."""
        symbol = self.resolve(func)
        if symbol is None or symbol.local or not symbol.instance:
            return None
        return f"{symbol.qualname}.__call__"

    def blocking_with_item(self, item: cst.WithItem) -> BlockingMatch | None:
        """A sync `with` on a lock-like object blocks while acquiring it."""
        symbol = resolve(item.item, self.scope)
        if symbol is None or not symbol.instance or symbol.local:
            return None
        entry = self.catalog.lookup(f"{symbol.qualname}.__enter__")
        if entry is None or (symbol.qualname in BRIEFLY_HELD_TYPES and (self._briefly_held(item.item) or self._made_just_before(item.item))):
            return None
        text = self._short_source(item.item)
        display = f"`with {text}:`" if text else f"`with` on a {symbol.qualname}"
        return BlockingMatch(entry, display)

    def _briefly_held(self, lock: cst.BaseExpression) -> bool:
        """`self._lock` of a class, or a lock of the module, that every holder in the class
        or the module holds only for bookkeeping (conclint.analysis.brief_locks)."""
        spelling = dotted_name(lock)
        owner: cst.CSTNode | None = self.module
        if spelling.startswith(("self.", "cls.")):
            scope: Scope | None = self.scope
            while scope is not None and scope.kind != "class":
                scope = scope.parent
            owner = scope.node if scope is not None else None
        if not isinstance(owner, (cst.ClassDef, cst.Module)):
            return False
        found = self._brief_locks.get(id(owner))
        if found is None:
            found = self._brief_locks[id(owner)] = briefly_held(owner, self.module)
        return spelling in found

    def _callee_text(self, func: cst.BaseExpression, qualname: str) -> str:
        """Functions are named by their library name (`time.sleep`, whatever the alias);
        methods as the source writes them when their receiver is an object, named by a plain
        variable or attribute (`session.get`, not the made-up `requests.Session.get`) or made
        by a call (`Path(p).read_text`), so that advice such as `to_thread(session.get, ...)`
        is code that runs: `to_thread(Path(p).read_text)` still makes the path once, on the
        loop, and reads it on the thread. Long or multi-line receivers keep the type's name."""
        if qualname.endswith(".__call__"):
            return self._short_source(func) or _display(qualname)
        if isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Call):
                return self._short_source(func) or _display(qualname)
            text = dotted_name(func)
            if text and len(text) <= 40:
                receiver = resolve(func.value, self.scope)
                if receiver is not None and receiver.instance:
                    return text
        return _display(qualname)

    def _short_source(self, node: cst.CSTNode) -> str:
        """The source text of `node` when it fits on one short line, else ""."""
        text = self.module.code_for_node(node).strip()
        return text if len(text) <= 40 and "\n" not in text else ""

    # ----- traversal -----------------------------------------------------------------------

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        parent = self.scope
        scope = Scope("function", parent.child_qualname(node.name.value), parent, node, node.asynchronous is not None)
        self_scope = parent if parent.kind == "class" and is_instance_method(node) else None
        bind_parameters(scope, node.params, self_scope)
        collect_bindings(scope, node.body.body, self.module_name)
        on_loop = None
        if node.name.value == "__init__" and not scope.is_async and parent.kind == "class" and parent.parent is not None:
            assert isinstance(parent.node, cst.ClassDef)
            # The bases are evaluated where the class statement runs.
            on_loop = _loop_constructed(parent.node, parent.parent, 0)
        self._enter(scope, Frame("function", scope.is_async, node, on_loop))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._leave()

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        parent = self.scope
        scope = Scope("class", parent.child_qualname(node.name.value), parent, node)
        collect_bindings(scope, node.body.body, self.module_name)
        self._enter(scope, Frame("class", False, node))

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._leave()

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        scope = Scope("lambda", self.scope.child_qualname("<lambda>"), self.scope, node)
        bind_parameters(scope, node.params, None)
        self._enter(scope, Frame("lambda", False, node))

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._leave()

    def _enter(self, scope: Scope, frame: Frame) -> None:
        self.scope = scope
        self.frames.append(frame)

    def _leave(self) -> None:
        self.frames.pop()
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    # Comprehensions get a scope for their loop variables but keep the execution frame.
    def _enter_comprehension(self, node: cst.BaseComp) -> None:
        scope = Scope("comprehension", self.scope.qualname, self.scope, node)
        clause: cst.CompFor | None = node.for_in
        outer = self.scope  # the first iterable is evaluated outside the comprehension
        while clause is not None:
            bind_target(scope, clause.target, loop_binding(clause.target, clause.iter, outer, clause.asynchronous is not None))
            outer = scope
            clause = clause.inner_for_in
        self.scope = scope

    def _leave_comprehension(self, node: cst.BaseComp) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _enter_comprehension
    leave_ListComp = leave_SetComp = leave_DictComp = leave_GeneratorExp = _leave_comprehension

    def visit_Await(self, node: cst.Await) -> None:
        """An awaited call, and the calls its receiver is made of (`await r.ft().create()`):
        awaiting a method of what a sync call returned works only if that object is async,
        so the receiver is not the sync type its name or annotation suggests."""
        for expression in _awaited_values(node.expression):
            self._awaited.add(id(expression))
            while isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
                expression = expression.func.value
                if isinstance(expression, cst.Call):
                    self._awaited.add(id(expression))

    # Statements: remembered so a suppression comment on a statement's first line counts.
    def _push_statement(self, node: cst.CSTNode) -> None:
        self.statements.append(node)

    def _pop_statement(self, node: cst.CSTNode) -> None:
        self.statements.pop()

    visit_SimpleStatementLine = visit_If = visit_While = visit_For = visit_With = _push_statement
    leave_If = leave_While = leave_For = leave_With = _pop_statement

    def leave_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statements.pop()
        if not self._ended[-1] and any(isinstance(small, _ENDS_BLOCK) or self._ends_process(small) for small in node.body):
            self._ended[-1] = True
            self._dead_blocks += 1

    def _ends_process(self, statement: cst.BaseSmallStatement) -> bool:
        """`sys.exit(1)`, `os._exit(0)`, `os.kill(os.getpid(), signal.SIGKILL)` as a
        statement of a function: what follows in its block never runs
        (knowledge.processes.ENDS_PROCESS). At module level the rules that judge the whole
        module when it ends (CCL302) still need to see it reachable."""
        if len(self.frames) == 1 or not isinstance(statement, cst.Expr) or not isinstance(statement.value, cst.Call):
            return False
        call = statement.value
        name = self.qualified_name(call.func)
        if name in ENDS_PROCESS:
            return True
        first = call.args[0].value if call.args and call.args[0].keyword is None and not call.args[0].star else None
        return (name, self.qualified_name(first.func) if isinstance(first, cst.Call) else None) == SELF_SIGNAL

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._ended.append(False)
        self._polled_exit.append(False)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._polled_exit.pop()
        if self._ended.pop():
            self._dead_blocks -= 1

    def leave_While_test(self, node: cst.While) -> None:
        """`while proc.poll() is None:` (or a coroutine's `await self.poll()`) ends only once
        the process has exited: a `wait()` after it, in the same block, reaps at once."""
        if _polls_until_exit(node.test) and not _breaks_out(node.body):
            self._polled_exit[-1] = True

    # `if __name__ == "__main__":` at module level, and the branch a literal test never
    # takes (`if True:  # ASYNC` ... `else:` the sync flavour's code).
    def visit_If_body(self, node: cst.If) -> None:
        self._enter_branch(node, "body", 1)

    def leave_If_body(self, node: cst.If) -> None:
        self._enter_branch(node, "body", -1)

    def visit_If_orelse(self, node: cst.If) -> None:
        self._enter_branch(node, "orelse", 1)

    def leave_If_orelse(self, node: cst.If) -> None:
        self._enter_branch(node, "orelse", -1)

    def _enter_branch(self, node: cst.If, branch: str, step: int) -> None:
        if self._is_module_guard(node, branch):
            self.main_guard_depth += step
        test = node.test
        if type(test) in _DECIDABLE_TESTS and never_taken_branch(test, self._flags()) == branch:
            self._dead_blocks += step

    def _flags(self) -> Mapping[str, bool]:
        """The module's constant flags, its constants bound to `True` or `False`, found at the
        first test that may read one."""
        if self._module_flags is None:
            self._module_flags = {name: value for name, value in self.constants().items() if isinstance(value, bool)}
        return self._module_flags

    def constants(self) -> Mapping[str, Scalar]:
        """The module's constants (`guards.module_constants`), found at their first use."""
        if self._module_constants is None:
            self._module_constants = module_constants(self.module, b"global" in self.source_bytes, self.literals())
        return self._module_constants

    def literals(self) -> Mapping[str, Scalar | None]:
        """The names the module binds once to a literal (`guards.module_literals`), found at
        their first use."""
        if self._module_literals is None:
            self._module_literals = module_literals(self.module)
        return self._module_literals

    def context_vars_set(self) -> frozenset[str]:
        """The module's context variables its import sets (`guards.context_vars_set_at_import`),
        found at the first test that reads one."""
        if self._context_vars_set is None:
            self._context_vars_set = context_vars_set_at_import(self.module) if b"ContextVar" in self.source_bytes else frozenset()
        return self._context_vars_set

    def _is_module_guard(self, node: cst.If, branch: str) -> bool:
        return len(self.frames) == 1 and main_guard_branch(node.test) == branch


def _catches(caught: Sequence[str], name: str) -> bool:
    """Whether an `except` of the exceptions `caught` catches the exception `name`."""
    if name in caught or "builtins.BaseException" in caught:
        return True
    builtin = getattr(builtins, name.removeprefix("builtins."), None) if name.startswith("builtins.") else None
    return "builtins.Exception" in caught and isinstance(builtin, type) and issubclass(builtin, Exception)


def _loop_constructed(class_node: cst.ClassDef, scope: Scope, depth: int) -> LoopConstructed | None:
    """The framework fact of the first base of a class (defined in `scope`) that a framework
    constructs on its event loop, through the class's bases of this module."""
    for base in class_node.bases:
        symbol = resolve(base.value, scope) if base.keyword is None and depth < 10 else None
        if symbol is None or symbol.instance:
            continue
        if symbol.local and isinstance(symbol.node, cst.ClassDef) and symbol.scope is not None:
            found = _loop_constructed(symbol.node, symbol.scope, depth + 1)
        else:
            found = LOOP_CONSTRUCTED.get(symbol.qualname)
        if found is not None:
            return found
    return None


# Queue put() entries of the catalog, and the queue types whose put() blocks only when made
# with a positive maxsize. A `multiprocessing.Queue` (or `JoinableQueue`, from the module or a
# context) hands the item to its feeder thread and returns; not its `SimpleQueue`, whose
# put() writes to the pipe itself, nor a manager's queue, a round trip to another process.
UNBOUNDED_PUT_ENTRIES = frozenset({"queue.Queue.put", "multiprocessing.Queue.put"})
BOUNDABLE_QUEUES = frozenset(
    {
        "queue.Queue",
        "queue.LifoQueue",
        "queue.PriorityQueue",
        *(f"{owner}.{kind}" for owner in ("multiprocessing", "multiprocessing.context.BaseContext") for kind in ("Queue", "JoinableQueue")),
    }
)


# Queue reads that return at once in the block of a test that the queue is not empty (a
# multiprocessing queue's `empty()` is documented as unreliable).
GETS_AFTER_EMPTY_TEST = frozenset({"queue.Queue.get"})
# Lock acquisitions that cannot wait on a lock made by the statement before.
FRESH_LOCK_WAITS = frozenset(f"{kind}.{method}" for kind in BRIEFLY_HELD_TYPES for method in ("acquire", "acquire_lock"))
# Calls the exemptions above may free by the code around them (how the queue was made, a
# lock made just before), which a function handed the object cannot see: not judged there.
EXEMPT_BY_OWN_CODE = UNBOUNDED_PUT_ENTRIES | FRESH_LOCK_WAITS


def _tests_not_empty(test: cst.BaseExpression, queue: str) -> bool:
    """`not <queue>.empty()`, alone or as a side of `and`."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _tests_not_empty(test.left, queue) or _tests_not_empty(test.right, queue)
    return isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and _tests_empty(test.expression, queue)


def _tests_empty(test: cst.BaseExpression, queue: str) -> bool:
    """`<queue>.empty()`."""
    return (
        isinstance(test, cst.Call)
        and not test.args
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "empty"
        and bool(queue)
        and dotted_name(test.func.value) == queue
    )


def _unbounded_queue(made: cst.Call, scope: Scope) -> bool:
    """Whether `made` makes a queue whose `put()` never waits: a `SimpleQueue`, or a
    `queue.Queue`-like one without a positive `maxsize`."""
    symbol = resolve(made.func, scope)
    kind = symbol.qualname if symbol is not None and not symbol.local and not symbol.instance else ""
    if kind == "queue.SimpleQueue":
        return True
    if kind not in BOUNDABLE_QUEUES:
        return False
    size = call_argument(made, 0, "maxsize")
    return size is None or (isinstance(size, cst.Integer) and int(size.evaluated_value) <= 0)


def _waits_until_not_empty(statement: cst.CSTNode, queue: str) -> bool:
    """`while <queue>.empty(): ...` with no `break` (nor `else`): it ends only once the test
    found an item."""
    if not isinstance(statement, cst.While) or statement.orelse is not None or not _tests_empty(statement.test, queue):
        return False
    return next(iter(nodes_within(statement.body, (cst.Break,))), None) is None


# Waits that return at once for a process already known to have exited.
REAPS_EXITED = frozenset({"subprocess.Popen.wait"})


def _polls_until_exit(test: cst.BaseExpression) -> bool:
    """`X.poll() is None` or `(await X.poll()) is None`: true while the process runs."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Is) or not is_none(target.comparator):
        return False
    left = test.left.expression if isinstance(test.left, cst.Await) else test.left
    return isinstance(left, cst.Call) and last_name(left.func) == "poll"


def _breaks_out(node: cst.CSTNode) -> bool:
    """Whether a `break` of this loop's own (not of a loop nested in it) may end it."""
    for child in node.children:
        if isinstance(child, cst.Break):
            return True
        if not isinstance(child, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef, cst.BaseExpression)) and _breaks_out(child):
            return True
    return False


def _display(qualname: str) -> str:
    return qualname.removeprefix("builtins.")


def _made_nonblocking(entry: BlockingCall, call: cst.Call) -> bool:
    """`q.get(block=False)`, `lock.acquire(False)`, `event.wait(0)`, `smtplib.SMTP()`: these
    return at once."""
    positional = [arg for arg in call.args if arg.keyword is None and arg.star == ""]
    splat = any(arg.star for arg in call.args)
    for rule in entry.nonblocking:
        values = [arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == rule.name]
        if len(positional) > rule.position:
            values.append(positional[rule.position].value)
        if rule.omitted and not values and not splat:
            return True
        for value in values:
            if rule.descriptor:
                if isinstance(value, cst.Integer):
                    return True
            elif _names_flag(value, rule.literal) if rule.flag else _literal(value) == rule.literal:
                return True
    return False


def _names_flag(node: cst.BaseExpression, flag: str) -> bool:
    """`socket.AI_NUMERICHOST`, `AI_NUMERICHOST | AI_PASSIVE`: the flag is set."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _names_flag(node.left, flag) or _names_flag(node.right, flag)
    return last_name(node) == flag


def _literal(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return node.value
    if isinstance(node, (cst.Integer, cst.Float)):
        return "0" if float(node.value.replace("_", "")) == 0 else node.value
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        if value in ("", b""):
            return "''"
        return f"'{value}'" if isinstance(value, str) else None
    return None


def _turns_away_other_than_data_uris(statement: cst.BaseStatement, name: str) -> bool:
    """`if not name.startswith("data:"): raise ...` (or `return`): past it, `name` is a data URI."""
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return False
    test = statement.test
    if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
        return False
    if not _starts_with_data_uri(test.expression, name):
        return False
    body = statement.body.body
    last = body[-1] if body else None
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Raise, cst.Return))


def _starts_with_data_uri(test: cst.BaseExpression, name: str) -> bool:
    """`name.startswith("data:")`."""
    if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and test.func.attr.value == "startswith"):
        return False
    if not (isinstance(test.func.value, cst.Name) and test.func.value.value == name and len(test.args) == 1):
        return False
    prefix = test.args[0].value
    return isinstance(prefix, cst.SimpleString) and prefix.evaluated_value == DATA_URI_PREFIX


def _in_data_uri_branch(function: cst.FunctionDef, call: cst.Call, name: str) -> bool:
    """`call` sits in the body of an `if name.startswith("data:"):` of the function (agno's
    `_decode_base64` opens only data URIs with `urlopen`)."""
    return any(
        _starts_with_data_uri(branch.test, name) and any(found is call for found in nodes_within(branch.body, (cst.Call,)))
        for branch in nodes_within(function.body, (cst.If,))
    )


__all__ = ["FileFacts", "BlockingMatch", "Frame", "dotted_name"]
