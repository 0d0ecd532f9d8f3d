"""Solidification candidates: code templates that may stand in for the model (paper §5.2.2).

Two sources:

- **ahead of time** (`from_skill`): the skill's runnable code blocks and bundled scripts
  (python / shell) that pass the compiler's runnable check
  (`skillir.capability.checks.runnable`); their file-name literals become `file`
  parameters whose rule is positional (the k-th `.csv` of the code is the k-th `.csv` the
  prompt names). They are matched against runs loosely, SkVM-style: a run matches when its
  executed code holds the candidate's key calls (imported modules and their calls, or the
  commands of a shell pipeline), in order.
- **from traces** (`from_trace`): the effectful tool calls of a clean run (`write_file`,
  `execute_command`; reads and listings are observations and are left out) folded into one
  shell script. Literals whose value the prompt holds become parameters with a learnt rule;
  the other literals stay constant until a later run shows them varying with the prompt.
  A run matches when its folded script has the same skeleton and every slot agrees.

A candidate fires only on prompts of a shape it was matched on (`prompt_shape`: the task
family), and only once promoted. Its IR form is a `harness.script` op (`to_ir`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from skillir.jit.signature import (
    Skeleton,
    Slot,
    extract,
    prompt_shape,
    requote,
    rule_for,
    skeleton_of,
)

HEREDOC = "SKILLIR_JIT_EOF"
EFFECTFUL = ("write_file", "execute_command")
STATES = ("candidate", "promoted", "demoted")
HISTORY_CAP = 50


@dataclass
class Candidate:
    """One template and its counters (the JSON of the JIT store's `state.json`)."""

    id: str
    source: str
    """'trace', 'skill-code' or 'skill-script'."""
    origin: str
    lang: str
    """'shell' or 'python' (the template's language; it always runs through the sandbox)."""
    skeleton: Skeleton
    params: dict[int, dict[str, Any]] = field(default_factory=dict)
    """slot index -> {"name", "type", "rule"}."""
    keys: tuple[str, ...] = ()
    """Loose signature of an ahead-of-time candidate (key calls, in order)."""
    outputs: tuple[str, ...] = ()
    """Files the template writes (a slot reference `@N` or a literal path): checked after it runs."""
    shapes: list[str] = field(default_factory=list)
    state: str = "candidate"
    matches: int = 0
    consecutive: int = 0
    misses: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    solidified_runs: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def signature(self) -> str:
        return self.skeleton.signature

    # -- JSON --------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "source": self.source, "origin": self.origin, "lang": self.lang,
            "signature": self.signature, "skeleton": {
                "parts": list(self.skeleton.parts),
                "slots": [{"text": s.text, "type": s.type} for s in self.skeleton.slots]},
            "params": {str(k): v for k, v in sorted(self.params.items())},
            "keys": list(self.keys), "outputs": list(self.outputs), "shapes": self.shapes,
            "state": self.state, "matches": self.matches, "consecutive": self.consecutive,
            "misses": self.misses, "failures": self.failures,
            "consecutive_failures": self.consecutive_failures,
            "solidified_runs": self.solidified_runs, "history": self.history[-HISTORY_CAP:],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Candidate:
        """Rebuild from `to_json` output; a malformed entry raises ValueError/KeyError/TypeError."""
        sk = data["skeleton"]
        slots = tuple(Slot(str(s["text"]), str(s["type"])) for s in sk["slots"])
        parts = tuple(str(p) for p in sk["parts"])
        if len(parts) != len(slots) + 1:
            raise ValueError("skeleton parts and slots do not line up")
        state = str(data.get("state", "candidate"))
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        params = {int(k): dict(v) for k, v in dict(data.get("params") or {}).items()}
        if any(not 0 <= k < len(slots) for k in params):
            raise ValueError("a parameter names a slot that does not exist")
        ints = {k: int(data.get(k, 0)) for k in ("matches", "consecutive", "misses", "failures",
                                                   "consecutive_failures", "solidified_runs")}
        return cls(id=str(data["id"]), source=str(data["source"]), origin=str(data.get("origin", "")),
                   lang=str(data.get("lang", "shell")), skeleton=Skeleton(parts, slots),
                   params=params, keys=tuple(str(k) for k in data.get("keys") or ()),
                   outputs=tuple(str(o) for o in data.get("outputs") or ()),
                   shapes=[str(s) for s in data.get("shapes") or ()], state=state,
                   history=list(data.get("history") or ())[-HISTORY_CAP:], **ints)

    def note(self, event: str, **fields: Any) -> None:
        self.history.append({"event": event, **fields})
        del self.history[:-HISTORY_CAP]

    # -- running -----------------------------------------------------------------------
    def values(self, prompt: str) -> tuple[dict[int, str] | None, str | None]:
        """The parameter values this prompt gives, or (None, why not)."""
        out: dict[int, str] = {}
        for index, param in sorted(self.params.items()):
            value = extract(param["rule"], prompt)
            if value is None:
                return None, (f"parameter {param['name']} ({param['type']}, rule "
                              f"{_rule_text(param['rule'])}) not found in the prompt")
            out[index] = value
        return out, None

    def materialize(self, prompt: str) -> tuple[str | None, list[str], str | None]:
        """(the script to run, the output files to check, None) or (None, [], why not)."""
        values, why = self.values(prompt)
        if values is None:
            return None, [], why
        texts = [requote(slot, values[i]) if i in values else slot.text
                 for i, slot in enumerate(self.skeleton.slots)]
        code = self.skeleton.fill(texts)
        if "${" in code and self.lang == "python":
            return None, [], "an unfilled ${...} placeholder remains"
        outputs = []
        for out in self.outputs:
            if out.startswith("@"):
                i = int(out[1:])
                outputs.append(values.get(i, self.skeleton.slots[i].value))
            else:
                outputs.append(out)
        if self.lang == "python":
            return python_script(code), outputs, None
        return code, outputs, None

    def shape(self, prompt: str) -> str:
        values, _ = self.values(prompt)
        return prompt_shape(prompt, list((values or {}).values()))

    def applies_to(self, prompt: str) -> bool:
        return self.state == "promoted" and self.shape(prompt) in self.shapes

    def to_ir(self) -> Any:
        """The candidate as the harness IR op that replaces the model step:
        `harness.script "jit/<id>.sh" {lang, body, run, params}`."""
        from xdsl.dialects.builtin import DictionaryAttr, StringAttr

        from skillir.dialects.harness import ScriptOp

        ext = "py" if self.lang == "python" else "sh"
        params = {p["name"]: StringAttr(f"{p['type']}: {_rule_text(p['rule'])}")
                  for p in self.params.values()}
        props: dict[str, Any] = {
            "path": StringAttr(f"jit/{self.id}.{ext}"), "lang": StringAttr(self.lang),
            "body": StringAttr(self.skeleton.fill([
                f"${{{self.params[i]['name']}}}" if i in self.params else s.text
                for i, s in enumerate(self.skeleton.slots)])),
            "run": StringAttr(("python3 " if self.lang == "python" else "sh ") + f"jit/{self.id}.{ext}"),
        }
        if params:
            props["params"] = DictionaryAttr(params)
        return ScriptOp.create(properties=props)


def _rule_text(rule: dict[str, Any]) -> str:
    kind = rule.get("kind")
    if kind == "file":
        return f"file #{rule.get('index', 0)} with .{rule.get('ext')}"
    if kind == "number":
        return f"number #{rule.get('index', 0)} after '{rule.get('after')}'"
    return f"quoted string #{rule.get('index', 0)}"


def python_script(code: str) -> str:
    """A shell line that runs Python `code` (fed on stdin)."""
    delim = HEREDOC
    while delim in code:
        delim += "_"
    return f"python3 - <<'{delim}'\n{code.rstrip(chr(10))}\n{delim}\n"


# -- from traces ---------------------------------------------------------------------------


def effectful_calls(events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The run's effectful tool calls in order, and whether all of them succeeded. A real
    harness's own tools (`Bash`, `exec_command`, `Write` ...) count by their role, as the
    bare-agent calls they stand for (`skillir/data/gateway_roles.json`)."""
    calls = [c for c in (_as_bare_agent(e) for e in events if e.get("type") == "tool_call")
             if c is not None]
    return calls, not any(e.get("is_error") for e in calls)


def relative_to(events: list[dict[str, Any]], workspace: str) -> list[dict[str, Any]]:
    """The events with the run's workspace path taken out of tool-call arguments
    (`/tmp/ws-1/out.txt` -> `out.txt`), so a script learnt from one run's workspace runs
    in the next one's."""
    root = workspace.rstrip("/")
    if not root or root == ".":
        return events

    def strip(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(root + "/", "").replace(root, ".")
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        return value

    return [{**e, "arguments": strip(e.get("arguments"))} if e.get("type") == "tool_call" else e
            for e in events]


@cache
def _roles() -> tuple[frozenset[str], frozenset[str], dict[str, list[str]]]:
    from skillir.datafiles import load_data

    table = load_data("gateway_roles.json")
    return frozenset(table["tools"]["exec"]), frozenset(table["tools"]["write"]), table["arguments"]


def _as_bare_agent(event: dict[str, Any]) -> dict[str, Any] | None:
    """A tool_call event as the bare-agent call it stands for (None: not effectful)."""
    name = event.get("name")
    if name in EFFECTFUL:
        return event
    exec_names, write_names, keys = _roles()
    if name not in exec_names and name not in write_names:
        return None
    args = event.get("arguments") or {}

    def pick(role: str) -> Any:
        return next((args[k] for k in keys[role] if k in args), None)

    if name in exec_names:
        command = pick("command")
        if isinstance(command, list):  # ["bash", "-lc", "CMD"] or an argv
            command = command[-1] if len(command) == 3 and command[1] in ("-c", "-lc") else shlex.join(command)
        if not isinstance(command, str) or not command:
            return None
        return {**event, "name": "execute_command", "arguments": {"command": command}}
    path, content = pick("path"), pick("content")
    if not isinstance(path, str) or not isinstance(content, str):
        return None
    return {**event, "name": "write_file", "arguments": {"path": path, "content": content}}


def fold(calls: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """One shell script doing what the calls did, and the files they wrote."""
    lines: list[str] = []
    written: list[str] = []
    for call in calls:
        args = call.get("arguments") or {}
        if call.get("name") == "write_file":
            path = str(args.get("path", ""))
            content = str(args.get("content", ""))
            written.append(path)
            parent = str(Path(path).parent)
            mk = f"mkdir -p {shlex.quote(parent)} && " if parent not in ("", ".") else ""
            if any(line == HEREDOC for line in content.split("\n")):
                lines.append(f"{mk}printf '%s' {shlex.quote(content)} > {shlex.quote(path)} || exit $?")
            elif content.endswith("\n"):
                lines.append(f"{mk}cat > {shlex.quote(path)} <<'{HEREDOC}' || exit $?\n"
                             f"{content}{HEREDOC}")
            else:
                lines.append(f"{mk}cat <<'{HEREDOC}' | head -c -1 > {shlex.quote(path)} || exit $?\n"
                             f"{content}\n{HEREDOC}")
        else:
            command = str(args.get("command", ""))
            lines.append(f"(\n{command}\n) || exit $?")
            written.extend(_redirect_targets(command))
    return "\n".join(lines) + "\n", written


def _redirect_targets(command: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"(?<![0-9&])>>?\s*([\w][\w./-]*)", command)
            if not m.group(1).startswith("/dev/")]


def learn_params(skeleton: Skeleton, prompt: str) -> dict[int, dict[str, Any]]:
    """Slots whose value the prompt holds become parameters (with the rule that finds it)."""
    params: dict[int, dict[str, Any]] = {}
    for i, slot in enumerate(skeleton.slots):
        rule = rule_for(slot.value, prompt, slot.type)
        if rule is not None:
            params[i] = {"name": f"{slot.type}{i}", "type": slot.type, "rule": rule}
    return params


def from_trace(events: list[dict[str, Any]], prompt: str, *, run_id: str = "") -> Candidate | None:
    """A candidate from a clean run's trace (None when the run did nothing effectful or a
    call failed)."""
    calls, clean = effectful_calls(events)
    if not calls or not clean:
        return None
    script, written = fold(calls)
    sk = skeleton_of(script)
    params = learn_params(sk, prompt)
    outputs = _outputs(sk, written, params)
    cand = Candidate(id=f"t-{sk.signature[:12]}", source="trace", origin=run_id, lang="shell",
                     skeleton=sk, params=params, outputs=outputs)
    return cand


def _outputs(sk: Skeleton, written: list[str], params: dict[int, dict[str, Any]]) -> tuple[str, ...]:
    """Written files that survive the script (not under a hidden scratch folder), as slot
    references when a parameter names them."""
    out: list[str] = []
    for path in written:
        if any(part.startswith(".") for part in Path(path).parts):
            continue
        ref = next((f"@{i}" for i in params if sk.slots[i].value == path), path)
        if ref not in out:
            out.append(ref)
    return tuple(out)


@dataclass
class Match:
    """How a run's code compares with a candidate."""

    ok: bool
    reason: str = ""
    generalised: dict[int, dict[str, Any]] = field(default_factory=dict)
    specialised: list[int] = field(default_factory=list)


def compare(cand: Candidate, script: str, prompt: str) -> Match:
    """Does the folded script of a run match `cand` (same skeleton, every slot agreeing)?
    A constant that varies with the prompt becomes a parameter (`generalised`); a parameter
    whose prompt value the run did not use, while it used the old constant, goes back to a
    constant (`specialised`)."""
    sk = skeleton_of(script)
    if sk.shape != cand.skeleton.shape:
        return Match(False, "different code (skeleton differs)")
    out = Match(True)
    for i, (mine, theirs) in enumerate(zip(cand.skeleton.slots, sk.slots, strict=True)):
        param = cand.params.get(i)
        if param is not None:
            want = extract(param["rule"], prompt)
            if want == theirs.value:
                continue
            if theirs.text == mine.text:
                out.specialised.append(i)
                continue
            return Match(False, f"slot {i} is {theirs.value!r}, the prompt's "
                                f"{param['name']} is {want!r}")
        if theirs.text == mine.text:
            continue
        rule = rule_for(theirs.value, prompt, theirs.type)
        if rule is None:
            return Match(False, f"constant {mine.value!r} became {theirs.value!r}, which the "
                                "prompt does not hold")
        out.generalised[i] = {"name": f"{theirs.type}{i}", "type": theirs.type, "rule": rule}
    return out


# -- ahead of time: the skill's own code -----------------------------------------------------

_PY_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))", re.M)


def key_calls(code: str, lang: str) -> tuple[str, ...]:
    """The loose signature of code: imported modules and the calls made on them (python), or
    the commands of its pipelines (shell)."""
    keys: list[str] = []
    if lang == "python":
        modules: list[str] = []
        for m in _PY_IMPORT.finditer(code):
            names = m.group(1) or m.group(2) or ""
            for name in names.split(","):
                name = name.strip().split(" ")[0]
                if name and name not in modules:
                    modules.append(name)
        keys.extend(f"import {m}" if m else m for m in modules)
        for m in re.finditer(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\(", code):
            if m.group(1) in modules:
                call = f"{m.group(1)}.{m.group(2)}("
                if call not in keys:
                    keys.append(call)
    else:
        for line in code.splitlines():
            for stage in re.split(r"\|\|?|&&|;", line):
                words = stage.strip().split()
                if words and re.fullmatch(r"[a-z][\w.-]*", words[0]) and \
                        words[0] not in ("echo", "cd", "set", "then", "fi", "do", "done", "else"):
                    if words[0] not in keys:
                        keys.append(words[0])
    return tuple(keys)


def loose_match(keys: tuple[str, ...], code: str) -> bool:
    """All keys occur in `code`: its imports name the modules, and the calls come in order
    (SkVM's `a[\\s\\S]*?b` signatures)."""
    if not keys:
        return False
    imported = set(key_calls(code, "python"))
    at = 0
    for key in keys:
        if key.startswith("import "):
            if key not in imported:
                return False
            continue
        found = code.find(key, at)
        if found < 0:
            return False
        at = found + len(key)
    return True


def from_code(body: str, lang: str, origin: str, source: str) -> Candidate | None:
    """An ahead-of-time candidate from a code block or script (None when it cannot run on
    its own: the compiler's runnable check)."""
    from skillir.capability.checks import runnable

    family = "python" if lang in ("python", "py", "python3") else \
        "shell" if lang in ("sh", "bash", "shell", "zsh") else None
    if family is None or not runnable(body, family).ok:
        return None
    sk = skeleton_of(body)
    params: dict[int, dict[str, Any]] = {}
    counts: dict[str, list[str]] = {}
    for i, slot in enumerate(sk.slots):
        if slot.type != "file":
            continue
        ext = slot.value.rsplit(".", 1)[-1]
        seen = counts.setdefault(ext, [])
        if slot.value not in seen:
            seen.append(slot.value)
        params[i] = {"name": f"file{i}", "type": "file",
                     "rule": {"kind": "file", "ext": ext, "index": seen.index(slot.value)}}
    written = _written_by(body, family)
    outputs = tuple(next((f"@{i}" for i in params if sk.slots[i].value == w), w) for w in written)
    return Candidate(id=f"a-{sk.signature[:12]}", source=source, origin=origin, lang=family,
                     skeleton=sk, params=params, keys=key_calls(body, family), outputs=outputs)


def _written_by(body: str, family: str) -> list[str]:
    if family == "python":
        return [m.group(1) for m in re.finditer(
            r"open\(\s*[\"']([^\"']+)[\"']\s*,\s*[\"'][wax]", body)]
    return _redirect_targets(body)


def from_skill(folder: str | Path) -> list[Candidate]:
    """Ahead-of-time candidates of a skill folder: runnable code blocks of SKILL.md and
    bundled scripts under scripts/."""
    from skillir.dialects.skill import CodeOp
    from skillir.frontend.skill_md import load_skill

    folder = Path(folder)
    module = load_skill(folder)
    out: list[Candidate] = []
    for op in module.walk():
        if isinstance(op, CodeOp) and op.runnable is not None:
            lang = op.lang.data
            cand = from_code(op.body.data, lang, f"SKILL.md code block ({lang})", "skill-code")
            if cand is not None:
                out.append(cand)
    scripts = folder / "scripts"
    if scripts.is_dir():
        for path in sorted(scripts.iterdir()):
            lang = {".py": "python", ".sh": "shell"}.get(path.suffix)
            if lang is None or not path.is_file() or path.stat().st_size > 200_000:
                continue
            cand = from_code(path.read_text(encoding="utf-8", errors="replace"), lang,
                             f"scripts/{path.name}", "skill-script")
            if cand is not None:
                out.append(cand)
    return out


def run_code(events: list[dict[str, Any]]) -> str:
    """All code a run executed or wrote (for loose matching)."""
    calls, _ = effectful_calls(events)
    return "\n".join(str((c.get("arguments") or {}).get("command")
                         or (c.get("arguments") or {}).get("content") or "") for c in calls)
