"""What the compiler did to a skill, computed at emission from the harness program's
record ops (see `skillir.dialects.harness`): the bound profile, gaps and the transforms
that closed them, dependencies, parallel groups and the workflow, security findings
(the `sec.scan` the skill keeps). The backends write it to compile-report.json;
`workflow_view` gives the DAG renderer (`skillir.concurrency.render`) its view, built
only for the workflow-dag.md it draws (the report reads the groups and totals alone).
Every op is read from one `ProgramWalk` of the program, shared with the other emitters."""

from __future__ import annotations

from typing import Any

from xdsl.ir import Operation

from skillir.attrs import attr_to_python
from skillir.concurrency.build import GraphView, GroupView
from skillir.concurrency.dag import Dag
from skillir.dialects.harness import (
    DependencyOp,
    EnvNoteOp,
    GapOp,
    ProfileOp,
    ProgramOp,
    TransformOp,
    WorkflowOp,
)
from skillir.dialects.sec import FindingOp
from skillir.dialects.skill import OutlinedOp, SkillOp, StepOp, region_ops
from skillir.emit.program_walk import ProgramWalk
from skillir.xdsl_compat.opclass import ops_of
from skillir.xdsl_compat.walk import first_block_ops


def _line(op: Operation) -> int | None:
    from skillir.ir import location_of

    return location_of(op)[1]


def _prop(op: Operation, name: str) -> Any:
    value = op.properties.get(name)
    if value is None:
        return None
    return attr_to_python(value)


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()] if attr is not None else []


def collect_report(program: ProgramOp, skill: SkillOp, walk: ProgramWalk | None = None) -> dict[str, Any]:
    """A JSON-ready summary of what the compiler did, read from the program's records
    (`walk`: the program's walk, when the caller has made it)."""
    walk = walk if walk is not None else ProgramWalk(program, skill)
    ops, kinds = walk.ops, walk.kinds
    step_of = {step: index for index, step in enumerate(walk.of(StepOp), start=1)}
    report: dict[str, Any] = {
        "skill": skill.sym_name.data,
        "profile": None,
        "requirements": program.requirements.value.data if program.requirements is not None else 0,
        "gaps": [],
        "transforms": [],
        "outlined": [],
        "dependencies": [],
        "env_notes": [],
        "parallel_groups": [],
        "workflow": None,
        "security": None,
    }
    for op, kind in zip(ops, kinds, strict=True):
        if kind is None:
            if op.name == "sec.scan":
                report["security"] = _security(op)
        elif kind is ProfileOp:
            report["profile"] = {
                key: _prop(op, key)
                for key in ("model", "harness", "source", "date", "path", "fallback")
                if op.properties.get(key) is not None
            }
            report["profile"]["synthetic"] = op.synthetic is not None
        elif kind is GapOp:
            gap = {
                "primitive": op.prim.prim_id.data, "required": op.prim.level.data,
                "available": op.available.value.data, "kind": op.kind.data.value,
                "step": _step_number(op, step_of), "line": _line(op),
            }
            if op.rule is not None:
                gap["rule"] = op.rule.data  # `learned`: the classifier, not a rule, found it
            report["gaps"].append(gap)
        elif kind is TransformOp:
            entry: dict[str, Any] = {
                "kind": op.kind.data.value, "primitive": op.prim.prim_id.data, "required": op.prim.level.data,
                "step": _step_number(op, step_of), "line": _line(op),
            }
            details = op.details.data
            for key in ("method", "equivalence", "path", "from", "parts", "script", "diagnostic", "added",
                        "body", "lang", "params", "run", "rule", "reason", "evidence"):
                if key in details:
                    entry[key] = attr_to_python(details[key])
            if "to" in details:
                entry["to"] = [str(p) for p in details["to"].data]
            report["transforms"].append(entry)
        elif kind is OutlinedOp:  # reference-only material outline-references moved
            moved = walk.content(op)
            report["outlined"].append({"file": op.path.data, "pointer": op.text.data.strip(),
                                       "lines": moved.count("\n"), "bytes": len(moved.encode("utf-8"))})
        elif kind is DependencyOp:
            report["dependencies"].append({
                "kind": op.kind.data.value, "name": op.package.data, "source": op.source.data.value,
                "check": op.check.data, "install": op.install.data,
                "present": None if op.present is None else bool(op.present.value.data),
                "optional": op.optional is not None,
            })
        elif kind is EnvNoteOp:
            report["env_notes"].append({"file": op.file.data, "kind": op.kind.data.value, "message": op.message.data})
        elif kind is WorkflowOp:
            report.update(_workflow(op))
    return report


def _security(scan: Operation) -> dict[str, Any]:
    """The report's `security` entry from a `sec.scan` (found by its name); its findings
    are `scan.findings()`, read from the linked list with class tests kept per class."""
    findings = [{"rule": f.rule.data, "severity": f.severity.data.value, "family": f.family.data.value,
                 "file": f.file.data, "line": f.line.value.data, "evidence": f.evidence.data,
                 "via": f.via.data} for f in ops_of(first_block_ops(scan.body), FindingOp)]
    return {"mode": scan.mode.data.value, "files": scan.files.value.data,
            "counted": sum(f["severity"] in ("medium", "high", "critical") for f in findings),
            "findings": findings}


def _step_number(op: Operation, step_of: dict[StepOp, int]) -> int | None:
    """The number of the step `op` stands in: its nearest `skill.step` ancestor. Every
    op between it and the program is in the program's walk, so that ancestor is the
    nearest one `step_of` holds (a dict test: an isinstance test on an xdsl op is ~0.5 us)."""
    parent = op.parent_op()
    while parent is not None and parent not in step_of:
        parent = parent.parent_op()
    return step_of[parent] if parent is not None else None


def workflow_of(skill: SkillOp) -> WorkflowOp | None:
    """The skill's `harness.workflow` (it stands where the `conc.graph` stood, in the
    skill's body)."""
    return next(iter(ops_of(region_ops(skill.body), WorkflowOp)), None)


def workflow_view(workflow: WorkflowOp, skill: str) -> GraphView:
    """The DAG view (`skillir.concurrency.build.GraphView`) of a `harness.workflow`
    (what workflow-dag.md is drawn from)."""
    dag = Dag()
    kinds: dict[int, str] = {}
    tasks = workflow.tasks()
    group_ops = workflow.groups()
    for task in tasks:
        number = task.id.value.data
        dag.add_node(number, task.cost.value.data, task.label.data)
        kinds[number] = task.kind.data.value
    for task in tasks:
        via = task.via.data if task.via is not None else ()
        for source, why in zip(_ints(task.deps), via, strict=True):
            dag.add_edge(source, task.id.value.data, why.data)
    view = GraphView(
        skill=skill, harness=workflow.harness.data, dag=dag, kinds=kinds, groups=_group_views(group_ops),
        critical_path=_ints(workflow.critical_path), total_cost=workflow.total_cost.value.data,
        critical_cost=workflow.critical_cost.value.data,
        ideal_speedup=workflow.ideal_speedup.value.data, max_speedup=workflow.max_speedup.value.data,
    )
    view.extra["hints"] = [_prop(g, "hint") for g in group_ops]
    view.extra["hints_skipped"] = [_prop(g, "hint_skipped") for g in group_ops]
    return view


def _group_views(group_ops: list[Operation]) -> list[GroupView]:
    """The workflow's groups as the DAG view and the report read them."""
    return [
        GroupView(
            kind=g.kind.data.value, status=g.status.data.value, mechanism=g.mechanism.data, reason=g.reason.data,
            fallback=_prop(g, "fallback"), members=_ints(g.members),
            branches=[_ints(b) for b in g.branches.data], join=_prop(g, "join"), over=_prop(g, "over"),
            items=_prop(g, "items"), lanes=_prop(g, "lanes"), nested_in=_prop(g, "nested_in"),
        )
        for g in group_ops
    ]


def _workflow(workflow: WorkflowOp) -> dict[str, Any]:
    """The report's `parallel_groups` and `workflow` entries, read from the op (the DAG
    itself, its tasks and edges, only workflow-dag.md needs: `workflow_view`)."""
    groups = []
    group_ops = workflow.groups()
    for op, g in zip(group_ops, _group_views(group_ops), strict=True):
        entry = {
            "kind": g.kind, "status": g.status, "mechanism": g.mechanism, "reason": g.reason,
            "fallback": g.fallback, "steps": g.members, "branches": g.branches, "join": g.join,
            "nested_in": g.nested_in,
        }
        hint, why = _prop(op, "hint"), _prop(op, "hint_skipped")
        if hint is not None:
            entry["hint"] = hint
        if why is not None:
            entry["hint_skipped"] = why
        groups.append(entry)
    return {
        "parallel_groups": groups,
        "workflow": {
            "harness": workflow.harness.data,
            "critical_path": _ints(workflow.critical_path),
            "total_cost_ms": workflow.total_cost.value.data,
            "critical_cost_ms": workflow.critical_cost.value.data,
            "ideal_speedup": round(workflow.ideal_speedup.value.data, 3),
            "max_speedup": round(workflow.max_speedup.value.data, 3),
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
