"""`RootWalker`: a `PatternRewriteWalker` whose worklist holds only the ops its patterns
are written for.

Upstream problem: xdsl 0.74's `PatternRewriteWalker._populate_worklist` pushes every op
of the module and offers each to the pattern, resetting a `PatternRewriter` per op, even
when the pattern matches three op names out of forty; MLIR's frozen pattern sets index
patterns by root op name and never visit the rest. On a skill lowered to the harness
level the offers to ops no pattern is written for cost more than the patterns.

`RootWalker(pattern, roots=names, ...)` walks in the same order as xdsl's walker (it
keeps the walk and filters it), so the ops a pattern sees, and the order it sees them
in, are unchanged as long as the pattern does nothing to ops outside `roots` (what
`skillir.passes.lower_to_harness._RootIndexedApplier` guarantees by construction).
tests/test_xdsl_compat.py compares it with xdsl's walker on every corpus skill.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir import Block, Operation, Region
from xdsl.pattern_rewriter import PatternRewriteWalker

from skillir.xdsl_compat.walk import walk_region


@dataclass
class RootWalker(PatternRewriteWalker):
    roots: frozenset[str] = field(default=frozenset())
    """Names of the ops the pattern is written for; only these reach the worklist."""

    def _populate_worklist(self, op: Operation | Region | Block) -> None:
        roots = self.roots
        if isinstance(op, Region) and not self.walk_reverse:
            # xdsl walks backwards (the worklist is a stack): the forward walk of the
            # other order (`walk_region`), reversed, is the same sequence
            found = [o for o in walk_region(op, post=self.walk_regions_first) if o.name in roots]
            for sub_op in reversed(found):
                self._worklist.push(sub_op)
            return
        for sub_op in op.walk(reverse=not self.walk_reverse, region_first=not self.walk_regions_first):
            if sub_op.name in roots:
                self._worklist.push(sub_op)


__all__ = ["RootWalker"]
