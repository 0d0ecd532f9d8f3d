"""The words a regex match must contain: a cheap test that skips a regex which cannot match.

Python's regex engine tries a pattern at every position of a text (a case-insensitive
pattern that starts with `\\b` gets none of its shortcuts), and that is what the prose
rules (`skillir.capability.rules`) spend most of their time on, although most texts
lack some word a rule's pattern spells out. `requirement` reads a compiled pattern's
syntax tree (Python's own parser, `re._parser`) once and returns a `Need`: a condition
on the lower-cased text, made of literal strings joined by AND and OR, that every text
the pattern matches satisfies. When `Need.holds` says no, the pattern has no match
there, so skipping it changes nothing but the time.

Only for ASCII texts: with `re.IGNORECASE` a few non-ASCII letters match ASCII ones
(KELVIN SIGN matches 'k', LONG S 's') that `str.lower` does not turn into them, so the
caller gives a text with any non-ASCII character to the regex.

The reading is conservative: a part it does not understand (a wide character class, a
back-reference, a lookaround, an optional part) asks for nothing, so a pattern it cannot
read at all needs nothing and always runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from re import _constants as sre  # the opcodes of the parser's tree (CPython's own)
from re import _parser

MAX_OPTIONS = 64
"""The most strings one part of a pattern is spelled out as (`(?:one|two) (?:row|line)`
is four strings); beyond that, its pieces are required one by one."""
MIN_LITERAL = 3
"""Strings shorter than this are in nearly every text: a condition holding one is
dropped (always true)."""
MAX_CLASS = 8
"""A character class of at most this many single letters (`[sz]`) is spelled out."""


@dataclass(frozen=True, slots=True)
class Need:
    """A condition on a lower-cased text: one of `any_of` occurs in it (when given),
    every one of `all_of` holds, and one of `one_of` holds (when given)."""

    any_of: tuple[str, ...] = ()
    all_of: tuple[Need, ...] = ()
    one_of: tuple[Need, ...] = ()

    def holds(self, lowered: str) -> bool:
        """False only when the pattern cannot match a text whose lower case is `lowered`."""
        if self.any_of:
            for literal in self.any_of:
                if literal in lowered:
                    break
            else:
                return False
        for need in self.all_of:
            if not need.holds(lowered):
                return False
        if self.one_of:
            for need in self.one_of:
                if need.holds(lowered):
                    return True
            return False
        return True

    @property
    def always(self) -> bool:
        """Holds for every text (asks for nothing)."""
        return not (self.any_of or self.all_of or self.one_of)

    def compiled(self) -> Callable[[str], bool]:
        """`holds` as one Python expression (`lambda t: ("run" in t or "execute" in t)
        and ...`): a rule's need is tested on every text that wakes the rule, and one
        expression runs several times faster than the nested calls of `holds`. The
        expression is built from this object alone, each string through `repr`."""
        return eval(f"lambda t: {self.expression()}")  # noqa: S307 - our own literals, repr'd

    def expression(self) -> str:
        """`holds` as Python source over the lowered text `t`."""
        terms = []
        if self.any_of:
            terms.append("(" + " or ".join(f"{s!r} in t" for s in self.any_of) + ")")
        terms.extend(need.expression() for need in self.all_of)
        if self.one_of:
            terms.append("(" + " or ".join(need.expression() for need in self.one_of) + ")")
        return "(" + " and ".join(terms) + ")" if terms else "True"


ALWAYS = Need()


def requirement(pattern: re.Pattern[str]) -> Need:
    """What every text `pattern` matches contains (see the module docstring)."""
    return _need(_sequence(_parser.parse(pattern.pattern, pattern.flags)))


def screen(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A test of a whole text (any text): False only when `pattern` cannot match it."""
    test = requirement(pattern).compiled()
    return lambda text: not text.isascii() or test(text.lower())


# ---------------------------------------------------------------------------
# reading the tree: each part of a pattern reads as `options`, the few lower-case
# strings it can match, all spelled out ("" for an anchor such as \b, or among others
# for an optional part), or None; and `needs`, conditions that must all hold.


@dataclass(slots=True)
class _Part:
    options: frozenset[str] | None
    needs: list[Need]


_NOTHING = _Part(None, [])
_EMPTY = frozenset({""})


def _sequence(pattern: _parser.SubPattern) -> _Part:
    """Parts in a row: adjacent spelled-out parts join into longer strings (an anchor
    takes no room); every part that must match adds its conditions."""
    needs: list[Need] = []
    run = _EMPTY
    letters = ""  # ASCII letters after `run`, not yet joined to it
    spelled = True  # every part so far spelled out, and joined into `run`
    for op, av in pattern.data:  # (iterating the SubPattern itself goes through a slow __getitem__)
        if op is sre.LITERAL and av < 128:  # the common case, without building a part
            letters += chr(av).lower()
            continue
        if letters:
            run, letters = frozenset(a + letters for a in run), ""
        part = _node(op, av)
        needs.extend(part.needs)
        if part.options is not None and len(run) * len(part.options) <= MAX_OPTIONS:
            run = frozenset(a + b for a in run for b in part.options)
            continue
        spelled = False
        needs.append(_literals(run))
        run = part.options if part.options is not None else _EMPTY
    if letters:
        run = frozenset(a + letters for a in run)
    if spelled:
        return _Part(run, needs)
    needs.append(_literals(run))
    return _Part(None, needs)


def _node(op, av) -> _Part:
    if op is sre.LITERAL:
        char = chr(av)
        # a non-ASCII letter may match an ASCII one under IGNORECASE: learn nothing from it
        return _Part(frozenset({char.lower()}), []) if char.isascii() else _NOTHING
    if op is sre.AT:
        return _Part(_EMPTY, [])
    if op is sre.SUBPATTERN:
        return _sequence(av[-1])
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op is sre.BRANCH:
        return _branch([_sequence(alternative) for alternative in av[1]])
    if op is sre.IN:
        return _class(av)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = av
        inner = _sequence(body)
        if low == 0:
            if high == 1 and inner.options is not None:  # `s?`
                return _Part(inner.options | _EMPTY, [])
            return _NOTHING
        if low == high == 1:
            return inner
        return _Part(None, [_need(inner)])  # the body occurs at least once
    return _NOTHING  # a wide class, a category, a lookaround, a back-reference


def _class(items) -> _Part:
    """A character class of a few ASCII letters (`[sz]`) spelled out; others learn nothing."""
    chars = set()
    for op, av in items:
        if op is not sre.LITERAL or not chr(av).isascii():
            return _NOTHING
        chars.add(chr(av).lower())
    return _Part(frozenset(chars), []) if len(chars) <= MAX_CLASS else _NOTHING


def _branch(alternatives: list[_Part]) -> _Part:
    """Alternatives: spelled out together when each is; else one of their conditions."""
    if all(a.options is not None for a in alternatives):
        union = frozenset().union(*(a.options for a in alternatives))
        if len(union) <= MAX_OPTIONS:
            return _Part(union, [])
    needs = [_need(a) for a in alternatives]
    if any(n.always for n in needs):
        return _NOTHING  # an alternative that needs no word: the branch needs none
    plain = [n for n in needs if not (n.all_of or n.one_of)]
    rest = [n for n in needs if n.all_of or n.one_of]
    if plain:  # the plain alternatives' strings as one list
        rest.insert(0, _literals(frozenset().union(*(n.any_of for n in plain))))
    if len(rest) == 1:
        return _Part(None, rest)
    return _Part(None, [Need(one_of=tuple(rest))])


def _literals(strings: frozenset[str]) -> Need:
    """One of `strings` occurs in the text (always true if one is shorter than
    MIN_LITERAL, the empty string included)."""
    if min(len(s) for s in strings) < MIN_LITERAL:
        return ALWAYS
    kept: list[str] = []
    for string in sorted(strings, key=len):  # 'reviews' beside 'review' is the same test, one search more
        if not any(shorter in string for shorter in kept):
            kept.append(string)
    return Need(any_of=tuple(sorted(kept)))


def _need(part: _Part) -> Need:
    """All of a part's conditions as one."""
    needs = list(part.needs)
    if part.options is not None:
        needs.append(_literals(part.options))
    flat: list[Need] = []
    for need in needs:
        if need.all_of and not (need.any_of or need.one_of):
            flat.extend(need.all_of)
        elif not need.always and need not in flat:
            flat.append(need)
    if not flat:
        return ALWAYS
    if len(flat) == 1:
        return flat[0]
    return Need(all_of=tuple(sorted(flat, key=_cost)))


def _cost(need: Need) -> tuple[int, int]:
    """Plain lists of strings first, the shortest lists first (the cheap tests run first)."""
    return (1 if (need.all_of or need.one_of) else 0, len(need.any_of))
