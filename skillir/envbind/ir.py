"""Between plain records and `env` IR: build the ops of an `env.bind`, and read the
dependencies, notes and setup script back out of a module (for backends, the
compile report and the runtime).

```python
from skillir.envbind.ir import dependencies_of, setup_script_of
for dep in dependencies_of(module):
    print(dep.label(), dep.present, [e.where() for e in dep.evidence])
```
"""

from __future__ import annotations

from xdsl.dialects.builtin import (
    ArrayAttr,
    IntAttr,
    StringAttr,
    UnitAttr,
)
from xdsl.ir import Attribute, Operation, Region

from skillir.attrs import bool_attr, i64_attr, str_attr
from skillir.deps.model import SOURCES, Dependency, Evidence, Note
from skillir.dialects.env import (
    BindOp,
    EvidenceAttr,
    NoteOp,
    ProbeOp,
    RequireOp,
    SetupOp,
    dep_kind,
    dep_source,
    note_kind,
    npm_scope,
)
from skillir.dialects.skill import SkillOp, region_ops, skills_of
from skillir.xdsl_compat.build import new_block, new_op, string_attr

SETUP_FILE = "env-setup.sh"



_LINES: dict[int, IntAttr] = {}


def _line(value: int) -> IntAttr:
    attr = _LINES.get(value)
    if attr is None:
        attr = IntAttr(value)
        if len(_LINES) < 65536:
            _LINES[value] = attr
    return attr



def evidence_attr(evidence: Evidence) -> EvidenceAttr:
    if evidence.via not in SOURCES or evidence.line < 0 or not evidence.file or "\n" in evidence.file:
        return EvidenceAttr(evidence.file, evidence.line, evidence.via, evidence.text)  # verifies: raises
    return EvidenceAttr.trusted(str_attr(evidence.file), _line(evidence.line), dep_source(evidence.via),
                                string_attr(evidence.text))


def require_op(dep: Dependency) -> RequireOp:
    props: dict[str, Attribute] = {
        "kind": dep_kind(dep.kind),
        "package": string_attr(dep.name),
        "check": string_attr(dep.check),
        "install": string_attr(dep.install),
        "source": dep_source(dep.source),
        "confidence": i64_attr(dep.confidence),
        "evidence": ArrayAttr([evidence_attr(e) for e in dep.evidence]),
    }
    if dep.spec:
        props["spec"] = string_attr(dep.spec)
    if dep.modules:
        props["modules"] = ArrayAttr([string_attr(m) for m in dep.modules])
    if dep.bins:
        props["bins"] = ArrayAttr([string_attr(b) for b in dep.bins])
    for name in ("apt", "brew", "pip", "platform", "post_install"):
        value = getattr(dep, name)
        if value:
            props[name] = string_attr(value)
    if dep.scope:
        props["scope"] = npm_scope(dep.scope)
    if dep.optional:
        props["optional"] = UnitAttr()
    if dep.present is not None:
        props["present"] = bool_attr(dep.present)
    if dep.version:
        props["version"] = string_attr(dep.version)
    return new_op(RequireOp, props)


def note_op(note: Note) -> NoteOp:
    props: dict[str, Attribute] = {
        "file": string_attr(note.file),
        "message": string_attr(note.message),
        "kind": note_kind(note.kind),
    }
    if note.line:
        props["line"] = i64_attr(note.line)
    return new_op(NoteOp, props)


def probe_op(facts: dict[str, object]) -> ProbeOp:
    return ProbeOp.create(properties={
        "python": StringAttr(str(facts.get("python", ""))),
        "python_version": StringAttr(str(facts.get("python_version", ""))),
        "platform": StringAttr(str(facts.get("platform", ""))),
        "managers": ArrayAttr([StringAttr(str(m)) for m in facts.get("managers", [])]),  # type: ignore[union-attr]
        "root": bool_attr(bool(facts.get("root"))),
        "venv": bool_attr(bool(facts.get("venv"))),
        "checked": i64_attr(int(facts.get("checked", 0))),  # type: ignore[arg-type]
        "missing": i64_attr(int(facts.get("missing", 0))),  # type: ignore[arg-type]
        "duration_ms": i64_attr(int(facts.get("duration_ms", 0))),  # type: ignore[arg-type]
    })


def setup_op(script: str) -> SetupOp:
    return new_op(SetupOp, {"path": StringAttr(SETUP_FILE), "script": StringAttr(script)})


def bind_op(ops: list[Operation]) -> BindOp:
    return new_op(BindOp, {}, regions=[Region(new_block(ops))])


# ---------------------------------------------------------------------------- reading


def bind_of(skill: SkillOp) -> BindOp | None:
    return next((op for op in region_ops(skill.body) if isinstance(op, BindOp)), None)


def dependency_of(op: RequireOp) -> Dependency:
    def strings(attr: ArrayAttr | None) -> tuple[str, ...]:
        return tuple(v.data for v in attr.data if isinstance(v, StringAttr)) if attr is not None else ()

    def text(attr: StringAttr | None) -> str:
        return attr.data if attr is not None else ""

    optional = op.optional is not None
    evidence = [
        Evidence(e.file.data, e.line.data, e.via.data.value, e.text.data, op.confidence.value.data, optional)
        for e in op.evidence.data if isinstance(e, EvidenceAttr)
    ]
    return Dependency(
        kind=op.kind.data.value, name=op.package.data, evidence=evidence, spec=text(op.spec),
        modules=strings(op.modules), bins=strings(op.bins), apt=text(op.apt), brew=text(op.brew),
        pip=text(op.pip),
        scope=op.scope.data.value if op.scope is not None else "", platform=text(op.platform), post_install=text(op.post_install),
        check=op.check.data, install=op.install.data, present=op.is_present, version=text(op.version),
    )


def dependencies_of(module: Operation) -> list[Dependency]:
    """Every `env.require` of every skill in `module`, as plain records."""
    out: list[Dependency] = []
    for skill in skills_of(module):
        bind = bind_of(skill)
        if bind is not None:
            out.extend(dependency_of(op) for op in bind.requires)
    return out


def notes_of(module: Operation) -> list[Note]:
    out: list[Note] = []
    for skill in skills_of(module):
        bind = bind_of(skill)
        if bind is None:
            continue
        for op in bind.body.ops:
            if isinstance(op, NoteOp):
                out.append(Note(op.file.data, op.line.value.data if op.line is not None else 0,
                                op.kind.data.value, op.message.data))
    return out


def setup_script_of(module: Operation) -> str | None:
    """The `env.setup` script of the (first) skill, or None before bind-env ran."""
    for skill in skills_of(module):
        bind = bind_of(skill)
        if bind is None:
            continue
        for op in bind.body.ops:
            if isinstance(op, SetupOp):
                return op.script.data
    return None
