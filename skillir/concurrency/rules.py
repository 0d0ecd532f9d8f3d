"""The rule tables of concurrency extraction (`skillir/data/concurrency.json`), loaded,
validated and compiled once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from skillir.errors import SkillIRError

_DATA = "concurrency.json"


@dataclass(frozen=True, slots=True)
class CostModel:
    turn_ms: int
    multi_turn_extra_turns: int
    extra_turn_per_block: int
    think_tool_ms: int
    prose_tool_ms: int
    default_command_ms: int
    dlp_default_items: int
    dlp_default_lanes: int
    command_ms: tuple[tuple[str, int, re.Pattern[str]], ...]

    def command_cost(self, code: str) -> tuple[str, int]:
        """The most expensive command category in `code` and its cost (ms)."""
        best = ("command", self.default_command_ms)
        found = False
        for name, ms, pattern in self.command_ms:
            if pattern.search(code):
                if not found or ms > best[1]:
                    best = (name, ms)
                found = True
        return best


@dataclass(frozen=True, slots=True)
class Rules:
    ordering: re.Pattern[str]
    anaphora: re.Pattern[str]
    parallel: re.Pattern[str]
    parallel_hints: tuple[str, ...]
    sequential_hints: tuple[str, ...]
    negation: re.Pattern[str]
    sequential: re.Pattern[str]
    multi_turn_verbs: frozenset[str]
    tool_verbs: frozenset[str]
    write_verbs: frozenset[str]
    side_effect_verbs: frozenset[str]
    shared_state_verbs: frozenset[str]
    parallel_title: re.Pattern[str]
    reduction_verbs: frozenset[str]
    map_verbs: frozenset[str]
    item_nouns: frozenset[str]
    per_item: re.Pattern[str]
    per_file_command: re.Pattern[str]
    loop_carried: re.Pattern[str]
    mutating: re.Pattern[str]
    number_words: dict[str, int]
    cost: CostModel


def _alternation(patterns: list[str], where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
    except re.error as exc:
        raise SkillIRError(f"bad pattern in '{where}': {exc}", path=f"skillir/data/{_DATA}") from None


def _words(raw: dict, key: str) -> frozenset[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SkillIRError(f"'{key}' must be a list of words", path=f"skillir/data/{_DATA}")
    return frozenset(v.lower() for v in value)


@cache
def rules() -> Rules:
    raw = json.loads(resources.files("skillir.data").joinpath(_DATA).read_text(encoding="utf-8"))
    nouns = _words(raw, "item_nouns")
    noun_alt = "|".join(sorted((re.escape(n) for n in nouns), key=len, reverse=True))
    per_item = re.compile(
        r"\b(?:for\s+(?:each|every|all(?:\s+the)?)|each\s+of\s+the|each|every|per|all\s+(?:the\s+)?)"
        r"\s+(?:[\w`*./{}-]+\s+){0,2}?(?:`[^`]*`\s+)?(?:" + noun_alt + r")(?:s|es)?\b",
        re.IGNORECASE,
    )
    commands = "|".join(re.escape(c) for c in sorted(_words(raw, "per_file_commands")))
    per_file = re.compile(
        r"^\s*(?:" + commands + r")\b[^|;&\n]*?\s[\w./-]*\*[\w./*-]*", re.MULTILINE
    )
    anaphora_words = sorted(_words(raw, "anaphora_objects"), key=len, reverse=True)
    anaphora = re.compile(
        r"^\W*[A-Za-z-]+\s+(?:" + "|".join(re.escape(w) for w in anaphora_words) + r")\b", re.IGNORECASE
    )
    cost_raw = raw.get("cost")
    if not isinstance(cost_raw, dict):
        raise SkillIRError("'cost' must be an object", path=f"skillir/data/{_DATA}")
    table = []
    for entry in cost_raw.get("command_ms", ()):
        name, ms, pattern = entry
        table.append((name, int(ms), re.compile(pattern)))
    cost = CostModel(
        turn_ms=int(cost_raw["turn_ms"]),
        multi_turn_extra_turns=int(cost_raw["multi_turn_extra_turns"]),
        extra_turn_per_block=int(cost_raw["extra_turn_per_block"]),
        think_tool_ms=int(cost_raw["think_tool_ms"]),
        prose_tool_ms=int(cost_raw["prose_tool_ms"]),
        default_command_ms=int(cost_raw["default_command_ms"]),
        dlp_default_items=int(cost_raw["dlp_default_items"]),
        dlp_default_lanes=int(cost_raw["dlp_default_lanes"]),
        command_ms=tuple(table),
    )
    negations = sorted(raw["negations"], key=len, reverse=True)
    return Rules(
        ordering=_alternation(raw["ordering_cues"], "ordering_cues"),
        anaphora=anaphora,
        parallel=_alternation(raw["parallel_cues"], "parallel_cues"),
        parallel_hints=tuple(h.lower() for h in raw["parallel_hints"]),
        sequential_hints=tuple(h.lower() for h in raw["sequential_hints"]),
        negation=re.compile(r"\b(?:" + "|".join(re.escape(n) for n in negations) + r")\b", re.IGNORECASE),
        sequential=_alternation(raw["sequential_cues"], "sequential_cues"),
        multi_turn_verbs=_words(raw, "multi_turn_verbs"),
        tool_verbs=_words(raw, "tool_verbs"),
        write_verbs=_words(raw, "write_verbs_tool"),
        side_effect_verbs=_words(raw, "side_effect_verbs"),
        shared_state_verbs=_words(raw, "shared_state_verbs"),
        parallel_title=_alternation([raw["parallel_title_cue"]], "parallel_title_cue"),
        reduction_verbs=_words(raw, "reduction_verbs"),
        map_verbs=_words(raw, "map_verbs"),
        item_nouns=nouns,
        per_item=per_item,
        per_file_command=per_file,
        loop_carried=_alternation(raw["loop_carried"], "loop_carried", 0),
        mutating=_alternation(raw["mutating_commands"], "mutating_commands", 0),
        number_words={k.lower(): int(v) for k, v in raw["number_words"].items()},
        cost=cost,
    )
