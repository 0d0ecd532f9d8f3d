"""Workarounds for problems in xdsl 0.74 (pinned), one module each, each naming the
upstream problem so it can be dropped when xdsl fixes it:

- `lexer`: string literals with escapes and non-ASCII text lex as bytes; the
  string-literal regex backtracks exponentially on an unterminated string.

(`skillir.dialects.fast_verify` compiles IRDL verifiers because xdsl's generic
verifier interprets the op definition on every call.)
"""
