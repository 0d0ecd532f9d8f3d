"""A profiler instance: one seeded microbenchmark at one level of one primitive.

An instance lives in memory (prompt, fixture files, checks, reference actions). To run it
through the real runtime it is written out as a SkVM task folder (`write_task`): task.json
(the prompt, the fixtures inline, one python-grade criterion whose grade.py is
`skillir.profiler.checks` plus the instance's checks, and the declared requirement
`{"step": "solve", primitive, level}` the simulated model reads) and
`REFERENCE/actions.json` (the reference the simulated model replays on success).
Text primitives are graded on `response.txt`; tool-use primitives on the files they make.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from skillir.atomic import write_text_atomic

ANSWER = "response.txt"
STEP = "solve"
MAX_STEPS = 25
TIMEOUT_MS = 120_000
"""SkVM profiles with maxSteps 25 and the 120 s task timeout (PAPER_NOTES (c))."""


@dataclass(frozen=True)
class Instance:
    primitive: str
    level: int
    seed: int
    prompt: str
    checks: tuple[dict[str, Any], ...]
    reference: tuple[dict[str, Any], ...]
    """Bare-agent tool calls that solve it: {"tool": name, "args": {...}}."""
    files: dict[str, str] = field(default_factory=dict)
    description: str = ""

    @property
    def id(self) -> str:
        return f"{self.primitive.replace('.', '-')}-L{self.level}-s{self.seed}"

    def task_data(self) -> dict[str, Any]:
        return {"id": self.id, "name": f"{self.primitive} L{self.level} (profiler)",
                "prompt": self.prompt, "category": "profiler", "fixtures": dict(self.files),
                "maxSteps": MAX_STEPS, "timeoutMs": TIMEOUT_MS,
                "eval": [{"id": "checks", "method": "custom", "evaluatorId": "python-grade",
                          "payload": grade_source(self.checks)}],
                "requirements": [{"step": STEP, "primitive": self.primitive,
                                  "level": self.level}]}

    def write_task(self, parent: Path) -> Path:
        """The instance as a task folder `<parent>/<id>/` (returned)."""
        folder = Path(parent) / self.id
        write_text_atomic(folder / "task.json", json.dumps(self.task_data(), indent=1))
        actions = [{"step": STEP, "tool": a["tool"], "args": a["args"]} for a in self.reference]
        write_text_atomic(folder / "REFERENCE" / "actions.json", json.dumps(actions, indent=1))
        return folder


@cache
def checks_source() -> str:
    return resources.files("skillir.profiler").joinpath("checks.py").read_text("utf-8")


def grade_source(checks: tuple[dict[str, Any], ...]) -> str:
    blob = base64.b64encode(json.dumps(list(checks)).encode()).decode()
    return (checks_source() + "\n\nimport base64 as _b64\n"
            f"CHECKS = json.loads(_b64.b64decode('{blob}'))\n\n\n"
            "def grade(transcript, workspace_path):\n"
            "    return grade_records(CHECKS, workspace_path)\n")


def grade_in_process(inst: Instance, workspace: Path) -> tuple[bool, list[str]]:
    """(passed, reasons of failed checks), without a sandbox (tests and tools)."""
    from skillir.profiler.checks import grade_records

    records = grade_records(list(inst.checks), str(workspace))
    failed = [f"{r['id']}: {r['details']}" for r in records[1:] if r["score"] < 1]
    return records[0]["score"] == 1.0, failed


def rng_for(primitive: str, level: int, seed: int) -> random.Random:
    """The instance's random source: same (primitive, level, seed), same instance."""
    return random.Random(f"{primitive}|L{level}|{seed}")


# helpers for generators -------------------------------------------------------------------
def write(path: str, content: str) -> dict[str, Any]:
    return {"tool": "write_file", "args": {"path": path, "content": content}}


def run(command: str) -> dict[str, Any]:
    return {"tool": "execute_command", "args": {"command": command}}


def read(path: str) -> dict[str, Any]:
    return {"tool": "read_file", "args": {"path": path}}


def answer(value: Any) -> dict[str, Any]:
    return write(ANSWER, f"{value}\n")


def number_check(value: float, tol: float = 1e-6, path: str = ANSWER) -> dict[str, Any]:
    return {"kind": "number", "name": "answer", "path": path, "value": value, "tol": tol}


def py_heredoc(code: str) -> str:
    """A shell command that runs Python code given inline (no script file left behind)."""
    return f"python3 - <<'PYEOF'\n{code.strip()}\nPYEOF"


ANSWER_RULE = (f"Write only the final answer (nothing else: no words, no units, no code "
               f"fences) to the file {ANSWER}.")
