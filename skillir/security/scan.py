"""Scan a skill's text for injection, danger, credential access, exfiltration and
obfuscation (the rules are data: skillir/data/security_rules.json).

Evasions are undone before matching, each as another *view* of the same lines, so a
finding keeps the line it came from:

- invisible characters (zero-width, bidi controls) are reported and removed;
- NFKC folds look-alike letters (full-width `ｃｕｒｌ`);
- split strings are joined (`"cu" + "rl"`, `'cu''rl'`, `c''url`, `c\\url`, `${IFS}`);
  strings joined across lines leave that view fewer lines, which `LineMap` maps back
  to the text's;
- payloads are decoded and scanned again, two levels deep: base64 blobs, `\\xNN` and
  `\\uNNNN` escapes, `%NN` runs, `String.fromCharCode(...)`, `chr(N)+...` chains.

A rule's `scope` says where it applies: `any` text, or `code` only (fenced blocks,
inline code spans, bundled scripts). Injection phrases that a skill *mentions* (after
"such as", in a warning about attacks, in quotes) are kept as `info`, not findings
that count; installers from well-known hosts piped to a shell are `low`.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import unicodedata
import urllib.parse
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, cached_property
from itertools import accumulate, pairwise
from typing import Any

from skillir.casefold import fold
from skillir.readers.shell import program_index
from skillir.security.prefilter import Check, checker, match_starts, required, starts

SEVERITIES = ("info", "low", "medium", "high", "critical")
FAMILIES = ("injection", "danger", "credential", "exfiltration", "obfuscation")
COUNTED = frozenset({"medium", "high", "critical"})
"""Severities that make a skill flagged (the evaluation's trigger)."""

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u180e\ufeff"
                        "\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_EMOJI_JOIN = re.compile("(?<=[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F])\u200d(?=[\U0001F000-\U0001FAFF\u2600-\u27BF])")
_QUOTED_JOIN = re.compile(r"""(["'])([^"'\n]{0,200}+)\1\s*+(?:\+|\.|,)?\s*+(["'])([^"'\n]{0,200}+)\3""")
"""Two quoted strings side by side, maybe with `+`, `.` or `,` between. The quantifiers are
possessive: giving back a character that is not a quote can never let a quote match."""
_SHELL_SPLIT = (("''", re.compile(r"''(?<=\w'')(?=\w)")), ('""', re.compile(r'""(?<=\w"")(?=\w)')),
                ("\\", re.compile(r"\\(?<=\w\\)(?=\w)")))
"""`c''url`, `c""url`, `c\\url`: the quotes or backslash between two word characters
(the literal first, so the engine scans for it instead of testing every position), one
pattern per literal: a pattern that starts with one literal lets the engine scan for it
with a fast search, where an alternation of three tests each position (~2x quicker on
the devset texts). Removed one literal after the other, they remove what one pass of
the three would: a removal has a word character either side, so it never touches
another's neighbours (a quote or backslash)."""


def _unsplit(text: str) -> str:
    """`text` without the quotes and backslashes of `_SHELL_SPLIT`."""
    for literal, pattern in _SHELL_SPLIT:
        if literal in text:
            text = pattern.sub("", text)
    return text


_IFS = re.compile(r"\$\{?IFS\}?")
_ADJACENT_QUOTES = (re.compile(r"""'\s*(?:\+|\.|,)?\s*["']"""), re.compile(r'''"\s*(?:\+|\.|,)?\s*["']'''))
"""Two quotes side by side (`["']\\s*(?:\\+|\\.|,)?\\s*["']`), one pattern per first quote: a
pattern that starts with a literal lets the engine scan for that character, where the
class `["']` is tested at every position (~3x quicker over the corpus)."""
_B64_RUN = re.compile(r"[A-Za-z0-9+/=]{24,}")
_B64 = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
"""A base64 payload: a whole run of base64 characters (`_B64_RUN`, found first by
`_b64_runs`) that is 24 or more of them with at most two `=` of padding at the end."""
_B64_CLASS = bytes(ord("A") if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "+/=") else ord(".")
                   for b in range(256))
"""Byte -> `A` for a base64 character, `.` for any other (a `bytes.translate` table)."""
_HEX_ESC = re.compile(r"\\x[0-9a-fA-F]{2}(?:\\x[0-9a-fA-F]{2}){3,}")
_UNI_ESC = re.compile(r"\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4}){3,}")
_PCT = re.compile(r"%[0-9a-fA-F]{2}(?:%[0-9a-fA-F]{2}){3,}")
_FROM_CHARCODE = re.compile(r"String\.fromCharCode\(\s*(\d+(?:\s*,\s*\d+){3,})\s*\)")
_CHR_CHAIN = re.compile(r"chr\([ \t]*\d+[ \t]*\)[ \t]*\+?[ \t]*(?:chr\([ \t]*\d+[ \t]*\)[ \t]*\+?[ \t]*){3,}")
"""Four or more escapes (`(?:X){4,}` spelt `X(?:X){3,}`, the same matches: a pattern that
starts with a literal lets the engine jump from one `%` or `\\x` to the next instead of
trying every position, ~50x faster on text with a few percent signs)."""
_INLINE_CODE = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Finding:
    rule: str
    family: str
    severity: str
    file: str
    line: int
    evidence: str
    via: str = "text"
    """How the text was read: text, joined strings, base64, hex, ... (the evasion undone)."""
    command: str = ""
    """The command the match sits in (`curl`), when it is in code; "" otherwise."""

    @property
    def counted(self) -> bool:
        return self.severity in COUNTED


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    scope: str
    description: str
    patterns: tuple[re.Pattern[str], ...]
    trusted_lower_to: str | None
    needles: tuple[str, ...] = ()
    multiline: bool = False
    """Matches may span many lines: the patterns read the whole text."""
    prefilters: tuple[Check | None, ...] = ()
    """Per pattern, the literals every match contains (`skillir.security.prefilter`):
    a window without them is not read."""
    starts: tuple[tuple[str, ...] | None, ...] = ()
    """Per pattern, the literals every match starts with (`prefilter.starts`), or None:
    the pattern is tried only where the folded text holds one (`match_starts`), not at
    every position of a window."""


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    mention: re.Pattern[str]
    trusted_hosts: tuple[str, ...]
    by_id: dict[str, Rule]
    homoglyphs: dict[int, str]
    """Look-alike letter (code point) -> the Latin letter it imitates (`str.translate` table)."""
    glyph: re.Pattern[str]
    """Any of the look-alike letters."""
    suspect: re.Pattern[str]
    """Any look-alike letter or invisible character: one pass tells that a text has
    neither (most text outside ASCII has only dashes, arrows and emoji)."""
    needles: Any = None
    """Every rule's needles in one Aho-Corasick automaton (needle -> indices of the rules
    that have it): one pass over a text finds them all."""


@cache
def rule_set() -> RuleSet:
    from skillir.datafiles import load_data

    data = load_data("security_rules.json")
    rules = tuple(_rule(r) for r in data["rules"])
    for rule in rules:
        if rule.family not in FAMILIES or rule.severity not in SEVERITIES or rule.scope not in ("any", "code"):
            raise ValueError(f"security rule {rule.id}: bad family, severity or scope")
    glyphs = data.get("homoglyphs", {})
    glyph = "[" + re.escape("".join(glyphs)) + "]" if glyphs else "(?!)"
    return RuleSet(rules, re.compile(data["mention_cues"]), tuple(data["trusted_install_hosts"]),
                   {r.id: r for r in rules}, {ord(k): v for k, v in glyphs.items()}, re.compile(glyph),
                   re.compile(f"{glyph}|{_INVISIBLE.pattern}"), _needle_automaton(rules))


def _rule(data: dict[str, Any]) -> Rule:
    patterns = tuple(re.compile(p) for p in data["patterns"])
    return Rule(data["id"], data["family"], data["severity"], data["scope"], data["description"], patterns,
                data.get("trusted_hosts_lower_to"), tuple(n.lower() for n in data.get("needles", ())),
                bool(data.get("multiline", False)), tuple(checker(required(p)) for p in patterns),
                tuple(starts(p) for p in patterns))


def _needle_automaton(rules: tuple[Rule, ...]) -> Any:
    import ahocorasick

    owners: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        if rule.patterns:
            for needle in rule.needles:
                owners.setdefault(needle, []).append(index)
    automaton = ahocorasick.Automaton()
    for needle, indices in owners.items():
        automaton.add_word(needle, (len(needle), tuple(indices)))
    if owners:
        automaton.make_automaton()
    return automaton


_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")


def mixed_words(text: str, rules: RuleSet) -> list[re.Match[str]]:
    """Words that mix Latin letters with Cyrillic or Greek look-alikes (`сurl`)."""
    if text.isascii() or not rules.glyph.search(text):
        return []
    return [m for m in _WORD.finditer(text) if not m.group(0).isascii()
            and rules.glyph.search(m.group(0)) and _LATIN.search(m.group(0))]


def _fold_homoglyphs(text: str, rules: RuleSet) -> str:
    """The text with every mixed-script word spelt in Latin letters (same length)."""
    words = mixed_words(text, rules)
    if not words:
        return text
    out, last = [], 0
    for match in words:
        out += [text[last:match.start()], match.group(0).translate(rules.homoglyphs)]
        last = match.end()
    return "".join(out) + text[last:]


_CONTINUED = re.compile(r"\\[ \t]*\n")


def _join_continuations(text: str) -> str:
    """Shell/Python line continuations (`\\` at the end of a line) joined into one line;
    the newlines removed go after the joined line, so every other line keeps its number."""
    if not _CONTINUED.search(text):
        return text
    out: list[str] = []
    pending, held = "", 0
    for line in text.split("\n"):
        stripped = line.rstrip(" \t")
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            held += 1
            continue
        out.append(pending + (line.lstrip() if pending else line))
        out.extend([""] * held)
        pending, held = "", 0
    if pending:
        out.append(pending.rstrip())
        out.extend([""] * (held - 1))
    return "\n".join(out)


_ASSIGN = re.compile(r"(?:^|[;&\s])([A-Za-z_]\w{0,30})=((?:[^\s;&|`()'\"]|\$\{?\w+\}?)+|'[^'\n]*'|\"[^\"\n$]*\")")


_VARIABLE_USE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def _substitute_variables(text: str) -> str:
    """Shell variables assigned a plain value (`d=.ss`) replaced by it where used
    (`"$h/${d}h"` -> `"$HOME/.ssh"`), one level, so built paths show what they name."""
    if "=" not in text or "$" not in text:
        return text
    # an assignment never spans lines: read only the lines with an `=`, in one pass over
    # them joined (the newline before a line stands for its start, `^` in the pattern's
    # `(?:^|[;&\s])`; no match holds a newline, so none reaches from line to line)
    assigning = "\n".join(line for line in text.split("\n") if "=" in line)
    values = {m.group(1): m.group(2).strip("'\"") for m in _ASSIGN.finditer(assigning)}
    if not values:
        return text

    def value(m: re.Match[str]) -> str:
        return values.get(m.group(1) or m.group(2), m.group(0))

    return _VARIABLE_USE.sub(value, text)


_WINDOW_LINES = 2
"""Lines either side of a needle that a rule's patterns read (a match may wrap a line)."""


def _line_starts(lines: list[str]) -> list[int]:
    """The offset each line starts at, from the text's lines (`text.split("\\n")`)."""
    return list(accumulate([len(line) + 1 for line in lines[:-1]], initial=0))


Ranges = list[tuple[int, int]]
"""(start, end) offsets of the parts of a view to read."""
Merges = list[tuple[int, int]]
"""The lines of a view that hold more than one line of the text (strings joined across
a newline): (line index in the view, how many lines of the text it holds), in order."""


class LineMap:
    """The line of the text each line of a view starts at (a view that joined strings
    across lines has fewer lines: a finding reports the line its evidence starts at in
    the text, not its line in the view)."""

    def __init__(self, merges: Merges) -> None:
        self.merged = [index for index, _ in merges]
        self.before = list(accumulate((count - 1 for _, count in merges), initial=0))
        """Lines of the text joined into the lines before each merged line, and in all."""
        self.removed = self.before[-1]

    def line(self, view_line: int) -> int:
        """The text's line (from 1) that the view's line `view_line` (from 1) starts at."""
        return view_line + self.before[bisect_left(self.merged, view_line - 1)]


def _changed_only(first: list[str], lines: list[str], starts: list[int], size: int,
                  origins: list[int] | None = None) -> Ranges:
    """The parts of a later view (its `lines`, starting at `starts`) to read: the lines
    it does not share with the first view, with a pattern window either side (whole
    lines, each with its newline); needles found there are the only ones whose windows
    read something the first view did not. `origins`: when strings were joined across
    lines, the index in `first` of the line each of `lines` starts at, and `len(first)`
    after them (a line that holds more than one line of `first` is changed); without
    them, the whole view when the line count moved."""
    if origins is None:
        if len(lines) != len(first):
            return [(0, size)]
        origins = list(range(len(first) + 1))
    last = len(lines) - 1
    merged: list[list[int]] = []
    for i, b in enumerate(lines):
        if origins[i + 1] - origins[i] != 1 or first[origins[i]] != b:
            lo, hi = max(0, i - _WINDOW_LINES), min(last, i + _WINDOW_LINES)
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = hi
            else:
                merged.append([lo, hi])
    return [(starts[lo], starts[hi + 1] if hi < last else size) for lo, hi in merged]


def _changed_ranges(first: str, view: str, lines_of: LineMap | None = None) -> Ranges:
    """`_changed_only` for two whole texts, reading only the lines between their common
    start and common end (most later views differ from the first on a few lines): those
    lines and `_WINDOW_LINES` more either side are the lines `_changed_only` compares,
    so it gives the same ranges as over every line. `lines_of`: the lines of `first`
    that the view's lines start at, when strings were joined across lines (every join
    sits between the common start and end, so the lines before are the same lines and
    the lines after are the same lines, shifted); without it, the whole view when the
    line count moved."""
    if first.count("\n") != view.count("\n") + (lines_of.removed if lines_of is not None else 0):
        return [(0, len(view))]
    head = _common_prefix(first, view)
    if head == len(first) == len(view):
        return []
    tail = _common_prefix(first[::-1], view[::-1], min(len(first), len(view)) - head)
    start = first.rfind("\n", 0, head) + 1
    for _ in range(_WINDOW_LINES):
        start = first.rfind("\n", 0, start - 1) + 1 if start > 0 else 0
    ends = []
    for text in (first, view):  # the line after the common end begins, and more
        end = text.find("\n", len(text) - tail)
        for _ in range(_WINDOW_LINES):
            end = text.find("\n", end + 1) if end >= 0 else -1
        ends.append(len(text) if end < 0 else end)
    lines = view[start:ends[1]].split("\n")
    firsts = first[start:ends[0]].split("\n")
    size = (ends[1] + 1 if ends[1] < len(view) else len(view)) - start
    origins = None
    if lines_of is not None and lines_of.removed:
        top = view.count("\n", 0, start)  # the same line of both texts: their start is common
        origins = [lines_of.line(top + i + 1) - 1 - top for i in range(len(lines))] + [len(firsts)]
    ranges = _changed_only(firsts, lines, _line_starts(lines), size, origins)
    return [(begin + start, end + start) for begin, end in ranges]


def _common_prefix(a: str, b: str, limit: int | None = None) -> int:
    """How many characters `a` and `b` share at their start (at most `limit`): blocks of
    doubling size compared in C, then a halving search in the first block that differs."""
    size = min(len(a), len(b)) if limit is None else limit
    done, step = 0, 64
    while done < size:
        end = min(done + step, size)
        if a[done:end] != b[done:end]:
            while end - done > 1:  # a[:done] == b[:done], and a[:end] != b[:end]
                middle = (done + end) // 2
                if a[done:middle] == b[done:middle]:
                    done = middle
                else:
                    end = middle
            return done
        done, step = end, step * 2
    return size


def _candidate_spans(rules: RuleSet, view: str, ranges: Ranges, low: str | None = None) -> dict[int, Ranges]:
    """Per rule index: the (start, end) spans of `view` its patterns must read: the
    lines around each of its needles found in `ranges`, merged (one Aho-Corasick pass
    over the lowercased text finds every needle, so the patterns never read the lines
    that cannot match). `low`: `view.lower()` when `ranges` is the whole view."""
    if rules.needles is None or not len(rules.needles):
        return {}
    whole = [(0, len(view))]
    lows = [(0, low)] if low is not None else [(begin, view[begin:end].lower()) for begin, end in ranges]
    # lowercasing moved offsets (rare letters): read it all
    moved = any(len(low) != end - begin for (begin, low), (_, end) in zip(lows, ranges, strict=True))
    spans: dict[int, Ranges] = {}
    multiline = [rule.multiline for rule in rules.rules]
    line_start, line_end, window = -1, -1, (0, 0)  # the last needle's line and its window
    for begin, low in lows:
        if moved:
            for _end, (_size, owners) in rules.needles.iter(low):
                spans.update(dict.fromkeys(owners, whole))
            continue
        for end, (size, owners) in rules.needles.iter(low):
            at = begin + end - size + 1
            if not line_start <= at <= line_end:
                line_start, line_end, window = _window(view, at)
            for index in owners:
                if multiline[index]:
                    spans[index] = whole
                    continue
                # needles never hold a newline and come in text order, so windows only
                # move forward: each one joins the last when they touch or overlap
                merged = spans.get(index)
                if merged is None:
                    spans[index] = [window]
                elif window[0] <= merged[-1][1] + 1:
                    if window[1] > merged[-1][1]:
                        merged[-1] = (merged[-1][0], window[1])
                else:
                    merged.append(window)
    return spans


def _window(view: str, at: int) -> tuple[int, int, tuple[int, int]]:
    """The line of `view` that holds offset `at` (start, end: its newline or the text's
    end) and the span a pattern reads around it: `_WINDOW_LINES` lines either side, from
    the first one's start to the last one's end (its newline left out)."""
    line_start = view.rfind("\n", 0, at) + 1
    line_end = view.find("\n", at)
    line_end = len(view) if line_end < 0 else line_end
    lo, hi = line_start, line_end
    for _ in range(_WINDOW_LINES):
        lo = view.rfind("\n", 0, lo - 1) + 1 if lo > 0 else 0
        nxt = view.find("\n", hi + 1) if hi < len(view) else -1
        hi = len(view) if nxt < 0 else nxt
    return line_start, line_end, (lo, hi)


def code_mask(text: str, kind: str) -> str:
    """The text with everything that is not code blanked (newlines kept, so lines and
    offsets stay): for markdown, fenced blocks and inline code spans; scripts are all code."""
    return text if kind == "script" else _masked(text, _blank(text), _code_spans(text))


def _masked(text: str, blank: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` where `spans` are, `blank` (as long as `text`) everywhere else."""
    out: list[str] = []
    last = 0
    for begin, end in spans:
        out += [blank[last:begin], text[begin:end]]
        last = end
    out.append(blank[last:])
    return "".join(out)


class _Reading:
    """What the rules read of one view of a text, each part made when first needed (and
    only for this scan): the view lowercased, folded for the prefilter checks, and its
    code (`code_mask`), also folded. `whole`: the rules read the whole view (else only
    windows in a few changed ranges of a later view)."""

    def __init__(self, view: str, kind: str, whole: bool = True) -> None:
        self.view, self.kind, self.whole = view, kind, whole

    def folds(self, code: bool, windows: Ranges) -> list[str]:
        """Each window of the view (`code`: of its code) folded for the prefilter checks:
        cut from the whole folded text when the whole view is read; else each window is
        folded on its own, which reads only the windows. The checks look for ASCII
        literals, which a window's fold holds exactly where the whole text's fold does
        (`skillir.casefold.fold` keeps one character per character)."""
        if self.whole:
            low = self.code_folded if code else self.folded
            return [low[a:b] for a, b in windows]
        target = self.code if code else self.view
        return [fold(target[a:b]) for a, b in windows]

    @cached_property
    def low(self) -> str:
        return self.view.lower()

    @cached_property
    def folded(self) -> str:
        return fold(self.view, self.low)

    @cached_property
    def _spans(self) -> tuple[str, list[tuple[int, int]]]:
        """The view blanked and its code spans."""
        return _blank(self.view), list(_code_spans(self.view))

    @cached_property
    def code(self) -> str:
        return self.view if self.kind == "script" else _masked(self.view, *self._spans)

    @cached_property
    def code_folded(self) -> str:
        """The folded code: for the checks, the same as `fold(self.code)` (the fold maps
        each character on its own but for the final-sigma rule, which reads no ASCII)."""
        return self.folded if self.kind == "script" else _masked(self.folded, *self._spans)


def _code_spans(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of a markdown text's code, in order: fenced blocks' bodies
    and inline code spans. A fence can only be on a line with three backticks or tildes
    in a row (`_fence_lines`), and the inline spans, which never cross a line, are read
    between the blocks with one regex pass each."""
    fence: str | None = None
    body = prose = 0  # where the open block's body starts, where prose resumes
    for start, end in _fence_lines(text):
        opened = _FENCE.match(text, start, end)
        if opened is None:
            continue
        if fence is None:
            yield from (match.span(1) for match in _INLINE_CODE.finditer(text, prose, start))
            fence, body = opened.group(1), min(end + 1, len(text))
        elif opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
            yield body, start
            fence, prose = None, end
    if fence is None:
        yield from (match.span(1) for match in _INLINE_CODE.finditer(text, prose))
    else:
        yield body, len(text)


def _fence_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line that holds three backticks or three tildes in a row, in
    order (`str.find` for each: a regex alternation would try every position)."""
    ticks, tildes = text.find("```"), text.find("~~~")
    while ticks >= 0 or tildes >= 0:
        hit = ticks if tildes < 0 or 0 <= ticks < tildes else tildes
        start = text.rfind("\n", 0, hit) + 1
        end = text.find("\n", hit)
        end = len(text) if end < 0 else end
        yield start, end
        if 0 <= ticks <= end:
            ticks = text.find("```", end + 1)
        if 0 <= tildes <= end:
            tildes = text.find("~~~", end + 1)


_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,})")
"""A fence at a line's start, read with `match(text, line_start, line_end)` (so no `^`:
it would not match at `line_start`)."""
_BLANK = bytes(byte if byte == ord("\n") else ord(" ") for byte in range(256))


def _blank(text: str) -> str:
    """`text` with every character but newlines a space (one byte per character: a
    character outside ASCII is one `?` before the table makes it a space)."""
    return text.encode("ascii", "replace").translate(_BLANK).decode("ascii")


def _views(text: str, rules: RuleSet, plain: bool) -> list[tuple[str, str, LineMap | None]]:
    """(how, text, lines) triples: the text as written (invisible characters removed,
    NFKC, mixed-script words folded to Latin), and with split strings joined (quoted
    pieces, line continuations, shell variables substituted). Each view has the text's
    lines but where quoted strings were joined across lines: `lines` then maps a view's
    lines to the text's (None: the same lines). `plain`: the text has no invisible
    character and no look-alike letter (`RuleSet.suspect`)."""
    if text.isascii():  # nothing to remove, NFKC leaves ASCII as it is
        clean = text
    else:
        # one pass each over the whole text: NFKC never makes or removes a newline, so the
        # lines stay where they were
        clean = text if plain else _INVISIBLE.sub("", text)
        if not unicodedata.is_normalized("NFKC", clean):  # a quicker test than normalize's own
            clean = unicodedata.normalize("NFKC", clean)
            plain = False  # NFKC may spell a letter in another script (`ϐ` -> `β`)
        if not plain:
            clean = _fold_homoglyphs(clean, rules)
    views: list[tuple[str, str, LineMap | None]] = [("text", clean, None)]
    decoded = _inline_decoded(clean)
    if decoded != clean:
        views.append(("decoded escapes", decoded, None))
    joined = _substitute_variables(_join_continuations(decoded))
    joined, merges = _joined_lines(joined)  # the later steps keep every line
    joined = _unsplit(joined)
    if "IFS" in joined:
        joined = _IFS.sub(" ", joined)
    if joined != decoded:
        views.append(("joined strings", joined, LineMap(merges) if merges else None))
    return views


_JOIN_ROUNDS = 4
"""`"a" + "b" + "c"` is joined over a few rounds (each joins pairs)."""


def _join_quoted(text: str) -> str:
    """Quoted strings side by side joined into one (`_joined_lines`, the text only)."""
    return _joined_lines(text)[0]


def _joined_lines(text: str) -> tuple[str, Merges]:
    """Quoted strings side by side joined into one (`_QUOTED_JOIN`), round after round
    until a round changes nothing, `_JOIN_ROUNDS` at most, and the lines of the result
    that hold more than one line of `text` (a join across newlines, `"a",\n"b"`):
    (line index in the result, how many lines of `text` it holds), in order. Only the
    stretches of lines around two quotes side by side (`_ADJACENT_QUOTES`, which every
    join holds) are read, each on its own: a join never crosses the newline after a
    line that ends in anything but a quote or a `+`, `.` or `,` (`_ends_a_stretch`), and
    such a line ends a stretch in every round, so the rounds over the whole text change
    what they change in each stretch, and nothing elsewhere."""
    out: list[str] = []
    merges: Merges = []
    last = counted = line = removed = 0  # copied up to, lines counted up to and how many, newlines removed
    for begin, end in _stretches(text):
        stretch, kept = _join_stretch(text[begin:end])
        if kept is not None:  # lines joined: the result's lines, each from the line after a kept newline
            line += text.count("\n", counted, begin)
            newlines = text.count("\n", begin, end)
            firsts = [0] + [k + 1 for k in kept] + [newlines + 1]
            merges += [(line - removed + i, b - a) for i, (a, b) in enumerate(pairwise(firsts))
                       if b - a > 1]
            removed += newlines - len(kept)
            counted, line = end, line + newlines
        out += [text[last:begin], stretch]
        last = end
    if not out:
        return text, merges
    out.append(text[last:])
    return "".join(out), merges


def _join_stretch(stretch: str) -> tuple[str, list[int] | None]:
    """One stretch's quoted strings joined (`_joined_lines`), and which of its newlines
    are left, by their index among its newlines (None: all of them). The replacement of
    a join holds no newline, so a newline is removed exactly when a join's match holds it."""
    kept: list[int] | None = None
    crossed: list[tuple[int, int]] = []  # the spans of a round's joins across a newline

    def join(match: re.Match[str]) -> str:
        if "\n" in match.group(0):
            crossed.append(match.span())
        return match.group(1) + match.group(2) + match.group(4) + match.group(1)

    for _ in range(_JOIN_ROUNDS):
        crossed.clear()
        step, joins = _QUOTED_JOIN.subn(join, stretch)
        if not joins:
            break
        if crossed:
            kept = list(range(stretch.count("\n"))) if kept is None else kept
            gone: set[int] = set()  # the newlines removed, by index among this round's
            before = last = 0  # newlines before `last`
            for start, end in crossed:
                before += stretch.count("\n", last, start)
                inside = stretch.count("\n", start, end)
                gone.update(range(before, before + inside))
                before, last = before + inside, end
            kept = [k for i, k in enumerate(kept) if i not in gone]
        stretch = step
    return stretch, kept


def _stretches(text: str) -> Iterator[tuple[int, int]]:
    """The stretches of whole lines that hold two quotes side by side (`_ADJACENT_QUOTES`),
    in order, each from the line after one that `_ends_a_stretch` to the next such line
    (its newline left out). The search goes on after each stretch (two quotes side by
    side never cross such a line either), not at every pair in it."""
    ahead = [pattern.search(text) for pattern in _ADJACENT_QUOTES]
    at = 0
    while (site := _first_adjacent_quotes(text, at, ahead)) is not None:
        start = text.rfind("\n", 0, site.start()) + 1
        while start > 0 and not _ends_a_stretch(text, text.rfind("\n", 0, start - 1) + 1, start - 1):
            start = text.rfind("\n", 0, start - 1) + 1
        stop = text.find("\n", max(site.start(), site.end() - 1))
        while stop >= 0 and not _ends_a_stretch(text, text.rfind("\n", 0, stop) + 1, stop):
            stop = text.find("\n", stop + 1)
        stop = len(text) if stop < 0 else stop
        yield start, stop
        at = stop + 1


def _first_adjacent_quotes(text: str, at: int, ahead: list[re.Match[str] | None]) -> re.Match[str] | None:
    """The first match of `_ADJACENT_QUOTES` that starts at or after `at` (`at` never moves
    back). `ahead` holds each pattern's last match (None: it has no more); one is searched
    again only once `at` has passed it (a match's start and end do not depend on where
    the search began: the patterns look neither behind nor at anchors)."""
    for index, match in enumerate(ahead):
        if match is not None and match.start() < at:
            ahead[index] = _ADJACENT_QUOTES[index].search(text, at)
    single, double = ahead
    if single is None or double is not None and double.start() < single.start():
        return double
    return single


def _ends_a_stretch(text: str, start: int, end: int) -> bool:
    """No `_QUOTED_JOIN` match crosses the newline after this line: the newline could
    only sit in the spaces between the two strings, after the first one's closing quote
    and at most one `+`, `.` or `,`."""
    line = text[start:end].rstrip()
    return line != "" and line[-1] not in "\"'+.,"


def _inline_decoded(text: str) -> str:
    """Escapes and character codes replaced in place by what they spell (newlines in the
    result become spaces, so lines stay where they were)."""
    def flat(s: str) -> str:
        return s.replace("\n", " ").replace("\r", " ")

    # each decoder runs only when its marker is in the text (most skills have none)
    if "\\x" in text:
        text = re.sub(r"\$'((?:\\x[0-9a-fA-F]{2}|[^'\\\n])*)'",
                      lambda m: flat(re.sub(r"\\x([0-9a-fA-F]{2})", lambda h: chr(int(h.group(1), 16)), m.group(1))), text)
        text = _HEX_ESC.sub(lambda m: flat("".join(chr(int(h, 16)) for h in re.findall(r"\\x([0-9a-fA-F]{2})", m.group(0)))), text)
    if "\\u" in text:
        text = _UNI_ESC.sub(lambda m: flat("".join(chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", m.group(0)))), text)
    if "%" in text:
        text = _PCT.sub(lambda m: flat(urllib.parse.unquote(m.group(0))), text)
    if "fromCharCode" in text:
        text = _FROM_CHARCODE.sub(lambda m: flat(_codes(m.group(1))), text)
    if "chr(" in text:
        text = _CHR_CHAIN.sub(lambda m: flat(_codes(m.group(0))), text)
    return text


def _codes(text: str) -> str:
    codes = [int(n) for n in re.findall(r"\d+", text)]
    return "".join(chr(c) if 0 < c < 0x110000 and c != 10 else " " for c in codes)


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or sum(ch.isprintable() or ch in "\n\t\r" for ch in text) < 0.9 * len(text):
        return None
    return text


def _b64_mask(text: str) -> bytes:
    """`text` as one byte per character: `A` for a base64 character, `.` for any other
    (a character outside ASCII is one `?` before the table makes it a `.`)."""
    return text.encode("ascii", "replace").translate(_B64_CLASS)


def _b64_runs(text: str, begin: int, end: int, mask: bytes | None = None,
              offset: int = 0) -> Iterator[re.Match[str]]:
    """The whole runs of 24 or more base64 characters in `text[begin:end]` (`mask` is
    `_b64_mask` of `text`, or of the part of it from `offset` on). The runs are found in
    the mask with `bytes.find` (C, no regex attempt at every word of prose); each is then
    matched once to hand back a match."""
    mask = _b64_mask(text) if mask is None else mask
    at, last = begin - offset, end - offset
    while (start := mask.find(_B64_SEED, at, last)) >= 0:
        stop = mask.find(b".", start + len(_B64_SEED), last)
        at = last if stop < 0 else stop
        run = _B64_RUN.match(text, start + offset, at + offset)
        if run is not None:  # always: every character of start:at is a base64 one
            yield run


_B64_SEED = b"A" * 24
"""The shortest run `_B64_RUN` takes, in `_b64_mask` bytes."""


def _decoded(text: str, ranges: Ranges) -> list[tuple[str, int, str]]:
    """(how, offset, decoded text) of every payload in the `ranges` of `text` that
    decodes to text."""
    out: list[tuple[str, int, str]] = []
    whole = _b64_mask(text) if ranges == [(0, len(text))] else None
    # a few changed ranges of a later view: each range's own mask (`_b64_runs` reads
    # the mask only inside the range)
    for match in (m for begin, end in ranges for m in (
            _b64_runs(text, begin, end, whole) if whole is not None
            else _b64_runs(text, begin, end, _b64_mask(text[begin:end]), begin))):
        blob = match.group(0)
        if _B64.fullmatch(blob) is None:
            continue
        if blob.isalpha() or blob.isdigit() or "/" in blob and blob.count("/") > len(blob) // 4:
            continue  # a word, a number or a path, not a payload
        try:
            raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        if (decoded := _printable(raw)) is not None:
            out.append(("base64", match.start(), decoded))
    return out


def _line_of(text: str, offset: int, lines_of: LineMap | None = None) -> int:
    """The line (from 1) of the text that `offset` of a view of it sits on (`lines_of`:
    the view's map to the text's lines, None when it has the text's lines)."""
    line = text.count("\n", 0, offset) + 1
    return line if lines_of is None else lines_of.line(line)


def _evidence(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    snippet = " ".join(text[line_start:line_end if line_end >= 0 else len(text)].split())
    return snippet if len(snippet) <= 160 else snippet[:159] + "…"


_SEGMENT_START = re.compile(r"(?:\|\||&&|[;|&(`]|\$\(|^\s*\$\s)")
_COMMAND_WORD = re.compile(r"^[A-Za-z0-9_][\w.+-]*$")
def command_at(line_text: str, col: int) -> str:
    """The command word of the shell command the position `col` of a code line sits in
    (`cat ~/.ssh/id_rsa | curl ...` at `~` -> `cat`), or "" when it is not a command."""
    start = 0
    for match in _SEGMENT_START.finditer(line_text, 0, col + 1):
        if match.end() <= col + 1:
            start = match.end()
    words = line_text[start:].split()
    at = program_index(words)
    if at == len(words):
        return ""
    word = words[at]
    word = word.rsplit("/", 1)[-1] if word.startswith("/") else word
    return word if _COMMAND_WORD.match(word) else ""


def invocation_at(line_text: str, start: int, end: int) -> str:
    """The command that runs what sits at `start:end` of a line (a script path): from the
    start of its shell command to the end of that text (`python3 scripts/x.py a b` at
    `scripts/x.py` -> `python3 scripts/x.py`)."""
    begin = 0
    for match in _SEGMENT_START.finditer(line_text, 0, start):
        begin = match.end()
    words = line_text[begin:end].split()
    return " ".join(words[program_index(words):])


_ADDRESSED = re.compile(r"(?i)\b(?:assistant|ai(?: agent)?|agent|model|llm|claude|gpt|system)\s*:\s*[\"'“‘]?\s*$")
_LINK_TITLE = re.compile(r"\]\([^()\s]+\s+[\"'][^\"']*$")


def _is_mention(rules: RuleSet, line_text: str, start: int, end: int) -> bool:
    """An injection phrase the skill talks about rather than says: a warning cue on the
    line, or the phrase inside quotation marks."""
    if rules.mention.search(line_text):
        return True
    if any(ch in line_text[start:end] for ch in "|()[]\\"):
        return True  # a pattern that matches the phrase (a filter), not an instruction
    before, after = line_text[:start], line_text[end:]
    if _ADDRESSED.search(before) or _LINK_TITLE.search(before):
        return False  # said to the model ("assistant: ..."), or a link's hidden title
    quotes = "\"'“”‘’`"
    return any(q in before[-3:] for q in quotes) or (
        sum(before.count(q) for q in "\"“”") % 2 == 1 and any(q in after for q in "\"“”"))


def scan_text(text: str, file: str, kind: str = "markdown", *, _depth: int = 0,
              _base_line: int = 0, _via: str = "") -> list[Finding]:
    """Every finding in one file's text. `kind` is `markdown` (SKILL.md, references)
    or `script` (bundled code: all of it is code)."""
    rules = rule_set()
    found: dict[tuple[str, int], Finding] = {}

    def add(rule: Rule, severity: str, line: int, evidence: str, via: str, command: str = "") -> None:
        key = (rule.id, line)
        old = found.get(key)
        if old is None or SEVERITIES.index(severity) > SEVERITIES.index(old.severity):
            found[key] = Finding(rule.id, rule.family, severity, file, line, evidence, via, command)

    plain = text.isascii() or not rules.suspect.search(text)  # no invisible or look-alike character
    if _depth == 0 and not plain:
        for match in _INVISIBLE.finditer(_EMOJI_JOIN.sub("", text) if "\u200d" in text else text):
            rule = rules.by_id["obfuscation.invisible-text"]
            line = _line_of(text, match.start())
            add(rule, rule.severity, line, f"U+{ord(match.group(0)):04X} in: "
                + _evidence(text, match.start(), match.end()), "text")
        rule = rules.by_id.get("obfuscation.homoglyph")
        for match in mixed_words(text, rules) if rule is not None else ():
            add(rule, rule.severity, _line_of(text, match.start()),
                f"look-alike letters in '{match.group(0)}': " + _evidence(text, match.start(), match.end()), "text")
    views = _views(text, rules, plain)
    for number, (how, view, lines_of) in enumerate(views):
        if number == 0:
            ranges = [(0, len(view))]
        else:  # a later view differs on a few lines: only those (and their windows) are new
            ranges = _changed_ranges(views[0][1], view, lines_of)
        whole = ranges == [(0, len(view))]
        reading = _Reading(view, kind, whole)
        spans = _candidate_spans(rules, view, ranges, reading.low if whole else None)
        for index, rule in enumerate(rules.rules):
            if not rule.patterns or (rule.needles and index not in spans):
                continue  # none of its needles: it cannot match
            code = rule.scope == "code"
            target = reading.code if code else view
            windows = spans[index] if rule.needles else [(0, len(view))]
            lows: list[str] | None = None  # each window, folded
            for pattern, formula, literals in zip(rule.patterns, rule.prefilters, rule.starts, strict=True):
                for at, (begin, end) in enumerate(windows):
                    if formula is not None:
                        if lows is None:
                            lows = reading.folds(code, windows)
                        if not formula(lows[at]):
                            continue  # none of the literals every match holds
                    matches = (pattern.finditer(target, begin, end) if literals is None else
                               match_starts(pattern, target, reading.code_folded if code else reading.folded,
                                            literals, begin, end))
                    for match in matches:
                        line = _line_of(view, match.start(), lines_of)
                        line_start = target.rfind("\n", 0, match.start()) + 1
                        line_end = target.find("\n", match.end())
                        line_text = view[line_start:line_end if line_end >= 0 else len(view)]
                        severity = rule.severity
                        if rule.family == "injection" and _is_mention(
                                rules, line_text, match.start() - line_start, match.end() - line_start):
                            severity = "info"
                        if rule.trusted_lower_to and any(h in line_text for h in rules.trusted_hosts):
                            severity = rule.trusted_lower_to
                        via = _via or how
                        col = match.start() - line_start
                        in_code = kind == "script" or reading.code[match.start():match.start() + 1].strip() != ""
                        command = command_at(line_text, col) if in_code and not _depth else ""
                        add(rule, severity, _base_line or line,
                            _evidence(view, match.start(), match.end()), via, command)
        if _depth < 2:
            for decoder, offset, decoded in _decoded(view, ranges):
                line = _base_line or _line_of(view, offset, lines_of)
                for inner in scan_text(decoded, file, "script", _depth=_depth + 1,
                                       _base_line=line, _via=decoder):
                    add(rules.by_id[inner.rule], inner.severity, line, inner.evidence, inner.via)
    return sorted(found.values(), key=lambda f: (f.line, f.rule))


class _Remembered:
    """The findings of texts already scanned, per (kind, text), for `scan_file`: a
    skill compiled for several harnesses, or a crawl where many skills bundle the same
    file, scans each text once. Bounded (`_ENTRIES` texts of at most `_LARGEST`
    characters, `_BUDGET` characters in all, least recently used first out) and tied to
    the rule set it was made with (a new `rule_set()` starts it afresh)."""

    _ENTRIES, _LARGEST, _BUDGET = 512, 256 * 1024, 16 * 1024 * 1024

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rules: RuleSet | None = None
        self.found: OrderedDict[tuple[str, str], tuple[Finding, ...]] = OrderedDict()
        self.size = 0

    def get(self, rules: RuleSet, kind: str, text: str) -> tuple[Finding, ...] | None:
        with self.lock:
            if rules is not self.rules:
                self.rules, self.size = rules, 0
                self.found.clear()
                return None
            found = self.found.get((kind, text))
            if found is not None:
                self.found.move_to_end((kind, text))
            return found

    def put(self, rules: RuleSet, kind: str, text: str, found: tuple[Finding, ...]) -> None:
        if len(text) > self._LARGEST:
            return
        with self.lock:
            if rules is not self.rules or (kind, text) in self.found:
                return
            self.found[(kind, text)] = found
            self.size += len(text)
            while len(self.found) > self._ENTRIES or self.size > self._BUDGET:
                (_, old), _ = self.found.popitem(last=False)
                self.size -= len(old)


_REMEMBERED = _Remembered()


def scan_file(text: str, file: str, kind: str = "markdown") -> list[Finding]:
    """`scan_text`, remembered per content: the findings of a text scanned before (as
    any file, of the same kind) come back with this file's name, without a new scan."""
    rules = rule_set()
    found = _REMEMBERED.get(rules, kind, text)
    if found is None:
        result = scan_text(text, file, kind)
        _REMEMBERED.put(rules, kind, text, tuple(result))
        return result
    return [f if f.file == file else replace(f, file=file) for f in found]

