"""A benchmark plan: tasks × models × harnesses × conditions × seeds, expanded into cells.

A plan is a YAML or JSON file (schema: `skillir/data/schemas/bench_plan.schema.json`):

```yaml
name: suite-sim
tasks: [tasks/suite/batch-rename, "tasks/suite/*"]   # folders or globs, relative to the plan
models: [sim/qwen3.5-9b, sim/opus-4.6]
harnesses: [bare-agent]
conditions:
  - no-skill                       # the baseline: no skill at all
  - original                       # the task's own skill (task.json "skill"), as written
  - compiled                       # the same skill compiled for the cell's (harness, model)
  - {name: no-outline, kind: compiled, pipeline: "canonicalize-skill,infer-capabilities"}
seeds: [0, 1]
target_models: {local/smollm2: smollm2}   # profile for compiling, when the id differs
```

Conditions are `no-skill`, `original`, `compiled` (the default stage pipeline for the cell's
target), `compiled` with a user `pipeline` (an mlir-opt style pass list, ending before
lowering: lower-to-harness is appended for the cell's harness), and `compiled+jit` (the
compiled skill, run with the JIT's solidified store when the JIT package is present).
A cell's `key` is a stable hash of what defines it, so a rerun or `--resume` finds it.
"""

from __future__ import annotations

import glob
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError

CONDITION_KINDS = ("no-skill", "original", "compiled", "compiled+jit")


@dataclass(frozen=True)
class Condition:
    """How the skill is given to a run."""

    name: str
    kind: str
    pipeline: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "pipeline": self.pipeline}


@dataclass(frozen=True)
class Cell:
    """One run of the matrix."""

    task: str
    model: str
    harness: str
    condition: Condition
    seed: int | None

    @property
    def key(self) -> str:
        text = json.dumps([self.task, self.model, self.harness, self.condition.to_json(),
                           self.seed], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def label(self) -> str:
        seed = "" if self.seed is None else f" seed={self.seed}"
        return (f"{Path(self.task).name} × {self.model} × {self.harness} × "
                f"{self.condition.name}{seed}")


@dataclass
class BenchPlan:
    name: str
    tasks: list[str]
    models: list[str]
    harnesses: list[str]
    conditions: list[Condition]
    seeds: list[int | None]
    target_models: dict[str, str] = field(default_factory=dict)
    source: str = "<flags>"

    def cells(self) -> list[Cell]:
        """Every run of the plan, in a stable order (task-major, seeds innermost)."""
        return [Cell(t, m, h, c, s) for t in self.tasks for m in self.models
                for h in self.harnesses for c in self.conditions for s in self.seeds]

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(
            [self.tasks, self.models, self.harnesses, [c.to_json() for c in self.conditions],
             self.seeds], sort_keys=True).encode()).hexdigest()[:16]

    def target_model(self, model: str) -> str:
        """The profile name a compiled condition targets for `model` (PROVIDER/MODEL)."""
        if model in self.target_models:
            return self.target_models[model]
        return model.partition("/")[2] or model


def _condition(raw: Any, where: str) -> Condition:
    if isinstance(raw, str):
        raw = {"name": raw, "kind": raw}
    name = raw.get("name")
    kind = raw.get("kind", name)
    if kind not in CONDITION_KINDS:
        raise SkillIRError(f"unknown condition kind '{kind}'", path=where,
                           hint="use " + ", ".join(CONDITION_KINDS))
    pipeline = raw.get("pipeline")
    if pipeline is not None and not kind.startswith("compiled"):
        raise SkillIRError(f"condition '{name}' has a pipeline but is not compiled", path=where,
                           hint="set kind: compiled")
    return Condition(str(name), kind, pipeline)


def _expand_tasks(entries: list[str], base: Path, where: str) -> list[str]:
    tasks: list[str] = []
    for entry in entries:
        pattern = entry if Path(entry).is_absolute() else str(base / entry)
        matches = sorted(glob.glob(pattern)) if glob.has_magic(entry) else [pattern]
        found = [m for m in matches if (Path(m) / "task.json").is_file()
                 or (Path(m) / "task.toml").is_file()]
        if not found:
            raise SkillIRError(f"no task folder matches '{entry}'", path=where,
                               hint="give folders holding task.json (or Harbor task.toml)")
        tasks.extend(str(Path(m).resolve()) for m in found)
    return list(dict.fromkeys(tasks))


def plan_from_data(data: dict[str, Any], *, base: Path, source: str) -> BenchPlan:
    """Check `data` against the plan schema and expand it."""
    from skillir.datafiles import validate

    validate(data, "bench_plan", source=source)
    seeds = data.get("seeds") or [None]
    return BenchPlan(
        name=data.get("name", Path(source).stem),
        tasks=_expand_tasks(data["tasks"], base, source),
        models=list(data["models"]),
        harnesses=list(data.get("harnesses") or ["bare-agent"]),
        conditions=[_condition(c, source) for c in data.get("conditions") or ["original"]],
        seeds=list(seeds), target_models=dict(data.get("target_models") or {}), source=source)


def load_plan(path: str | Path) -> BenchPlan:
    """Read a plan file (YAML or JSON)."""
    from skillir.untrusted import read_text_file

    p = Path(path)
    text = read_text_file(p, limit=1 << 20, what="benchmark plan")
    try:
        import yaml

        data = yaml.safe_load(text) if p.suffix in (".yaml", ".yml") else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SkillIRError(f"cannot parse the plan: {str(exc).splitlines()[0]}", path=str(p),
                           hint="write YAML (.yaml) or JSON (.json)") from None
    if not isinstance(data, dict):
        raise SkillIRError("a plan is a mapping with tasks, models, ...", path=str(p),
                           hint="see skill-bench --help")
    return plan_from_data(data, base=p.resolve().parent, source=str(p))
