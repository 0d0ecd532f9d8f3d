"""Required literals of a regular expression (a prefilter, like RE2's FilteredRE2): a
formula of substrings that every match must contain, so a window of text that lacks
them is skipped without running the regex.

    required(re.compile(r"(?i)\\bcurl\\b[^\\n]*\\s(-k|--insecure)\\b"))
    -> ("and", ("curl", ("or", ("-k", "--insecure"))))

The formula is read from the pattern's parse tree (`re._parser`, CPython's own parser):
literal runs, alternations of literal runs (expanded while the set stays small) and
repeats that happen at least once are required; anything else (classes, optional parts,
lookarounds, back-references) requires nothing. Literals are lowercased and checked
against the lowercased text, which only ever weakens the test, and only on ASCII text:
with IGNORECASE, `i` also matches `ı` and `İ`, `s` matches `ſ` and `k` matches the
Kelvin sign, which lowercasing does not fold (`passes` answers True on any non-ASCII
window). So a window the prefilter rejects has no match: it is a pure speed-up. Text
folded by `skillir.casefold.fold` (those four letters spelt in ASCII, then lowercased)
can be read by a checker whatever its characters (the scanner does so).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from re import _constants as C  # noqa: N812 - CPython's own name
from re import _parser as P  # noqa: N812

from skillir.regex_cache import derived

Formula = bool | str | tuple
"""True (no requirement), a literal, ("and", parts) or ("or", parts)."""

Check = Callable[[str], bool]
"""A formula compiled to one function of the lowercased ASCII window (`checker`)."""

_MAX_SET = 16
"""Alternations expand to at most this many literal strings."""


@cache
def _code_stamp() -> str:
    """A digest of this module's source: what the commands keep of its answers between
    processes (`skillir.regex_cache.derived`) is computed again when it changes."""
    from skillir.usercache import key_digest

    return key_digest(Path(__file__).read_bytes())[:16]


def required(pattern: re.Pattern[str]) -> Formula:
    """The formula every match of `pattern` satisfies (True when nothing is required,
    or when the pattern cannot be read)."""
    return derived(f"prefilter.required-{_code_stamp()}", (pattern.pattern, int(pattern.flags)),
                   lambda: _required(pattern))


def _required(pattern: re.Pattern[str]) -> Formula:
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError, TypeError):
        return True
    return _sequence(_items(tree))


def passes(formula: Formula, window: str) -> bool:
    """Might `window` hold a match? False only when it provably cannot."""
    if formula is True or not window.isascii():
        return True
    return holds(formula, window.lower())


def holds(formula: Formula, low: str) -> bool:
    """`formula` on an ASCII window already lowercased (see `passes`)."""
    if formula is True:
        return True
    if isinstance(formula, str):
        return formula in low
    kind, parts = formula
    if kind == "and":
        return all(holds(p, low) for p in parts)
    return any(holds(p, low) for p in parts)


def starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lowercased literals one of which every match of `pattern` starts with, sorted
    (None when the pattern's start is not such a literal): a match can begin only where
    the folded text (`skillir.casefold.fold`) holds one (`match_starts`), so the regex
    need not be tried at every position. Zero-width items before it (anchors,
    lookarounds) are passed over: they only rule positions out."""
    return derived(f"prefilter.starts-{_code_stamp()}", (pattern.pattern, int(pattern.flags)),
                   lambda: _starts(pattern))


def _starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError, TypeError):
        return None
    found = _first_literals(_items(tree))
    return tuple(sorted(found)) if found else None


def _first_literals(items: list) -> set[str] | None:
    """The non-empty literal strings a match of the sequence `items` starts with."""
    at = 0
    while at < len(items) and items[at][0] in (C.AT, C.ASSERT, C.ASSERT_NOT):
        at += 1
    if at == len(items):
        return None
    run, _end = _literal_run(items, at)
    if run:
        return {run}
    op, av = items[at]
    if op is C.SUBPATTERN:
        return _first_literals(_items(av[-1]))
    if op is C.ATOMIC_GROUP:
        return _first_literals(_items(av))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _first_literals(_items(av[2]))
    if op is C.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            strings = _first_literals(_items(alternative))
            if strings is None:
                return None
            out |= strings
        return out
    return None


def match_starts(pattern: re.Pattern[str], text: str, low: str, literals: tuple[str, ...],
                 begin: int = 0, end: int | None = None):
    """`pattern.finditer(text)`, when every match starts with one of `literals` (`starts`)
    and so is not empty; `low`: the text folded (`skillir.casefold.fold`: one character
    per character, and every ASCII literal a match holds is in it). The pattern is matched
    only where `low` holds one of them, in order (at a position, `match` sees the text
    before it, as `\\b` and lookbehinds need; the first position that matches is where
    `search` would stop), and the next one is looked for from the match's end. `begin`
    and `end`: `pattern.finditer(text, begin, end)` (the text after `end` unseen)."""
    end = len(text) if end is None else end
    if len(literals) <= _FIND_EACH:
        at = begin
        for start in literal_positions(low, literals, begin, end):
            if start >= at and (match := pattern.match(text, start, end)) is not None:
                yield match
                at = match.end()
        return
    find = _finder(literals)
    at = begin
    while (hit := find(low, at, end)) is not None:
        match = pattern.match(text, hit.start(), end)
        if match is None:
            at = hit.start() + 1
            continue
        yield match
        at = match.end()


_FIND_EACH = 6
"""Up to this many literals are found one by one with `str.find` (a C substring search,
several times quicker than a regex alternation scanning the text); more with one regex."""


def literal_positions(low: str, literals: tuple[str, ...], begin: int = 0, end: int | None = None) -> list[int]:
    """Every position of `low` (from `begin`, up to `end`) where one of `literals` is,
    in order (a position two of them start at, twice)."""
    found: list[int] = []
    find = low.find
    end = len(low) if end is None else end
    for literal in literals:
        at = find(literal, begin, end)
        while at >= 0:
            found.append(at)
            at = find(literal, at + 1, end)
    if len(literals) > 1:
        found.sort()
    return found


@cache
def _finder(literals: tuple[str, ...]):
    """The search for the first of `literals` (one regex: the engine scans in C)."""
    return re.compile("|".join(map(re.escape, literals))).search


def _items(sub) -> list:
    """The items of a parsed (sub)pattern: its own list (`SubPattern.data`), which the
    readers below only iterate; `list(sub)` would fetch them one `__getitem__` call each."""
    return sub.data


def _literal_run(items: list, start: int) -> tuple[str, int]:
    """The ASCII literal characters from `items[start]` on, lowercased (each is the one
    string `_exact` gives for it), and the index after them."""
    end = start
    while end < len(items) and items[end][0] is C.LITERAL and items[end][1] < 128:
        end += 1
    return "".join(chr(av) for _op, av in items[start:end]).lower(), end


def _exact(item) -> set[str] | None:
    """The strings one parse item matches exactly, when they are few literal strings."""
    op, av = item
    if op is C.LITERAL:
        return {chr(av).lower()} if av < 128 else None
    if op is C.SUBPATTERN:
        return _exact_sequence(_items(av[-1]))
    if op is C.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            strings = _exact_sequence(_items(alternative))
            if strings is None:
                return None
            out |= strings
            if len(out) > _MAX_SET:
                return None
        return out
    if op is C.AT:  # an anchor consumes nothing
        return {""}
    return None


def _exact_sequence(items: list) -> set[str] | None:
    """The strings a sequence matches exactly. A run of literal characters is appended
    at once (one string each: the product never grows, so it never stops there)."""
    current = {""}
    at = 0
    while at < len(items):
        run, at = _literal_run(items, at)
        if run:
            current = {a + run for a in current}
            continue
        strings = _exact(items[at])
        at += 1
        if strings is None or len(current) * len(strings) > _MAX_SET:
            return None
        current = {a + b for a in current for b in strings}
    return current


def _sequence(items: list) -> Formula:
    parts: list[Formula] = []
    current = {""}

    def flush() -> None:
        nonlocal current
        parts.append(_any_of(current))
        current = {""}

    at = 0
    while at < len(items):
        run, at = _literal_run(items, at)
        if run:  # one string per character: always appended (as `_exact_sequence` does)
            current = {a + run for a in current}
            continue
        item = items[at]
        at += 1
        strings = _exact(item)
        if strings is not None and len(current) * len(strings) <= _MAX_SET:
            current = {a + b for a in current for b in strings}
            continue
        flush()
        if strings is not None:  # too many combinations: the item on its own
            current = strings
            continue
        parts.append(_inner(item))
    flush()
    return _all_of(parts)


def _inner(item) -> Formula:
    """What a non-literal item requires on its own."""
    op, av = item
    if op is C.SUBPATTERN:
        return _sequence(_items(av[-1]))
    if op is C.ATOMIC_GROUP:
        return _sequence(_items(av))
    if op is C.BRANCH:
        return _any_of_formulas([_sequence(_items(alternative)) for alternative in av[1]])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, body = av
        return _sequence(_items(body)) if low >= 1 else True
    return True  # classes, any character, lookarounds, back-references, anchors


def _any_of(strings: set[str]) -> Formula:
    if not strings or "" in strings:
        return True
    return next(iter(strings)) if len(strings) == 1 else ("or", tuple(sorted(strings)))


def _any_of_formulas(parts: list[Formula]) -> Formula:
    if any(p is True for p in parts) or not parts:
        return True
    return parts[0] if len(parts) == 1 else ("or", tuple(parts))


def _all_of(parts: list[Formula]) -> Formula:
    kept = [p for p in parts if p is not True]
    if not kept:
        return True
    return kept[0] if len(kept) == 1 else ("and", tuple(kept))


def checker(formula: Formula) -> Check | None:
    """`formula` as one compiled expression over the lowercased window (`low`), the same
    answer as `holds` at a fraction of the cost; None when nothing is required."""
    if formula is True:
        return None
    code = derived(f"prefilter.checker-{_code_stamp()}", formula,
                   lambda: compile(f"lambda low: {_expression(formula)}", "<prefilter>", "eval"))
    return eval(code, {"__builtins__": {}})  # noqa: S307 - literals from repr()


def _expression(formula: Formula) -> str:
    """The formula as Python; an `and` tests its cheapest parts first (fewest literals to
    look for), so a window usually fails on one `in` rather than after a long `or`; an
    `or` drops what another of its literals implies (`_any_expression`)."""
    if isinstance(formula, str):
        return f"({formula!r} in low)"
    kind, parts = formula
    if kind == "or":
        return _any_expression(parts)
    parts = tuple(sorted(parts, key=_tests))  # stable: ties keep the pattern's order
    return "(" + " and ".join(_expression(p) for p in parts) + ")"


def _any_expression(parts: tuple) -> str:
    """An `or`: its nested `or`s flattened, without the parts that hold one of its
    literals (a window with 'debugging' holds 'debug': `or` answers as with 'debug'
    alone), literals that share a prefix of `_PREFIX` or more characters behind one
    test of it (most windows lack it: one `in` rather than one per literal)."""
    flat: list[Formula] = []
    for part in parts:
        flat.extend(part[1] if isinstance(part, tuple) and part[0] == "or" else (part,))
    literals = {p for p in flat if isinstance(p, str)}
    kept = [p for p in flat if not any(_implies(p, s) for s in literals if s != p)]
    tests: list[str] = []
    by_prefix: dict[str, list[str]] = {}
    for part in kept:
        if isinstance(part, str) and len(part) > _PREFIX:
            by_prefix.setdefault(part[:_PREFIX], []).append(part)
        else:
            tests.append(_expression(part))
    for group in by_prefix.values():
        tests.append(_shared_prefix_expression(group))
    return "(" + " or ".join(tests) + ")"


_PREFIX = 4
"""Literals longer than this that start alike are tested behind their common prefix."""


def _shared_prefix_expression(group: list[str]) -> str:
    """`any(s in low for s in group)`, behind the test of their common prefix when there
    are several (whoever holds a literal holds its prefix)."""
    inner = " or ".join(f"({s!r} in low)" for s in group)
    if len(group) == 1:
        return inner
    prefix = os.path.commonprefix(group)
    return f"(({prefix!r} in low) and ({inner}))"


def _implies(formula: Formula, literal: str) -> bool:
    """Does every window that satisfies `formula` hold `literal`?"""
    if isinstance(formula, str):
        return literal in formula
    kind, parts = formula
    if kind == "and":
        return any(_implies(p, literal) for p in parts)
    return all(_implies(p, literal) for p in parts)


def _tests(formula: Formula) -> int:
    """How many `in` tests a formula makes at most."""
    return 1 if isinstance(formula, str) else sum(_tests(p) for p in formula[1])
