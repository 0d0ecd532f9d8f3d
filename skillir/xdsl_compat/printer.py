"""A printer for SkillIR's textual IR: xdsl 0.74's `Printer` with readable strings.

Upstream problem: `Printer.print_string_literal` escapes every byte outside printable
ASCII as `\\XX`, so `"né\\n"` prints as `"n\\C3\\A9\\0A"`, and a skill's prose becomes
unreadable in the IR. MLIR's lexer (and xdsl's, with the fix in `lexer`) accepts
UTF-8 text and the `\\n` `\\t` `\\"` `\\\\` escapes, so this printer writes those and
escapes only the other control characters.
"""

from __future__ import annotations

from xdsl.printer import Printer

_ESCAPES = {i: f"\\{i:02X}" for i in range(0x20)}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\t"): "\\t", 0x7F: "\\7F"})


class SkillPrinter(Printer):
    """Prints string literals the way people read them: `\\n` and `\\t` escapes and
    UTF-8 text as is (MLIR's lexer accepts both), instead of `\\0A` and `\\C3\\A9`."""

    def print_string_literal(self, string: str) -> None:
        self.print_string('"' + string.translate(_ESCAPES) + '"')


__all__ = ["SkillPrinter"]
