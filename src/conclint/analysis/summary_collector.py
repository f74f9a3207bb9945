"""SummaryCollector: builds the function summaries of a module during the engine's single
traversal, right after FileFacts, reading the facts for name resolution and context.

A summary is final once the collector's `leave_Module` has run, so rules that need summaries
report from their own `leave_Module`. Line numbers cost a PositionProvider pass (more than the
parse), so the collector records evidence lines as 0 and keeps the nodes: `located(line_of)`
fills the lines in, and rules format their messages once the engine knows positions (see
`conclint.rules.base.Report`). What counts as CPU work, I/O or a GIL-releasing call is data, in
`conclint.knowledge.threads`.

The walk and the name resolution are here; what the walk records per function and per loop
is in `conclint.analysis.function_records`, and the pure judgements of CST expressions it
asks for (operators, bound names, `len()`, element walks) in `conclint.analysis.expressions`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import libcst as cst

from conclint.analysis.dispatch import call_argument, runs_on_thread
from conclint.analysis.flow import assigned_here, reaching_binding
from conclint.analysis.expressions import (
    ARITHMETIC_OPERATORS,
    AUGMENTED_ARITHMETIC,
    AUGMENTED_MULTIPLICATIVE,
    COMPUTING_OPERATORS,
    MULTIPLICATIVE_OPERATORS,
    SHRINKING_ASSIGNMENTS,
    STRING_LITERALS,
    bound_names,
    capped_names,
    counts_up,
    reads_element_at,
    set_up_once,
    shrinks_itself,
    is_bytes_literal,
    is_classmethod,
    idle_body,
    indexes_by_name,
    is_cls_receiver,
    literal_only,
    masked_below,
    mentions,
    mentions_len,
    names_read,
    recursion_kind,
    tests_membership,
    walks_element,
)
from conclint.analysis.branch_guards import (
    CONSUMERS,
    after_if,
    argument_value,
    constant_value,
    function_value,
    iteration_literals,
    literals,
    parameters,
    spread_value,
    subject,
)
from conclint.analysis.conditions import CallSite, known_facts
from conclint.analysis.function_records import CoroutineCall, FunctionRecord, LambdaDepth, LoopFacts, LoopRecord
from conclint.analysis.loop_uses import LoopUseRecorder
from conclint.analysis.own_loops import THREAD_RUNNERS, OwnLoopRecords, own_loop_coroutines
from conclint.analysis.scopes import PROPERTY_DECORATORS, Binding, Scope, assigned_attributes, dotted_name, is_none, is_stub, iter_statements, last_name
from conclint.analysis.summaries import (
    LIBRARY,
    LOCAL,
    LARGE,
    NUMERIC,
    BlockingEvidence,
    CpuEvidence,
    CpuVerdict,
    Evidence,
    FunctionSummary,
    ModuleSummary,
    SpinEvidence,
    SpinVerdict,
    inherited_method,
    parameter_call_index,
    overrides,
)
from conclint.analysis.signature_keeping import first_parameter, forwards_arguments, keeps_signature
from conclint.analysis.spin_loops import SpinCalls, spin_loop
from conclint.analysis.symbols import Symbol, global_types, property_getter, resolve
from conclint.knowledge.threads import (
    ARRAY_WORK,
    BYTE_SEQUENCES,
    BYTE_VALUES,
    CALENDAR_COUNTS,
    COUNT_PRESERVING,
    SIZE_READERS,
    CALLABLE_WRAPPERS,
    DIGEST_METHODS,
    FLOAT_FUNCTIONS,
    HASHING_MODULES,
    THREAD_DISPATCH,
    BUILTIN_RESULT_TYPES,
    BUILTIN_TYPE_METHODS,
    CALLABLE_ARGUMENTS,
    HEAVY,
    HEAVY_METHODS,
    INCIDENTAL_OUTPUT,
    LONG,
    LONG_COMPUTATIONS,
    LONG_REQUIREMENTS,
    PER_ELEMENT_WORK,
    ITERATING_METHODS,
    LAZY_APPLY,
    LOG_METHODS,
    LOGGER_FACTORIES,
    LOGGER_NAMES,
    PURE,
    PURE_METHODS_ANY_RECEIVER,
    RELEASE_REASONS,
    RELEASES,
    SMALL_RANGE,
    ThreadDispatch,
    call_kind,
    is_numeric_function,
)
from conclint.knowledge.blocking import STREAM_FUNCTIONS
from conclint.knowledge.libraries import EXCEPTION_SWALLOWING_CONTEXTS, SIGNATURE_KEEPING_DECORATORS, is_library_name
from conclint.knowledge.frameworks import LoopConstructed
from conclint.knowledge.types import IN_MEMORY_STREAMS
from conclint.knowledge.offloading import bound_to_its_thread, needs_loop_thread
from conclint.analysis.process_starts import returns_loader_with_workers
from conclint.knowledge.processes import POOL_DISPATCH
from conclint.syntax.traversal import CachedVisitorMethods, nodes_within

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts

LineOf = Callable[[cst.CSTNode], int]

# The fallback of a call edge `self.m()` to a method its class leaves to subclasses: resolved
# to their overrides when the module ends (an unknown call when there are none).
DISPATCH = "dispatch"


_PROPERTY_DEFINITION = re.compile(
    rb"^[ \t]*@(?:"
    + b"|".join(re.escape(name.encode()) for name in sorted(PROPERTY_DECORATORS))
    + rb")[ \t]*\r?\n[ \t]*def[ \t]+(\w+)",
    re.MULTILINE,
)


def property_names(source: bytes) -> frozenset[str]:
    """The names the module's source defines as properties (`@property` on the line above
    the `def`): only reads of these names can run a getter, so only they are resolved."""
    return frozenset(match.decode() for match in _PROPERTY_DEFINITION.findall(source))


def _short_display(iterable: cst.BaseExpression) -> bool:
    """A tuple, list or set written out in the source, without `*` unpacking: a loop over it
    runs as many rounds as it has elements."""
    return type(iterable) in (cst.Tuple, cst.List, cst.Set) and not any(
        isinstance(element, cst.StarredElement) for element in iterable.elements  # type: ignore[attr-defined]
    )


def _given(binding: Binding | None) -> bool:
    """The name holds an object the function did not create: a parameter, a module, a global."""
    if binding is None:
        return False
    if binding.kind in ("param", "self", "import"):
        return True
    return binding.kind == "assign" and binding.scope is not None and binding.scope.kind == "module"


# Returned values whose type is looked up: a name, an attribute, a call.
_TYPED_VALUES = (cst.Name, cst.Attribute, cst.Call)


def _instance_type(symbol: Symbol | None) -> str:
    """The type of an instance, for a summary: a library type or a class of the project
    named absolutely, one of this module named `<local>.Class` (`absolutized` later); ""
    for anything else."""
    if symbol is None or not symbol.instance:
        return ""
    if symbol.local:
        return LOCAL + symbol.qualname if isinstance(symbol.node, cst.ClassDef) else ""
    return symbol.qualname


# The statements and expressions that loop (LoopRecord kinds).
_LOOP_NODES = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)

class SummaryCollector(LambdaDepth, CachedVisitorMethods, cst.BatchableCSTVisitor):
    """Builds the summary of every function during the traversal; runs right after FileFacts.

    After `leave_Module`: `summary` (lines 0), `located(line_of)` (lines filled in),
    `evidence_node(qualname, index)`, `loops[qualname]` (the pure CPU loops of each function,
    with their nodes) and `cpu_bound(qualname)`.
    """

    def __init__(self, facts: FileFacts) -> None:
        super().__init__()
        self.facts = facts
        self._stack: list[FunctionRecord] = []
        self._done: list[FunctionRecord] = []
        self._class_bases: dict[str, tuple[str, ...]] = {}
        self._class_values: dict[str, dict[str, tuple]] = {}
        self._class_assigned_names: dict[str, set[str]] = {}
        # Attributes of `self` some function other than an `__init__` assigns ("*": any,
        # `setattr(self, name, v)`): the others are fixed once the object is made.
        self._reassigned: set[str] = set()
        # What each attribute of `self` is assigned anywhere in the module, by name: the
        # construction that makes it (CallSite.built), or () for anything else; and the call
        # sites of methods on such an attribute (`self.conversation.add()`), by id.
        self._attribute_builds: dict[str, set[tuple]] = {}
        self._attribute_receivers: dict[int, str] = {}
        # Names whose attributes the module sets (`journal.log_file = path`, `setattr(journal,
        # ...)`), and the call sites on a `built` receiver of such a name, by id: what its
        # construction stored may have changed.
        self._attributes_set_on: set[str] = set()
        self._built_names: dict[int, str] = {}
        # `except RuntimeError:` handlers of a `try` that asks for the running loop first:
        # they run only where no event loop runs (`_probes_running_loop`), by id.
        self._without_loop: set[int] = set()
        # Calls whose result is iterated or entered (`for x in gen()`, `with cm():`), by id.
        self._iterated: set[int] = set()
        # Loops in a block that sets a value up once, inside another loop (`visit_If`).
        self._once: set[int] = set()
        self._elifs: set[int] = set()
        # Functions returning a DataLoader with worker processes (`returns_worker_loader`).
        self._worker_loaders: set[str] = set()
        # Loop runs and threads, for the coroutines on a loop of their own (own_loops.py).
        self._own_loops = OwnLoopRecords()
        self.own_loop_coroutines: frozenset[str] = frozenset()
        # How many f-strings and calls the walk is inside.
        self._fstrings = 0
        self._call_args = 0
        self._subscripts = 0  # how many subscripts (`x[i * n]`, `m[a:b]`) the walk is inside
        # The index elements of subscripts an assignment stores into (`bits[(h + i * k) % m] =
        # 1`), by id, and how many of them the walk is inside: a scatter over a range() does
        # its arithmetic there (see visit_BinaryOperation), it picks no position to read.
        self._stored_indexes: set[int] = set()
        self._in_stored = 0
        # How many `if` statements and `except` handlers the walk is inside (LoopRecord.outputs).
        self._conditionals = 0
        # Lazy iterables handed to a thread or an executor (`to_thread(sum, (f(x) for x in
        # xs))`, `run_in_executor(None, list, map(f, xs))`), by id: what they run, they run
        # there, so the walk treats them like a lambda's body.
        self._offloaded: set[int] = set()
        # The same, bound to a local name first (`it = map(f, xs)` ... `to_thread(list, it)`):
        # by then the walk went through them, so the calls and loops in them are dropped from
        # what the coroutines run (`coroutine_calls`, `loops`) when the module ends.
        self._offloaded_later: set[int] = set()
        # Generator expressions handed to an awaited call (`await col.ingest(make(i) for i in
        # range(n))`), by id: the coroutine called pulls their items, free to await between
        # them; they are no loop that runs here all at once.
        self._awaited_generators: set[int] = set()
        # Per function: its node, and those of its CPU evidence, blocking calls, GIL-releasing
        # calls and method calls on parameters, in the order of its summary.
        self._nodes: dict[str, tuple[cst.CSTNode, list[cst.CSTNode], list[cst.CSTNode], list[cst.CSTNode], list[cst.CSTNode]]] = {}
        self.summary = ModuleSummary()
        # The module has been left and `summary` is complete (helpers.name_space needs it).
        self.complete = False
        self.loops: dict[str, tuple[LoopFacts, ...]] = {}
        self._coroutine_calls: list[
            tuple[cst.CSTNode, cst.CSTNode | None, Scope, str, bool, CallSite | None, LoopConstructed | None, bool]
        ] = []
        self.coroutine_calls: list[CoroutineCall] = []
        # Property reads (`self.rows`) made into calls of their getters, and the attributes
        # that are no read: a call's function (`self.load()`), an assignment's target.
        self._property_reads: set[int] = set()
        # Bodies of `with` statements whose managers swallow no exception (`leave_IndentedBlock`).
        self._carried_blocks: set[int] = set()
        # Receivers of calls reported by themselves (`self.cursor` of `self.cursor.execute()`).
        self._receivers_reported: set[int] = set()
        self._not_read: set[int] = set()
        self._property_names = property_names(facts.source_bytes)
        # The asyncio calls only the loop's thread may make (FunctionSummary.loop_affine).
        self._loop_uses = LoopUseRecorder(facts)
        # Spin-wait loops (FunctionSummary.spins): how their calls are judged, and the loop
        # nodes of each function, for lines.
        self._spin_calls = SpinCalls(facts, self._builtin_type)
        self._spin_nodes: dict[str, list[cst.CSTNode]] = {}
        # Per function being walked (by id of its record): its calls of pure-Python
        # libraries' long entry points (node, name called, catalog key), and the calls it
        # makes of the names their `requires` list (knowledge.threads.LongComputation).
        self._long_calls: dict[int, list[tuple[cst.Call, str, str]]] = {}
        self._requirements_met: dict[int, set[str]] = {}

    # ----- answers ---------------------------------------------------------------------------

    def cpu_bound(self, qualname: str) -> CpuVerdict | None:
        return self.summary.cpu_bound(qualname)

    def evidence_node(self, qualname: str, index: int = 0) -> cst.CSTNode | None:
        nodes = self._nodes.get(qualname)
        return nodes[1][index] if nodes is not None and index < len(nodes[1]) else None

    def blocking_node(self, qualname: str, index: int) -> cst.CSTNode | None:
        """The node of the `index`-th blocking call in function `qualname` of this module
        (an index of `parameter_calls` too: see `summaries.parameter_call_index`)."""
        nodes = self._nodes.get(qualname)
        if nodes is None:
            return None
        position = parameter_call_index(index)
        items, index = (nodes[2], index) if position is None else (nodes[4], position)
        return items[index] if 0 <= index < len(items) else None

    def explanation(self, verdict: CpuVerdict) -> Callable[[LineOf], str]:
        """`verdict.explain()` with the evidence line, once the engine knows positions."""
        if isinstance(verdict, SpinVerdict):
            spins = self._spin_nodes.get(verdict.function, ())
            node = spins[verdict.index] if verdict.index < len(spins) else None
        else:
            node = self.evidence_node(verdict.function, verdict.index)
        return lambda line_of: verdict.explain(line_of(node) if node is not None else None)

    def function_node(self, qualname: str) -> cst.CSTNode | None:
        nodes = self._nodes.get(qualname)
        return nodes[0] if nodes is not None else None

    def located(self, line_of: LineOf) -> ModuleSummary:
        """The summaries with every line filled in by `line_of(node)`."""
        functions = {}
        for qualname, summary in self.summary.functions.items():
            node, cpu, blocking, releases, parameter_calls = self._nodes[qualname]
            line = line_of(node)
            functions[qualname] = replace(
                summary,
                line=line,
                cpu_evidence=tuple(e._replace(line=line_of(n)) for e, n in zip(summary.cpu_evidence, cpu)),
                blocking=tuple(e._replace(line=at, offset=at - line) for e, at in zip(summary.blocking, map(line_of, blocking))),
                parameter_calls=tuple(
                    e._replace(line=at, offset=at - line) for e, at in zip(summary.parameter_calls, map(line_of, parameter_calls))
                ),
                releases_gil=tuple(e._replace(line=line_of(n)) for e, n in zip(summary.releases_gil, releases)),
                loop_affine=tuple(
                    e._replace(line=line_of(n)) for e, n in zip(summary.loop_affine, self._loop_uses.nodes.get(qualname, ()))
                ),
                spins=tuple(e._replace(line=line_of(n)) for e, n in zip(summary.spins, self._spin_nodes.get(qualname, ()))),
            )
        return replace(self.summary, functions=functions)

    def blocking_nodes(self, qualname: str) -> Sequence[cst.CSTNode]:
        """The calls of the function `qualname` its summary lists as `blocking`, in order."""
        return self._nodes[qualname][2]

    def parameter_call_nodes(self, qualname: str) -> Sequence[cst.CSTNode]:
        """The calls of the function `qualname` its summary lists as `parameter_calls`, in order."""
        return self._nodes[qualname][4]

    def with_blocking_offsets(self, offsets: Callable[[cst.CSTNode, list[cst.CSTNode]], list[int]]) -> ModuleSummary:
        """The summaries (lines 0) with each blocking call's `offset` from its function's
        `def` line: `offsets(function, nodes)` (`syntax.positions.offsets_within`) counts
        them on that function's code alone, a fraction of the module's positions."""
        functions = dict(self.summary.functions)
        for qualname, summary in self.summary.functions.items():
            node, _, blocking, _, parameter_calls = self._nodes[qualname]
            # A coroutine's blocking calls are reported in its own module, where lines are
            # known; only a sync helper's are cited from a coroutine of another module.
            if not (summary.blocking or summary.parameter_calls) or summary.is_async or not isinstance(node, cst.FunctionDef):
                continue
            found = offsets(node, blocking + parameter_calls)
            functions[qualname] = replace(
                summary,
                blocking=tuple(e._replace(offset=offset) for e, offset in zip(summary.blocking, found)),
                parameter_calls=tuple(e._replace(offset=offset) for e, offset in zip(summary.parameter_calls, found[len(blocking) :])),
            )
        return replace(self.summary, functions=functions)

    # ----- definitions -----------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        facts = self.facts
        qualname = facts.scope.child_qualname(node.name.value)
        bases = []
        for arg in node.bases:
            if arg.keyword is not None or arg.star:
                continue
            symbol = facts.resolve(arg.value)
            if symbol is not None and not symbol.instance:
                bases.append(symbol.qualname)
        self._class_bases[qualname] = tuple(bases)
        self._class_values[qualname] = self._class_values_of(node)
        if "threading.Thread" in bases:
            self._own_loops.thread_classes.add(qualname)

    def _class_values_of(self, node: cst.ClassDef) -> dict[str, tuple]:
        """The values the class body assigns that a call site can tell (`STYLE = None`); a
        name the body assigns twice, differently, counts as assigned by a method (unknown)."""
        values: dict[str, tuple] = {}
        for inner in iter_statements(node.body.body):
            for target, value in _assignments(inner):
                if not isinstance(target, cst.Name):
                    continue
                found = argument_value(value, self.facts) if value is not None else None
                if found is not None and found[0] not in ("p", "a") and target.value not in values:
                    values[target.value] = found
                elif target.value in values and found != values[target.value]:
                    self._assigned(node, target.value)
        return values

    def _assigned(self, class_node: cst.ClassDef | str, attribute: str) -> None:
        name = class_node if isinstance(class_node, str) else self.facts.scope.child_qualname(class_node.name.value)
        self._class_assigned_names.setdefault(name, set()).add(attribute)

    def _assigned_through(self, receiver: str, attribute: str, value: cst.BaseExpression | None = None) -> None:
        """`receiver.attribute = value` where `receiver` is the `self` of an enclosing method:
        outside that method's own body, or in a method other than `__init__`, the attribute
        may change after the object was made. `value`, when a plain assignment gives one, may
        be a construction (`_attribute_builds`)."""
        built = self._construction(value) if value is not None else ()
        self._attribute_builds.setdefault(attribute, set()).add(built)
        function = self._stack[-1]
        if function.self_name != receiver or function.lambda_depth or function.node.name.value != "__init__":
            self._reassigned.add(attribute)
        else:
            function.self_stores[attribute] = function.self_stores.get(attribute, 0) + 1

    def _stores(self, function: FunctionRecord) -> tuple[tuple[str, str], ...]:
        """FunctionSummary.stores: the candidates whose attribute the `__init__` assigns once
        and no other function of the module assigns through `self` (read once the module is
        done)."""
        if not function.stores or "*" in self._reassigned:
            return ()
        return tuple(
            (attribute, parameter)
            for attribute, parameter in function.stores
            if function.self_stores.get(attribute) == 1 and attribute not in self._reassigned
        )

    def _stored_parameter(self, node: cst.Assign) -> None:
        """`self.log_file = log_file` at the top level of an `__init__`, the parameter as
        given (never rebound in the body): a candidate of FunctionSummary.stores."""
        function = self._stack[-1]
        target = node.targets[0].target if len(node.targets) == 1 else None
        if (
            function.node.name.value != "__init__"
            or not function.self_name
            or function.lambda_depth
            or not isinstance(target, cst.Attribute)
            or not isinstance(target.value, cst.Name)
            or target.value.value != function.self_name
            or not isinstance(node.value, cst.Name)
            or function.params is None
        ):
            return
        parameter = node.value.value
        scope = self.facts.scope
        if parameter not in {param.name for param in function.params} or parameter in scope.rebound:
            return
        if not any(line is self.facts.current_statement for line in function.node.body.body):
            return  # under a test, in a loop or a `try`: it may not run
        function.stores.append((target.attr.value, parameter))

    def _known(self, site: CallSite) -> CallSite:
        """`site` with the literals of its guard that hold in the method it calls on the same
        `self` (conclint.analysis.conditions.known_facts); read once the module is done, when
        every assignment of an attribute has been seen."""
        if not site.on_self or "*" in self._reassigned:
            return site
        return site._replace(known=known_facts(site.guard, lambda name: name not in self._reassigned))

    def _new_loop(self, func: cst.BaseExpression) -> bool:
        """`loop.run_until_complete` on a `loop = asyncio.new_event_loop()` of this function:
        a loop of its own, which works on any thread."""
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return False
        binding = self.facts.scope.lookup(func.value.value)
        if binding is None or binding.kind != "assign" or binding.scope is not self.facts.scope:
            return False
        value = binding.node
        return isinstance(value, cst.Call) and self.facts.qualified_name(value.func) == "asyncio.new_event_loop"

    def _self_attribute_stored(self, target: cst.BaseExpression, value: cst.BaseExpression | None = None) -> None:
        """`self.x = ...` (also in a tuple target, or `self.x += 1`) in a method: `x` is
        assigned by a method of its class; `value`: what a plain assignment gives it.
        Setting an attribute of an object the function did not create makes it
        `loop_thread_only`."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._self_attribute_stored(element.value)
            return
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            name = target.value.value
            owner = self._self_owner(name)
            if owner is not None:
                self._assigned(owner, target.attr.value)
                self._assigned_through(name, target.attr.value, value)
            if owner is not None or _given(self.facts.scope.lookup(name)):
                self._stack[-1].loop_thread_only = True

    def _remember_result(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """`loop = asyncio.get_running_loop()`, `self.loop = get_running_loop()`: a later
        test of `loop` is a test of what that call returns (conclint.analysis.conditions)."""
        name = dotted_name(target) if isinstance(target, (cst.Name, cst.Attribute)) else ""
        if not name:
            return
        results = self._stack[-1].results
        found = self._call_result(value)
        if found is not None:
            results[name] = found
        else:
            results.pop(name, None)

    def _call_result(self, value: cst.BaseExpression | None) -> tuple | None:
        """("e", "running-loop") for a call of asyncio's running-loop getters, ("r", name)
        for a call of a function of the project that may return the loop (its name says
        "loop": `get_running_loop()`, `current_loop()`), else None."""
        if not isinstance(value, cst.Call):
            return None
        func = value.func
        last = last_name(func)
        if "loop" not in last:
            return None  # only a loop getter's result is of use; resolving every call costs
        symbol = self.facts.resolve(func)
        if symbol is None or symbol.instance:
            return None
        if not symbol.local and symbol.qualname in RUNNING_LOOP_GETTERS:
            return RUNNING_LOOP_SUBJECT
        if symbol.local and isinstance(symbol.node, cst.FunctionDef):
            return ("r", LOCAL + symbol.qualname)
        if not symbol.local and _may_be_project_function(symbol.qualname):
            return ("r", symbol.qualname)
        return None

    def _is_self(self, receiver: cst.BaseExpression) -> bool:
        return isinstance(receiver, cst.Name) and self._self_owner(receiver.value) is not None

    def _self_owner(self, name: str) -> str | None:
        """The class whose instance `name` is, when it is the `self` of an enclosing method."""
        for function in reversed(self._stack):
            if function.self_name == name and function.class_qualname is not None:
                return function.class_qualname
        return None

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        scope = self.facts.scope  # FileFacts has entered the function's scope
        parent = scope.parent
        class_qualname = parent.qualname if parent is not None and parent.kind == "class" else None
        cls_name = None
        if class_qualname is not None and is_classmethod(node):
            params = [*node.params.posonly_params, *node.params.params]
            cls_name = params[0].name.value if params else None
        function = FunctionRecord(node, scope.qualname, class_qualname, cls_name)
        if self._stack and class_qualname is None:
            self._inherit_definition_guard(function, self._stack[-1], scope)
        self._stack.append(function)
        self._loop_uses.enter(function)
        if function.is_async:
            self._own_loops.coroutines.setdefault(node.name.value, []).append(scope.qualname)
        names = []
        if parent is not None:
            for decorator in node.decorators:
                expression = decorator.decorator
                symbol = resolve(expression.func if isinstance(expression, cst.Call) else expression, parent)
                self._compiled_by(function, expression, symbol)
                names.append(_decorator_name(expression, symbol))
        function.decorators = tuple(name for name in names if name)
        if class_qualname is not None:
            function.method = "cls" if cls_name is not None else "" if "builtins.staticmethod" in names else "self"
            positional = [*node.params.posonly_params, *node.params.params]
            if function.method == "self" and positional:
                function.self_name = positional[0].name.value
        if all(name in SIGNATURE_KEEPING_DECORATORS for name in names):
            function.params = parameters(node, self.facts)
        elif all(names):
            function.decorated_params = parameters(node, self.facts)

    def _inherit_definition_guard(self, function: FunctionRecord, enclosing: FunctionRecord, scope: Scope) -> None:
        """A function defined inside another runs only where its `def` ran: the tests that
        `def` sits under still hold when it runs, as far as they test what cannot change in
        between. Two kinds carry over (weaviate-client's sync-or-async clients, `if
        self.__colour == "async": async def _execute(): ... self._get_token_endpoint()`):
        tests of the enclosing method's `self` attributes, which calls on that `self` pass on
        as known facts where only `__init__` assigns the attribute (`_known`); and a parameter
        of an enclosing function compared equal to a constant, never rebound there nor bound
        in the nested function, which the nested function passes on as that constant."""
        inherited = [lit for lit in enclosing.guard() if lit[1] is not None and lit[1][0] == "a"] if enclosing.self_name else []
        if inherited and enclosing.self_name not in scope.bindings:
            function.guards.append(inherited)
        outer = scope.parent
        values = {name: value for name, value in enclosing.closure_values.items() if name not in scope.bindings}
        for test, subject, operand, wanted in enclosing.guard():
            if test != "eq" or not wanted or subject is None or subject[0] != "p" or outer is None:
                continue
            name = subject[1]
            binding = outer.bindings.get(name)
            if binding is not None and binding.kind == "param" and name not in outer.rebound and name not in scope.bindings:
                values[name] = ("c", operand)
        function.closure_values = values

    def _compiled_by(self, function: FunctionRecord, decorator: cst.BaseExpression, symbol: Symbol | None) -> None:
        """`@numba.njit(nogil=True)`, `@jax.jit` (`symbol`, what the decorator resolves to):
        the body runs as machine code, which may release the GIL; the function is not pure
        Python any more."""
        if symbol is None or symbol.local or symbol.instance:
            return
        kind, key = call_kind(symbol.qualname)
        if kind == RELEASES:
            function.releases.append((decorator, f"compiled by @{symbol.qualname} ({RELEASE_REASONS[key]})"))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        function = self._stack[-1]
        self._library_evidence(function)
        self._done.append(self._stack.pop())
        if function.class_qualname is None:
            function.keeps_signature = keeps_signature(node, function.returned_names, function.keepers)
            enclosing = self._stack[-1] if self._stack else None
            wrapped = first_parameter(enclosing.node) if enclosing is not None else None
            if enclosing is not None and (function.keeps_signature or (wrapped is not None and forwards_arguments(node, wrapped))):
                enclosing.keepers.add(node.name.value)

    def _library_evidence(self, function: FunctionRecord) -> None:
        """The long library computations the function ran (`cerebro.run()`) become its CPU
        evidence of the "library" kind, each once the function is known to have made one of
        the calls its entry's `requires` lists (an offline data feed), if it lists any."""
        met = self._requirements_met.pop(id(function), set())
        for node, qualname, key in self._long_calls.pop(id(function), ()):
            entry = LONG_COMPUTATIONS[key]
            if not entry.requires or entry.requires & met:
                function.evidence.append((node, f"{qualname}() ({entry.reason})", LIBRARY))

    # ----- branches: the guards of conclint.analysis.conditions ------------------------------

    def _push_guard(self, found: list[tuple]) -> None:
        if self._stack:
            self._stack[-1].guards.append(found)

    def _pop_guard(self) -> None:
        if self._stack:
            self._stack[-1].guards.pop()

    def _branch(self, test: cst.BaseExpression, wanted: bool) -> None:
        if self._stack:
            function = self._stack[-1]
            function.guards.append(literals(test, wanted, self.facts, function.results))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._push_guard([])  # what holds after an early return, to the end of the block

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """A `with` block's early returns guard what follows the `with` too: its body runs
        to its end unless it leaves the function (pyrate-limiter's `with self._lock: ... if
        _force_async: return ...`, then the sync wait after the block)."""
        if not self._stack:
            return
        guards = self._stack[-1].guards
        left = guards.pop()
        if left and guards and id(node) in self._carried_blocks:
            guards[-1].extend(left)

    def _may_swallow(self, manager: cst.BaseExpression) -> bool:
        """A context manager that may swallow an exception its block raises, so that what
        follows the `with` runs although the block did not run to its end
        (`contextlib.suppress`, `pytest.raises`)."""
        symbol = self.facts.resolve(manager.func if isinstance(manager, cst.Call) else manager)
        return symbol is not None and not symbol.local and symbol.qualname in EXCEPTION_SWALLOWING_CONTEXTS

    def visit_If_body(self, node: cst.If) -> None:
        self._branch(node.test, True)

    def visit_If_orelse(self, node: cst.If) -> None:
        if isinstance(node.orelse, cst.If):
            self._elifs.add(id(node.orelse))
        self._branch(node.test, False)

    def leave_If_body(self, node: cst.If) -> None:
        self._pop_guard()

    leave_If_orelse = leave_If_body

    def visit_If(self, node: cst.If) -> None:
        self._conditionals += 1
        if self._stack and self._stack[-1].loops and set_up_once(node):
            # `if index is None: index = {e.id: i for i, e in enumerate(events)}` in a loop:
            # built once, its loops add to the outer loop's rounds rather than nest in them.
            self._once.update(id(loop) for loop in nodes_within(node.body, _LOOP_NODES))

    def visit_Try(self, node: cst.Try) -> None:
        if self._stack and self._probes_running_loop(node.body):
            self._without_loop.update(id(handler) for handler in node.handlers if _catches_only(handler, "RuntimeError"))

    def _probes_running_loop(self, body: cst.BaseSuite) -> bool:
        """The first statement of a `try` body asks asyncio for the running loop
        (`asyncio.get_event_loop().create_task(...)`): its `except RuntimeError:` handler runs
        only where no loop runs (nodriver's `Browser.stop()` falls back on `asyncio.run`)."""
        first = body.body[0] if isinstance(body, cst.IndentedBlock) and body.body else None
        if not isinstance(first, cst.SimpleStatementLine):
            return False
        return any(
            not symbol.local and symbol.qualname in RUNNING_LOOP_GETTERS
            for call in nodes_within(first, (cst.Call,))
            if (symbol := self.facts.resolve(call.func)) is not None  # type: ignore[attr-defined]
        )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._conditionals += 1
        if id(node) in self._without_loop:
            self._push_guard([("truthy", RUNNING_LOOP_SUBJECT, None, False)])

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._conditionals -= 1
        if id(node) in self._without_loop:
            self._pop_guard()

    def leave_If(self, node: cst.If) -> None:
        self._conditionals -= 1
        if self._stack and self._stack[-1].guards and id(node) not in self._elifs:
            function = self._stack[-1]
            function.guards[-1].extend(after_if(node, self.facts, function.results))

    def visit_Assert(self, node: cst.Assert) -> None:
        if self._stack and self._stack[-1].guards:
            function = self._stack[-1]
            function.guards[-1].extend(literals(node.test, True, self.facts, function.results))

    def visit_While_body(self, node: cst.While) -> None:
        self._branch(node.test, True)

    def leave_While_body(self, node: cst.While) -> None:
        self._pop_guard()

    def visit_For_body(self, node: cst.For) -> None:
        self._push_guard(iteration_literals(node.iter, self.facts))
        self._enter_body(node)

    def _enter_body(self, node: cst.For) -> None:
        loops = self._stack[-1].loops if self._stack else []
        if loops and loops[-1].node is node:
            loops[-1].in_body = True

    def leave_For_body(self, node: cst.For) -> None:
        self._pop_guard()

    def visit_IfExp_body(self, node: cst.IfExp) -> None:
        self._branch(node.test, True)

    def visit_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._branch(node.test, False)

    def leave_IfExp_body(self, node: cst.IfExp) -> None:
        self._pop_guard()

    leave_IfExp_orelse = leave_IfExp_body

    def visit_BooleanOperation_right(self, node: cst.BooleanOperation) -> None:
        self._branch(node.left, isinstance(node.operator, cst.And))

    def leave_BooleanOperation_right(self, node: cst.BooleanOperation) -> None:
        self._pop_guard()

    # ----- iterated results: a generator's body runs only when its result is ------------------

    def visit_Return(self, node: cst.Return) -> None:
        self._leaves_loop()
        if self._stack and self._stack[-1].returned_names is not None:
            if isinstance(node.value, cst.Name):
                self._stack[-1].returned_names.append(node.value.value)  # type: ignore[union-attr]
            else:
                self._stack[-1].returned_names = None
        if node.value is not None:
            self._iterated.add(id(node.value))  # the caller may iterate it
        self._value_type(node.value, yielded=False)
        if self._stack and not self._stack[-1].returned:
            function = self._stack[-1]
            function.returned = True
            function.returns_running_loop = not function.guard() and self._call_result(node.value) == RUNNING_LOOP_SUBJECT
        if node.value is not None and self._stack and returns_loader_with_workers(self.facts, node.value):
            self._worker_loaders.add(self._stack[-1].qualname)

    def _value_type(self, value: cst.BaseExpression | None, yielded: bool) -> None:
        """Note the library type of a value the function returns or yields (FunctionSummary.
        returns): a generator's yields count, a plain function's returns (`return None` and
        a bare `return` aside). A `yield from` is no one value: it counts as unknown."""
        if not self._stack or self._stack[-1].lambda_depth:
            return
        function = self._stack[-1]
        if value is None and not yielded or is_none(value):
            return
        if yielded and not function.is_generator:
            function.value_types.clear()  # its returns end a generator: they are no values
        if yielded or not function.is_generator:
            symbol = self.facts.resolve(value) if isinstance(value, _TYPED_VALUES) else None
            typed = symbol is not None and symbol.instance and not symbol.local
            function.value_types.append(symbol.qualname if typed else "")  # type: ignore[union-attr]

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._iterated.add(id(node.value))

    # ----- loops -----------------------------------------------------------------------------

    def visit_For(self, node: cst.For) -> None:
        if not self._stack:
            return
        self._iterated.add(id(node.iter))
        outer_names = self._loop_names() if self._stack[-1].loops else set()
        loop = self._push_loop(node, "for")
        if node.asynchronous is not None:
            loop.impure = True
            self._suspends()
        loop.dependent = walks_element(node.iter, outer_names)
        loop.idle = idle_body(node.body)
        self._iterate(node.iter, outer_names)
        loop.names.update(bound_names(node.target))
        self._classify_range(loop, node.iter)

    def visit_While(self, node: cst.While) -> None:
        if self._stack:
            loop = self._push_loop(node, "while")
            loop.tested = names_read(node.test)
            loop.numeric = not (mentions_len(node.test) or indexes_by_name(node.test) or reads_element_at(node.body, loop.tested))
            loop.breaks = tests_membership(node.test)  # a search for what is not taken yet
            loop.capped = any(counts_up(node.body, name) for name in capped_names(node.test, self._small_constant))

    def _visit_comprehension(self, node: cst.BaseComp) -> None:
        if not self._stack:
            return
        outer_names = self._loop_names() if self._stack[-1].loops else set()
        loop = self._push_loop(node, "comprehension")
        loop.clauses = 0
        small = True
        clause: cst.CompFor | None = node.for_in
        guard: list[tuple] = []
        while clause is not None:
            self._iterated.add(id(clause.iter))
            guard += iteration_literals(clause.iter, self.facts)
            loop.clauses += 1
            if clause.asynchronous is not None:
                loop.impure = True
                self._suspends()
            seen = outer_names | loop.names
            if loop.clauses == 1:
                loop.dependent = walks_element(clause.iter, seen)
            elif not walks_element(clause.iter, seen) and not _short_display(clause.iter):
                loop.independent_inner = True
            self._iterate(clause.iter, seen)
            loop.names.update(bound_names(clause.target))
            self._classify_range(loop, clause.iter)
            small = small and loop.small
            clause = clause.inner_for_in
        loop.small = small
        self._push_guard(guard)

    visit_ListComp = visit_SetComp = visit_DictComp = _visit_comprehension

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter_offloaded(node)
        self._visit_comprehension(node)
        if id(node) in self._awaited_generators and self._stack and self._stack[-1].loops:
            self._stack[-1].loops[-1].impure = True

    def _small_constant(self, node: cst.BaseExpression) -> bool:
        """An integer written out, or a module constant bound once to one, below
        SMALL_RANGE: a loop it caps runs a fixed, modest number of rounds."""
        if isinstance(node, cst.Name):
            binding = self.facts.scope.lookup(node.value)
            if binding is None or binding.kind != "assign" or binding.scope is None or binding.scope.kind != "module":
                return False
            if node.value in binding.scope.rebound:
                return False
            node = binding.node  # type: ignore[assignment]
        return isinstance(node, cst.Integer) and node.evaluated_value < SMALL_RANGE

    def _push_loop(self, node: cst.CSTNode, kind: str) -> LoopRecord:
        loop = LoopRecord(node, kind)
        loop.nesting = (self._fstrings, self._call_args, self._subscripts)
        loop.conditionals = self._conditionals
        self._stack[-1].loops.append(loop)
        return loop

    def _leave_loop(self, node: cst.CSTNode) -> None:
        if not self._stack:
            return
        function = self._stack[-1]
        loops = function.loops
        if not loops or loops[-1].node is not node:
            return
        loop = loops.pop()
        if loop.outputs and not loop.body_loops:
            # Printing or logging in every round of the innermost loop: output is its work.
            loop.impure = True
            function.releases.extend(loop.outputs)
        if loop.kind == "while":
            # A while loop is numeric when numbers drive it (`while n != 1: n = ...`); a
            # worklist (`while stack: stack.pop()`) or a scan (`while i < len(data)`) grows
            # with data of unknown size.
            loop.numeric = loop.numeric and loop.updates
        found = loop.evidence()
        if loop.hashes and not (found is not None and found[1] in (NUMERIC, LARGE) and loop.body_loops):
            # Not a hash per round beside a nested loop over numbers: the hashing may be
            # the work, done in C with the GIL released.
            loop.impure = True
            function.releases.extend(loop.hashes)
            found = None
        if function.lambda_depth:
            found = None
        items = [(loop.node, found[0], found[1], tuple(loop.calls))] if found is not None else loop.pending
        if loops:
            outer = loops[-1]
            outer.impure = outer.impure or loop.impure
            if outer.in_body and id(loop.node) not in self._once:
                # A comprehension in a `for`'s iterable produces the items once: its work
                # adds to the rounds rather than multiplying them, so the outer loop is
                # neither nested nor arithmetic by it. So does a loop that sets a value up once.
                outer.inner_loops += 1
                outer.body_loops += 1
                outer.inner_numeric = outer.inner_numeric or loop.numeric or loop.inner_numeric
                outer.inner_small = outer.inner_small and loop.small and loop.inner_small
                outer.large = outer.large or loop.large
                # An inner loop over a few values written out in the source (`for name in
                # ("members", "steps")`) repeats the outer round's look-ups a fixed number of
                # times. (A short `range(8)` of arithmetic per byte stays nested work.)
                outer.independent_inner = outer.independent_inner or not (loop.dependent or loop.display) or loop.independent_inner
                outer.arithmetic = outer.arithmetic or loop.arithmetic
                outer.compares = outer.compares or loop.compares
                outer.heavy = outer.heavy or loop.heavy
            outer.calls.extend(loop.calls)
            outer.pending.extend(items)
        else:
            for loop_node, reason, kind, calls in items:
                function.evidence.append((loop_node, reason, kind))
                function.loop_facts.append(LoopFacts(loop_node, reason, kind, calls))

    leave_For = _leave_loop

    def leave_While(self, node: cst.While) -> None:
        self._spin(node)
        self._leave_loop(node)

    def _spin(self, node: cst.While) -> None:
        """A `while` loop of a sync function with a round that spins (FunctionSummary.spins).
        A coroutine's loop that never awaits is CCL202's (it blocks the event loop)."""
        function = self._stack[-1] if self._stack else None
        if function is None or function.is_async or function.lambda_depth:
            return
        found = spin_loop(node, self._spin_calls)
        if found is not None:
            function.spins.append((node, found.reason, found.requires))

    def _leave_comprehension(self, node: cst.BaseComp) -> None:
        if self._stack:
            self._pop_guard()
        self._leave_loop(node)

    leave_ListComp = leave_SetComp = leave_DictComp = _leave_comprehension

    def leave_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._leave_comprehension(node)
        self._leave_offloaded(node)

    def _enter_offloaded(self, node: cst.CSTNode) -> None:
        if self._stack and id(node) in self._offloaded:
            self._stack[-1].lambda_depth += 1

    def _leave_offloaded(self, node: cst.CSTNode) -> None:
        if self._stack and id(node) in self._offloaded:
            self._stack[-1].lambda_depth -= 1

    def _iterate(self, iterable: cst.BaseExpression, loop_names: set[str]) -> None:
        """Iterating an object of unknown type runs its `__next__`, which may read a file, a
        socket or a database cursor: one more call this module cannot vouch for."""
        if not self._known_iterable(iterable, loop_names):
            self._stack[-1].unknown_iterations += 1

    def _known_iterable(self, node: cst.BaseExpression, loop_names: set[str], depth: int = 0) -> bool:
        """A literal or builtin-typed value, a name an enclosing loop bound, a call of a
        function of this module, or a pure call (`enumerate`, `zip`, `d.items()`) of those."""
        if depth > 4:
            return False
        if isinstance(node, cst.Name) and node.value in loop_names:
            return True
        if isinstance(node, cst.Subscript):
            return self._known_iterable(node.value, loop_names, depth + 1)
        if self._builtin_type(node) is not None:
            return True
        if not isinstance(node, cst.Call):
            return False
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ITERATING_METHODS:
            return True
        symbol = self.facts.resolve(node.func)
        if symbol is None or symbol.instance:
            return False
        if symbol.local or symbol.qualname == "builtins.range":
            return True
        if call_kind(symbol.qualname)[0] not in (PURE, HEAVY):
            return False  # an unknown call: counted as such already
        return all(
            self._known_iterable(arg.value, loop_names, depth + 1) or self._is_callable(arg.value)
            for arg in node.args
            if arg.keyword is None
        )

    def _is_callable(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Lambda):
            return True
        symbol = self.facts.resolve(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        return symbol is not None and not symbol.instance

    def _classify_range(self, loop: LoopRecord, iterable: cst.BaseExpression) -> None:
        loop.small = loop.display = _short_display(iterable)  # `for name in ("members", "steps")`
        if not isinstance(iterable, cst.Call):
            return
        symbol = self.facts.resolve(iterable.func)
        if symbol is None or symbol.qualname != "builtins.range" or symbol.local:
            return
        bounds = [self._constant(arg.value) for arg in iterable.args[:2]]
        if bounds and all(bound is not None and abs(bound) < SMALL_RANGE for bound in bounds):
            loop.small = True
            return
        if bounds and all(bound is not None for bound in bounds):
            start, stop = (0, *bounds)[-2:]
            loop.large = stop - start >= SMALL_RANGE  # type: ignore[operator]
        loop.over_range = True
        if not any(self._read_from_data(arg.value) for arg in iterable.args):
            loop.numeric = True

    def _read_from_data(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """A count taken from data held already: its `len()`, a field unpacked from bytes
        (`struct.unpack_from`, `int.from_bytes`), a value masked to a few bits (`v & 0x0F`),
        a byte of a `bytes` parameter (`data[4]`), the days between two dates (`(today -
        start).days`, as many as the calendar holds), or a local name assigned one of these.
        A `range()` of it walks that data (a packet's entries), rather than doing work a
        number asks for."""
        if depth > 3:
            return False
        pending: list[cst.CSTNode] = [node]
        while pending:
            current = pending.pop()
            if isinstance(current, (cst.BinaryOperation, cst.BooleanOperation)):
                if isinstance(current.operator, cst.BitAnd) and masked_below(current, BYTE_VALUES):
                    return True
                pending += (current.left, current.right)
            elif isinstance(current, cst.UnaryOperation):
                pending.append(current.expression)
            elif isinstance(current, cst.Call):
                called = self.facts.qualified_name(current.func)
                if called in SIZE_READERS:
                    return True
                if called in COUNT_PRESERVING:
                    pending += (arg.value for arg in current.args)  # `math.ceil(len(data) / size)`
            elif isinstance(current, cst.Subscript):
                if isinstance(current.value, cst.Name) and self._binding_reads_data(current.value, depth, subscripted=True):
                    return True
            elif isinstance(current, cst.Attribute) and current.attr.value in CALENDAR_COUNTS:
                return True
            elif isinstance(current, cst.Name):
                if self._binding_reads_data(current, depth, subscripted=False):
                    return True
        return False

    def _binding_reads_data(self, name: cst.Name, depth: int, subscripted: bool) -> bool:
        binding = self.facts.scope.lookup(name.value)
        if binding is None:
            return False
        if subscripted:
            return binding.kind == "param" and isinstance(binding.node, cst.Name) and binding.node.value in BYTE_SEQUENCES
        if binding.kind == "assign" and isinstance(binding.node, cst.BaseExpression):
            return self._read_from_data(binding.node, depth + 1)
        if binding.kind == "part" and isinstance(binding.node, cst.Call):
            return self.facts.qualified_name(binding.node.func) in SIZE_READERS
        return False

    def _constant(self, node: cst.BaseExpression, depth: int = 0) -> int | None:
        """The value of an integer expression made of literals and names assigned them
        (`LOOPS = 5`, `10**6`, `2 * N`), else None. Huge values are capped."""
        if depth > 8:
            return None
        if isinstance(node, cst.Integer):
            return node.evaluated_value
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            inner = self._constant(node.expression, depth + 1)
            return -inner if inner is not None else None
        if isinstance(node, cst.Name):
            binding = self.facts.scope.lookup(node.value)
            if binding is not None and binding.kind == "assign" and isinstance(binding.node, cst.BaseExpression):
                return self._constant(binding.node, depth + 1)
            return None
        if isinstance(node, cst.BinaryOperation):
            left, right = self._constant(node.left, depth + 1), self._constant(node.right, depth + 1)
            if left is None or right is None:
                return None
            operator = node.operator
            if isinstance(operator, cst.Power):
                return _HUGE if right > 64 or abs(left) > 2**16 else left**right if right >= 0 else 0
            if isinstance(operator, cst.Add):
                return max(-_HUGE, min(_HUGE, left + right))
            if isinstance(operator, cst.Subtract):
                return max(-_HUGE, min(_HUGE, left - right))
            if isinstance(operator, cst.Multiply):
                return max(-_HUGE, min(_HUGE, left * right))
            if isinstance(operator, cst.FloorDivide) and right:
                return left // right
        return None

    # ----- what happens inside ---------------------------------------------------------------

    def _loop_names(self) -> set[str]:
        loops = self._stack[-1].loops
        return loops[-1].names if len(loops) == 1 else set().union(*(loop.names for loop in loops))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._fstrings += 1

    def leave_FormattedString(self, node: cst.FormattedString) -> None:
        self._fstrings -= 1

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        if id(node) in self._stored_indexes:
            self._in_stored += 1
        else:
            self._subscripts += 1

    def leave_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        if id(node) in self._stored_indexes:
            self._in_stored -= 1
        else:
            self._subscripts -= 1

    def leave_Call(self, node: cst.Call) -> None:
        self._call_args -= 1  # entered in visit_Call
        self._leave_offloaded(node)

    def visit_Expr(self, node: cst.Expr) -> None:
        """`k * k` as a statement, in a loop: computed and thrown away, it is still the loop's
        arithmetic (`total += i * i` counts through the loop's names; this has none)."""
        value = node.value
        if not self._stack or not self._stack[-1].loops or not isinstance(value, cst.BinaryOperation):
            return
        if isinstance(value.operator, COMPUTING_OPERATORS) and not literal_only(value):
            self._stack[-1].loops[-1].arithmetic = True

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if self._stack and self._stack[-1].loops and isinstance(node.operator, ARITHMETIC_OPERATORS):
            if isinstance(node.operator, cst.Modulo) and isinstance(node.left, STRING_LITERALS):
                return  # "%s" % x formats a string
            if not mentions(node, self._loop_names()):
                return
            loop = self._stack[-1].loops[-1]
            fstrings, call_args, subscripts = loop.nesting
            if self._fstrings > fstrings or self._subscripts > subscripts or (loop.kind == "comprehension" and self._call_args > call_args):
                return  # `f"{i + 1}"`, `m[i * n:(i + 1) * n]`, `[make(i * 2) for i in ...]`: text, a position, an argument
            if self._in_stored and not (loop.over_range and isinstance(node.operator, MULTIPLICATIVE_OPERATORS)):
                return  # `table[prefix + name] = v`: a key; `bits[(h + i * k) % m] = 1` over a range() computes
            loop.arithmetic = True
            if isinstance(node.operator, MULTIPLICATIVE_OPERATORS):
                loop.multiplicative = True
            if isinstance(node.operator, cst.Power):
                loop.floating = True  # `10 ** (-0.4 * mag)`, `d ** 0.5`

    def _attribute_set(self, target: cst.BaseExpression) -> None:
        """`name.attr = ...` anywhere in the module (also in a tuple target)."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._attribute_set(element.value)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            self._attributes_set_on.add(target.value.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._attribute_set(node.target)
        if self._stack:
            self._self_attribute_stored(node.target)
        if self._stack and self._stack[-1].loops and isinstance(node.operator, AUGMENTED_ARITHMETIC):
            loop = self._stack[-1].loops[-1]
            loop.arithmetic = loop.updates = True
            if isinstance(node.operator, AUGMENTED_MULTIPLICATIVE):
                loop.multiplicative = True
            if isinstance(node.target, cst.Name):
                loop.names.add(node.target.value)
                loop.updated.add(node.target.value)
                changed = loop.shrinks if isinstance(node.operator, SHRINKING_ASSIGNMENTS) else loop.grows
                changed.add(node.target.value)
            elif spelled := dotted_name(node.target):
                loop.updated.add(spelled)  # `self._origin_ms += 1` under `while self._origin_ms < end:`

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._attribute_set(node.target)
        if self._stack:
            self._self_attribute_stored(node.target)
            self._not_read_at(assigned_attributes(node.target))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._attribute_set(target.target)
            self._not_read_at(assigned_attributes(target.target))
            if isinstance(target.target, cst.Subscript) and self._stack and self._stack[-1].loops:
                self._stored_indexes.update(id(e) for e in target.target.slice if isinstance(e.slice, cst.Index))
            if self._stack:
                self._self_attribute_stored(target.target, node.value if len(node.targets) == 1 else None)
                self._remember_result(target.target, node.value)
            if isinstance(target.target, (cst.Name, cst.Tuple, cst.List)):
                # Unpacked here, or held in a local that is likely iterated later; a generator
                # stored on an object (`self.chunks = gen()`) is left to whoever consumes it.
                self._iterated.add(id(node.value))
        if self._stack:
            self._stored_parameter(node)
        if not self._stack or not self._stack[-1].loops:
            return
        loop = self._stack[-1].loops[-1]
        targets = set()
        for target in node.targets:
            targets.update(bound_names(target.target))
        loop.names.update(targets)
        value = node.value
        if isinstance(value, cst.IfExp):
            value = value.body
        arithmetic = isinstance(value, cst.BinaryOperation) and isinstance(value.operator, ARITHMETIC_OPERATORS)
        if arithmetic and mentions(value, targets):
            loop.updates = True  # `n = n // 2`, `z = z * z + c`
            loop.updated.update(targets)
        if shrinks_itself(targets, node.value):
            loop.shrinks.update(targets)  # `n = n // 2`, as `n //= 2` (not `n // 2 if even else 3 * n + 1`)
        else:
            loop.grows.update(targets)  # assigned anew: not known to shrink

    def visit_Del(self, node: cst.Del) -> None:
        self._not_read_at(assigned_attributes(node.target))

    def _not_read_at(self, attributes: Sequence[cst.BaseExpression]) -> None:
        """These attributes are set, deleted or called, not read: no getter runs there."""
        names = self._property_names
        if names:
            self._not_read.update(id(a) for a in attributes if isinstance(a, cst.Attribute) and a.attr.value in names)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`self.rows` read in a coroutine, where `rows` is a property of the class (or of a
        base of this module): reading it runs the getter, a call of it. Followed only into
        what the getter does itself, and not from sync helpers: getters that reach blocking
        calls through further functions are mostly lazy set-up (`if not self._client:
        self._client = get_client()`), done once, usually before any coroutine reads it."""
        if node.attr.value not in self._property_names or not self._stack or id(node) in self._not_read:
            return
        function = self._stack[-1]
        if not function.is_async or function.lambda_depth or self.facts.unreachable:
            return
        getter = property_getter(node, self.facts.scope)
        if getter is not None:
            self._property_reads.add(id(node))
            self._edge(getter, node, "unknown")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._loop_uses.comparisons += 1
        if self._stack and self._stack[-1].loops and mentions(node, self._loop_names()):
            self._stack[-1].loops[-1].compares = True

    def leave_Comparison(self, node: cst.Comparison) -> None:
        self._loop_uses.comparisons -= 1

    def visit_Await(self, node: cst.Await) -> None:
        self._mark_impure()
        self._suspends()
        if isinstance(node.expression, cst.Call):
            self._awaited_generators.update(id(arg.value) for arg in node.expression.args if isinstance(arg.value, cst.GeneratorExp))

    def visit_Break(self, node: cst.Break) -> None:
        self._leaves_loop()

    def _leaves_loop(self) -> None:
        """A `break`, or a `return` inside a loop, leaves it early: the loop searched (`while
        True: ... if mid not in mids: return mid`)."""
        if self._stack and self._stack[-1].loops:
            self._stack[-1].loops[-1].breaks = True

    def visit_Yield(self, node: cst.Yield) -> None:
        value = node.value
        if value is not None:
            self._iterated.add(id(value.item if isinstance(value, cst.From) else value))
        self._value_type(None if isinstance(value, cst.From) else value, yielded=True)
        if self._stack:
            function = self._stack[-1]
            if not function.lambda_depth:
                function.is_generator = True
            self._mark_impure()

    def _suspends(self) -> None:
        if self._stack:
            self._stack[-1].suspends = True

    def _mark_impure(self) -> None:
        if self._stack and self._stack[-1].loops:
            self._stack[-1].loops[-1].impure = True

    def visit_With(self, node: cst.With) -> None:
        if not self._stack:
            return
        if not any(self._may_swallow(item.item) for item in node.items):
            self._carried_blocks.add(id(node.body))
        if node.asynchronous is not None:
            self._mark_impure()
            self._suspends()
            return
        facts = self.facts
        for item in node.items:
            self._iterated.add(id(item.item))  # entering a context manager runs its generator
            match = facts.blocking_with_item(item)
            if match is not None:
                self._blocking(item.item, match.entry.qualname, match.entry.category.value, match.display)
                continue
            if isinstance(item.item, cst.Call):
                continue  # the call itself is judged by visit_Call
            symbol = facts.resolve(item.item)
            kind, key = call_kind(symbol.qualname) if symbol is not None and not symbol.local else (None, "")
            if kind == RELEASES:
                self._release(item.item, RELEASE_REASONS[key])
            elif kind is None:
                self._unknown()

    def visit_Call(self, node: cst.Call) -> None:
        self._call_args += 1  # inside a call (its arguments, mostly): left in leave_Call
        if not self._stack:
            return
        self._enter_offloaded(node)
        if self.facts.unreachable:
            return  # after a `raise` or `return` of its block: it never runs
        function = self._stack[-1]
        facts = self.facts
        func = node.func
        self._not_read_at((func,))
        symbol = facts.resolve(func)
        if not function.lambda_depth:
            self._loop_uses.call(function, node, symbol)
        if len(self._stack) > 1 and symbol is not None and not symbol.instance and node.args:
            self._hands_on(symbol, node.args)
        if symbol is not None and not symbol.local and (
            bound_to_its_thread(symbol.qualname) or (needs_loop_thread(symbol.qualname) and not self._new_loop(func))
        ):
            function.loop_thread_only = True
        self._consumed_arguments(node, symbol)
        api = self._dispatch_api(func, symbol)
        if api is not None:
            self._offloaded_parameter(node, api)
        position = api.position if api is not None else _process_dispatch_position(symbol)
        if position is not None:
            self._offloaded_iterables(node, position)
        self._loop_run(node, symbol)
        if isinstance(func, cst.Name) and func.value == "setattr" and node.args:
            self._setattr(node)
        output = self._output_name(func, symbol)
        if output:
            self._output(node, output)
            return
        if symbol is None:
            self._parameter_call(node, func)
            self._parameter_method_call(node, func)
            if function.cls_name is not None and isinstance(func, cst.Attribute) and is_cls_receiver(func.value, function.cls_name):
                self._edge(f"{function.class_qualname}.{func.attr.value}", node, "unknown")
            else:
                base_init = self._imported_base_init(func)
                if base_init and not function.lambda_depth:
                    function.base_inits.append(self._site(base_init, node, True, "", False))
                self._unresolved_method(func)
            return
        if symbol.local and facts.configured_here and not symbol.instance:
            match = facts.blocking_call(node)  # a function of this module the project declared blocking
            if match is not None:
                self._blocking(node, match.entry.qualname, match.entry.category.value, match.display)
                return
        if symbol.local:
            if symbol.instance:
                self._unknown()  # calling an object of a local class runs its __call__
            elif isinstance(symbol.node, cst.FunctionDef):
                if symbol.node.asynchronous is None:
                    self._edge(symbol.qualname, node, "unknown")
                elif function.is_async:
                    self._coroutine_handing_functions(symbol.qualname, node)
            elif isinstance(symbol.node, cst.ClassDef):
                self._edge(f"{symbol.qualname}.__init__", node, "ignore", new_class=symbol.qualname)
            else:
                method = symbol.qualname.rpartition(".")[2]
                fallback = "pure" if method in PURE_METHODS_ANY_RECEIVER else "unknown"
                if fallback == "unknown" and isinstance(func, cst.Attribute) and self._is_self(func.value):
                    fallback = DISPATCH  # `self.data()` the class may leave to its subclasses
                self._edge(symbol.qualname, node, fallback)
            return
        if symbol.instance:
            # Calling an object: its type's `__call__` may be catalogued (a model pipeline).
            match = facts.blocking_call(node)
            if match is not None:
                self._blocking(node, match.entry.qualname, match.entry.category.value, match.display)
            else:
                self._unknown()
            return
        qualname = symbol.qualname
        if facts.catalog.lookup(qualname) is not None or qualname in STREAM_FUNCTIONS:
            match = facts.blocking_call(node)
            if match is not None:
                self._blocking(node, match.entry.qualname, match.entry.category.value, match.display)
                if isinstance(func, cst.Attribute):
                    self._receivers_reported.add(id(func.value))
                return
        if qualname in LONG_REQUIREMENTS and not function.lambda_depth:
            self._requirements_met.setdefault(id(function), set()).add(qualname)
        kind, key = call_kind(qualname)
        if kind == RELEASES and key in HASHING_MODULES and function.loops and not function.lambda_depth:
            function.loops[-1].hashes.append((node, f"{qualname}() ({RELEASE_REASONS[key]})"))
        elif kind == RELEASES:
            self._release(node, f"{qualname.removeprefix('builtins.')}() ({RELEASE_REASONS[key]})", RELEASE_REASONS[key] == ARRAY_WORK)
        elif kind == LONG:
            if not function.lambda_depth:  # a lambda may never run
                self._long_calls.setdefault(id(function), []).append((node, qualname, key))
        elif kind == HEAVY:
            self._heavy(qualname.removeprefix("builtins."))
            self._per_element(key)
            self._callable_arguments(qualname, node)
        elif kind == PURE:
            self._numeric_call(qualname, node)
            self._callable_arguments(qualname, node)
        elif _may_be_project_function(qualname):
            self._edge(qualname, node, "unknown", external=True)
        else:
            self._unknown()

    def _parameter_call(self, node: cst.Call, func: cst.BaseExpression) -> None:
        """`operation()` of the function's own parameter, on its own thread (not awaited,
        not in a lambda): a function a caller passes there runs as called here."""
        function = self._stack[-1]
        if not isinstance(func, cst.Name) or function.lambda_depth or self.facts.is_awaited(node):
            return
        binding = self.facts.scope.bindings.get(func.value)
        if binding is not None and binding.kind == "param" and func.value not in function.called_parameters:
            function.called_parameters.append(func.value)

    def _parameter_method_call(self, node: cst.Call, func: cst.BaseExpression) -> None:
        """`session.get(url)` on the function's own parameter `session`, not rebound before
        and of a type unknown here (not in a lambda, which may never run): whether it blocks
        depends on what a caller passes (`FunctionSummary.parameter_calls`)."""
        function = self._stack[-1]
        if not isinstance(func, cst.Attribute) or function.lambda_depth or function.is_async:
            return
        if func.attr.value not in self.facts.catalog.method_names:
            return  # no type of the catalog has a blocking method of that name
        found = subject(func.value, self.facts)
        if found is None or found[0] != "p":
            return
        shown = f"`{dotted_name(func) or found[1] + '.' + func.attr.value}()`"
        function.parameter_calls.append((node, f"{found[1]}.{func.attr.value}", shown, function.guard()))

    def _coroutine_handing_functions(self, qualname: str, node: cst.Call) -> None:
        """A coroutine's call of a coroutine function of this module that hands it a function
        (`await retry(load)`): a chain starts there when the callee calls what it is given."""
        if self._stack[-1].lambda_depth or not any(function_value(arg.value, self.facts) for arg in node.args):
            return
        site = self._site(qualname, node, False, "", False)
        self._coroutine_calls.append((node, self.facts.current_statement, self.facts.scope, qualname, False, site, None, False))

    def _loop_run(self, node: cst.Call, symbol: Symbol | None) -> None:
        """`Thread(target=self._run)`, `loop.run_until_complete(self._beat())`,
        `asyncio.run(main())`, `run_worker(work(), thread=True)`: for own_loops.py."""
        func = node.func
        last = last_name(func)
        if last not in _LOOP_RUN_NAMES:
            return
        qualname = symbol.qualname if symbol is not None and not symbol.local else ""
        records = self._own_loops
        if qualname == "threading.Thread":
            target = call_argument(node, 1, "target")
            name = last_name(target) if target is not None else ""
            if name:
                records.thread_targets.add(name)
            return
        flag = THREAD_RUNNERS.get(last)
        if flag is not None:
            runs = any(
                arg.keyword is not None and arg.keyword.value == flag and isinstance(arg.value, cst.Name) and arg.value.value == "True"
                for arg in node.args
            )
        else:
            runs = last == "run_until_complete" or qualname == "asyncio.run"
        if not runs or not node.args:
            return
        work = node.args[0].value
        if isinstance(work, cst.Call):
            name = last_name(work.func)
        elif flag is not None and isinstance(work, (cst.Name, cst.Attribute)):
            name = last_name(work)  # a runner also takes the coroutine function (`run_worker(self.work, thread=True)`)
        else:
            return
        if name:
            if flag is not None:
                records.runner_names.append(name)
            else:
                records.runs.append((self._stack[-1].qualname, name))

    def _dispatch_api(self, func: cst.BaseExpression, symbol: Symbol | None) -> ThreadDispatch | None:
        """The API a call hands a callable to a thread with (`asyncio.to_thread`,
        `executor.submit` on an executor this module cannot resolve), else None."""
        if symbol is not None and not symbol.local and not symbol.instance:
            return THREAD_DISPATCH.get(symbol.qualname)
        if isinstance(func, cst.Attribute) and func.attr.value in OFFLOADING_METHOD_NAMES:
            return THREAD_DISPATCH.get(OFFLOADING_METHOD_NAMES[func.attr.value])
        return None

    def _offloaded_iterables(self, node: cst.Call, position: int) -> None:
        """The lazy iterables a dispatch passes after its callable (at `position`): `map(f,
        xs)`, a generator expression. They run where the callable iterates them, not here."""
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        for value in positional[position + 1 :]:
            if self._lazy(value):
                self._offloaded.add(id(value))
            elif isinstance(value, cst.Name):
                bound = assigned_here(value, self.facts.scope)
                if bound is not None and self._lazy(bound):
                    self._offloaded_later.update(map(id, nodes_within(bound, _RUN_LAZILY)))

    def _lazy(self, value: cst.BaseExpression) -> bool:
        return isinstance(value, cst.GeneratorExp) or (isinstance(value, cst.Call) and self._lazy_apply(value))

    def _lazy_apply(self, call: cst.Call) -> bool:
        symbol = self.facts.resolve(call.func)
        return symbol is not None and not symbol.local and not symbol.instance and symbol.qualname in LAZY_APPLY

    def _output_name(self, func: cst.BaseExpression, symbol: Symbol | None) -> str:
        """`print`, `logging.info`, `logger.debug`: the call prints or logs (what it shows as),
        else ""."""
        if symbol is not None and not symbol.local and not symbol.instance and symbol.qualname in INCIDENTAL_OUTPUT:
            return symbol.qualname.removeprefix("builtins.")
        unresolved = symbol is None or (symbol.local and symbol.node is None)
        if unresolved and isinstance(func, cst.Attribute) and func.attr.value in LOG_METHODS and self._is_logger(func.value):
            return f"{last_name(func.value)}.{func.attr.value}"
        return ""

    def _is_logger(self, receiver: cst.BaseExpression) -> bool:
        """A logger by its name (`log`, `self.logger`) or by what it was assigned
        (`audit = logging.getLogger("audit")`)."""
        if last_name(receiver) in LOGGER_NAMES:
            return True
        if not isinstance(receiver, cst.Name):
            return False
        binding = reaching_binding(receiver, self.facts.scope)
        value = binding.node if binding is not None and binding.kind == "assign" else None
        return isinstance(value, cst.Call) and self.facts.qualified_name(value.func) in LOGGER_FACTORIES

    def _output(self, node: cst.Call, name: str) -> None:
        """A print or a logging call: cheap, unless made in every round of the innermost loop
        (decided when the loop is left, see LoopRecord.outputs)."""
        function = self._stack[-1]
        if function.lambda_depth or not function.loops:
            return
        loop = function.loops[-1]
        if self._conditionals > loop.conditionals:
            return  # now and then: `if i % 1000 == 0: print(i)`
        loop.outputs.append((node, f"{name}() in every round of a loop (output)"))

    def _numeric_call(self, qualname: str, call: cst.Call) -> None:
        """`math.sqrt(i)`, `abs(i - j)` on a loop's names: the loop's arithmetic, as `i * i` is."""
        function = self._stack[-1]
        if not function.loops or function.loops[-1].kind == "comprehension" or not is_numeric_function(qualname):
            return  # a comprehension's calls compute its elements: judged by its own arithmetic
        if self._fstrings > function.loops[-1].nesting[0]:
            return  # `f"{math.sqrt(i)}"` formats text
        if any(mentions(arg.value, self._loop_names()) for arg in call.args):
            function.loops[-1].arithmetic = True
            function.loops[-1].floating = function.loops[-1].floating or qualname in FLOAT_FUNCTIONS

    def _offloaded_parameter(self, node: cst.Call, api: ThreadDispatch) -> None:
        """`asyncio.to_thread(fn, ...)`, `loop.run_in_executor(pool, partial(fn, ...))`,
        `executor.submit(fn)` on a parameter `fn` of an enclosing function: that function is a
        decorator (or a decorator factory) that runs what it decorates on a thread."""
        argument = _leading_argument(node, api.position, api.keyword)
        if isinstance(argument, cst.Name):
            binding = reaching_binding(argument, self.facts.scope)
            if binding is not None and binding.kind == "assign" and not binding.entered and isinstance(binding.node, cst.Call):
                argument = binding.node  # `preloaded = functools.partial(fn, ...)` handed on
        if isinstance(argument, cst.Call) and argument.args:
            inner = self.facts.resolve(argument.func)
            if inner is not None and not inner.local and inner.qualname in CALLABLE_WRAPPERS:
                argument = argument.args[0].value  # functools.partial(fn, ...)
        owner = self._parameter_scope(argument.value) if isinstance(argument, cst.Name) else None
        if owner is None:
            return
        self._thread_parameter(node, api, owner.qualname, argument.value)  # type: ignore[union-attr]
        for function in self._around(owner.qualname):
            function.offloads_argument = True

    def _hands_on(self, callee: Symbol, args: Sequence[cst.Arg]) -> None:
        """A nested function handing a parameter of a function around it to a function of the
        project (`run_in_executor(self, func, *args, **kwargs)` in a decorator's wrapper): that
        function, and those around it, note the callee (FunctionSummary.hands_on)."""
        if callee.local:
            if not isinstance(callee.node, cst.FunctionDef):
                return
            name = LOCAL + callee.qualname
        elif is_library_name(callee.qualname) or not _may_be_project_function(callee.qualname):
            return
        else:
            name = callee.qualname
        current = self._stack[-1].qualname
        for arg in args:
            owner = self._parameter_scope(arg.value.value) if isinstance(arg.value, cst.Name) else None
            if owner is None or owner.kind != "function" or owner.qualname == current:
                continue  # not a parameter of a function around this one
            for function in self._around(owner.qualname):
                if name not in function.hands_on:
                    function.hands_on.append(name)

    def _parameter_scope(self, name: str) -> Scope | None:
        """The scope (a function's or a lambda's) whose parameter the nearest binding of
        `name` is; None when that binding is no parameter, or there is none but the module's."""
        scope: Scope | None = self.facts.scope
        while scope is not None and scope.kind != "module":
            binding = scope.bindings.get(name)
            if binding is not None:
                return scope if binding.kind == "param" else None
            scope = scope.parent
        return None

    def _around(self, qualname: str) -> Iterator[FunctionRecord]:
        """The open functions that are the function `qualname` or enclose it."""
        return (function for function in self._stack if qualname == function.qualname or qualname.startswith(function.qualname + "."))

    def _thread_parameter(self, node: cst.Call, api: ThreadDispatch, owner: str, name: str) -> None:
        """The function's own parameter `name` handed to a thread (not a process pool) where
        the function itself runs it, outside lambdas: FunctionSummary.thread_parameters."""
        function = self._stack[-1]
        if owner != function.qualname or function.lambda_depth or name in function.thread_parameters:
            return
        # `pool.submit(fn)` on a receiver that does not resolve may be a process pool's.
        symbol = self.facts.resolve(node.func)
        known = symbol is not None and not symbol.local and not symbol.instance and symbol.qualname == api.qualname
        if (known or api.executor_position is not None) and runs_on_thread(self.facts, node, api):
            function.thread_parameters.append(name)

    def _setattr(self, node: cst.Call) -> None:
        """`setattr(self, "x", v)` assigns `x`; `setattr(self, name, v)` may assign anything."""
        first = node.args[0].value
        if isinstance(first, cst.Name):
            self._attributes_set_on.add(first.value)
        owner = self._self_owner(first.value) if isinstance(first, cst.Name) else None
        if owner is not None:
            second = node.args[1].value if len(node.args) > 1 else None
            name = second.evaluated_value if isinstance(second, cst.SimpleString) else None
            self._assigned(owner, name if isinstance(name, str) else "*")
            self._assigned_through(first.value, name if isinstance(name, str) else "*")

    def _consumed_arguments(self, node: cst.Call, symbol: Symbol | None) -> None:
        """`list(gen())`, `"".join(gen())`, `next(gen())`: the argument is iterated."""
        consumes = symbol is not None and not symbol.local and symbol.qualname in CONSUMERS
        if consumes or (isinstance(node.func, cst.Attribute) and node.func.attr.value in ("join", "extend", "update")):
            for arg in node.args:
                self._iterated.add(id(arg.value))

    def _passes_own_self(self, node: cst.Call) -> bool:
        """`Base.method(self, ...)`: a method of a class called on the caller's own `self`,
        as `self.method(...)` would be (newrelic's `TimeTrace.__enter__(self)`)."""
        func = node.func
        if not isinstance(func, cst.Attribute) or not node.args or node.args[0].keyword or node.args[0].star:
            return False
        if not self._is_self(node.args[0].value):
            return False
        owner = self.facts.resolve(func.value)
        if owner is None or owner.instance:
            return False
        return isinstance(owner.node, cst.ClassDef) if owner.local else owner.qualname.rpartition(".")[2][:1].isupper()

    def _imported_base_init(self, func: cst.BaseExpression) -> str:
        """`super().__init__` in a method of a class of this module whose one base is a class
        imported from another module of the project (newrelic's `FunctionTrace(TimeTrace)`):
        that base's `__init__`, by its absolute name, which a project index may find; "" for
        anything else. It is kept for what the base stores from the arguments
        (`FunctionSummary.base_init`), not followed as a call: a chain into the constructors
        of other modules' bases reaches their set-up, seldom run where a coroutine makes the
        object."""
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)):
            return ""
        if dotted_name(func.value.func) != "super" or func.value.args:
            return ""
        class_scope = self.facts.scope.parent
        class_node = class_scope.node if class_scope is not None else None
        if not isinstance(class_node, cst.ClassDef) or len(class_node.bases) != 1 or class_scope.parent is None:
            return ""
        base = resolve(class_node.bases[0].value, class_scope.parent)
        if base is None or base.local or base.instance or not _may_be_project_function(base.qualname) or is_library_name(base.qualname):
            return ""
        return f"{base.qualname}.__init__"

    def _unresolved_method(self, func: cst.BaseExpression) -> None:
        """A call whose callee does not resolve: pure only for a method this module can tell
        is pure, from the receiver's builtin type or from the method's name alone."""
        if not isinstance(func, cst.Attribute):
            self._unknown()
            return
        method = func.attr.value
        if method in DIGEST_METHODS and self._is_hash(func.value):
            return  # `hashlib.sha1(data).hexdigest()`: reads the digest out
        receiver = self._builtin_type(func.value)
        if receiver is not None:
            pure = method in BUILTIN_TYPE_METHODS.get(receiver, ())
        else:
            pure = method in PURE_METHODS_ANY_RECEIVER
        if not pure:
            self._unknown()
        elif method in HEAVY_METHODS:
            self._heavy(f"{receiver or 'list'}.{method}")

    def _is_hash(self, receiver: cst.BaseExpression) -> bool:
        """A hash object: a call of a hashing module (`hashlib.blake2b(data)`), directly or
        through the local it was assigned to (`h = hmac.new(key, msg, sha1)`)."""
        if isinstance(receiver, cst.Name):
            binding = reaching_binding(receiver, self.facts.scope)
            receiver = binding.node if binding is not None and binding.kind == "assign" else receiver
        if not isinstance(receiver, cst.Call):
            return False
        symbol = self.facts.resolve(receiver.func)
        if symbol is None or symbol.local or symbol.instance:
            return False
        kind, key = call_kind(symbol.qualname)
        return kind == RELEASES and key in HASHING_MODULES

    def _callable_arguments(self, qualname: str, call: cst.Call) -> None:
        """`map(f, xs)`, `sorted(xs, key=f)`: `f` runs once per element."""
        where = CALLABLE_ARGUMENTS.get(qualname)
        if where is None:
            return
        position, keyword = where
        argument = call_argument(call, position, keyword)
        if argument is None or isinstance(argument, cst.Lambda):
            return
        symbol = self.facts.resolve(argument)
        if symbol is None or symbol.instance:
            self._unknown(in_loop=True)
        elif symbol.local:
            if isinstance(symbol.node, cst.FunctionDef) and symbol.node.asynchronous is None:
                self._edge(symbol.qualname, call, "unknown", in_loop=True, passed=True)
            elif not isinstance(symbol.node, cst.ClassDef):
                self._unknown(in_loop=True)
        elif call_kind(symbol.qualname)[0] not in (PURE, HEAVY):
            self._unknown(in_loop=True)

    def _builtin_type(self, expression: cst.BaseExpression, depth: int = 0) -> str | None:
        """The builtin type of a literal, a display, or a name assigned one, if that is all
        this module can tell."""
        if isinstance(expression, STRING_LITERALS):
            return "bytes" if is_bytes_literal(expression) else "str"
        if isinstance(expression, (cst.List, cst.ListComp)):
            return "list"
        if isinstance(expression, (cst.Dict, cst.DictComp)):
            return "dict"
        if isinstance(expression, (cst.Set, cst.SetComp)):
            return "set"
        if isinstance(expression, cst.Tuple):
            return "tuple"
        if isinstance(expression, cst.Integer):
            return "int"
        if isinstance(expression, cst.Float):
            return "float"
        if isinstance(expression, cst.Call):
            symbol = self.facts.resolve(expression.func)
            return BUILTIN_RESULT_TYPES.get(symbol.qualname) if symbol is not None and not symbol.local else None
        if isinstance(expression, cst.Name) and depth < 3:
            binding = self.facts.scope.lookup(expression.value)
            if binding is not None and binding.kind == "assign" and isinstance(binding.node, cst.BaseExpression):
                return self._builtin_type(binding.node, depth + 1)
        return None

    # ----- recording -------------------------------------------------------------------------

    def _unknown(self, in_loop: bool = False) -> None:
        function = self._stack[-1]
        function.unknown += 1
        if in_loop or function.loops:
            function.unknown_in_loops += 1
            if function.loops:
                function.loops[-1].impure = True

    def _blocking(self, node: cst.CSTNode, callee: str, category: str, display: str) -> None:
        function = self._stack[-1]
        if function.loops:
            function.loops[-1].impure = True
        if function.lambda_depth:
            # A lambda may never run here, or run on another thread; it still tells the
            # function apart from pure computation.
            function.releases.append((node, f"{callee.removeprefix('builtins.')}() in a lambda"))
        else:
            function.blocking.append((node, callee, category, display, function.guard() + self._stream_of_parameter(node, callee)))

    def _stream_of_parameter(self, node: cst.CSTNode, callee: str) -> tuple:
        """`file.read()` on a parameter `file` runs only where the caller passes a stream
        that is not in memory: the literal saying so (conclint.analysis.conditions)."""
        if not callee.startswith(("io.stream.", "io.file.")) or not isinstance(node, cst.Call):
            return ()
        func = node.func
        if not isinstance(func, cst.Attribute):
            return ()
        found = subject(func.value, self.facts)
        return (("isinstance", found, IN_MEMORY_STREAMS, False),) if found is not None and found[0] == "p" else ()

    def _release(self, node: cst.CSTNode, reason: str, array: bool = False) -> None:
        """A GIL-releasing call; an `array` one (numpy ...) outside every loop and lambda
        only sets data up (FunctionSummary.array_setup)."""
        function = self._stack[-1]
        if function.loops:
            function.loops[-1].impure = True
        elif array and not function.lambda_depth:
            function.array_setup += 1
        function.releases.append((node, reason))

    def _per_element(self, key: str) -> None:
        """A pure-Python library's encoding (`rlp.encode`) in the innermost loop's rounds."""
        function = self._stack[-1]
        reason = PER_ELEMENT_WORK.get(key)
        if reason is not None and function.loops and not function.lambda_depth:
            loop = function.loops[-1]
            loop.per_element = loop.per_element or f"{key}() on each element ({reason})"

    def _heavy(self, callee: str) -> None:
        function = self._stack[-1]
        if function.loops:
            loop = function.loops[-1]
            loop.heavy = loop.heavy or callee

    def _edge(
        self,
        qualname: str,
        node: cst.CSTNode,
        fallback: str,
        in_loop: bool = False,
        external: bool = False,
        new_class: str = "",
        passed: bool = False,
    ) -> None:
        """A call of the function `qualname` at `node`; `passed`: the function is handed to
        `node` (`map(f, xs)`) rather than called by it; `new_class`: `node` constructs it."""
        function = self._stack[-1]
        if function.lambda_depth:
            # Not followed: the lambda may never be called here. It still counts as a call
            # this module cannot vouch for.
            if fallback != "ignore":
                self._unknown(in_loop)
            return
        looped = in_loop or bool(function.loops)
        site = self._site(qualname, node, external, new_class, passed)
        function.sites.append(site)
        constructed = None if function.is_async else self.facts.loop_constructor
        if function.is_async or constructed is not None:
            self._coroutine_calls.append(
                (node, self.facts.current_statement, self.facts.scope, qualname, external, site, constructed, fallback == DISPATCH)
            )
        if external:
            function.external_edges.append((qualname, looped))
            if function.loops:
                function.loops[-1].impure = True
            return
        function.edges.append((qualname, looped, fallback))
        if function.loops:
            function.loops[-1].calls.append(qualname)
        if qualname == function.qualname:
            function.recursions += 1
            if function.recursive_call is None:
                function.recursive_call = node

    def _site(self, qualname: str, node: cst.CSTNode, external: bool, new_class: str, passed: bool) -> CallSite:
        """The CallSite of a call: what it passes, under which guard, on which receiver."""
        guard = self._stack[-1].guard()
        if passed or not isinstance(node, cst.Call):
            return CallSite(qualname, guard, iterated=True, external=external, splat=True)
        args: list[tuple | None] = []
        keywords: list[tuple[str, tuple | None]] = []
        splat = False
        closure = self._stack[-1].closure_values
        local = self.facts.scope.bindings  # a lambda's or a comprehension's names hide the closure's
        own_self = self._passes_own_self(node)
        for arg in node.args[1:] if own_self else node.args:
            if arg.star:
                splat = True
                continue
            if closure and isinstance(arg.value, cst.Name) and arg.value.value in closure and arg.value.value not in local:
                value = closure[arg.value.value]  # more than its annotation tells
            else:
                value = argument_value(arg.value, self.facts)
            if arg.keyword is not None:
                keywords.append((arg.keyword.value, value))
            else:
                args.append(value)
        spread = spread_value(node.args, self.facts)
        if spread is not None:
            args.append(spread)
        site = CallSite(
            qualname,
            guard,
            tuple(args),
            tuple(keywords),
            bound=bool(new_class) or own_self or self._on_instance(node.func),
            new_class=new_class,
            iterated=id(node) in self._iterated,
            external=external,
            splat=splat,
            on_self=own_self or _on_self(node.func, self._self_owner),
            built=() if new_class else self._built_receiver(node.func),
        )
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
        if isinstance(receiver, cst.Attribute) and _on_self(receiver, self._self_owner):
            self._attribute_receivers[id(site)] = receiver.attr.value  # `self.conversation.add()`
        elif site.built and isinstance(receiver, cst.Name):
            self._built_names[id(site)] = receiver.value
        return site

    def _attribute_built(self, site: CallSite) -> CallSite:
        """`site` on a receiver `self.attr` with the construction that makes it, when every
        assignment of that attribute in the module is that same construction; `site` on a
        built name without it when the module sets an attribute of that name (read once the
        module is done)."""
        if self._built_names.get(id(site)) in self._attributes_set_on:
            return site._replace(built=())  # `journal.log_file = path` somewhere in the module
        attribute = self._attribute_receivers.get(id(site))
        if attribute is None or "*" in self._attribute_builds:
            return site
        builds = self._attribute_builds.get(attribute, set())
        return site._replace(built=next(iter(builds))) if len(builds) == 1 else site

    def _built_receiver(self, func: cst.BaseExpression) -> tuple:
        """CallSite.built of `func`, `log.info` on a name the code assigned once from a
        construction of a class of the project (`log = Logger(verbose=True)`, in the module
        or in the function), or on the construction itself (`Session(region=r).client()`):
        the class and the constants the construction passes, which `__init__` may store
        (FunctionSummary.stores). Other arguments count as unknown; `*args` or `**kwargs`
        there leave it out. (A receiver `self.attr` is told once the module is done:
        `_attribute_built`.)"""
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
            return self._construction(func.value)
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return ()
        binding = reaching_binding(func.value, self.facts.scope)
        if binding is None or binding.kind != "assign" or binding.entered or not isinstance(binding.node, cst.Call):
            return ()
        if binding.scope.kind == "module" and func.value.value in binding.scope.rebound:
            return ()  # a module name bound twice: which one a function sees depends on when it runs
        return self._construction(binding.node)

    def _construction(self, construction: cst.BaseExpression) -> tuple:
        """CallSite.built for `construction` when it constructs a class of the project
        (`Logger(verbose=True)`), else ()."""
        if not isinstance(construction, cst.Call):
            return ()
        symbol = self.facts.resolve(construction.func)
        if symbol is None or symbol.instance:
            return ()
        if symbol.local:
            if not isinstance(symbol.node, cst.ClassDef):
                return ()
            name = LOCAL + symbol.qualname
        elif is_library_name(symbol.qualname) or symbol.qualname.startswith("builtins."):
            return ()
        else:
            name = symbol.qualname
        if any(arg.star for arg in construction.args):
            return ()
        args = tuple(constant_value(arg.value) for arg in construction.args if arg.keyword is None)
        keywords = tuple((arg.keyword.value, constant_value(arg.value)) for arg in construction.args if arg.keyword is not None)
        return (name, args, keywords)

    def _on_instance(self, func: cst.BaseExpression) -> bool:
        """`self.f()`, `obj.f()`: a method called on an instance, which it receives first;
        not `module.f()` or `Class.f()`."""
        if not isinstance(func, cst.Attribute):
            return False
        if isinstance(func.value, cst.Name):
            binding = self.facts.scope.lookup(func.value.value)
            kind = binding.kind if binding is not None else ""
            if kind in _RECEIVER_KINDS:
                return _RECEIVER_KINDS[kind]  # told by the binding, without resolving
        receiver = self.facts.resolve(func.value)
        if receiver is None:
            return True
        return receiver.instance

    # ----- the module ------------------------------------------------------------------------

    def leave_Module(self, node: cst.Module) -> None:
        defined = {function.qualname for function in self._done}
        bases = self._class_bases

        def target(name: str) -> str | None:
            return name if name in defined else inherited_method(name, defined, bases)

        stubs = {function.qualname for function in self._done if function.method and is_stub(function.node)}

        def targets(name: str, dispatched: bool) -> tuple[str, ...]:
            """What a call of `name` runs: its function, or for a `self.m()` the class leaves
            to its subclasses (defines no `m`, or a stub: `scopes.is_stub`), their overrides
            (any of them may be the one that runs)."""
            found = target(name)
            if found is not None and not (dispatched and found in stubs):
                return (found,)
            left = overrides(name, defined, bases) if dispatched else ()
            return left or ((found,) if found is not None else ())

        functions: dict[str, FunctionSummary] = {}
        for function in self._done:
            calls: list[str] = []
            in_loops: list[str] = []
            unknown, unknown_in_loops = function.unknown, function.unknown_in_loops
            recursive = function.recursive_call is not None
            left_to_subclasses = {name for name, _, fallback in function.edges if fallback == DISPATCH}
            for name, looped, fallback in function.edges:
                resolved_names = targets(name, fallback == DISPATCH)
                if not resolved_names and fallback in ("unknown", DISPATCH):
                    unknown += 1
                    unknown_in_loops += looped or recursive
                for resolved in resolved_names:
                    if resolved not in calls:
                        calls.append(resolved)
                    if (looped or recursive) and resolved not in in_loops:
                        in_loops.append(resolved)
            if recursive:
                unknown_in_loops = unknown
            # A stub stands for the overrides a call of it runs, maybe in other modules: what
            # they do is not known (signalrcore's `_recv_frame()` reads a blocking socket).
            unknown += function.qualname in stubs
            external = tuple(dict.fromkeys(name for name, _ in function.external_edges))
            external_in_loops = tuple(
                dict.fromkeys(name for name, looped in function.external_edges if looped or recursive)
            )
            unknown += function.unknown_iterations
            evidence = list(function.evidence)
            loop_affine, loop_aware = self._loop_uses.summary_of(function, function.qualname)
            if function.recursive_call is not None:
                kind = recursion_kind(function.recursive_call)
                if kind == NUMERIC and function.recursions > 1:
                    evidence.append((function.recursive_call, "recursion", LARGE))
                else:
                    evidence.append((function.recursive_call, "recursion", kind))
            functions[function.qualname] = FunctionSummary(
                qualname=function.qualname,
                line=0,
                is_async=function.is_async,
                is_generator=function.is_generator,
                picklable="<locals>" not in function.qualname,
                cpu_evidence=tuple(CpuEvidence(0, reason, kind) for _, reason, kind in evidence),
                blocking=tuple(
                    BlockingEvidence(0, callee, category, shown=display, guard=guard)
                    for _, callee, category, display, guard in function.blocking
                ),
                releases_gil=tuple(Evidence(0, reason) for _, reason in function.releases),
                array_setup=function.array_setup,
                calls=tuple(calls),
                calls_in_loops=tuple(in_loops),
                external_calls=external,
                external_calls_in_loops=external_in_loops,
                unknown_calls=unknown,
                unknown_calls_in_loops=unknown_in_loops,
                unknown_iterations=function.unknown_iterations,
                params=function.params,
                decorated_params=function.decorated_params,
                keeps_signature=function.keeps_signature,
                method=function.method,
                sites=_resolved_sites(
                    function.sites, lambda name: targets(name, name in left_to_subclasses), lambda site: self._known(self._attribute_built(site))
                ),
                decorators=function.decorators,
                offloads_argument=function.offloads_argument,
                hands_on=tuple(function.hands_on),
                returns_running_loop=function.returns_running_loop,
                loop_thread_only=function.loop_thread_only,
                called_parameters=tuple(function.called_parameters),
                thread_parameters=tuple(function.thread_parameters),
                returns_worker_loader=function.qualname in self._worker_loaders,
                loop_affine=loop_affine,
                loop_aware=loop_aware,
                returns_asyncio=self._loop_uses.returns_of(function),
                spins=tuple(SpinEvidence(0, reason, requires) for _, reason, requires in function.spins),
                returns=function.value_types[0] if len(function.value_types) == 1 else "",
                settles=function.is_async and not function.suspends,
                stores=self._stores(function),
                base_init=function.base_inits[0] if len(function.base_inits) == 1 else None,
                parameter_calls=tuple(
                    BlockingEvidence(0, callee, "", shown=shown, guard=guard) for _, callee, shown, guard in function.parameter_calls
                ),
            )
            if function.spins:
                self._spin_nodes[function.qualname] = [loop for loop, _, _ in function.spins]
            self._nodes[function.qualname] = (
                function.node,
                [n for n, _, _ in evidence],
                [n for n, *_ in function.blocking],
                [n for n, _ in function.releases],
                [n for n, *_ in function.parameter_calls],
            )
            self.loops[function.qualname] = tuple(loop for loop in function.loop_facts if id(loop.node) not in self._offloaded_later)
        imports = {
            name: binding.target
            for name, binding in self.facts.module_scope.bindings.items()
            if binding.kind == "import" and _may_be_project_function(binding.target)
        }
        assigned = {name: tuple(sorted(names)) for name, names in self._class_assigned_names.items()}
        held = {
            name: types
            for name, symbols in global_types(self.facts.module_scope).items()
            if any(types := (_instance_type(symbols[0]), _instance_type(symbols[1])))
        }
        self.summary = ModuleSummary(functions, dict(bases), imports, self._class_values, assigned, held)
        self.complete = True
        self.own_loop_coroutines = own_loop_coroutines(self._own_loops, self.facts.source_bytes)
        self.coroutine_calls = [
            CoroutineCall(
                call, statement, scope, resolved, external, self._known(self._attribute_built(site))._replace(guard=()), constructed, id(call) in self._property_reads,
                id(call) in self._receivers_reported,
            )
            for call, statement, scope, name, external, site, constructed, dispatched in self._coroutine_calls
            if id(call) not in self._offloaded_later
            for resolved in ((name,) if external else targets(name, dispatched))
        ]


# What runs when a lazy iterable is consumed: its calls and its comprehension.
_RUN_LAZILY = (cst.Call, cst.GeneratorExp)

# What a receiver's binding says about `receiver.f()`: `self.f()` passes the instance, a
# module or a class (`mod.f()`, `Cls.f()`) does not.
_RECEIVER_KINDS = {"self": True, "import": False, "def": False, "class": False}

_LOOP_RUN_NAMES = frozenset({"Thread", "run_until_complete", "run", *THREAD_RUNNERS})


def _process_dispatch_position(symbol: Symbol | None) -> int | None:
    """Where a process pool's `submit`/`map`/`apply_async` (`symbol`, the method called)
    takes the callable it runs in a child process, else None."""
    if symbol is None or symbol.local or symbol.instance:
        return None
    owner, _, method = symbol.qualname.rpartition(".")
    dispatch = POOL_DISPATCH.get(owner, {}).get(method)
    return dispatch.position if dispatch is not None else None


def _leading_argument(call: cst.Call, position: int | None, keyword: str | None) -> cst.BaseExpression | None:
    """The argument at `position` (among those before any `*args`) or named `keyword`."""
    for arg in call.args:
        if keyword is not None and arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    leading = []
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            break
        leading.append(arg.value)
    return leading[position] if position is not None and position < len(leading) else None


def _on_self(func: cst.BaseExpression, self_owner: Callable[[str], str | None]) -> bool:
    """`self.f()`: a method called on the `self` of an enclosing method."""
    return isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and self_owner(func.value.value) is not None


def _resolved_sites(
    sites: list[CallSite], targets: Callable[[str], tuple[str, ...]], known: Callable[[CallSite], CallSite]
) -> tuple[CallSite, ...]:
    """The call sites of calls of functions this module defines, by the names they resolve to
    (an inherited method by its base's, a method left to subclasses by their overrides), and
    of other modules' functions; each once, with what it knows of `self` (`known`)."""
    found: dict[CallSite, None] = {}
    for site in map(known, sites):
        if site.external:
            found[site] = None
        else:
            found.update((site._replace(callee=resolved), None) for resolved in targets(site.callee))
    return tuple(found)


_HUGE = 2**63


def _catches_only(handler: cst.ExceptHandler, name: str) -> bool:
    """`except RuntimeError:` (or `as error`): the handler catches that one exception."""
    return handler.type is not None and dotted_name(handler.type).rpartition(".")[2] == name


# Called on the loop's thread, these return the running loop (a chain from a coroutine runs there).
RUNNING_LOOP_GETTERS = frozenset(
    {"asyncio.get_running_loop", "asyncio.get_event_loop", "asyncio.events.get_running_loop", "asyncio._get_running_loop"}
)
RUNNING_LOOP_SUBJECT = ("e", "running-loop")

# Methods that hand a callable to a thread, recognised by name on a receiver this module
# cannot resolve (an executor or a loop given as a parameter), for finding offloading
# decorators.
OFFLOADING_METHOD_NAMES = {
    "run_in_executor": "asyncio.AbstractEventLoop.run_in_executor",
    "submit": "concurrent.futures.ThreadPoolExecutor.submit",
}

def _decorator_name(decorator: cst.BaseExpression, symbol: Symbol | None) -> str:
    """The resolved name of a decorator (`symbol`: `asgiref.sync.sync_to_async`), with the
    keyword flags a catalog may match appended (`textual.work(thread=True)`); a decorator of
    this module as `<local>.qualname`; "" when it does not resolve."""
    call = decorator if isinstance(decorator, cst.Call) else None
    if symbol is None or symbol.instance:
        return ""
    name = symbol.qualname if not symbol.local else LOCAL + symbol.qualname
    if call is not None:
        flags = [
            f"{arg.keyword.value}={arg.value.value}"
            for arg in call.args
            if arg.keyword is not None and isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False")
        ]
        if flags:
            name += "(" + ", ".join(flags) + ")"
    return name


def _assignments(statement: cst.CSTNode) -> list[tuple[cst.BaseExpression, cst.BaseExpression | None]]:
    """(target, value) of an assignment statement; value None for an augmented one."""
    if isinstance(statement, cst.Assign):
        return [(target.target, statement.value) for target in statement.targets]
    if isinstance(statement, cst.AnnAssign):
        return [(statement.target, statement.value)] if statement.value is not None else []
    if isinstance(statement, cst.AugAssign):
        return [(statement.target, None)]
    return []


__all__ = ["CoroutineCall", "LoopFacts", "SummaryCollector"]


def _may_be_project_function(qualname: str) -> bool:
    """Builtins and names of unanchored relative imports (`.io.load` with no package known)
    can never be found in a project."""
    return not qualname.startswith(("builtins.", "."))
