"""The LLM oracle of infer-capabilities (`oracle=llm model=PROVIDER/MODEL`), like
SkVM's compiler model reading a skill, made checkable:

1. one prompt per skill gives the catalog (every primitive with its three levels) and
   the skill's SKILL.md, and asks which primitives the skill demands of the model,
   at which level, with a short quote as evidence, as JSON (`ANSWER_SCHEMA`):
   `{"requirements": [{"primitive": "tool.web", "level": 2, "evidence": "..."}]}`;
2. the answer is validated against the schema (ids from the catalog, levels 1-3), and
   each item against the skill: its evidence must be a quote of the text (pieces
   around `...` each found in it, ignoring case and spacing), so an invented reason
   is refused;
3. the rule-based result is the cross-check: where both name a primitive, the rules'
   requirements stand (they are anchored to the step that shows them), raised to the
   oracle's level when it says more is needed; a primitive only the oracle names
   becomes a skill-wide requirement with `rule = "llm:MODEL"`; a primitive only the
   rules name stays when it comes from code (a code block or a command is a fact, not
   a judgment) and is dropped otherwise, which the outcome lists.

Answers are cached by the hash of the prompt and the model id under
`$SKILLIR_HOME/cache/infer-capabilities/`, so a rerun is deterministic and offline.
Any provider error or invalid answer leaves the rule-based result, with the reason
in `OracleOutcome.note`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from xdsl.ir import Operation

from skillir.capability.inference import Requirement
from skillir.dialects.skill import CodeOp, SkillOp, skill_markdown
from skillir.oracle import ELISION, TextModel, ask_cached, parse_json_answer, quote_found
from skillir.profiles.catalog import catalog

NAMESPACE = "infer-capabilities"
MAX_ITEMS = 15
MAX_SKILL_CHARS = 16000
"""SKILL.md beyond this is cut from the prompt (the model sees where)."""

FACT_PRIMITIVES = frozenset({"gen.code.python", "gen.code.shell", "gen.code.javascript", "gen.code.sql",
                             "gen.code.html", "gen.regex", "tool.exec"})
"""Primitives the rules read off code itself: kept even when the oracle omits them."""


@cache
def answer_schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["requirements"],
        "additionalProperties": False,
        "properties": {
            "requirements": {
                "type": "array",
                "maxItems": MAX_ITEMS,
                "items": {
                    "type": "object",
                    "required": ["primitive", "level", "evidence"],
                    "additionalProperties": False,
                    "properties": {
                        "primitive": {"enum": list(catalog().ids)},
                        "level": {"type": "integer", "minimum": 1, "maximum": 3},
                        "evidence": {"type": "string", "minLength": 3, "maxLength": 400},
                    },
                },
            },
        },
    }


@cache
def system_prompt() -> str:
    lines = []
    for prim in catalog().primitives:
        prim_id = prim.id
        levels = "; ".join(f"L{n}: {prim.levels[n]}" for n in sorted(prim.levels))
        lines.append(f"- {prim_id} ({prim.name}): {levels}")
    return (
        "You read an agent skill (SKILL.md) and say what it demands of the model that follows it, "
        "as primitive capabilities from this catalog, each at the level its hardest use needs:\n"
        + "\n".join(lines)
        + "\nRules: only what the model itself must do when it follows the skill (not what a bundled "
        "script does on its own); typically 2-7 primitives; evidence is a short exact quote from the skill "
        "(use ... for an elision). Answer with JSON only: "
        '{"requirements": [{"primitive": "<id>", "level": <1-3>, "evidence": "..."}]}'
    )


def prompt_for(skill: SkillOp, text: str) -> list[dict[str, str]]:
    body = text if len(text) <= MAX_SKILL_CHARS else text[:MAX_SKILL_CHARS] + "\n[... the rest is cut ...]"
    return [{"role": "system", "content": system_prompt()},
            {"role": "user", "content": f"Skill '{skill.skill_name}':\n\n{body}"}]


def _line_of(evidence: str, text: str) -> int | None:
    piece = next((p.strip() for p in ELISION.split(evidence) if len(p.strip()) >= 3), "")
    pos = text.lower().find(piece.lower()) if piece else -1
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


@dataclass
class OracleOutcome:
    """What the oracle did for one skill."""

    added: list[str] = field(default_factory=list)
    """Primitives only the oracle named (now skill-wide requirements)."""
    raised: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    """Judgment primitives only the rules named, left out."""
    rejected: list[str] = field(default_factory=list)
    note: str | None = None
    """Why the rule-based result stands (provider error, invalid answer), or None."""
    cached: bool = False


def _from_code(req: Requirement) -> bool:
    return req.prim in FACT_PRIMITIVES or isinstance(req.anchor, CodeOp)


def oracle_requirements(skill: SkillOp, found: list[Requirement], model_id: str,
                        model: TextModel | None) -> tuple[list[Requirement], OracleOutcome]:
    """The skill's requirements with the oracle's answer folded into the rules' `found`."""
    outcome = OracleOutcome()
    text = skill_markdown(skill)
    messages = prompt_for(skill, text)
    try:
        answer, outcome.cached = ask_cached(NAMESPACE, messages, model_id, model)
        items = parse_json_answer(answer, answer_schema())["requirements"]
    except Exception as exc:  # noqa: BLE001 - any provider or answer failure keeps the rules' result
        outcome.note = (f"llm oracle ({model_id}) fell back to the rules: "
                        f"{' '.join(str(exc).split())[:200]}")
        return found, outcome
    wanted: dict[str, tuple[int, str]] = {}
    for item in items:
        prim, level, evidence = item["primitive"], item["level"], " ".join(item["evidence"].split())
        if not quote_found(evidence, text):
            outcome.rejected.append(f"{prim}: the evidence is not in the skill ({evidence[:60]!r})")
            continue
        if prim not in wanted or level > wanted[prim][0]:
            wanted[prim] = (level, evidence)
    by_prim: dict[str, list[Requirement]] = {}
    for req in found:
        by_prim.setdefault(req.prim, []).append(req)
    kept: list[Requirement] = []
    for req in found:
        if req.prim in wanted or _from_code(req):
            kept.append(req)
        elif req.prim not in outcome.dropped:
            outcome.dropped.append(req.prim)
    skill_wide: list[Requirement] = []
    anchor: Operation = skill
    for prim, (level, evidence) in wanted.items():
        ours = by_prim.get(prim)
        if ours and max(r.level for r in ours) >= level:
            continue
        skill_wide.append(Requirement(anchor, prim, level, f"llm:{model_id}", evidence, _line_of(evidence, text)))
        (outcome.raised if ours else outcome.added).append(prim)
    # skill-wide requirements come first, as infer_skill orders them
    return [r for r in kept if r.anchor is skill] + skill_wide + [r for r in kept if r.anchor is not skill], outcome
