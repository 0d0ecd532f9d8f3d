"""A lexer for SkillIR's textual IR: xdsl 0.74's `MLIRLexer` with two string-literal
problems fixed.

1. xdsl lexes a string literal that has escapes *and* non-ASCII text as bytes,
   although its own docstring promises a string whenever the payload is valid UTF-8;
   then `"né\\n"` parses back as a BytesAttr. Here it is a string.
2. xdsl's string-literal regex, `"(?:[^"\\\\\\n\\v\\f]+|\\\\(?:...))*"`, nests a `+`
   inside a `*`: on an unterminated string the regex engine tries every way of
   splitting the text (24 characters took 6 s; a 44-byte file never finished).
   Here the same language is matched with possessive quantifiers, in linear time.
"""

from __future__ import annotations

import re

from xdsl.utils.lexer import Position, Token
from xdsl.utils.mlir_lexer import MLIRLexer, MLIRTokenKind, StringLiteral

_STRING_LITERAL = re.compile(r'"(?:[^"\\\n\v\f]++|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*+"')


class SkillLexer(MLIRLexer):
    """`MLIRLexer` with linear-time string literals that stay strings when UTF-8."""

    _unescaped_characters_regex = _STRING_LITERAL

    def _lex_string_literal(self, start_pos: Position):
        token = super()._lex_string_literal(start_pos)
        if token.kind is MLIRTokenKind.BYTES_LIT:
            try:
                StringLiteral.from_span(token.span).bytes_contents.decode("utf-8")
            except UnicodeDecodeError:
                return token
            return Token(MLIRTokenKind.STRING_LIT, token.span)
        return token


__all__ = ["SkillLexer"]
