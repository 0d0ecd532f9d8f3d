"""`derive-sandbox-policy`: the sandbox policy a skill's run gets, from the skill itself,
as one `sec.policy` at the end of each skill (replacing an earlier one).

- network: `needed` when the skill's code reaches a remote host (`curl https://...`,
  `requests.get("https://...")`: the `network_cue` of security_rules.json, on code blocks
  and inline code), demands web access (`cap.require` of `tool.web` or `tool.browser`,
  from `infer-capabilities`) or talks to a remote service (`env.require service`, from
  `bind-env`; MCP servers run in the harness, not in the sandbox), each with its
  evidence in `network_reasons`; else `off`. The runtime turns it on only when
  the user also agrees (`skill-run --allow-network`).
- tools: the front matter's `allowed-tools`, when declared (absent: every harness tool).
- write paths: the workspace `.` plus every output artifact a step declares.

```mlir
// a skill with `allowed-tools: Read Bash(curl:*)` whose step fetches an API into report.json
sec.policy needed {network_reasons = ["tool.web: curl -s https://api.example.com/v1/items"], tools = ["Read", "Bash(curl:*)"], write_paths = [".", "report.json"]}
```

The runtime reads it from compile-report.json (`"policy"`, written at emission) and
enforces it (`skillir.security.policy`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp, StringAttr
from xdsl.ir import Block
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from skillir.attrs import attr_to_python
from skillir.dialects.sec import Network, NetworkAttr, PolicyOp
from skillir.dialects.skill import (
    SOURCE_OPS,
    ArtifactType,
    CodeOp,
    SkillOp,
    StepOp,
    region_ops,
    skills_of,
)
from skillir.ir import apply_once
from skillir.security.policy import split_allowed_tools
from skillir.security.prefilter import Check, checker, required
from skillir.security.scan import code_mask
from skillir.xdsl_compat.opclass import op_kinds
from skillir.xdsl_compat.walk import walk_ops

NETWORK_PRIMITIVES = ("tool.web", "tool.browser")
_MCP = "mcp:"
_MAX_REASONS = 8


@cache
def _network_cue() -> re.Pattern[str]:
    from skillir.datafiles import load_data

    return re.compile(load_data("security_rules.json")["network_cue"])


@cache
def _network_cue_check() -> Check | None:
    """The literals every match of the network cue holds (a URL's `http` and `://`, one
    of its commands), as a test of the lowercased code (`skillir.security.prefilter`);
    None when the cue requires none."""
    return checker(required(_network_cue()))


def _network_match(code: str) -> re.Match[str] | None:
    """`_network_cue().search(code)`, skipping the regex (a case-insensitive alternation
    tried at every position) on ASCII code that lacks the literals every match holds."""
    check = _network_cue_check()
    if check is not None and code.isascii() and not check(code.lower()):
        return None
    return _network_cue().search(code)


def _reason(kind: str, evidence: str) -> str:
    text = " ".join(evidence.split())
    return f"{kind}: {text[:120]}" if text else kind


def _code_of_markdown(text: str) -> str:
    """The code of a markdown text (`code_mask`): nothing without a backtick or a tilde,
    which every fence and code span needs (most paragraphs have neither)."""
    return code_mask(text, "markdown") if "`" in text or "~" in text else ""


_CODE_KINDS = (CodeOp, SOURCE_OPS)
"""A code block (its body is code), else an op whose text is markdown (its code spans
and fences are)."""


def skill_policy(skill: SkillOp) -> PolicyOp:
    """The `sec.policy` of one skill, read from its front matter and its cap, env and
    skill ops."""
    reasons: list[str] = []
    outputs: list[str] = ["."]
    ops = walk_ops(skill)
    # the class tests through opclass's per-class tables (xdsl ops are ABCs: an
    # isinstance test is ~0.5 us, and a skill has hundreds of ops)
    for op, kind, step in zip(ops, op_kinds(ops, _CODE_KINDS), op_kinds(ops, (StepOp,)), strict=True):
        code = op.body.data if kind is CodeOp else (_code_of_markdown(op.text.data) if kind is not None else "")
        if code.strip() and (match := _network_match(code)) is not None:
            reasons.append(_reason("code", match.group(0)))
        if op.name == "cap.require" and op.prim.prim_id.data in NETWORK_PRIMITIVES:
            reasons.append(_reason(op.prim.prim_id.data, op.evidence.data))
        elif op.name == "env.require" and op.kind.data == "service" and not op.package.data.startswith(_MCP):
            reasons.append(_reason(f"service {op.package.data}", ""))
        elif step is not None:
            for result in op.outputs:
                if isinstance(result.type, ArtifactType) and result.type.path.data not in outputs:
                    outputs.append(result.type.path.data)
    unique = list(dict.fromkeys(reasons))[:_MAX_REASONS]
    front = attr_to_python(skill.metadata) if isinstance(skill.metadata, DictionaryAttr) else {}
    tools = split_allowed_tools(front.get("allowed-tools", front.get("allowed_tools"))) if isinstance(front, dict) else None
    properties = {
        "network": NetworkAttr(Network.NEEDED if unique else Network.OFF),
        "network_reasons": ArrayAttr([StringAttr(r) for r in unique]),
        "write_paths": ArrayAttr([StringAttr(p) for p in outputs]),
    }
    if tools is not None:
        properties["tools"] = ArrayAttr([StringAttr(t) for t in tools])
    return PolicyOp.create(properties=properties)


@dataclass
class DerivePolicy(RewritePattern):
    """Put one fresh `sec.policy` at the end of the skill."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SkillOp, rewriter: PatternRewriter) -> None:
        for old in [o for o in region_ops(op.body) if isinstance(o, PolicyOp)]:
            rewriter.erase(old)
        policy = skill_policy(op)
        if op.body.blocks.first is None:
            op.body.add_block(Block())
        rewriter.insert(policy, InsertPoint.at_end(op.body.blocks.first))


@dataclass(frozen=True)
class DeriveSandboxPolicyPass(ModulePass):
    """Derive the run-time sandbox policy (network, tools, write paths) of each skill."""

    name = "derive-sandbox-policy"

    def legality(self, module: ModuleOp) -> list[str]:
        """Post-condition: one `sec.policy` per skill."""
        from skillir.ir import one_per_skill

        return one_per_skill(module, PolicyOp)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_once(DerivePolicy(), skills_of(op))
