"""Emission of the security facts of a lowered skill: the harness's own confirmation
config for the `sec.confirm` ops (`--security=guard`), and the sandbox policy
(`sec.policy`, plus the guarded commands) that the runtime reads from compile-report.json.

Each harness says in skillir/data/harnesses.json (`confirmation`) how it asks before a
command; with `mechanism: config` its `writes` say which files get which rules:

- `add: list`: append each rule to the JSON list at `at` (Claude Code:
  `.claude/settings.json` `permissions.ask` gets `Bash(curl:*)`), or one line per rule
  in a `lines` file (Codex: `.codex/rules/skillir-guards.rules` gets
  `prefix_rule(pattern = ["curl"], decision = "prompt", ...)`);
- `add: map`: set each rule to `value` in the JSON object at `at`, after `defaults`
  (OpenCode: `opencode.json` `permission.bash` = `{"*": "allow", "curl *": "ask"}`);
- `add: set`: fixed settings (Codex: `approval_policy = "untrusted"` in `.codex/config.toml`).

A file another feature already writes (opencode.json, .codex/config.toml) is merged,
not replaced. Rule templates use `{command}` (`curl`), `{tokens}` (`["curl"]`) and
`{reason}` (a quoted string). A skill without confirmations gets no guard file.

```python
files = guard_files(program, report, files)   # called by harness_folder.config_extras
report["guards"], report["policy"]            # what compile-report.json then says
```
"""

from __future__ import annotations

import json
import shlex
import tomllib
from typing import Any

from skillir.dialects.harness import ProgramOp
from skillir.dialects.sec import ConfirmOp, Enforcement, PolicyOp
from skillir.dialects.skill import SkillOp, StepOp
from skillir.emit.program_walk import ProgramWalk


def _step_number(confirm: ConfirmOp, steps: list[StepOp]) -> int | None:
    parent = confirm.parent_op()
    while parent is not None and not isinstance(parent, StepOp):
        parent = parent.parent_op()
    if parent is None:
        return None
    if parent.ordinal is not None:
        return parent.ordinal.value.data
    return steps.index(parent) + 1 if parent in steps else None


def policy_json(policy: PolicyOp | None, confirms: list[ConfirmOp], steps: list[StepOp]) -> dict[str, Any] | None:
    """The policy the runtime enforces, or None when the skill has no `sec.policy` and no guard."""
    guarded = [{"command": c.command.data, "rule": c.rule.data, "step": _step_number(c, steps)}
               for c in confirms if c.command.data]
    if policy is None and not guarded:
        return None
    out: dict[str, Any] = {"network": "off", "network_reasons": [], "tools": None, "write_paths": ["."]}
    if policy is not None:
        out = {"network": policy.network.data.value,
               "network_reasons": [r.data for r in policy.network_reasons.data],
               "tools": None if policy.tools is None else [t.data for t in policy.tools.data],
               "write_paths": [p.data for p in policy.write_paths.data]}
    out["confirm"] = [dict(g) for g in {(g["command"], g["rule"]): g for g in guarded}.values()]
    out["enforced_by"] = "skillir runtime (skill-run): tools, network, confirmations; write paths by the sandbox"
    return out


def guard_files(program: ProgramOp, report: dict[str, Any], files: dict[str, str],
                walk: ProgramWalk | None = None) -> dict[str, str]:
    """`files` plus the harness's confirmation config for the `sec.confirm` ops of the
    program's first skill (in walk order); records `guards` and `policy` in the report.
    `walk`: the program's walk, when the caller has made it."""
    from skillir.passes.lower_security_guards import confirmation

    walk = _skill_walk(program, walk)
    if walk.skill is None:
        return files
    steps, confirms = walk.in_skill(StepOp), walk.in_skill(ConfirmOp)
    policy = policy_json(next(iter(walk.in_skill(PolicyOp)), None), confirms, steps)
    if policy is not None:
        report["policy"] = policy
    if not confirms:
        return files
    entry = confirmation(program.harness.data)
    commands = list(dict.fromkeys(c.command.data for c in confirms
                                  if c.enforcement.data is Enforcement.CONFIG and c.command.data))
    reasons = {c.command.data: c.rule.data for c in confirms}
    out = dict(files)
    written: list[str] = []
    if commands and entry.get("mechanism") == "config":
        for write in entry.get("writes", ()):
            out[write["file"]] = _write(write, out.get(write["file"]), commands, reasons)
            written.append(write["file"])
        report.setdefault("harness_config", []).append(
            f"{', '.join(written)}: ask before {', '.join(commands)} (--security=guard)")
    report["guards"] = {
        "harness": program.harness.data,
        "mechanism": entry.get("mechanism"),
        "files": written,
        "confirmations": [
            {"rule": c.rule.data, "severity": c.severity.data.value, "command": c.command.data,
             "enforcement": c.enforcement.data.value, "step": _step_number(c, steps),
             "file": c.file.data, "line": c.line.value.data}
            for c in confirms],
    }
    return out


def _skill_walk(program: ProgramOp, walk: ProgramWalk | None) -> ProgramWalk:
    """A walk of the program whose skill is the program's first skill in walk order: the
    one given when its skill is that one (as the emitter's is), else a new one."""
    if walk is not None and walk.skill is walk.first(SkillOp):
        return walk
    return ProgramWalk(program)


def _rule_text(template: str, command: str, reason: str) -> str:
    try:
        tokens = shlex.split(command)
    except ValueError:
        tokens = command.split()
    return (template.replace("{command}", command).replace("{tokens}", json.dumps(tokens))
            .replace("{reason}", json.dumps(f"SkillIR security guard: {reason}")))


def _write(write: dict[str, Any], existing: str | None, commands: list[str], reasons: dict[str, str]) -> str:
    rules = [_rule_text(t, c, reasons.get(c, "")) for c in commands for t in write.get("rules", ())]
    fmt, add = write["format"], write["add"]
    if fmt == "lines":
        lines = existing.splitlines() if existing else ([write["header"]] if write.get("header") else [])
        lines += [r for r in rules if r not in lines]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        data = json.loads(existing) if existing else {}
        if write.get("schema"):
            data = {"$schema": write["schema"], **{k: v for k, v in data.items() if k != "$schema"}}
    else:
        data = tomllib.loads(existing) if existing else {}
    if add == "set":
        _merge(data, write.get("set", {}))
    else:
        node = data
        for key in write.get("at", ()):
            node = node.setdefault(key, {} if add == "map" or key != write["at"][-1] else [])
        if add == "list":
            node.extend(r for r in rules if r not in node)
        else:
            for key, value in write.get("defaults", {}).items():
                node.setdefault(key, value)
            for rule in rules:
                node[rule] = write["value"]
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    comments = [ln for ln in (existing or "").splitlines() if ln.startswith("#")]
    return _toml(data, comments)


def _merge(into: dict[str, Any], settings: dict[str, Any]) -> None:
    for key, value in settings.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)
        else:
            into[key] = value


def _toml(data: dict[str, Any], comments: list[str]) -> str:
    """Top-level keys, then one table per nested object (one level, as the config needs)."""
    lines = list(comments)
    lines += [f"{k} = {json.dumps(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for table, values in data.items():
        if isinstance(values, dict):
            lines.append(f"[{table}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"
