"""The LLM rewriter of compile-capabilities (`rewriter=llm model=PROVIDER/MODEL`),
like SkVM's compiler model (PAPER_NOTES (d), pass 1 step 3), made checkable:

1. one prompt per skill lists its open weak gaps (primitive, required and available
   level, the evidence, the step's text) and asks for at most 3 local edits as JSON
   (`ANSWER_SCHEMA`): `{"edits": [{"gap": N, "sentence": "...", "reason": "..."}]}`;
2. the answer is validated against the schema; each edit is checked by the guard:
   one plain sentence (no heading, code fence, front matter or list marker), at
   most `MAX_WORDS` words, not already in the skill, for a weak gap (a missing
   primitive needs a path that avoids it: the rules handle it), within the skill's
   added-text budget;
3. each accepted edit becomes a note where the gap's step is and a
   `cap.compensated "model-rewrite"` record with `rule = "llm:MODEL"` and the
   model's `reason`; gaps without an accepted edit go to the rule-based strategies.

Answers are cached by the hash of the prompt and the model id under
`$SKILLIR_HOME/cache/compile-capabilities/` (or `~/.skillir/...`), so a rerun is
deterministic and offline. Any provider error or invalid answer gives the
rule-based result, with the reason in `RewriteOutcome.note` (the pass puts it on
the records the rules make).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xdsl.pattern_rewriter import PatternRewriter

from skillir.capability.strategies import GapContext
from skillir.oracle import TextModel, ask_cached, parse_json_answer
from skillir.oracle import cache_dir as oracle_cache_dir

MAX_EDITS = 3
MAX_WORDS = 60
METHOD = "model-rewrite"

ANSWER_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["edits"],
    "additionalProperties": False,
    "properties": {
        "edits": {
            "type": "array",
            "maxItems": MAX_EDITS,
            "items": {
                "type": "object",
                "required": ["gap", "sentence", "reason"],
                "additionalProperties": False,
                "properties": {
                    "gap": {"type": "integer", "minimum": 1},
                    "sentence": {"type": "string", "minLength": 3, "maxLength": 600},
                    "reason": {"type": "string", "minLength": 1, "maxLength": 600},
                },
            },
        },
    },
}

SYSTEM = (
    "You compile an agent skill (SKILL.md) for a weaker target model. For each listed capability gap, "
    "you may propose ONE sentence to add right after the step, so that the step asks less of the target "
    "(reason: purpose -> primitive -> required level -> target level -> local edit). Rules: at most "
    f"{MAX_EDITS} edits; one plain sentence each (at most {MAX_WORDS} words), specific to that step's "
    "commands and files; no headings, lists or code blocks; never remove or weaken a check or an output "
    "the skill requires; no generic advice like 'be careful'. Skip gaps you cannot help. Answer with JSON "
    'only: {"edits": [{"gap": <number>, "sentence": "...", "reason": "..."}]}'
)


NAMESPACE = "compile-capabilities"


def cache_dir() -> Path:
    return oracle_cache_dir(NAMESPACE)


@dataclass
class RewriteOutcome:
    """What the rewriter did for one skill."""

    applied: int = 0
    rejected: list[str] = field(default_factory=list)
    note: str | None = None
    """Why the rule-based result stands (provider error, invalid answer), or None."""
    cached: bool = False


def prompt_for(gaps: list[GapContext]) -> list[dict[str, str]]:
    lines = []
    for i, gap in enumerate(gaps, 1):
        step = " ".join(gap.anchor_text().split())[:400]
        lines.append(f"Gap {i}: {gap.prim_id} needs L{gap.required}, the target has L{gap.available}. "
                     f"Evidence: {gap.require.evidence.data[:200]!r}. Step: {step!r}")
    skill = gaps[0].state.skill.skill_name
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Skill '{skill}', target {gaps[0].state.target}.\n" + "\n".join(lines)}]


def _ask(messages: list[dict[str, str]], model_id: str, model: TextModel | None,
         outcome: RewriteOutcome) -> str:
    answer, outcome.cached = ask_cached(NAMESPACE, messages, model_id, model)
    return answer


_NOT_A_SENTENCE = re.compile(r"^\s*(?:#|[-*+]\s|\d+[.)]\s|---|```|~~~|>)|```|\n")


def parse_answer(text: str) -> list[dict]:
    """The edits of a model answer; ValueError when it is not valid JSON of the schema."""
    return parse_json_answer(text, ANSWER_SCHEMA)["edits"]


def check_edit(edit: dict, gaps: list[GapContext], existing: str) -> str | None:
    """Why the guard refuses an edit (None: accepted)."""
    index = edit["gap"]
    if index > len(gaps):
        return f"gap {index} does not exist"
    gap = gaps[index - 1]
    if gap.available == 0:
        return f"gap {index}: {gap.prim_id} is missing on the target; a sentence cannot close it"
    sentence = " ".join(edit["sentence"].split())
    if _NOT_A_SENTENCE.search(edit["sentence"].strip()):
        return f"gap {index}: not one plain sentence (headings, lists, code and front matter stay untouched)"
    if len(sentence.split()) > MAX_WORDS:
        return f"gap {index}: {len(sentence.split())} words, over the limit of {MAX_WORDS}"
    if sentence in existing or sentence in gap.state.notes:
        return f"gap {index}: the sentence is already in the skill"
    return None


def rewrite(gaps: list[GapContext], model_id: str, model: TextModel | None,
            rewriter: PatternRewriter) -> RewriteOutcome:
    """Ask the model for edits for `gaps` (open, most severe first), apply those the
    guard accepts, and return what happened; the caller runs the rules on the rest."""
    from skillir.dialects.skill import skill_markdown

    outcome = RewriteOutcome()
    candidates = [g for g in gaps if g.available > 0]
    if not candidates:
        return outcome
    messages = prompt_for(candidates)
    try:
        edits = parse_answer(_ask(messages, model_id, model, outcome))
    except Exception as exc:  # noqa: BLE001 - any provider or answer failure falls back to the rules
        outcome.note = f"llm rewriter ({model_id}) fell back to the rules: {' '.join(str(exc).split())[:200]}"
        return outcome
    existing = skill_markdown(candidates[0].state.skill)
    used: set[int] = set()
    for edit in edits[:MAX_EDITS]:
        problem = check_edit(edit, candidates, existing)
        if problem is None and edit["gap"] in used:
            problem = f"gap {edit['gap']}: a second edit for the same gap"
        if problem is not None:
            outcome.rejected.append(problem)
            continue
        gap = candidates[edit["gap"] - 1]
        sentence = " ".join(edit["sentence"].split())
        added = gap.note(sentence, rewriter, "llm")
        if added is None:
            outcome.rejected.append(f"gap {edit['gap']}: the added-text budget is spent")
            continue
        used.add(edit["gap"])
        gap.lower(gap.available, rewriter)
        gap.record_compensated(METHOD, added, rewriter, rule=f"llm:{model_id}",
                               reason=" ".join(edit["reason"].split())[:300])
        outcome.applied += 1
    return outcome
