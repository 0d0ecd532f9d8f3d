"""Reference solutions for the simulated provider, and the failure modes it acts out.

A task's reference solution (first found; the SkillsBench importer writes REFERENCE/run.sh):

- `REFERENCE/actions.json`: `[{"step": "label", "tool": "write_file", "args": {...}}, ...]`,
  tool calls of the bare-agent tools, performed in order; consecutive actions of one step
  form one unit;
- `REFERENCE/run.sh` (SkVM convention): bash, run from the workspace root after the fixtures
  are in place; it may use files beside it through `$(dirname "$0")`;
- `solution/solve.sh` (SkillsBench): the same, with the container prefixes `/app`, `/root`
  and `/workspace` rewritten to the workspace (`.`) in its text files.

A script reference is one unit. The provider writes its folder to `.sim/ref/` in the
workspace with write_file (the model "writing its solution"; absolute paths to the task's
reference folder in its text files become `.sim/ref`, since the sandbox cannot see the task
folder) and runs it with execute_command; `.sim/` is removed before the run ends, so graders
never see it. The reference is never placed where the model's workspace shows it before the
run.

Failure modes (a failed unit): its actions are run in a scratch copy of the workspace
(`.sim/scratch/`, with a link `.sim -> ..` inside so that `.sim/ref` resolves there too), the
files they create or change are found by comparing the copy with the workspace, and then
they reach the workspace damaged:

- `wrong_name`: each output is saved as `<stem>_output<suffix>` beside where it belongs (the
  files the unit deletes are deleted);
- `partial_output`: only the first half of the output bytes, taking the outputs in path
  order: files before the midpoint whole, the file holding it cut there (back to its last
  whole line for text), the files after it never written (nothing is deleted);
- `malformed_format`: text outputs wrapped in a markdown code fence (markdown files also lose
  their heading and list markers), binary outputs written as base64 text (the files the unit
  deletes are deleted).

A unit that changes no file fails by doing nothing (`no_output`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from skillir.errors import SkillIRError

SIM_DIR = ".sim"
REF_DIR = f"{SIM_DIR}/ref"
SCRATCH_DIR = f"{SIM_DIR}/scratch"
TOOLS = ("read_file", "write_file", "list_directory", "execute_command")
MAX_REFERENCE_BYTES = 4 << 20
MAX_REFERENCE_FILES = 200
MAX_SNAPSHOT_FILES = 20_000
_CONTAINER_PREFIX = re.compile(r"(?<![\w./-])/(?:app|root|workspace)(?=/|\b)")
_FENCE_LANG = {".json": "json", ".jsonl": "json", ".csv": "csv", ".tsv": "tsv",
               ".yaml": "yaml", ".yml": "yaml", ".xml": "xml", ".html": "html",
               ".htm": "html", ".svg": "svg", ".py": "python", ".sh": "bash",
               ".sql": "sql", ".js": "javascript", ".toml": "toml", ".txt": "text",
               ".md": "markdown"}


@dataclass(frozen=True)
class Action:
    step: str | None
    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Unit:
    """Actions that succeed or fail together."""

    label: str | None
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Reference:
    kind: str
    """'actions', 'run.sh' or 'solve.sh'."""
    path: Path
    units: tuple[Unit, ...]
    files: tuple[tuple[str, bytes, bool], ...] = ()
    """Script references: (relative path, content, executable) to write to `.sim/ref/`."""
    notes: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str]:
        return [u.label for u in self.units if u.label]

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": str(self.path), "units": len(self.units),
                "files": [f[0] for f in self.files], "notes": list(self.notes)}


def remove(path: str) -> str:
    """A shell command that removes `path` (a file or a folder) when it exists. Without
    `rm -f`: Codex's default exec policy refuses "rm -f style commands", and the simulated
    model acts through each harness's own shell."""
    quoted = shlex.quote(path)
    return f"{{ [ ! -e {quoted} ] && [ ! -L {quoted} ] || rm -r -- {quoted}; }}"


def find_reference(task_dir: Path | None) -> Reference | None:
    """The task's reference solution, or None when it has none."""
    if task_dir is None:
        return None
    ref = task_dir / "REFERENCE"
    if (ref / "actions.json").is_file():
        return _actions_reference(ref / "actions.json")
    if (ref / "run.sh").is_file():
        return _script_reference(ref, "run.sh", "run.sh")
    sol = task_dir / "solution"
    if (sol / "solve.sh").is_file():
        return _script_reference(sol, "solve.sh", "solve.sh", rewrite=True)
    return None


def _actions_reference(path: Path) -> Reference:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SkillIRError(f"actions.json is not valid JSON: {exc.msg}", path=str(path),
                           line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SkillIRError(f"cannot read actions.json ({exc})", path=str(path)) from None
    if not isinstance(raw, list) or not raw:
        raise SkillIRError("actions.json must hold a non-empty list of actions", path=str(path),
                           hint='[{"step": "label", "tool": "write_file", "args": {...}}]')
    actions = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("tool") not in TOOLS \
                or not isinstance(item.get("args", {}), dict):
            raise SkillIRError(f"actions.json item {i} must be an object with 'tool' (one of "
                               f"{', '.join(TOOLS)}) and an 'args' object", path=str(path))
        step = item.get("step")
        if step is not None and (not isinstance(step, str) or not step.strip()):
            raise SkillIRError(f"actions.json item {i}: 'step' must be a non-empty string",
                               path=str(path))
        actions.append(Action(step, item["tool"], dict(item.get("args") or {})))
    units: list[Unit] = []
    for a in actions:
        if units and units[-1].label == a.step:
            units[-1] = Unit(a.step, (*units[-1].actions, a))
        else:
            units.append(Unit(a.step, (a,)))
    return Reference("actions", path, tuple(units))


def _script_reference(folder: Path, entry: str, kind: str, *, rewrite: bool = False
                      ) -> Reference:
    files: list[tuple[str, bytes, bool]] = []
    total = 0
    notes = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts:
            continue
        rel = p.relative_to(folder).as_posix()
        data = p.read_bytes()
        total += len(data)
        if len(files) >= MAX_REFERENCE_FILES or total > MAX_REFERENCE_BYTES:
            raise SkillIRError(f"the reference folder is too large for replay (over "
                               f"{MAX_REFERENCE_FILES} files or {MAX_REFERENCE_BYTES} bytes)",
                               path=str(folder))
        if not is_binary(data):
            text = new = data.decode("utf-8")
            for absolute in {str(folder.resolve()), str(folder.absolute())}:
                new = new.replace(absolute, REF_DIR)
            if new != text:
                notes.append(f"{rel}: the reference folder's absolute path rewritten to "
                             f"{REF_DIR}")
            if rewrite:
                text, new = new, _CONTAINER_PREFIX.sub(".", new)
                if new != text:
                    notes.append(f"{rel}: container paths (/app, /root, /workspace) "
                                 "rewritten to the workspace")
            data = new.encode("utf-8")
        files.append((rel, data, bool(p.stat().st_mode & stat.S_IXUSR)))
    command = f"bash {REF_DIR}/{entry}"
    unit = Unit(None, (Action(None, "execute_command", {"command": command}),))
    return Reference(kind, folder / entry, (unit,), tuple(files), tuple(notes))


# ---------------------------------------------------------------------------------------
# workspace state


def snapshot(root: Path, *, skip: tuple[str, ...] = (SIM_DIR,)) -> dict[str, str]:
    """Relative path -> sha256 of every regular file (symlinks: 'link:' + target)."""
    out: dict[str, str] = {}
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in skip]
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            if rel_dir == "." and name in skip:
                continue
            try:
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    out[rel] = "link:" + os.readlink(full)
                elif stat.S_ISREG(info.st_mode):
                    h = hashlib.sha256()
                    with open(full, "rb") as fh:
                        for chunk in iter(lambda: fh.read(1 << 20), b""):
                            h.update(chunk)
                    out[rel] = h.hexdigest()
            except OSError:
                continue
            if len(out) >= MAX_SNAPSHOT_FILES:
                return out
    return out


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def changes(before: dict[str, str], after: dict[str, str]) -> Changes:
    """Files created or changed, and files deleted, from `before` to `after`."""
    return Changes(written=sorted(p for p, h in after.items() if before.get(p) != h),
                   deleted=sorted(p for p in before if p not in after))


# ---------------------------------------------------------------------------------------
# failure modes (pure)


def is_binary(data: bytes) -> bool:
    if b"\0" in data[:8192]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def wrong_name(rel: str) -> str:
    """`dir/report.csv` -> `dir/report_output.csv` (dotfiles: `.env` -> `.env_output`)."""
    p = PurePosixPath(rel)
    stem, suffix = (p.name, "") if p.name.startswith(".") and p.suffix == p.name else (
        p.stem, p.suffix)
    name = f"{stem}_output{suffix}"
    return name if str(p.parent) == "." else f"{p.parent}/{name}"


def truncate(data: bytes, size: int | None = None) -> bytes:
    """The first `size` bytes (default: half), cut back to the end of the last whole line
    when the text has a line break before that point."""
    size = len(data) // 2 if size is None else max(0, min(size, len(data)))
    head = data[:size]
    if not is_binary(data):
        cut = head.rfind(b"\n")
        if cut >= 0:
            head = head[: cut + 1]
    return head


def malform(rel: str, data: bytes) -> bytes:
    """Broken format: binary -> base64 text; text -> inside a markdown code fence (markdown
    also loses its heading and list markers)."""
    if is_binary(data):
        return base64.encodebytes(data)
    text = data.decode("utf-8")
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix in (".md", ".markdown"):
        text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
        text = re.sub(r"^(\s*)(?:[-*+]|\d+[.)])\s+", r"\1", text, flags=re.M)
    if text and not text.endswith("\n"):
        text += "\n"
    return f"```{_FENCE_LANG.get(suffix, '')}\n{text}```\n".encode()


@dataclass(frozen=True)
class Op:
    """One file operation of a failure: `copy` (the output, whole, to `target`), `head` (its
    first `size` bytes), `base64` (its bytes as base64 text), `write` (the `data` given)."""

    kind: str
    target: str
    source: str
    size: int = 0
    data: bytes = b""


@dataclass
class Damage:
    """What a failure mode does to a unit's outputs: the operations, the files they leave
    (path -> bytes), the files deleted, and the outputs left out."""

    mode: str
    ops: list[Op] = field(default_factory=list)
    writes: dict[str, bytes] = field(default_factory=dict)
    deletes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def add(self, op: Op, result: bytes) -> None:
        self.ops.append(op)
        self.writes[op.target] = result

    def describe(self) -> dict[str, Any]:
        return {"mode": self.mode, "writes": sorted(self.writes), "deletes": self.deletes,
                "dropped": self.dropped}


def damage(mode: str, outputs: dict[str, bytes], deleted: list[str]) -> Damage:
    """Apply a failure mode to a unit's outputs (relative path -> correct content)."""
    paths = sorted(outputs)
    if not paths:
        return Damage("no_output")
    out = Damage(mode)
    if mode == "wrong_name":
        for p in paths:
            out.add(Op("copy", wrong_name(p), p), outputs[p])
        out.deletes = list(deleted)
    elif mode == "partial_output":
        total = sum(len(outputs[p]) for p in paths)
        middle, start = total // 2, 0
        for i, p in enumerate(paths):
            data = outputs[p]
            if total == 0:  # only empty files: the later half is never written
                keep = i < len(paths) // 2
                cut = data if keep else None
            elif start + len(data) <= middle:
                cut = data
            elif start < middle:
                cut = truncate(data, middle - start) or None
            else:
                cut = None
            start += len(data)
            if cut is None:
                out.dropped.append(p)
            elif cut == data:
                out.add(Op("copy", p, p), data)
            else:
                out.add(Op("head", p, p, size=len(cut)), cut)
    elif mode == "malformed_format":
        for p in paths:
            bad = malform(p, outputs[p])
            if is_binary(outputs[p]):
                out.add(Op("base64", p, p), bad)
            else:
                out.add(Op("write", p, p, data=bad), bad)
        out.deletes = list(deleted)
    else:
        raise ValueError(f"unknown failure mode {mode!r}")
    return out


def ops_command(ops: list[Op], deletes: list[str], scratch: str = SCRATCH_DIR) -> str:
    """The shell command that carries out the copy/head/base64 operations (reading the
    outputs from the scratch copy) and the deletions; `write` operations are left to
    write_file calls. Parent folders of every target are created first."""
    lines = []
    parents = sorted({str(PurePosixPath(op.target).parent) for op in ops} - {"."})
    if parents:
        lines.append("mkdir -p " + " ".join(shlex.quote(p) for p in parents))
    for op in ops:
        src, dst = shlex.quote(f"{scratch}/{op.source}"), shlex.quote(op.target)
        if op.kind == "copy":
            lines.append(f"cp {src} {dst}")
        elif op.kind == "head":
            lines.append(f"head -c {op.size} {src} > {dst}")
        elif op.kind == "base64":
            lines.append(f"base64 {src} > {dst}")
    for path in deletes:
        lines.append(remove(path))
    return "\n".join(lines)
