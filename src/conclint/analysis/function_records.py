"""The records the summary collector fills in while it walks a function, and what they yield.

`SummaryCollector` (`conclint.analysis.summary_collector`) keeps a `FunctionRecord` for each
function it is inside and a `LoopRecord` for each loop open in it; they hold what the walk
has seen so far (arithmetic, calls, blocking and GIL-releasing calls, unknown calls), with the
nodes, and a `LoopRecord` judges, once its loop is left, whether the loop is CPU work. The
collector turns them into `FunctionSummary`s at the end of the module. `LoopFacts` and
`CoroutineCall` are what rules read afterwards. Nothing here walks the tree or resolves a name.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from conclint.analysis.conditions import CallSite, Param
from conclint.analysis.scopes import Scope
from conclint.analysis.summaries import DATA, ELEMENTWISE, LARGE, NUMERIC, QUADRATIC
from conclint.knowledge.frameworks import LoopConstructed


class LambdaDepth:
    """Counts, on the record of the function being walked (`self._stack[-1]`, a record with
    a `lambda_depth`), how many lambdas the walk is inside: what runs there may never run,
    or run elsewhere. A mixin for the collectors that keep such a stack."""

    _stack: list

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        if self._stack:
            self._stack[-1].lambda_depth += 1

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        if self._stack:
            self._stack[-1].lambda_depth -= 1


@dataclass(frozen=True)
class LoopFacts:
    """A pure loop with CPU evidence, for rules that report the loop itself: its node, the
    reason, how strong the evidence is, and the local functions it calls."""

    node: cst.CSTNode
    reason: str
    kind: str
    calls: tuple[str, ...]


@dataclass(frozen=True)
class CoroutineCall:
    """A call, made directly in a coroutine, of a sync function of this module (`qualname`)
    or of another module no catalog knows (`external`: `qualname` is its dotted name)."""

    node: cst.CSTNode
    statement: cst.CSTNode | None
    scope: Scope
    qualname: str
    external: bool
    # What the coroutine passes, its guard left out: a coroutine's callers are unknown.
    site: CallSite | None = None
    # Set when the call is made not in a coroutine but in the `__init__` of a class a
    # framework constructs on its event loop (no `await` possible there).
    constructed: LoopConstructed | None = None
    # Set when `node` reads a property (`self.rows`), which runs its getter.
    reads_property: bool = False
    # Set when what `node` gives is the receiver of a call reported by itself (`self.cursor`
    # of `self.cursor.execute()`).
    receiver_reported: bool = False

    def called(self, module: cst.Module) -> str:
        """The call as the source writes it, for messages: `helper()`, `self.rows`."""
        if self.reads_property:
            return module.code_for_node(self.node)
        function = self.node.func if isinstance(self.node, cst.Call) else self.node
        return f"{module.code_for_node(function)}()"


class LoopRecord:
    """What the collector has seen so far inside one loop or comprehension."""

    __slots__ = (
        "node", "kind", "over_range", "numeric", "small", "arithmetic", "multiplicative", "updates",
        "compares", "inner_loops", "inner_numeric", "inner_small", "large", "display", "impure", "heavy", "calls", "pending",
        "clauses", "names", "dependent", "independent_inner", "nesting", "breaks", "conditionals", "outputs",
        "tested", "grows", "shrinks", "updated", "capped",
        "in_body", "body_loops", "idle", "floating", "hashes", "per_element",
    )

    def __init__(self, node: cst.CSTNode, kind: str) -> None:
        self.node = node
        self.kind = kind  # "for", "while", "comprehension"
        # Iterates over a range() that is not short (`over_range`); one whose size does not
        # come from existing data, `range(n)` rather than `range(len(items))` (`numeric`); a
        # range() with small literal bounds (`small`).
        self.over_range = self.numeric = self.small = False
        # A range() of constant bounds at least SMALL_RANGE rounds long, its own or that of a
        # loop nested in it (`large`): numbers the source fixes make the work large (LARGE).
        self.large = False
        self.arithmetic = self.multiplicative = self.updates = self.compares = False
        self.inner_loops = 0
        self.inner_numeric = False
        self.inner_small = True
        # It walks a tuple, list or set written out in the source (`("members", "steps")`).
        self.display = False
        self.impure = False
        self.heavy: str | None = None
        self.calls: list[str] = []
        self.pending: list[tuple[cst.CSTNode, str, str, tuple[str, ...]]] = []
        self.clauses = 1
        # Names the loop binds or assigns: arithmetic counts as the loop's work only when it
        # involves one of them (`total += i * i`, not `deadline = now + 9999`).
        self.names: set[str] = set()
        # Iterates over something an enclosing loop produced (`for cell in row`): nesting
        # that only walks a structure once. `independent_inner`: some inner loop does not.
        self.dependent = False
        self.independent_inner = False
        # How deep in f-strings, call arguments and subscripts the loop starts (see
        # SummaryCollector): arithmetic nested deeper only formats text, computes an argument
        # or a position.
        self.nesting = (0, 0, 0)
        # Left early by `break` or `return`, or a `while` testing membership (`while name in
        # taken`): a search or a scan that stops on what it finds, whose work depends on the
        # data rather than on numbers.
        self.breaks = False
        # A `while` loop's test reads these names; the loop shrinks some geometrically
        # (`shrinks`, SHRINKING_ASSIGNMENTS) and updates others in any other way (`grows`).
        # A loop that shrinks what it tests and grows none of it (`while m > LIMIT: m >>= 1`)
        # runs a logarithm's worth of rounds. `updated`: the names (and attributes, dotted) it
        # computes anew from themselves (`n += 1`, `z = z * z + c`, `self.origin_ms += 1`);
        # numbers drive a `while` only when its test reads one of them (`while n != 1`, not
        # `while cause is not None` beside `text += s`).
        self.tested: set[str] = set()
        self.grows: set[str] = set()
        self.shrinks: set[str] = set()
        self.updated: set[str] = set()
        # A `while` whose test caps a counter it adds to by a small constant (`while curr is
        # not None and depth < _MAX_DEPTH:` with `depth += 1`): a bounded number of rounds.
        self.capped = False
        # How many `if` bodies and `except` handlers the loop starts in, and the prints and
        # logging calls made in its own rounds, not under a condition opened inside it: one
        # such call per round makes the loop output, not computation (see
        # conclint.knowledge.threads.INCIDENTAL_OUTPUT).
        self.conditionals = 0
        self.outputs: list[tuple[cst.CSTNode, str]] = []
        # The walk has reached the body (past a `for`'s iterable, which produces the items
        # once; a `while`'s test runs every round), and the loops left since: loops run in
        # every round.
        self.in_body = kind != "for"
        self.body_loops = 0
        # A `for` whose body is only `pass` or `...`: it does nothing but count its rounds.
        self.idle = False
        # Raises the loop's data to a power or takes its `math.exp`, `log`, `sqrt` ...:
        # floating-point work per element (FLOAT_FUNCTIONS).
        self.floating = False
        # The hashes computed in its own rounds (node, reason): GIL-releasing calls, unless
        # the round also runs a nested loop over numbers (knowledge.threads.HASHING_MODULES).
        self.hashes: list[tuple[cst.CSTNode, str]] = []
        # The reason of a pure-Python library's encoding made in its own rounds
        # (`rlp.encode(item)`, knowledge.threads.PER_ELEMENT_WORK): work on each element.
        self.per_element: str | None = None

    def evidence(self) -> tuple[str, str] | None:
        """(reason, kind) when this loop, pure, is CPU work, else None (kinds: CpuEvidence)."""
        found = self._evidence()
        if found is not None and self.breaks and found[1] != DATA:
            return found[0], DATA
        return found

    def _evidence(self) -> tuple[str, str] | None:
        found = self._numbers_evidence()
        if found is not None and found[1] == NUMERIC and self.large:
            return found[0], LARGE
        return found

    def _numbers_evidence(self) -> tuple[str, str] | None:
        if self.impure:
            return None
        works = self.arithmetic or self.compares or self.heavy is not None
        if (self.inner_loops or self.clauses > 1) and works and not (self.small and self.inner_small):
            # `for i in range(n): for k in events[i].changes:` walks the elements by index,
            # as `for event in events: for k in event.changes:` does: no numbers drive it.
            walks_by_index = self.numeric and not self.inner_numeric and self.inner_loops and not self.independent_inner
            if (self.numeric or self.inner_numeric) and not walks_by_index:
                return "nested loop", NUMERIC
            if self.independent_inner:
                return "nested loop", QUADRATIC
        if self.kind == "while":
            driven = not self.tested or self.tested & self.updated  # `while True:` tests nothing
            if self.updates and driven and not self.capped and not (self.tested & self.shrinks and not self.tested & self.grows):
                return "while loop updating numbers", NUMERIC if self.numeric else DATA
        elif self.over_range and self.numeric and self.idle:
            return "loop over range() that only counts", NUMERIC
        elif self.over_range and self.arithmetic:
            if self.kind == "comprehension":
                reason = "numeric comprehension over range()"
            else:
                reason = "loop over range() doing arithmetic"
            return reason, NUMERIC if self.numeric else DATA
        if self.per_element is not None:
            return self.per_element, ELEMENTWISE
        if self.heavy is not None:
            return f"{self.heavy}() in a loop", DATA
        if self.floating and not self.over_range:
            return "floating-point arithmetic on each element", ELEMENTWISE
        if self.multiplicative:
            return ("comprehension" if self.kind == "comprehension" else "loop") + " doing arithmetic", DATA
        return None


class FunctionRecord:
    """What the collector has seen so far inside one function, with the nodes of its evidence."""

    __slots__ = (
        "node", "qualname", "is_async", "class_qualname", "cls_name", "loops", "lambda_depth",
        "is_generator", "evidence", "blocking", "releases", "array_setup", "edges", "unknown", "unknown_in_loops",
        "recursive_call", "loop_facts", "unknown_iterations", "external_edges", "guards", "sites",
        "params", "method", "decorators", "self_name", "offloads_argument",
        "results", "returns_running_loop", "returned", "loop_thread_only", "called_parameters",
        "thread_parameters", "spins", "value_types", "parameter_calls", "closure_values", "suspends",
        "stores", "self_stores", "base_inits", "recursions", "returned_names", "keepers", "keeps_signature", "decorated_params", "hands_on",
    )

    def __init__(self, node: cst.FunctionDef, qualname: str, class_qualname: str | None, cls_name: str | None) -> None:
        self.node = node
        self.qualname = qualname
        self.is_async = node.asynchronous is not None
        self.class_qualname = class_qualname
        self.cls_name = cls_name
        self.loops: list[LoopRecord] = []
        self.lambda_depth = 0
        self.is_generator = False
        self.evidence: list[tuple[cst.CSTNode, str, str]] = []
        # (node, catalog name, category, as shown, guard)
        self.blocking: list[tuple[cst.CSTNode, str, str, str, tuple]] = []
        # Methods called on its parameters: (node, "param.method", as shown, guard).
        self.parameter_calls: list[tuple[cst.CSTNode, str, str, tuple]] = []
        self.releases: list[tuple[cst.CSTNode, str]] = []
        # How many of `releases` are array-library calls outside every loop (FunctionSummary).
        self.array_setup = 0
        # (qualname, in a loop, fallback when the name turns out not to be a function:
        # "pure", "unknown" or "ignore")
        self.edges: list[tuple[str, bool, str]] = []
        # Calls of functions of other modules no catalog knows: (dotted name, in a loop).
        self.external_edges: list[tuple[str, bool]] = []
        self.unknown = 0
        self.unknown_in_loops = 0
        self.unknown_iterations = 0
        self.recursive_call: cst.CSTNode | None = None
        # How many calls of itself its body makes (two or more: a recursion that branches).
        self.recursions = 0
        self.loop_facts: list[LoopFacts] = []
        # The tests the code being walked sits under (see conclint.analysis.conditions): one
        # list per open branch, and one per open block for what holds after an early return.
        self.guards: list[list[tuple]] = []
        # A nested function's view of the parameters of the functions around it that the
        # test it was defined under fixes (`if colour == "async": async def run(): ...`), by
        # name: what it passes on when it hands one to a call (see inherit_definition_guard).
        self.closure_values: dict[str, tuple] = {}
        # It awaits, or runs an `async for` or `async with`, itself (FunctionSummary.settles).
        self.suspends = False
        # An `__init__`'s plain stores of a parameter at the top level of its body
        # ((attribute, parameter), FunctionSummary.stores), and how often it assigns each
        # attribute of its `self` anywhere in its body (a store assigned again is not kept).
        self.stores: list[tuple[str, str]] = []
        self.self_stores: dict[str, int] = {}
        # Its `super().__init__(...)` calls of a base imported from another module
        # (FunctionSummary.base_init, when there is one).
        self.base_inits: list[CallSite] = []
        # Every call of a function (`CallSite`, its callee's name not yet resolved).
        self.sites: list[CallSite] = []
        self.params: tuple[Param, ...] | None = None
        # Its parameters as written when a decorator of unknown effect leaves `params` None
        # (FunctionSummary.decorated_params).
        self.decorated_params: tuple[Param, ...] | None = None
        # The names its returns return, None once one returns anything else; and the
        # functions nested in it that keep the signature of the function they are given:
        # whether it keeps one itself (FunctionSummary.keeps_signature).
        self.returned_names: list[str] | None = []
        self.keepers: set[str] = set()
        self.keeps_signature = False
        self.method = ""
        self.decorators: tuple[str, ...] = ()
        # The name of an instance method's first parameter (`self`), else "".
        self.self_name = ""
        # It, or a function nested in it, hands one of its parameters to a thread: an
        # offloading decorator (see SummaryCollector._offloaded_parameter).
        self.offloads_argument = False
        # The project's functions a function nested in it hands one of its parameters to
        # (`run_in_executor(self, func, ...)` in a decorator's wrapper): FunctionSummary.hands_on.
        self.hands_on: list[str] = []
        # Locals and attributes assigned from calls whose result a chain may know (the
        # running loop), by spelling; whether its first return returns the running loop, and
        # whether a return has been seen yet.
        self.results: dict[str, tuple] = {}
        self.returns_running_loop = False
        self.returned = False
        # See FunctionSummary.loop_thread_only and called_parameters.
        self.loop_thread_only = False
        self.called_parameters: list[str] = []
        self.thread_parameters: list[str] = []
        # Its `while` loops with a round that spins (node, reason, the project functions
        # that round calls): conclint.analysis.spin_loops.
        self.spins: list[tuple[cst.CSTNode, str, tuple[str, ...]]] = []
        # The library type of each value it returns (`return None` aside) or, a generator,
        # yields, "" where unknown: FunctionSummary.returns.
        self.value_types: list[str] = []

    def guard(self) -> tuple:
        """The conjunction of the tests the current point of the walk sits under."""
        return tuple(literal for frame in self.guards for literal in frame)
