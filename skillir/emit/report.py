"""What the compiler did to a skill, read from its cap, env, conc and sec ops before they
are lowered away: the bound profile, gaps and the transforms that closed them,
dependencies, parallel groups, security findings. `lower-to-harness` keeps it on the harness program
(`report`), and the backends write it to compile-report.json."""

from __future__ import annotations

from typing import Any

from xdsl.ir import Operation

from skillir.attrs import attr_to_python
from skillir.dialects.skill import SkillOp, StepOp

TRANSFORM_OPS = ("cap.compensated", "cap.substituted", "cap.decomposed", "cap.offloaded")


def _line(op: Operation) -> int | None:
    from skillir.ir import location_of

    return location_of(op)[1]


def _prop(op: Operation, name: str) -> Any:
    value = op.properties.get(name)
    if value is None:
        return None
    return attr_to_python(value)


def collect_report(skill: SkillOp, ops: list[Operation] | None = None,
                   steps: list[StepOp] | None = None) -> dict[str, Any]:
    """A JSON-ready summary of the skill's cap, env and conc ops (`ops` and `steps`:
    the skill's walk and its steps, when the caller already has them)."""
    if ops is None:
        ops = list(skill.walk())
    if steps is None:
        steps = [op for op in ops if isinstance(op, StepOp)]
    step_of = {id(step): index for index, step in enumerate(steps, start=1)}
    report: dict[str, Any] = {
        "skill": skill.sym_name.data,
        "profile": None,
        "requirements": 0,
        "gaps": [],
        "transforms": [],
        "dependencies": [],
        "env_notes": [],
        "parallel_groups": [],
        "workflow": None,
        "security": None,
    }
    for op in ops:
        name = op.name
        if name == "cap.profile":
            report["profile"] = {
                key: _prop(op, key)
                for key in ("model", "harness", "source", "date", "path", "fallback")
                if op.properties.get(key) is not None
            }
            report["profile"]["synthetic"] = op.properties.get("synthetic") is not None
        elif name == "cap.require":
            report["requirements"] += 1
        elif name == "cap.gap":
            report["gaps"].append({
                "primitive": op.prim.prim_id.data, "required": op.required, "available": op.available_level,
                "kind": op.kind.data, "step": _step_number(op, step_of), "line": _line(op),
            })
        elif name in TRANSFORM_OPS or name == "cap.unresolved":
            entry: dict[str, Any] = {
                "kind": name.split(".", 1)[1], "primitive": op.prim.prim_id.data, "required": op.prim.level.data,
                "step": _step_number(op, step_of), "line": _line(op),
            }
            for key in ("method", "equivalence", "path", "from", "parts", "script", "diagnostic", "added",
                        "body", "lang", "params", "run", "rule", "reason", "evidence"):
                if op.properties.get(key) is not None:
                    entry[key] = _prop(op, key)
            if op.properties.get("to") is not None:
                entry["to"] = [str(p) for p in op.properties["to"].data]
            report["transforms"].append(entry)
        elif name == "env.require":
            report["dependencies"].append({
                "kind": op.kind.data, "name": op.package.data, "source": op.source.data,
                "check": op.check.data, "install": op.install.data,
                "present": None if op.present is None else bool(op.present.value.data),
                "optional": op.optional is not None,
            })
        elif name == "env.note":
            report["env_notes"].append({"file": op.file.data, "kind": op.kind.data, "message": op.message.data})
        elif name == "conc.graph":
            report.update(_workflow(op))
        elif name == "sec.scan":
            findings = [{"rule": f.rule.data, "severity": f.severity.data.value, "family": f.family.data.value,
                         "file": f.file.data, "line": f.line.value.data, "evidence": f.evidence.data,
                         "via": f.via.data} for f in op.findings()]
            report["security"] = {"mode": op.mode.data.value, "files": op.files.value.data,
                                  "counted": sum(f["severity"] in ("medium", "high", "critical")
                                                 for f in findings),
                                  "findings": findings}
    return report


def _step_number(op: Operation, step_of: dict[int, int]) -> int | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, StepOp):
        parent = parent.parent_op()
    return step_of.get(id(parent)) if parent is not None else None


def _workflow(graph: Operation) -> dict[str, Any]:
    from skillir.concurrency.build import read_graph

    view = read_graph(graph)
    groups = [
        {
            "kind": g.kind, "status": g.status, "mechanism": g.mechanism, "reason": g.reason,
            "fallback": g.fallback, "steps": g.members, "branches": g.branches, "join": g.join,
            "nested_in": g.nested_in,
        }
        for g in view.groups
    ]
    return {
        "parallel_groups": groups,
        "workflow": {
            "harness": view.harness,
            "critical_path": view.critical_path,
            "total_cost_ms": view.total_cost,
            "critical_cost_ms": view.critical_cost,
            "ideal_speedup": round(view.ideal_speedup, 3),
            "max_speedup": round(view.max_speedup, 3),
        },
    }


def summary_counts(report: dict[str, Any]) -> dict[str, int]:
    """Gaps found / closed / unresolved, transforms, dependencies, parallel groups."""
    transforms = report.get("transforms", [])
    unresolved = sum(t["kind"] == "unresolved" for t in transforms)
    return {
        "gaps": len(report.get("gaps", [])),
        "closed": len(report.get("gaps", [])) - unresolved,
        "unresolved": unresolved,
        "transforms": len(transforms) - unresolved,
        "dependencies": len(report.get("dependencies", [])),
        "missing_dependencies": sum(d["present"] is False for d in report.get("dependencies", [])),
        "security_findings": (report.get("security") or {}).get("counted", 0),
        "parallel": sum(g["status"] == "parallel" for g in report.get("parallel_groups", [])),
        "groups_found": len(report.get("parallel_groups", [])),
    }
