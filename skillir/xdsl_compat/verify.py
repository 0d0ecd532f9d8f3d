"""A one-pass structural verifier: `verify_tree(op)` checks what xdsl 0.74's
`Operation.verify` checks (erased operands, parent pointers, terminators, empty blocks,
each op's `verify_`) while following the linked lists directly, without xdsl's
`Operation.verify` -> `Region.verify` -> `Block.verify` recursion through generators.

Upstream problem: `Operation.verify` reaches every op through `Region.verify` and
`Block.verify`, iterating `blocks` and `ops` with generator-based iterators and asking
`has_trait` (a linear scan of the class's traits) for every last op of a block; on a
skill-level module that structure costs about as much as the ops' own verifiers.

It only ever answers "fine" or raises: `skillir.ir.verify_module` runs it first and, when
it raises anything, runs xdsl's own `module.verify()` for the exact error, so a problem is
reported exactly as before. It is at least as strict as xdsl (an op with successors, or a
class that overrides `verify`, is sent to xdsl's checks), so "fine" means xdsl finds
nothing either; tests/test_xdsl_compat.py compares the two on corpus modules and on
broken ones.
"""

from __future__ import annotations

from xdsl.ir import ErasedSSAValue, Operation
from xdsl.traits import IsTerminator, NoTerminator

_FACTS: dict[type, tuple[bool, bool, bool]] = {}


def _facts(cls: type[Operation]) -> tuple[bool, bool, bool]:
    """Per op class, in one lookup: must xdsl decide it (it overrides `verify`), is it
    a terminator, may its blocks end without one (`NoTerminator`)."""
    found = _FACTS.get(cls)
    if found is None:
        found = _FACTS[cls] = (
            cls.verify is not Operation.verify,
            cls.has_trait(IsTerminator),
            cls.has_trait(NoTerminator),
        )
    return found


class Unverified(Exception):
    """This verifier does not decide the op: xdsl's own verify must."""


def verify_tree(op: Operation) -> None:
    """Raise if `op` or anything nested in it does not verify; return if all is well.
    Reads the fields behind `operands` and `successors`, which build a view per call."""
    pending = [op]
    while pending:
        op = pending.pop()
        unverified, _, no_terminator = _FACTS.get(op.__class__) or _facts(op.__class__)
        if unverified or op._successors:  # noqa: SLF001 - see the module docstring
            raise Unverified(op.name)
        if op._operands:  # noqa: SLF001
            for operand in op._operands:  # noqa: SLF001
                if isinstance(operand, ErasedSSAValue):
                    raise ValueError("Erased SSA value is used by the operation")
        for region in op.regions:
            block = region._first_block  # noqa: SLF001
            single = block is not None and block._next_block is None  # noqa: SLF001
            while block is not None:
                if block.parent is not region:
                    raise ValueError("Parent pointer of block does not refer to containing region")
                child = block._first_op  # noqa: SLF001
                if child is None and single and not no_terminator:
                    raise ValueError(f"{op.name}: empty block in a single-block region")
                last = None
                while child is not None:
                    if child.parent is not block:
                        raise ValueError("Parent pointer of operation does not refer to containing block")
                    pending.append(child)
                    last = child
                    child = child._next_op  # noqa: SLF001
                if last is not None and not (_FACTS.get(last.__class__) or _facts(last.__class__))[1]:
                    if not single or not no_terminator:
                        raise ValueError(f"{last.name} terminates a block but is not a terminator")
                block = block._next_block  # noqa: SLF001
        op.verify_()


__all__ = ["Unverified", "verify_tree"]
