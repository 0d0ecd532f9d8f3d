"""The rule tables of concurrency extraction (`skillir/data/concurrency.json`, shaped by
`skillir/data/schemas/concurrency.schema.json`), loaded and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from skillir.alternatives import longest_first
from skillir.datafiles import load_data
from skillir.errors import SkillIRError
from skillir.security.prefilter import Check, Formula, checker, required

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
    by_cost: tuple[tuple[str, int, re.Pattern[str], Check | None], ...] = ()
    """`command_ms` costliest first (ties in table order), each with its prefilter."""

    def command_cost(self, code: str) -> tuple[str, int]:
        """The most expensive command category in `code` and its cost (ms): the first of
        `by_cost` that occurs (of equally costly ones, the first in the table)."""
        lowered = code.lower() if code.isascii() else None  # (the prefilters read ASCII text only)
        for name, ms, pattern, check in self.by_cost:
            if (check is None or lowered is None or check(lowered)) and pattern.search(code):
                return name, ms
        return "command", self.default_command_ms


@dataclass(frozen=True, slots=True)
class Rules:
    ordering: re.Pattern[str]
    anaphora: re.Pattern[str]
    parallel: re.Pattern[str]
    parallel_hints: tuple[str, ...]
    sequential_hints: tuple[str, ...]
    parallel_hinted: Check | None
    """Does a lowercased text hold one of `parallel_hints`? (None: there are none.)"""
    sequential_hinted: Check | None
    """Does a lowercased text hold one of `sequential_hints`? (None: there are none.)"""
    cue_checks: dict[int, Check | None]
    """By `id` of the pattern (a Pattern's own hash reads its whole compiled code), the
    prefilter (`checker` of its `required` words) of each pattern `cue` reads."""
    negation: re.Pattern[str]
    sequential: re.Pattern[str]
    multi_turn_verbs: frozenset[str]
    tool_verbs: frozenset[str]
    write_verbs: frozenset[str]
    side_effect_verbs: frozenset[str]
    shared_state_verbs: frozenset[str]
    parallel_title: re.Pattern[str]
    subagent_step: re.Pattern[str]
    """A step that goes to a sub-agent of its own ("investigate the backend as a sub-agent")."""
    subagent_work: re.Pattern[str]
    """A per-item step whose items go to sub-agents ("For each PR, dispatch the worker subagent")."""
    fan_out: re.Pattern[str]
    """A step that fans its own work out to several sub-agents ("(4 parallel agents)")."""
    fan_out_needs: Formula
    """The words every `fan_out` match holds (its prefilter): text without them is skipped."""
    fan_out_check: Check | None
    """`fan_out_needs` compiled (`skillir.security.prefilter.checker`)."""
    reduction_verbs: frozenset[str]
    map_verbs: frozenset[str]
    dialogue_verbs: frozenset[str]
    record_verbs: frozenset[str]
    """Writing facts down ("note", "record"): "For each X, note ..." is a record to fill."""
    lookup_verbs: frozenset[str]
    """Verbs that look something up ("read", "check"): a step that looks up several named
    files with one is a group of independent reads."""
    """Talking with the user ("ask", "show"): per-item work with them is no fan-out."""
    descriptive_title: re.Pattern[str]
    """A section that explains how something works ("under the hood", "Algorithm")."""
    batch_title: re.Pattern[str]
    """A section that does its work over a batch of items ("Batch generation", "Bulk
    download", "Parallel requests"; not "Batch size")."""
    shared_sink: re.Pattern[str]
    """Per-item work that writes into one shared target ("append the result", "put a link
    into the document")."""
    item_nouns: frozenset[str]
    call_nouns: re.Pattern[str]
    """A plural noun for independent tool calls ("checks", "searches")."""
    several_calls: re.Pattern[str]
    """"run all four checks", "run these commands"."""
    several_calls_check: Check | None
    """The words every `several_calls` match holds, compiled."""
    not_per_item_work: frozenset[str]
    """Lead words after which "<word> each X" is no per-item work ("keep", "list", "at")."""
    sequence_nouns: frozenset[str]
    """Items that are the parts of a sequence ("each step", "every phase")."""
    resource_verbs: frozenset[str]
    """Verbs after which "a X per Y" hands out a resource per item ("Use a fresh directory per run")."""
    lookup_commands: dict[str, tuple[tuple[str, ...], ...]]
    """Commands that only look something up, as their first words (("ls",), ("git", "status")),
    by program."""
    lookup_writes: re.Pattern[str]
    """A flag that makes a look-up command write or send something ("-o", "-X POST")."""
    per_item: re.Pattern[str]
    dlp_parallel: re.Pattern[str]
    dlp_parallel_check: Check | None
    """The words every `dlp_parallel` match holds, compiled."""
    per_file_command: re.Pattern[str]
    loop_carried: re.Pattern[str]
    mutating: re.Pattern[str]
    number_words: dict[str, int]
    cost: CostModel


def _compile(pattern: str, where: str, flags: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise SkillIRError(f"$.{where}: bad pattern ({exc})", path=f"skillir/data/{_DATA}",
                           hint="fix the regular expression") from None


def _alternation(patterns: list[str], where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return _compile("|".join(f"(?:{p})" for p in patterns), where, flags)


def _any_of(hints: tuple[str, ...]) -> Check | None:
    """`any(h in low for h in hints)` as one compiled test (None when `hints` is empty)."""
    return checker(("or", hints)) if hints else None


def _words(raw: dict, key: str) -> frozenset[str]:
    return frozenset(v.lower() for v in raw[key])


@cache
def rules() -> Rules:
    raw = load_data(_DATA)
    fan_out = _alternation([raw.get("fan_out_step_cue", r"(?!)")], "fan_out_step_cue")
    nouns = _words(raw, "item_nouns")
    noun_alt = "|".join(longest_first(re.escape(n) for n in nouns))
    per_item = re.compile(
        # (no bare "all the X": it was written here once, but its whitespace was doubled by
        # the "\s+" below, so it never matched; matching it adds more false groups than true)
        r"\b(?:for\s+(?:each|every|all(?:\s+the)?)|each\s+of\s+the|each|every|per)"
        r"\s+(?:[\w`*./{}-]+\s+){0,2}?(?:`[^`]*`\s+)?(?:" + noun_alt + r")(?:s|es)?\b"
        # "Grep the corpus for each extracted signal": "for each" says per item whatever the noun
        r"|\bfor\s+(?:each|every)\s+(?:[\w`*./{}-]+\s+){0,2}?[\w-]+",
        re.IGNORECASE,
    )
    commands = "|".join(re.escape(c) for c in sorted(_words(raw, "per_file_commands")))
    per_file = re.compile(
        r"^\s*(?:" + commands + r")\b[^|;&\n]*?\s[\w./-]*\*[\w./*-]*", re.MULTILINE
    )
    anaphora_words = longest_first(_words(raw, "anaphora_objects"))
    anaphora = re.compile(
        r"^\W*[A-Za-z-]+\s+(?:" + "|".join(re.escape(w) for w in anaphora_words) + r")\b", re.IGNORECASE
    )
    cost_raw = raw["cost"]
    table = tuple((name, ms, _compile(pattern, f"cost.command_ms[{i}]", 0))
                  for i, (name, ms, pattern) in enumerate(cost_raw["command_ms"]))
    by_cost = tuple((name, ms, pattern, checker(required(pattern)))
                    for name, ms, pattern in sorted(table, key=lambda row: -row[1]))  # (a stable sort)
    cost = CostModel(**{k: v for k, v in cost_raw.items() if k not in ("_about", "command_ms")},
                     command_ms=table, by_cost=by_cost)
    negations = longest_first(raw["negations"])
    call_alt = "|".join(re.escape(n) for n in longest_first(_words(raw, "call_nouns")))
    parallel_hints = tuple(h.lower() for h in raw["parallel_hints"])
    sequential_hints = tuple(h.lower() for h in raw["sequential_hints"])
    subagent_step = _alternation([raw.get("subagent_step_cue", r"(?!)")], "subagent_step_cue")
    subagent_work = _alternation([raw.get("subagent_work_cue", r"(?!)")], "subagent_work_cue")
    several_calls = _compile(raw["several_calls"].replace("{nouns}", call_alt), "several_calls", re.IGNORECASE)
    fan_out_needs = required(fan_out)
    parallel = _alternation(raw["parallel_cues"], "parallel_cues")
    sequential = _alternation(raw["sequential_cues"], "sequential_cues")
    parallel_title = _alternation([raw["parallel_title_cue"]], "parallel_title_cue")
    dlp_parallel = re.compile(
        r"\b(?:" + "|".join(re.escape(c) for c in longest_first(raw["dlp_parallel_cues"]))
        + r")\b", re.IGNORECASE)
    cues = (parallel, sequential, subagent_step, fan_out, parallel_title)
    not_work, lookups = raw.get("not_per_item_work", {}), raw.get("lookup_commands", {})
    by_program: dict[str, list[tuple[str, ...]]] = {}
    for command in lookups.get("commands", ()):
        words = tuple(command.split())
        by_program.setdefault(words[0], []).append(words)
    lookup_commands = {program: tuple(prefixes) for program, prefixes in by_program.items()}
    return Rules(
        ordering=_alternation(raw["ordering_cues"], "ordering_cues"),
        anaphora=anaphora,
        parallel=parallel,
        parallel_hints=parallel_hints,
        sequential_hints=sequential_hints,
        parallel_hinted=_any_of(parallel_hints),
        sequential_hinted=_any_of(sequential_hints),
        negation=re.compile(r"\b(?:" + "|".join(re.escape(n) for n in negations) + r")\b", re.IGNORECASE),
        sequential=sequential,
        cue_checks={id(pattern): checker(required(pattern)) for pattern in cues},
        multi_turn_verbs=_words(raw, "multi_turn_verbs"),
        tool_verbs=_words(raw, "tool_verbs"),
        write_verbs=_words(raw, "write_verbs_tool"),
        side_effect_verbs=_words(raw, "side_effect_verbs"),
        shared_state_verbs=_words(raw, "shared_state_verbs"),
        parallel_title=parallel_title,
        subagent_step=subagent_step,
        subagent_work=subagent_work,
        fan_out=fan_out,
        fan_out_needs=fan_out_needs,
        fan_out_check=checker(fan_out_needs),
        descriptive_title=_alternation([raw.get("descriptive_title_cue", r"(?!)")], "descriptive_title_cue"),
        batch_title=_alternation([raw.get("batch_title_cue", r"(?!)")], "batch_title_cue"),
        shared_sink=_alternation([raw.get("shared_sink_cue", r"(?!)")], "shared_sink_cue"),
        reduction_verbs=_words(raw, "reduction_verbs"),
        map_verbs=_words(raw, "map_verbs"),
        dialogue_verbs=_words(raw, "dialogue_verbs") if "dialogue_verbs" in raw else frozenset(),
        lookup_verbs=_words(raw, "lookup_verbs") if "lookup_verbs" in raw else frozenset(),
        record_verbs=_words(raw, "record_verbs") if "record_verbs" in raw else frozenset(),
        item_nouns=nouns,
        call_nouns=re.compile(r"\b(?:" + call_alt + r")\b", re.IGNORECASE),
        several_calls=several_calls,
        several_calls_check=checker(required(several_calls)),
        not_per_item_work=frozenset(w.lower() for w in not_work.get("words", ())),
        resource_verbs=frozenset(w.lower() for w in not_work.get("resource_verbs", ())),
        sequence_nouns=frozenset(w.lower() for w in not_work.get("sequence_nouns", ())),
        lookup_commands=lookup_commands,
        lookup_writes=_compile(lookups.get("writes", r"(?!)"), "lookup_commands.writes", re.MULTILINE),
        per_item=per_item,
        dlp_parallel=dlp_parallel,
        dlp_parallel_check=checker(required(dlp_parallel)),
        per_file_command=per_file,
        loop_carried=_alternation(raw["loop_carried"], "loop_carried", 0),
        mutating=_alternation(raw["mutating_commands"], "mutating_commands", 0),
        number_words={k.lower(): int(v) for k, v in raw["number_words"].items()},
        cost=cost,
    )
