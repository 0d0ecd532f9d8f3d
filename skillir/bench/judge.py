"""The `llm-judge` grader: a model scores the run against the task's rubric.

The judge sees the task prompt, the rubric (a text, or `{criterion: text}`), the text files of
the workspace (≤ 30,000 characters in all, ≤ 10,000 each; `skills/`, hidden and binary files
left out) and a condensed transcript, and answers through a `submit_grade` tool call (or, for
models without tools, a JSON object `{"score": ..., "reasoning": ...}`). The score is divided
by the criterion's `maxScore`. The judge model comes from the criterion's `model`, else
`skill-run --judge-model`, else the config file's `judge.model`; it goes through the same
providers as the agent. No judge configured, or an answer without a score, is an
infrastructure error (the run becomes `tainted`), never a silent 0.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path
from typing import Any

from skillir.bench.grade_results import PASS_THRESHOLD, CriterionResult, GradeContext
from skillir.bench.task import Criterion
from skillir.errors import SkillIRError
from skillir.runtime.providers.base import Message, ProviderError, ToolSpec

MAX_TOTAL_CHARS = 30_000
MAX_FILE_CHARS = 10_000
MAX_TRANSCRIPT_CHARS = 12_000
JUDGE_TIMEOUT_S = 300.0
_SKIP_DIRS = {"skills", ".git", "node_modules", "__pycache__", ".venv"}
_BINARY_EXT = {".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".tar", ".gz", ".bin", ".exe",
               ".wasm", ".xlsx", ".docx", ".pptx", ".sqlite", ".db", ".pyc"}

SUBMIT_GRADE = ToolSpec(
    "submit_grade", "Submit the grade for the agent's work.",
    {"type": "object",
     "properties": {"score": {"type": "number", "description": "The score, from 0 to the "
                                                                "maximum score"},
                    "reasoning": {"type": "string", "description": "Why, in a few sentences"}},
     "required": ["score", "reasoning"]})

JUDGE_SYSTEM = ("You are a strict, fair grader of an AI agent's work. Read the task, the "
                "rubric, the files the agent left in its working directory and what it did. "
                "Grade only against the rubric. Reply by calling submit_grade exactly once "
                "(or, if you cannot call tools, with a JSON object {\"score\": number, "
                "\"reasoning\": string} and nothing else).")


def collect_workspace_files(workspace: Path) -> str:
    sections: list[str] = []
    total = 0
    root = workspace.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not (rel_dir == Path(".") and d in _SKIP_DIRS)
                             and d not in ("node_modules", "__pycache__"))
        for name in sorted(filenames):
            if total >= MAX_TOTAL_CHARS:
                return "\n\n".join(sections)
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() in _BINARY_EXT or path.is_symlink():
                continue
            try:
                with open(path, "rb") as fh:
                    data = fh.read(MAX_FILE_CHARS * 4)
            except OSError:
                continue
            if b"\0" in data[:4096]:
                continue
            text = data.decode("utf-8", errors="replace")
            size = path.stat().st_size
            if len(text) > MAX_FILE_CHARS or size > len(data):
                text = text[:MAX_FILE_CHARS] + f"\n... (truncated, {size} bytes in all)"
            rel = path.relative_to(root).as_posix()
            sections.append(f"### {rel}\n```\n{text}\n```")
            total += len(text)
    return "\n\n".join(sections)


def condense_transcript(transcript: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for msg in transcript:
        content = msg.get("content")
        if msg.get("role") == "user" and isinstance(content, str):
            continue  # the prompt is shown separately
        if isinstance(content, str):
            lines.append(f"[{msg.get('role')}] {content[:500]}")
            continue
        for block in content or []:
            kind = block.get("type")
            if kind == "text" and block.get("text"):
                lines.append(f"[assistant] {block['text'][:500]}")
            elif kind == "tool_use":
                lines.append(f"[tool call] {block.get('name')}"
                             f"({json.dumps(block.get('input'))[:300]})")
            elif kind == "tool_result":
                flag = " (error)" if block.get("is_error") else ""
                lines.append(f"[tool result{flag}] {str(block.get('content'))[:300]}")
    text = "\n".join(lines)
    if len(text) > MAX_TRANSCRIPT_CHARS:
        text = text[: MAX_TRANSCRIPT_CHARS // 2] + "\n...\n" + text[-MAX_TRANSCRIPT_CHARS // 2:]
    return text or "(the agent did nothing)"


def format_rubric(rubric: str | dict[str, str]) -> str:
    if isinstance(rubric, str):
        return rubric
    return "\n".join(f"- {name}: {text}" for name, text in rubric.items())


def build_judge_prompt(crit: Criterion, ctx: GradeContext) -> str:
    max_score = float(crit.spec.get("maxScore", 1))
    return (f"## Task given to the agent\n{ctx.task.prompt}\n\n"
            f"## Rubric (score from 0 to {max_score:g})\n{format_rubric(crit.spec['rubric'])}\n\n"
            f"## Files in the agent's working directory\n"
            f"{collect_workspace_files(ctx.workspace) or '(none)'}\n\n"
            f"## What the agent did\n{condense_transcript(ctx.transcript)}\n\n"
            f"## Agent's final answer\n{ctx.final_text or '(none)'}\n\n"
            f"Grade the work now: a score from 0 to {max_score:g}.")


_SCORE_RE = re.compile(r'"?score"?\s*[:=]\s*(-?[0-9]*\.?[0-9]+)', re.IGNORECASE)


def parse_judge_answer(text: str, tool_args: dict[str, Any] | None) -> tuple[float, str] | None:
    """(raw score, reasoning) from a submit_grade call or the answer text; None if absent."""
    candidates: list[dict[str, Any]] = []
    if tool_args:
        candidates.append(tool_args)
    for m in re.finditer(r"\{[^{}]*\}", text or ""):
        try:
            obj = json.loads(m.group(0))
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            candidates.append(obj)
    for obj in candidates:
        value = obj.get("score")
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value):
            return float(value), str(obj.get("reasoning") or obj.get("reason") or "")
    m = _SCORE_RE.search(text or "")
    if m:
        return float(m.group(1)), (text or "").strip()[:500]
    return None


def judge_criterion(crit: Criterion, ctx: GradeContext) -> CriterionResult:
    def infra(msg: str, **kw: Any) -> CriterionResult:
        return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                               details=msg, infra_error=msg, **kw)

    if ctx.judge is None:
        return infra("no judge model configured (use --judge-model PROVIDER/MODEL or "
                     "judge.model in ~/.skillir/config.json)")
    try:
        provider = ctx.judge(crit.spec.get("model"))
    except SkillIRError as exc:
        return infra(f"judge unavailable: {exc}")
    if provider is None:
        return infra("no judge model configured (use --judge-model PROVIDER/MODEL or "
                     "judge.model in ~/.skillir/config.json)")
    messages = [Message("system", JUDGE_SYSTEM), Message("user", build_judge_prompt(crit, ctx))]
    try:
        resp = provider.complete(messages, [SUBMIT_GRADE], max_tokens=1024, temperature=0.0,
                                 deadline=time.monotonic() + JUDGE_TIMEOUT_S)
    except ProviderError as exc:
        return infra(f"judge call failed: {exc}")
    usage = {"input": resp.usage.input_tokens, "output": resp.usage.output_tokens}
    args = next((c.arguments for c in resp.tool_calls if c.name == SUBMIT_GRADE.name), None)
    parsed = parse_judge_answer(resp.text, args)
    if parsed is None:
        return infra(f"judge answer has no score: {(resp.text or str(args))[:200]!r}",
                     usage=usage)
    raw, reasoning = parsed
    max_score = float(crit.spec.get("maxScore", 1))
    score = min(1.0, max(0.0, raw / max_score))
    return CriterionResult(crit.id, crit.method, score, crit.weight, score >= PASS_THRESHOLD,
                           details=f"judge {provider.name}: {raw:g}/{max_score:g} — "
                                   f"{reasoning[:400]}",
                           usage=usage)
