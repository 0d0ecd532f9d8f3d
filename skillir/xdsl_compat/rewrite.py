"""`rewrite_roots(module, pattern, roots, regions_first=...)`: what
`PatternRewriteWalker(pattern, walk_regions_first=..., apply_recursively=False)` does,
offering the pattern only the ops named in `roots`.

Upstream problem: xdsl 0.74's `PatternRewriteWalker._populate_worklist` pushes every op
of the module and offers each to the pattern, resetting a `PatternRewriter` per op, even
when the pattern matches three op names out of forty; MLIR's frozen pattern sets index
patterns by root op name and never visit the rest. On a skill lowered to the harness
level the worklist's pushes, pops and per-op bookkeeping cost more than the patterns.

The ops of the roots are listed in the walker's order (pre-order; with `regions_first`
an op after the ops in its regions) and offered in turn, with one rewriter reset for
each op as the walker resets it. An op removed before its turn (erased or replaced, or
inside a removed op) is not offered: the walker's removal handler drops exactly those
from its worklist. Ops the pattern inserts are not offered (no recursive application),
and a pattern's exception is reported on its op as the walker reports it. The pattern
must leave ops outside `roots` alone (as `skillir.passes.lower_to_harness`'s patterns
do by construction). tests/test_xdsl_compat.py compares it with xdsl's walker on corpus
skills.
"""

from __future__ import annotations

from collections.abc import Container

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.rewriter import InsertPoint

from skillir.xdsl_compat.walk import walk_ops, walk_region


def rewrite_roots(module: ModuleOp, pattern: RewritePattern, roots: Container[str], *,
                  regions_first: bool) -> None:
    """Offer `pattern` each op of `module` whose name is in `roots`, once, in the order
    of xdsl's walker (see the module docstring)."""
    ops = [op for op in walk_region(module.body, post=regions_first) if op.name in roots]
    if not ops:
        return
    removed: set[Operation] = set()

    def forget(op: Operation) -> None:
        if op.regions:
            removed.update(walk_ops(op))
        else:
            removed.add(op)

    rewriter = PatternRewriter(ops[0])
    rewriter.operation_removal_handler.append(forget)
    for op in ops:
        if op in removed:
            continue
        rewriter.has_done_action = False
        rewriter.current_operation = op
        rewriter.insertion_point = InsertPoint.before(op)
        rewriter.name_hint = None
        try:
            pattern.match_and_rewrite(op, rewriter)
        except Exception as err:  # noqa: BLE001 - xdsl's walker reports any error on the op
            op.emit_error(f"Error while applying pattern: {err}", underlying_error=err)


__all__ = ["rewrite_roots"]
