"""The LLM oracle of extract-concurrency (`oracle=llm model=PROVIDER/MODEL`): a model
reads the numbered steps and proposes parallel groups; the rules keep the last word.

1. one prompt per skill lists its steps (number, section, text) and asks for groups of
   independent work as JSON (`ANSWER_SCHEMA`): `{"groups": [{"kind": "dlp", "units":
   [[3]], "evidence": "..."}]}`, where a unit is the steps one branch runs (DLP: one
   step over many items; ILP: several one-step units; TLP: several multi-step units);
2. the answer is checked against the schema, each group's evidence must quote the
   skill, its steps must exist, be consecutive and be free (not in a rule-found group);
3. each proposal then passes the same vetoes as the rules' own groups: no artifact,
   "step N" reference or ordering word between its units, nothing said to run in
   order, no mutating commands or shared state in a TLP branch, only side-effect-free
   single tool calls in an ILP group; a DLP step must not be a reduction, a sequence
   or a mutating command. What survives joins the rules' groups, its reason saying
   `llm:MODEL`; what does not is listed in the outcome.

Answers are cached by prompt hash and model (`$SKILLIR_HOME/cache/extract-concurrency/`);
any provider error or invalid answer leaves the rules' groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skillir.concurrency.groups import Group, claim_group, ilp_member, independent_units, try_group
from skillir.concurrency.rules import rules
from skillir.concurrency.steps import Dlp, StepFacts, dlp_lanes, dlp_mechanism
from skillir.dialects.skill import SkillOp, skill_markdown
from skillir.oracle import TextModel, ask_cached, parse_json_answer, quote_found

NAMESPACE = "extract-concurrency"
MAX_GROUPS = 8
MAX_STEP_CHARS = 300

ANSWER_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["groups"],
    "additionalProperties": False,
    "properties": {
        "groups": {
            "type": "array",
            "maxItems": MAX_GROUPS,
            "items": {
                "type": "object",
                "required": ["kind", "units", "evidence"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": ["dlp", "ilp", "tlp"]},
                    "units": {"type": "array", "minItems": 1, "maxItems": 16,
                              "items": {"type": "array", "minItems": 1, "maxItems": 32,
                                        "items": {"type": "integer", "minimum": 1}}},
                    "evidence": {"type": "string", "minLength": 3, "maxLength": 400},
                },
            },
        },
    },
}

SYSTEM = (
    "You read the numbered steps of an agent skill and find work that can run in parallel. Kinds: "
    "dlp = one step that does the same thing to many independent items (units: [[step]]); "
    "ilp = several steps that are each one independent tool call, issued together (units: [[a], [b], ...]); "
    "tlp = independent multi-step sub-tasks, e.g. for sub-agents (units: [[a, b], [c, d]]). "
    "Only where the text makes independence clear; never where it orders the steps (then, in order, "
    "using the result) or where one step reads what another writes. Evidence is a short exact quote "
    'from the skill. Answer with JSON only: {"groups": [{"kind": "dlp", "units": [[3]], "evidence": "..."}]} '
    '(an empty list when nothing is parallel).'
)


def prompt_for(skill: SkillOp, steps: list[StepFacts]) -> list[dict[str, str]]:
    lines = []
    for step in steps:
        where = " > ".join(s.title.data for s in step.chain)
        text = " ".join(step.text.split())[:MAX_STEP_CHARS]
        lines.append(f"{step.index}. [{where}] {text}" if where else f"{step.index}. {text}")
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Skill '{skill.skill_name}', its steps:\n" + "\n".join(lines)}]


@dataclass
class GroupsOutcome:
    added: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    note: str | None = None
    cached: bool = False


def _consecutive(units: list[list[int]]) -> bool:
    flat = [i for unit in units for i in unit]
    return flat == list(range(flat[0], flat[0] + len(flat)))


def _dlp(step: StepFacts, evidence: str, model_id: str) -> Group | None:
    r = rules()
    if step.reduction or step.sequential or step.mutating_code:
        return None
    dlp = Dlp(over=evidence[:60], items=r.cost.dlp_default_items, items_source="assumed",
              lanes=dlp_lanes(step.code, r), mechanism=dlp_mechanism(step.langs),
              reason=f"llm:{model_id}: '{evidence[:80]}'")
    return Group("dlp", [[step.index]], dlp.reason, dlp=dlp, evidence="llm")


def _check(kind: str, units: list[list[int]], by_index: dict[int, StepFacts], taken: set[int],
           evidence: str, model_id: str) -> Group | str:
    """The group a proposal makes, or why it is refused."""
    r = rules()
    flat = [i for unit in units for i in unit]
    if any(i not in by_index for i in flat):
        return "a step that does not exist"
    if len(set(flat)) != len(flat) or not _consecutive(units):
        return "its steps are not consecutive"
    if kind == "dlp":
        if len(flat) != 1:
            return "a DLP group is one step"
        if flat[0] in taken:
            return f"step {flat[0]} is already in a group"
        group = _dlp(by_index[flat[0]], evidence, model_id)
        return group if group is not None else f"step {flat[0]} merges, orders or mutates its items"
    if len(units) < 2:
        return "a group needs two units or more"
    if kind == "ilp" and any(len(u) != 1 for u in units):
        return "an ILP unit is one step"
    if kind == "ilp" and not all(ilp_member(by_index[u[0]], r, first=k == 0) for k, u in enumerate(units)):
        return "not every step is one tool call without side effects"
    if not independent_units(units, by_index, r):
        return "an artifact, a step reference or an ordering word links its units"
    group = try_group(units, by_index, taken, r, f"llm:{model_id}: '{evidence[:80]}'")
    if group is None:
        return "the rules' vetoes refuse it (a sequence, shared state, or steps already grouped)"
    if group.kind != kind:
        return f"its steps make a {group.kind} group, not {kind}"
    group.evidence = "llm"
    return group


def oracle_groups(skill: SkillOp, steps: list[StepFacts], groups: list[Group], model_id: str,
                  model: TextModel | None) -> tuple[list[Group], GroupsOutcome]:
    """The rules' `groups` with the oracle's checked proposals added."""
    outcome = GroupsOutcome()
    if len(steps) < 1:
        return groups, outcome
    messages = prompt_for(skill, steps)
    try:
        answer, outcome.cached = ask_cached(NAMESPACE, messages, model_id, model)
        proposals = parse_json_answer(answer, ANSWER_SCHEMA)["groups"]
    except Exception as exc:  # noqa: BLE001 - any provider or answer failure keeps the rules' groups
        outcome.note = (f"llm oracle ({model_id}) fell back to the rules: "
                        f"{' '.join(str(exc).split())[:200]}")
        return groups, outcome
    text = skill_markdown(skill)
    by_index = {s.index: s for s in steps}
    taken = {i for g in groups if g.kind != "dlp" for i in g.members}
    dlp_taken = {g.members[0] for g in groups if g.kind == "dlp"}
    out = list(groups)
    for proposal in proposals:
        kind, units, evidence = proposal["kind"], proposal["units"], " ".join(proposal["evidence"].split())
        label = f"{kind} {units}"
        if not quote_found(evidence, text):
            outcome.rejected.append(f"{label}: the evidence is not in the skill")
            continue
        result = _check(kind, units, by_index, dlp_taken if kind == "dlp" else taken, evidence, model_id)
        if isinstance(result, str):
            outcome.rejected.append(f"{label}: {result}")
            continue
        if kind == "dlp":
            dlp_taken.add(result.members[0])
            out.append(result)
        else:
            claim_group(result, out, taken, steps)
        outcome.added.append(label)
    out.sort(key=lambda g: (g.members[0], g.kind != "dlp"))
    return out, outcome
