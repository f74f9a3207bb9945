"""Sets of libcst's concrete node classes, for dispatch on a node's exact type.

libcst's node classes derive from `abc.ABC`: an `isinstance` test against one of them (or a
tuple of them) goes through `ABCMeta.__instancecheck__`, several times the cost of a set
look-up on `type(node)`, and a miss costs the most. Walks that test every statement or
field of a tree test with these sets instead. libcst's concrete classes are never
subclassed by the trees it parses, so the exact type answers the same question.
"""

from __future__ import annotations

import libcst as cst


def concrete(*bases: type) -> frozenset[type]:
    """libcst's public node classes that are, or derive from, one of `bases`."""
    # By the MRO: `issubclass` against libcst's ABCs walks every subclass of the base on a
    # miss, which for the few hundred names of the package cost 8 ms at every start.
    return frozenset(
        value
        for value in vars(cst).values()
        if isinstance(value, type) and cst.CSTNode in value.__mro__ and any(base in value.__mro__ for base in bases)
    )


SMALL_STATEMENTS = concrete(cst.BaseSmallStatement)
COMPOUND_STATEMENTS = concrete(cst.BaseCompoundStatement)
DEFINITIONS = frozenset((cst.FunctionDef, cst.ClassDef))
