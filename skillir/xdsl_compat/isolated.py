"""`IsolatedFromAbove.verify` in one walk.

Upstream problem (xdsl 0.74, `xdsl.traits.IsolatedFromAbove.verify`): for every operand
of every op inside the isolated op it asks `is_ancestor` (a walk up the parent chain),
and for every op it asks `has_trait` (a scan of the op class's traits), through
`Region.blocks` and `Block.ops` generators. A skill module is one isolated op holding
everything, so this one trait was about a fifth of each whole-module verification.

`install()` replaces the method with `verify_isolated`: one walk over the linked lists
that asks the trait once per op class, and for each operand walks up from its owner
until it meets the op or a node already found inside (most ops of a skill have no
operands: 29 operands in the corpus's 11,151 final ops, so collecting every nested op
in a set first cost more than it saved). It decides
exactly what xdsl's decides (an operand's owner must be nested in the op, not the op
itself; ops inside a nested isolated op are that op's to check), and on any violation it
runs xdsl's own method, so the error is xdsl's, word for word.
`tests/test_xdsl_compat.py` compares the two on corpus modules and broken ones.
"""

from __future__ import annotations

from xdsl.ir import IRNode, Operation
from xdsl.traits import IsolatedFromAbove

_UPSTREAM = IsolatedFromAbove.verify
_ISOLATED: dict[type, bool] = {}


def _isolated(cls: type[Operation]) -> bool:
    found = _ISOLATED.get(cls)
    if found is None:
        found = _ISOLATED[cls] = cls.has_trait(IsolatedFromAbove)
    return found


def _nested(node: IRNode, op: Operation, known: set[int]) -> bool:
    """Whether `node` is `op` or inside it (`op.is_ancestor(node)`); `known` holds ids
    of nodes already found inside, and gains the ones this walk up passes."""
    path = []
    while node is not op and id(node) not in known:
        path.append(id(node))
        node = node.parent
        if node is None:
            return False
    known.update(path)
    return True


def verify_isolated(self: IsolatedFromAbove, op: Operation) -> None:
    """Raise (xdsl's exception) if an op inside `op`, outside any nested isolated op,
    uses a value not defined inside `op`."""
    known: set[int] = set()
    pending = list(op.regions)
    while pending:
        region = pending.pop()
        block = region._first_block  # noqa: SLF001 - the linked list, not the generator
        while block is not None:
            child = block._first_op  # noqa: SLF001
            while child is not None:
                for operand in child._operands:  # noqa: SLF001
                    owner = operand.owner
                    if owner is op or not _nested(owner, op, known):
                        _UPSTREAM(self, op)  # raises, with xdsl's message
                        return
                if child.regions and not _isolated(child.__class__):
                    pending.extend(child.regions)
                child = child._next_op  # noqa: SLF001
            block = block._next_block  # noqa: SLF001


def install() -> None:
    """Use `verify_isolated` for every isolated op (idempotent)."""
    IsolatedFromAbove.verify = verify_isolated  # type: ignore[method-assign]
