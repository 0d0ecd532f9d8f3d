"""ASCII case folding as Python's `re.IGNORECASE` sees it, for the prefilters that look
for the ASCII literals a case-insensitive match must hold before they run its regex
(`skillir.security.prefilter`, `skillir.deps.tables`).

With IGNORECASE an ASCII letter also matches four letters outside ASCII that `str.lower`
does not turn into ASCII: `i` matches `İ` and `ı`, `s` matches `ſ`, `k` matches the
Kelvin sign. `fold` spells those four in ASCII first, then lowercases, so every ASCII
literal a match holds is in the folded text. tests/security/test_scan_fast_parts.py and
tests/deps/test_table_matchers.py check the table against the regex engine's own case
tables.
"""

from __future__ import annotations

TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""The only letters outside ASCII that a literal ASCII letter matches with IGNORECASE."""
_SPELLED = tuple((chr(code), ascii_letter) for code, ascii_letter in TO_ASCII.items())


def fold(text: str, lowered: str | None = None) -> str:
    """`text` lowercased with `TO_ASCII`'s letters spelt in ASCII first. The result has one
    character per character of `text` (`İ` alone lowercases to two), so a slice of a
    folded text is the fold of the slice. `lowered`: `text.lower()`, when the caller has
    it already."""
    if not text.isascii() and ("\u0130" in text or "\u0131" in text or "\u017f" in text
                               or "\u212a" in text):  # four `in` tests: ~15x quicker than a regex class
        for letter, ascii_letter in _SPELLED:  # four C-speed replaces: `translate` with a
            text = text.replace(letter, ascii_letter)  # dict table looks up every character
        return text.lower()
    return text.lower() if lowered is None else lowered


__all__ = ["TO_ASCII", "fold"]
