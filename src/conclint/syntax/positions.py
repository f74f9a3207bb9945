"""Every node's position, at about a third of what `MetadataWrapper.resolve(PositionProvider)`
costs: the engine needs positions for every file with findings, where they cost more than
the parse.

libcst 1.9's `MetadataWrapper.resolve` follows a non-batchable provider such as
PositionProvider with a batched traversal of the whole module for the batchable providers,
even when there are none: measured, 45% of its time on the files of the benchmark corpus
that have findings. Running the provider directly gives the same mapping (a test compares
them) without that traversal, and without the wrapper's copy of the mapping.

The provider generates the module's code, and its code-generation state records positions
with a generator-based context manager per node and a regular expression per token. The
state below records the same positions with a plain context manager and a newline test,
which halves what is left (measured over the corpus files with findings).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from types import TracebackType
from typing import Iterator, Mapping, Optional, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState


def node_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """The PositionProvider positions of every node of `module`. RecursionError on modules
    nested too deeply for libcst's recursive code generation (see `engine._positions`)."""
    state = _PositionState(default_indent=module.default_indent, default_newline=module.default_newline, provider=None)
    state.ranges = {}
    module._codegen(state)
    return _Positions(state.ranges)


def offsets_within(module: cst.Module, definition: cst.CSTNode, nodes: Sequence[cst.CSTNode]) -> list[int]:
    """How many lines below the `def` line of `definition` (a function or class of `module`)
    each of `nodes` starts, -1 for one not under it.

    Only the definition's own code is generated, and only up to the last of `nodes`, counting
    newlines and recording nothing else: a fraction of the module's positions, for the few
    nodes a summary keeps offsets of (see `SummaryCollector.with_blocking_offsets`)."""
    state = _LineCounter(default_indent=module.default_indent, default_newline=module.default_newline)
    state.root = definition
    state.wanted = {id(node) for node in nodes}
    with contextlib.suppress(_AllFound):
        definition._codegen(state)
    start = state.found.get(id(definition))
    if start is None:
        return [-1 for _ in nodes]
    return [state.found[id(node)] - start if id(node) in state.found else -1 for node in nodes]


class _AllFound(Exception):
    """Every wanted node has been reached: the rest of the code need not be generated."""


@dataclass
class _LineCounter(CodegenState):
    """A code-generation state that keeps no tokens: it counts lines, and notes the line on
    which each wanted node starts (as PositionProvider would: where its code generation
    begins) and the line of the root's syntactic start (its `def` or `class` keyword)."""

    line: int = 1
    root: object = None
    wanted: set[int] = field(default_factory=set)
    found: dict[int, int] = field(default_factory=dict)

    def add_token(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            self.line += len(NEWLINE_RE.split(value)) - 1

    def add_indent_tokens(self) -> None:
        return None

    def pop_trailing_newline(self) -> None:
        return None

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted and key not in self.found:
            self.found[key] = self.line
            if len(self.found) > len(self.wanted):  # the root's line is in `found` too
                raise _AllFound

    @contextlib.contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> Iterator[None]:
        if node is self.root:
            self.found[id(node)] = self.line
        yield


# (start line, start column, end line, end column), lines from 1 and columns from 0 as in
# libcst's CodeRange, which is made only for the few nodes looked up.
_Range = tuple[int, int, int, int]


class _Positions(Mapping[cst.CSTNode, CodeRange]):
    """Node -> CodeRange over the recorded tuples."""

    __slots__ = ("_ranges",)

    def __init__(self, ranges: dict[cst.CSTNode, _Range]) -> None:
        self._ranges = ranges

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        line, column, end_line, end_column = self._ranges[node]
        return CodeRange(CodePosition(line, column), CodePosition(end_line, end_column))

    def __contains__(self, node: object) -> bool:
        return node in self._ranges

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._ranges)

    def __len__(self) -> int:
        return len(self._ranges)


class _PositionState(PositionProvidingCodegenState):
    """PositionProvider's code-generation state, recording the same ranges as tuples."""

    __slots__ = ("ranges",)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))  # type: ignore[arg-type]

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self._stack.pop()  # type: ignore[misc]
        if node not in self.ranges:  # a syntactic position, recorded inside, wins
            self.ranges[node] = (line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> _SyntacticPosition:
        return _SyntacticPosition(self, node, start_node, end_node)


class _SyntacticPosition:
    """Records `node`'s range around the generation of its code, the start and end taken
    from `start_node` and `end_node` when given (as libcst's generator-based one does)."""

    __slots__ = ("state", "node", "start_node", "end_node", "line", "column")

    def __init__(
        self,
        state: _PositionState,
        node: cst.CSTNode,
        start_node: Optional[cst.CSTNode],
        end_node: Optional[cst.CSTNode],
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.line, self.column = state.line, state.column

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            return  # the generation failed (too deep): no position to record
        state = self.state
        ranges = state.ranges
        line, column = (self.line, self.column) if self.start_node is None else ranges[self.start_node][:2]
        end_line, end_column = (state.line, state.column) if self.end_node is None else ranges[self.end_node][2:]
        ranges[self.node] = (line, column, end_line, end_column)


__all__ = ["node_positions"]
