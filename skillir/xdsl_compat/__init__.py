"""Workarounds for problems in xdsl 0.74 (pinned), one module each, each naming the
upstream problem so it can be dropped when xdsl fixes it:

- `lexer`: string literals with escapes and non-ASCII text lex as bytes; the
  string-literal regex backtracks exponentially on an unterminated string.
- `printer`: string literals print every non-ASCII byte as `\\XX` (prose unreadable).
- `pass_spec`: pipeline strings: no `builtin.module(...)` wrapper, option values such as
  `bare-agent/qwen3.5-9b` do not lex unquoted, and a malformed string raises a
  `BaseException`.
- `verify`: `Operation.verify` reaches every op through `Region.verify` and
  `Block.verify` generators and scans traits per block; `verify_tree` checks the same in
  one pass and `skillir.ir.verify_module` falls back to xdsl's verify for any error.
- `isolated`: `IsolatedFromAbove.verify` asks `is_ancestor` (a walk up the parents)
  for every operand and `has_trait` for every op; `skillir.ir` installs a one-walk
  equivalent that hands any violation to xdsl's own method for the message.
- `walk`: `Operation.walk` is a chain of nested generators (three frames per level of
  nesting for every op yielded); `walk_ops` builds the same pre-order list 3-4x faster;
  `block_ops`/`first_block_ops` read a block's ops without the `blocks`/`ops` views.
- `accessors`: a named operand, result or region (`task.deps`) is read through
  `get_op_constructs`, a view object and an `index` method; each dialect installs
  descriptors that index the op's tuple directly.
- `opclass`: xdsl ops are ABCs, so `isinstance(op, SomeOp)` goes through `ABCMeta`
  (~0.5 µs); `ops_of`/`op_kinds` keep each op class's answer per class (the emitters use
  them; elsewhere an exact-class test `op.__class__ is X` serves ops without subclasses).
- `build`: `Operation.__init__` runs the operand/successor setters and scans the op
  definition per op, `Block(ops)` checks each op's ancestors; `new_op` and `new_block`
  build the same objects for ops just made.

(`skillir.dialects.fast_verify` compiles IRDL verifiers because xdsl's generic
verifier interprets the op definition on every call; it lives with the dialects it
compiles. `skillir.ir.parse_module` turns the KeyError/ValueError/... that xdsl's
attribute parsers raise on malformed parts into one-line errors.)
"""
