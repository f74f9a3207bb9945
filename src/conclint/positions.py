"""Every node's position, at about half of what `MetadataWrapper.resolve(PositionProvider)`
costs: the engine needs positions for every file with findings, where they cost more than
the parse.

libcst 1.9's `MetadataWrapper.resolve` follows a non-batchable provider such as
PositionProvider with a batched traversal of the whole module for the batchable providers,
even when there are none: measured, 45% of its time on the files of the benchmark corpus
that have findings. Running the provider directly gives the same mapping (a test compares
them) without that traversal, and without the wrapper's copy of the mapping.
"""

from __future__ import annotations

from typing import Mapping

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider


def node_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """The PositionProvider positions of every node of `module` (a tree not shared with a
    MetadataWrapper that copies it). RecursionError on modules nested too deeply for libcst's
    recursive code generation, or a KeyError while handling one (see `engine._positions`)."""
    provider = PositionProvider()
    # `_gen_impl` is the hook every provider implements; PositionProvider has no dependencies
    # for a wrapper to resolve first, and fills `_computed` as it generates the code.
    provider._gen_impl(module)
    return provider._computed
