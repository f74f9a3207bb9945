"""Blocking through helpers: a coroutine that calls a sync function which, directly or through
further sync calls, makes a blocking call, blocks the event loop as surely as the call itself.

For every call made directly in a coroutine of a sync function of the module (`helper()`,
`self.helper()`, `cls.helper()`) or, when the engine has a project index, of a function of
another module of the project, this finds the shortest chain down to a blocking call of each
category. Offloaded calls (`asyncio.to_thread(helper)`) are not calls of `helper`, and calls
inside lambdas or nested defs are not the coroutine's; the summaries already leave them out.
Computed once per file, shared by every CCL1 rule.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

import libcst as cst

from conclint.analysis.summaries import (
    BlockingChain,
    BlockingEvidence,
    LOCAL,
    PASSED_BLOCKING,
    FunctionSummary,
    Lookup,
    ModuleSummary,
    absolute_arguments,
    absolutized,
    blocking_chains,
)

from conclint.analysis.conditions import ClassFacts
from conclint.analysis.scopes import attributes_set_on, dotted_name
from conclint.core.model import ChainLink
from conclint.knowledge.offloading import offloading_names, offloads, runs_once

if TYPE_CHECKING:
    from conclint.analysis.facts import FileFacts
    from conclint.analysis.project_index import ProjectView
    from conclint.analysis.summary_collector import CoroutineCall, SummaryCollector

LineOf = Callable[[cst.CSTNode], int]


@dataclass(frozen=True)
class HelperChain:
    """How a call in a coroutine blocks: the functions from the callee down to the one making
    the blocking call, as the message shows them (this module's by their qualified name, other
    modules' by their dotted name), the blocking call's catalog name, and where it is."""

    chain: tuple[str, ...]
    callee: str
    shown: str
    where: Callable[[LineOf], str]
    # The blocking call, when it is in this module (a suppression comment there counts).
    node: cst.CSTNode | None = None
    # For the offload fix: no function of the chain must stay on the loop's thread
    # (FunctionSummary.loop_thread_only), and the first is a generator (`lazy`: offloading
    # its call alone would run none of it on the thread).
    movable: bool = True
    lazy: bool = False
    # The first function is a coroutine: the chain goes through a function the call hands it
    # (`await retry(load)`, `retry` calling `operation()` itself).
    through_argument: bool = False
    # Where each function of the chain is defined, then where the blocking call is: the
    # finding's `chain` (a link's empty path is this file).
    links: Callable[[LineOf], tuple[ChainLink, ...]] = lambda line_of: ()

    def explain(self, line_of: LineOf) -> str:
        """`via load_config -> read -> open() (line 8)`; a chain of more than MAX_SHOWN_LINKS
        links shows its first and last (`via a -> … -> open() (line 8)`), and a function by
        the last two parts of its name (`Stylesheet.read`, not
        `textual.css.stylesheet.Stylesheet.read`; the file is named at the end): the one-line
        view stays short, and the finding's `chain` (JSON, SARIF) has every link in full."""
        names = [*(short_name(name) for name in self.chain), self.shown]
        if len(names) > MAX_SHOWN_LINKS:
            names = [names[0], "…", names[-1]]
        return f"via {' -> '.join(names)} ({self.where(line_of)})"


# A chain of more links than this is shown by its first and last in a message.
MAX_SHOWN_LINKS = 3


def short_name(name: str) -> str:
    """The last two parts of a dotted name: `Class.method`, or `module.function`."""
    return ".".join(name.split(".")[-2:])


_CHAINS: weakref.WeakKeyDictionary[SummaryCollector, list[tuple[CoroutineCall, dict[str, HelperChain]]]] = (
    weakref.WeakKeyDictionary()
)


def helper_chains(facts: FileFacts) -> list[tuple[CoroutineCall, dict[str, HelperChain]]]:
    """Each coroutine call of a helper that can block, with its chain per blocking category
    (`Category.value`). Complete once the summary collector has left the module."""
    collector = facts.summaries
    assert collector is not None, "helper chains need the summary collector"
    found = _CHAINS.get(collector)
    if found is None:
        found = _CHAINS[collector] = list(_find(facts, collector))
    return found


class NameSpace(NamedTuple):
    """How the joins see functions: `lookup` finds summaries by name, `absolute` names a
    function of this module (`helper` -> `app.api.helper`), `shown` writes a name for a
    message (this module's without the module prefix). `external`: other modules' functions
    are in it (with a project index). `classes` finds what a class says of its attributes."""

    lookup: Lookup
    absolute: Callable[[str], str]
    shown: Callable[[str], str]
    external: bool
    classes: Callable[[str], ClassFacts | None]

    def start(self, call: CoroutineCall) -> str | None:
        """The name the joins start from for `call`; None for another module's function
        where only this module is known."""
        if call.external:
            return call.qualname if self.external else None
        return self.absolute(call.qualname)


_NAME_SPACES: weakref.WeakKeyDictionary[SummaryCollector, NameSpace] = weakref.WeakKeyDictionary()


def name_space(facts: FileFacts) -> NameSpace:
    """This module's functions and, with a project index, the project's, in one name space
    (absolute dotted names then); made once per file, shared by the rules. Complete once the
    summary collector has left the module."""
    collector = facts.summaries
    assert collector is not None, "the name space needs the summary collector"
    # Made before the collector has left the module, it would miss the module's functions
    # for good (and find them as the project's, under other names).
    assert collector.complete, "the name space is made once the summary collector has left the module"
    found = _NAME_SPACES.get(collector)
    if found is None:
        found = _NAME_SPACES[collector] = _name_space(facts.project, collector.summary)
    return found


def _name_space(project: ProjectView | None, local: ModuleSummary) -> NameSpace:
    if project is None:
        return NameSpace(local.function, str, str, False, local.class_facts)
    prefix = f"{project.module_name}." if project.module_name else ""
    found: dict[str, FunctionSummary | None] = {}

    def lookup(name: str) -> FunctionSummary | None:
        if name not in found:
            mine = local.function(name[len(prefix) :]) if name.startswith(prefix) else None
            found[name] = absolutized(mine, project.module_name) if mine is not None else project.function(name)
        return found[name]

    def shown(name: str) -> str:
        return name[len(prefix) :] if name.startswith(prefix) and local.function(name[len(prefix) :]) else name

    def classes(name: str) -> ClassFacts | None:
        mine = local.class_facts(name[len(prefix) :], project.module_name) if name.startswith(prefix) else None
        return mine if mine is not None else project.class_facts(name)

    return NameSpace(lookup, lambda name: prefix + name, shown, True, classes)


def _find(facts: FileFacts, collector: SummaryCollector) -> Iterator[tuple[CoroutineCall, dict[str, HelperChain]]]:
    project = facts.project
    names = name_space(facts)
    known = offloading_names(facts.settings.offload_decorators)

    def offloaded(summary: FunctionSummary) -> bool:
        """Decorated with an offloading decorator: of the catalog, of the setting, or of the
        project (a function that hands a parameter to a thread, itself or through a helper of
        the project its wrapper hands it to); or memoized with nothing to
        key its cache on, so that its body runs once per process."""
        if offloads(summary.decorators, known) or runs_once(summary.decorators, summary.params, summary.method):
            return True
        for name in summary.decorators:
            decorator = names.lookup(own(name).partition("(")[0])
            if decorator is not None and (decorator.offloads_argument or any(_offloads(own(callee)) for callee in decorator.hands_on)):
                return True
        return False

    def own(name: str) -> str:
        return names.absolute(name.removeprefix(LOCAL)) if name.startswith(LOCAL) else name

    def _offloads(name: str) -> bool:
        helper = names.lookup(name)
        return helper is not None and helper.offloads_argument

    # Per call node: a `self.m()` may run one of several overrides, each a CoroutineCall of
    # the same node; their chains make one finding (the first chain of each category).
    found_at: dict[int, tuple[CoroutineCall, dict[str, HelperChain]]] = {}
    # Reads of a lazily set-up property already reported: (coroutine scope, getter, receiver).
    set_up: set[tuple[int, str, str]] = set()
    for call in collector.coroutine_calls:
        start = names.start(call)
        if start is None:
            continue
        site = call.site
        if site is not None and not call.external:
            site = site._replace(callee=start, new_class=names.absolute(site.new_class) if site.new_class else "")
        if site is not None and names.external:
            site = absolute_arguments(site, names.absolute)
        chains = blocking_chains(names.lookup, start, site, names.classes, offloaded, facts.member_blocking)
        result = {}
        read = None
        for category, chain in chains.items():
            if call.reads_property and len(chain.chain) > 1:
                continue  # a getter is followed only to what it does itself
            shown = tuple(names.shown(name) for name in chain.chain)
            if call.reads_property and _sets_up_once(chain.evidence, collector.function_node(shown[0])):
                receiver = dotted_name(call.node.value) if isinstance(call.node, cst.Attribute) else ""
                read = (id(call.scope), shown[0], receiver or str(id(call.node)))  # `make().rows`: a new object each time
                if read in set_up:
                    continue  # the coroutine's earlier read did the set-up
                if call.receiver_reported:
                    set_up.add(read)  # `self.cursor.execute()`: the line is reported, by the call
                    continue
            if chain.index == PASSED_BLOCKING:
                found = HelperChain(shown, chain.evidence.callee, _shown(chain.evidence), lambda line_of: "in the lambda it is given")
            elif project is None or shown[-1] != chain.function:  # the blocking call is in this module
                found = _local(BlockingChain(shown, chain.evidence, chain.index), collector)
            else:
                where = elsewhere(project, chain.function, "blocking", chain.index)
                found = HelperChain(shown, chain.evidence.callee, _shown(chain.evidence), where)
            found = replace(found, links=_links(chain, shown, found, collector, project))
            summaries = [names.lookup(name) for name in chain.chain]
            constructs = site is not None and bool(site.new_class)
            # A coroutine's call (`await retry(load)`) is not a sync call to move to a thread.
            coroutine = summaries[0] is not None and summaries[0].is_async
            movable = not constructs and not coroutine and not any(s is not None and s.loop_thread_only for s in summaries)
            lazy = summaries[0] is not None and summaries[0].is_generator
            result[category] = replace(found, movable=movable, lazy=lazy, through_argument=coroutine)
        if read is not None and result:
            set_up.add(read)
        if result:
            earlier = found_at.setdefault(id(call.node), (call, result))[1]
            for category, chain in result.items():
                earlier.setdefault(category, chain)
    yield from found_at.values()


def _sets_up_once(evidence: BlockingEvidence, getter: cst.CSTNode | None) -> bool:
    """The blocking call of a getter runs only while an attribute the getter sets itself is
    unset (`if self._cursor is None: self._cursor = connect(...)`): lazy set-up, done by the
    first read of the object's life. A coroutine that reads it twice sets it up at most once,
    at its first read (aiosmtplib's `local_hostname`, a `socket.getfqdn()` on each new client,
    blocked the loop for seconds: the first read is reported)."""
    unset = {
        subject[1]
        for test, subject, _, wanted in evidence.guard
        if subject is not None and subject[0] == "a" and (test, wanted) in (("none", True), ("truthy", False))
    }
    if not unset or not isinstance(getter, cst.FunctionDef) or not getter.params.params:
        return False
    return any(name in unset for name in attributes_set_on(getter.body, getter.params.params[0].name.value))


def _local(chain: BlockingChain, collector: SummaryCollector) -> HelperChain:
    node = collector.blocking_node(chain.function, chain.index)
    return HelperChain(
        chain.chain,
        chain.evidence.callee,
        _shown(chain.evidence),
        lambda line_of: f"line {line_of(node)}" if node is not None else "this module",
        node,
    )


def _links(
    chain: BlockingChain, shown: tuple[str, ...], found: HelperChain, collector: SummaryCollector, project: ProjectView | None
) -> Callable[[LineOf], tuple[ChainLink, ...]]:
    """The chain's links, made once lines are known: each function where it is defined (in
    this module when its shown name is one of this module's functions), then the blocking call.

    The definitions of this module are looked up now, not in the closure: the chains are
    cached per collector (weakly), and a closure holding the collector would keep it, and
    the file's whole tree, alive for the rest of the run."""
    nodes = [
        collector.function_node(text) if project is None or text != name or not project.module_name else None
        for name, text in zip(chain.chain, shown)
    ]

    def links(line_of: LineOf) -> tuple[ChainLink, ...]:
        made = []
        for name, text, node in zip(chain.chain, shown, nodes):
            if node is not None:
                made.append(ChainLink("", line_of(node), text))
            elif project is not None:
                made.append(ChainLink(project.function_file(name), project.definition_line(name), text))
        if found.node is not None:
            made.append(ChainLink("", line_of(found.node), found.shown))
        elif project is not None and chain.index != PASSED_BLOCKING and shown[-1] == chain.function:
            made.append(ChainLink(project.function_file(chain.function), project.line(chain.function, "blocking", chain.index), found.shown))
        else:  # in a lambda the coroutine hands over, or a line that cannot be told
            made.append(ChainLink("", 0, found.shown))
        return tuple(made)

    return links


def elsewhere(project: ProjectView, function: str, evidence: str, index: int) -> Callable[[LineOf], str]:
    """Where an item of `function`'s evidence is, in another module: `line 8 of app/io.py`."""
    return lambda line_of: f"line {project.line(function, evidence, index)} of {project.where(function)}"


def _shown(evidence: BlockingEvidence) -> str:
    return evidence.shown.strip("`") or f"{evidence.callee.removeprefix('builtins.')}()"


__all__ = ["HelperChain", "NameSpace", "elsewhere", "helper_chains", "name_space", "short_name"]
