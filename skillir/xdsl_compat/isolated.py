"""`IsolatedFromAbove.verify` in one walk.

Upstream problem (xdsl 0.74, `xdsl.traits.IsolatedFromAbove.verify`): for every operand
of every op inside the isolated op it asks `is_ancestor` (a walk up the parent chain),
and for every op it asks `has_trait` (a scan of the op class's traits), through
`Region.blocks` and `Block.ops` generators. A skill module is one isolated op holding
everything, so this one trait was about a fifth of each whole-module verification.

`install()` replaces the method with `verify_isolated`: one walk collects every op and
block nested in the op, then each operand's owner is looked up in that set. It decides
exactly what xdsl's decides (an operand's owner must be nested in the op, not the op
itself; ops inside a nested isolated op are that op's to check), and on any violation it
runs xdsl's own method, so the error is xdsl's, word for word.
`tests/test_xdsl_compat.py` compares the two on corpus modules and broken ones.
"""

from __future__ import annotations

from xdsl.ir import Operation
from xdsl.traits import IsolatedFromAbove

_UPSTREAM = IsolatedFromAbove.verify
_ISOLATED: dict[type, bool] = {}


def _isolated(cls: type[Operation]) -> bool:
    found = _ISOLATED.get(cls)
    if found is None:
        found = _ISOLATED[cls] = cls.has_trait(IsolatedFromAbove)
    return found


def verify_isolated(self: IsolatedFromAbove, op: Operation) -> None:
    """Raise (xdsl's exception) if an op inside `op`, outside any nested isolated op,
    uses a value not defined inside `op`."""
    inside: set[int] = set()
    users: list[Operation] = []
    pending = [(region, True) for region in op.regions]
    while pending:
        region, checked = pending.pop()
        block = region._first_block  # noqa: SLF001 - the linked list, not the generator
        while block is not None:
            inside.add(id(block))
            child = block._first_op  # noqa: SLF001
            while child is not None:
                inside.add(id(child))
                if checked and child._operands:  # noqa: SLF001
                    users.append(child)
                if child.regions:
                    nested = checked and not _isolated(child.__class__)
                    pending.extend((r, nested) for r in child.regions)
                child = child._next_op  # noqa: SLF001
            block = block._next_block  # noqa: SLF001
    for user in users:
        for operand in user._operands:  # noqa: SLF001
            if id(operand.owner) not in inside:
                _UPSTREAM(self, op)  # raises, with xdsl's message
                return


def install() -> None:
    """Use `verify_isolated` for every isolated op (idempotent)."""
    IsolatedFromAbove.verify = verify_isolated  # type: ignore[method-assign]
