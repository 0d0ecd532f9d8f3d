"""Skills written in Chinese: which blocks are instructions, which are binding rules,
and what their prose asks of the model. The words are data (skillir/data/chinese.json);
the English side of each question lives in `skillir.frontend.classify` and
`skillir.capability.rules`, which call these for text that holds Chinese characters.

    >>> imperative("读取 `references/setup.md` 并按其步骤安装")
    True
    >>> imperative("本技能用于生成周报")
    False
    >>> constraint_kind("提交前必须运行测试"), constraint_kind("不要修改配置文件")
    ('must', 'do-not')
    >>> [cue.name for cue in prose_cues("将结果保存到 `report.md`，输出格式如下：")]
    ['zh.write.file', 'zh.format.template']

IR-free: plain strings in, plain records out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from skillir.alternatives import longest_first
from skillir.datafiles import load_data

_HAN = re.compile("[\u4e00-\u9fff]")
"""A Han character (CJK Unified Ideographs, the block every Chinese text uses)."""
_MARKUP = re.compile(r"^[\s*_`>#-]*")
_SENTENCE_END = "。！？；：:!?;\n"


def has_chinese(text: str) -> bool:
    """Does `text` hold a Chinese character? (ASCII text never does: the quick answer.)"""
    return not text.isascii() and _HAN.search(text) is not None


@cache
def _data() -> dict:
    return load_data("chinese.json")


@cache
def _imperative_lead() -> re.Pattern[str]:
    """An imperative verb at the start, after any lead adverbs ("首先", "然后再")."""
    data = _data()
    adverbs = "|".join(re.escape(w) for w in longest_first(data["lead_adverbs"]))
    verbs = "|".join(re.escape(w) for w in longest_first(data["imperative_verbs"]))
    return re.compile(rf"(?:(?:{adverbs})[，,\s]*)*(?:{verbs})")


def imperative(lead: str) -> bool:
    """Does a block's lead (its text without list marker and emphasis) start with an
    instruction: an imperative verb, maybe after adverbs ("首先读取 ...", "将结果保存到
    ...")? Only Chinese leads are read here."""
    lead = lead[_MARKUP.match(lead).end():]
    return bool(lead) and _HAN.match(lead) is not None and _imperative_lead().match(lead) is not None


@cache
def _keywords() -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    """One search for every constraint keyword, each keyword's kind, and the keywords
    (`at_start`) that count only where a sentence or item starts."""
    table = _data()["constraint_keywords"]
    kinds = {**table["anywhere"], **table["at_start"]}
    pattern = re.compile("|".join(re.escape(w) for w in longest_first(kinds)))
    return pattern, kinds, frozenset(table["at_start"])


def constraint_kind(text: str) -> str | None:
    """The kind of the first binding keyword of a Chinese text ("必须" -> must, "不要" at
    a sentence's start -> do-not), or None. (Every keyword is Chinese: one search, no
    test for Chinese first.)"""
    pattern, kinds, at_start = _keywords()
    for match in pattern.finditer(text):
        word = match.group(0)
        if word not in at_start or _starts_sentence(text, match.start()):
            return kinds[word]
    return None


_ITEM_START = re.compile(r"[ \t]*(?:[-*+>]|\d+[.)、])?[ \t]*")


def _starts_sentence(text: str, at: int) -> bool:
    """Does a sentence or list item start at `at` (emphasis before it aside)?"""
    before = text[:at].rstrip(" \t*_`")
    if not before or before[-1] in _SENTENCE_END:
        return True
    return _ITEM_START.fullmatch(before, before.rfind("\n") + 1) is not None


@dataclass(frozen=True, slots=True)
class Cue:
    prim: str
    level: int
    name: str
    start: int
    end: int


_CLAUSE_END = "。！？；\n"
"""Where a file verb's reach ends (not a colon: "输出：`x.md`" writes `x.md`)."""


@cache
def _file_verbs() -> tuple[re.Pattern[str], dict[str, str]]:
    """The file verbs and clause ends as one pattern, and each match's role."""
    data = _data()
    roles = {**{w: "read" for w in data["file_read_verbs"]}, **{w: "write" for w in data["file_write_verbs"]},
             **{c: "" for c in _CLAUSE_END}}
    return re.compile("|".join(re.escape(w) for w in longest_first(roles))), roles


def file_verbs(text: str) -> list[tuple[int, str]]:
    """Where `text` has a verb that governs the files named after it, as (offset,
    "write" or "read"), and where a clause ends, as (offset, ""): "读取 `a.md`，生成
    `b.md`" reads `a.md` and writes `b.md`.

        >>> file_verbs("读取 `a.md`，生成 `b.md`。")
        [(0, 'read'), (10, 'write'), (19, '')]
    """
    pattern, roles = _file_verbs()
    return [(m.start(), roles[m.group(0)]) for m in pattern.finditer(text)]


@cache
def _rules() -> tuple[tuple[str, int, str, re.Pattern[str]], ...]:
    return tuple((r["prim"], r["level"], r["name"], re.compile(r["pattern"])) for r in _data()["prose_rules"])


@cache
def _negated() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in longest_first(_data()["negations"]))
    return re.compile(rf"(?:{words})[^。！？；\n]{{0,2}}$")


def prose_cues(text: str, best: dict[str, int] | None = None, only: frozenset[str] | None = None) -> list[Cue]:
    """The first affirmed match of each prose rule in a Chinese text, skipping the rules
    of a primitive already found at their level or higher (`best`: primitive -> level,
    updated), or not among `only`. A match right after a negation ("不要读取 ...") does not count."""
    if not has_chinese(text):
        return []
    best = {} if best is None else best
    out = []
    for prim, level, name, pattern in _rules():
        if best.get(prim, 0) >= level or (only is not None and prim not in only):
            continue
        for match in pattern.finditer(text):
            if not _negated().search(text, max(0, match.start() - 6), match.start()):
                best[prim] = level
                out.append(Cue(prim, level, name, match.start(), match.end()))
                break
    return out
