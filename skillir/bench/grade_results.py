"""What grading produces and what graders may look at: per-criterion results, the task
grade, the grading context, and the pass threshold. Shared by the graders
(`skillir.bench.graders`) and the LLM judge (`skillir.bench.judge`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.bench.task import Task

PASS_THRESHOLD = 0.5


@dataclass
class CriterionResult:
    id: str
    method: str
    score: float
    weight: float | None
    passed: bool
    details: str = ""
    name: str | None = None
    infra_error: str | None = None
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    duration_s: float = 0.0
    usage: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "method": self.method, "name": self.name,
                               "weight": self.weight, "score": round(self.score, 6),
                               "passed": self.passed, "details": self.details,
                               "duration_s": round(self.duration_s, 4)}
        if self.infra_error:
            out["infra_error"] = self.infra_error
        if self.checkpoints:
            out["checkpoints"] = self.checkpoints
        if self.usage:
            out["usage"] = self.usage
        return out


@dataclass
class GradeResult:
    score: float
    passed: bool
    criteria: list[CriterionResult]
    automated_score: float | None = None
    judge_score: float | None = None

    @property
    def infra_errors(self) -> list[str]:
        return [f"{c.id}: {c.infra_error}" for c in self.criteria if c.infra_error]

    def to_json(self) -> dict[str, Any]:
        return {"score": round(self.score, 6), "passed": self.passed,
                "automated_score": self.automated_score, "judge_score": self.judge_score,
                "criteria": [c.to_json() for c in self.criteria]}


@dataclass
class GradeContext:
    """What graders may look at. `judge` builds the judge provider on first use (None when
    no judge model is configured); `isolation` is passed to the graders' sandboxes."""

    task: Task
    workspace: Path
    transcript: list[dict[str, Any]]
    final_text: str = ""
    judge: Callable[[str | None], Any] | None = None
    isolation: str = "auto"
    python: Path | None = None
    """The task's own interpreter (a Harbor task's isolated environment, see
    `skillir.bench.harbor_env`): its tests run with it, never with SkillIR's."""
