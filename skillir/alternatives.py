"""The order in which a regular expression lists literal alternatives.

Longest first, so that an alternative is never shadowed by a shorter one it starts with
("fan out to" before "fan out"); ties in alphabetical order, so that a pattern built from
a set of words is the same text in every process. A set's order changes with the
interpreter's string hash seed, and a pattern whose text changes is compiled again by
every process (`skillir.regex_cache` keeps programs by their text). Two alternatives of
the same length can never both match at one position unless they are equal, so the
order of ties changes no match.
"""

from __future__ import annotations

from collections.abc import Iterable


def longest_first(words: Iterable[str]) -> list[str]:
    """`words` longest first, ties in alphabetical order."""
    return sorted(words, key=lambda word: (-len(word), word))
