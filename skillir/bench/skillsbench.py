"""SkillsBench (Harbor-format) tasks imported as SkVM tasks (PAPER_NOTES §h), as SkVM's
`skvm bench --import=skillsbench` does, with its caveats fixed.

A Harbor task folder holds `instruction.md`, `task.toml`, `environment/` (Dockerfile, data
files, `skills/<name>/SKILL.md`), `tests/test_outputs.py` (pytest) and `solution/solve.sh`.
The import writes a task folder that `load_task` reads:

- `task.json`: `prompt` = instruction.md with the Docker image's `/root/`, `/app/` and
  `/workspace/` prefixes stripped (paths become workspace-relative); `timeoutMs` =
  `[agent].timeout_sec` x 1000 (default 300 s); `maxSteps` 50; `category`; `difficulty`
  ("middle" becomes "medium"); `hostReady`; `origin`; and a `skillsbench` object with the
  status, the skip reasons, the grading and reference notes, tags and required/distractor
  skills.
- `fixtures/`: the environment's data files. When the Dockerfile is present its COPY/ADD lines
  say which files go where (destinations under `/root/`, `/app/` or `/workspace/` become
  workspace-relative); without it every environment file except the Dockerfile, compose files
  and `skills/` is a fixture at its path under `environment/`. Unlike SkVM, test data
  (`tests/*`) never become fixtures: the agent would see the expected answers.
- `skills/<name>/`: the environment's skills, `/root/.claude/skills/<name>/`-style paths
  (also `.codex`, `.agents`, `.opencode`) rewritten to `./`. A batch import
  (`import_skillsbench`) shares one `skills/` folder and deduplicates by the SHA-256 of
  SKILL.md; a different skill under a taken name becomes `<name>-<task>`.
- `grade.py` + `_harbor_tests.py` + `tests/`: when `tests/test_outputs.py` exists, a
  python-grade wrapper that runs it with pytest and returns one record per `test_*` function
  and `Test*` method, equal weights summing to 1 (SkVM's importer returned a dict, which its own
  python-grade bridge rejects; see `skillir.bench.harbor_tests`). Without tests the task gets
  an `llm-judge` criterion built from the instruction, and its status is "no-grader": it can
  only be scored with a judge model.
- `REFERENCE/`: a copy of `solution/` whose text files have the image's paths rewritten
  (`/root/x` etc. to `./x`), and `REFERENCE/run.sh` = `solution/solve.sh` run from the
  workspace root, its `/solution/` pointing at the REFERENCE folder (`$REF_DIR`; inside a
  quoted heredoc that variable is not expanded).

Host readiness (`hostReady`): a task runs here, without Docker, only when it needs no
Docker-only service, GPU, network or missing tool, uses no path of the image outside the
workspace, and has all its input files. The rules (keywords searched in instruction.md,
task.toml, the tags, the Dockerfile when present and the skills' descriptions) live in
`skillir/data/skillsbench_rules.json`. Input files are found two ways: files the corpus
MANIFEST.json (when an ancestor folder has one) lists as left out of `environment/`, and
files the instruction names as inputs (a sentence without a writing verb) that are not in
`environment/`.

    python -m skillir.bench.skillsbench list CORPUS/skillsbench [--json]
    python -m skillir.bench.skillsbench import CORPUS/skillsbench OUT_DIR
    skill-run --list-skillsbench CORPUS/skillsbench
    skill-run --task CORPUS/skillsbench/tasks/<id> --model ...      (runs or says why not)
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from skillir.alternatives import longest_first
from skillir.atomic import atomic_directory
from skillir.bench.harbor_env import (
    EnvSpec,
    env_spec,
    logical_lines,
    merged_pip,
    script_installs,
)
from skillir.bench.task import DIFFICULTIES, Task, load_task_data
from skillir.datafiles import load_data
from skillir.errors import SkillIRError, one_line
from skillir.frontend.frontmatter import split_front_matter
from skillir.untrusted import read_text_file

DEFAULT_AGENT_TIMEOUT_S = 300.0
DEFAULT_VERIFIER_TIMEOUT_S = 600.0
MAX_STEPS = 50
TEST_FILE = "tests/test_outputs.py"
SOLVE_SH = "solution/solve.sh"
_NOT_FIXTURES = re.compile(r"^(Dockerfile|docker-compose\.ya?ml|compose\.ya?ml|\.dockerignore)$")
_WS_PREFIX = re.compile(r"(?<![\w.:/~-])/(?:root|app|workspace)/(?=[\w.<%{$-])")
_WS_DIR = re.compile(r"(?<![\w.:/~-])/(?:root|app|workspace)/?(?![\w.<%{$/-])")
_SKILL_PATH = re.compile(r"(?:(?:/root|~|\$HOME)/)?\.(?:claude|codex|agents|opencode)/"
                         r"skills?/[\w.-]+/")
_ABS_WS_PATH = re.compile(r"(?<![\w.:/~-])/(?:root|app|workspace)/[^\s`'\"()<>,;*]*")
_INPUT_CUES = re.compile(
    r"\b(given|provide[sd]?|located|stored|input|read|load|use|using|from|analy[sz]e|"
    r"available|template|contains?|extract|compare|saved|backup|current|dataset|get|"
    r"downloaded to|in the file|(excel|word|pdf|csv|json|text|data|video) file)\b", re.I)


class HarborNotRunnable(SkillIRError):
    """A Harbor task that skill-run will not run: `status` is "skipped" (not runnable on this
    host) or "no-grader" (nothing can score it); `exit_code` 3 or 4."""

    def __init__(self, task: HarborTask, message: str, hint: str | None = None):
        super().__init__(message, path=str(task.source), hint=hint)
        self.task = task
        self.status = task.status
        self.exit_code = 3 if task.status == "skipped" else 4


@dataclass
class HarborTask:
    """What an import would produce, before anything is written."""

    id: str
    source: Path
    prompt: str
    category: str
    difficulty: str | None
    tags: list[str]
    timeout_ms: int
    verifier_timeout_s: float
    fixtures: dict[str, Path]
    skills: list[Path]
    tests: Path | None
    test_count: int
    solution: Path | None
    skip_reasons: list[str]
    notes: list[str]
    grading: str
    reference: str
    toml: dict[str, Any] = field(repr=False, default_factory=dict)
    manifest: dict[str, Any] | None = field(repr=False, default=None)
    env: EnvSpec = field(default_factory=EnvSpec)
    """What its Dockerfile installs (pip: an isolated cached environment; apt: must be here)."""

    @property
    def host_ready(self) -> bool:
        return not self.skip_reasons

    @property
    def has_grader(self) -> bool:
        return self.tests is not None and self.test_count > 0

    @property
    def status(self) -> str:
        """runnable | skipped | no-grader."""
        if not self.host_ready:
            return "skipped"
        return "runnable" if self.has_grader else "no-grader"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source": str(self.source), "status": self.status,
                "hostReady": self.host_ready, "skipReasons": self.skip_reasons,
                "grading": self.grading, "reference": self.reference, "notes": self.notes,
                "category": self.category, "difficulty": self.difficulty,
                "timeoutMs": self.timeout_ms, "fixtures": sorted(self.fixtures),
                "skills": [p.name for p in self.skills], "tags": self.tags,
                "pythonEnvironment": self.env.to_json()}


@functools.cache
def rules() -> dict[str, Any]:
    """skillir/data/skillsbench_rules.json (shaped by its schema), its patterns compiled once."""
    data = dict(load_data("skillsbench_rules.json"))
    for kind in ("services", "tools", "network"):
        data[kind] = [{**rule, "_re": re.compile(rule["regex"], (0 if rule.get("case_sensitive")
                                                                 else re.IGNORECASE) | re.MULTILINE)}
                      for rule in data[kind]]
    data["_foreign"] = re.compile(data["foreign_paths"])
    data["_output"] = re.compile(data["output_verbs"], re.IGNORECASE)
    exts = "|".join(longest_first(map(re.escape, data["data_extensions"])))
    data["_file"] = re.compile(rf"(?<![\w/.~-])((?:[\w-]+/)*[\w-][\w.-]*\.(?:{exts}))(?![\w])")
    return data


def is_harbor_task(path: str | os.PathLike[str]) -> bool:
    p = Path(path)
    return p.is_dir() and (p / "task.toml").is_file() and (p / "instruction.md").is_file() \
        and not (p / "task.json").exists()


def strip_workspace_prefixes(text: str) -> str:
    """`/root/x` -> `x`, a bare `/root/` (or /app, /workspace) -> `./`, as SkVM does."""
    return _WS_DIR.sub("./", _WS_PREFIX.sub("", text))


def rewrite_skill_paths(text: str) -> str:
    """`/root/.claude/skills/<id>/` (and the other harnesses' folders) -> `./`."""
    return _SKILL_PATH.sub("./", text)


def find_harbor_tasks(root: str | os.PathLike[str]) -> list[Path]:
    """`root` itself, or the Harbor task folders in `root/tasks/` or `root/`, sorted."""
    base = Path(root)
    if is_harbor_task(base):
        return [base]
    for folder in (base / "tasks", base):
        found = sorted(p for p in folder.iterdir() if is_harbor_task(p)) \
            if folder.is_dir() else []
        if found:
            return found
    raise SkillIRError("no SkillsBench (Harbor) task found", path=str(base),
                       hint="give a folder with task.toml and instruction.md, or one whose "
                            "tasks/ folder holds such folders")


# -- analysis -----------------------------------------------------------------------------
def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="utf-8", errors="replace")


def _manifest(src: Path) -> tuple[dict[str, Any] | None, str]:
    """The corpus MANIFEST.json above `src` (with its excluded-file lists) and the task's
    path relative to it."""
    for parent in list(src.resolve().parents)[:4]:
        path = parent / "MANIFEST.json"
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                return None, ""
            if isinstance(data, dict) and "excluded_code" in data:
                return data, src.resolve().relative_to(parent).as_posix()
    return None, ""


def _excluded(manifest: dict[str, Any] | None, rel: str) -> dict[str, str]:
    """{path inside the task: why it is not in this copy} from the corpus manifest."""
    if not manifest:
        return {}
    why = {"excluded_code": "left out of the corpus as code",
           "excluded_binary_or_large": "left out of the corpus (binary or large)",
           "missing_in_snapshot": "missing from the corpus snapshot"}
    out = {}
    for key, text in why.items():
        for entry in manifest.get(key) or []:
            path = str(entry.get("path", ""))
            if path.startswith(rel + "/"):
                size = entry.get("size")
                out[path[len(rel) + 1:]] = text + (f", {size} bytes" if size else "")
    return out


def _skill_description(folder: Path) -> str:
    try:
        fm = split_front_matter((folder / "SKILL.md").read_bytes(), str(folder / "SKILL.md"))
        return str(fm.data.get("description") or "")
    except Exception:  # a broken front matter must not stop the import
        return ""


def _solution_texts(folder: Path) -> list[tuple[str, str]]:
    """(name, text) of the solution's scripts (`.sh`, `.py`), for what they install and
    whether they reach the network."""
    if not folder.is_dir():
        return []
    return [(f.name, _read(f)) for f in sorted(folder.rglob("*"))
            if f.is_file() and f.suffix in (".sh", ".py") and f.stat().st_size < (1 << 20)]


def _dockerfile_copies(dockerfile: str, env: Path, notes: list[str]) -> dict[str, Path]:
    """Workspace path -> environment file for the Dockerfile's COPY/ADD lines."""
    out: dict[str, Path] = {}
    text = re.sub(r"\\\r?\n", " ", dockerfile)
    for line in text.splitlines():
        m = re.match(r"(?i)^\s*(COPY|ADD)\s+(.+)$", line)
        if not m:
            continue
        rest = m.group(2).strip()
        try:
            args = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
        except (ValueError, json.JSONDecodeError):
            notes.append(f"Dockerfile line not understood: {line.strip()[:80]}")
            continue
        args = [a for a in args if not a.startswith("--")]
        if len(args) < 2:
            continue
        srcs, dest = args[:-1], args[-1]
        if any(PurePosixPath(s).parts[:1] == ("skills",) for s in srcs):
            continue
        if dest.startswith("/") and not re.match(r"^/(root|app|workspace)(/|$)", dest):
            notes.append(f"Dockerfile copies {' '.join(srcs)} to {dest}, outside the "
                         "workspace: not a fixture")
            continue
        dest_rel = re.sub(r"^/(root|app|workspace)/?", "", dest).strip("/")
        dest_rel = "" if dest_rel in (".", "./") else dest_rel
        for s in srcs:
            path = env / s
            if path.is_dir():
                for f in sorted(path.rglob("*")):
                    if f.is_file():
                        rel = f.relative_to(path).as_posix()
                        out[f"{dest_rel}/{rel}".lstrip("/")] = f
            elif path.is_file():
                into_dir = dest.endswith("/") or len(srcs) > 1 or not dest_rel
                out[f"{dest_rel}/{path.name}".lstrip("/") if into_dir else dest_rel] = path
    return out


def _mentioned_inputs(instruction: str, env: Path, outputs_seen: set[str]) -> list[str]:
    """Files the instruction names as inputs (no writing verb in their sentence) that are
    not in environment/."""
    r = rules()
    segments = [s for s in re.split(r"(?<=[.!?])\s+|\n", instruction) if s.strip()]
    tokens: list[tuple[str, str]] = []
    for seg in segments:
        found = {m.group(0).rstrip(".,:;)") for m in _ABS_WS_PATH.finditer(seg)}
        found |= {m.group(1) for m in r["_file"].finditer(seg)}
        tokens += [(t, seg) for t in found]
    env_names = {p.name for p in env.rglob("*")} if env.is_dir() else set()
    candidates: dict[str, bool] = {}
    for token, seg in tokens:
        if _WS_DIR.fullmatch(token):
            continue  # the workspace itself
        rel = _WS_PREFIX.sub("", token).strip("/")
        if not rel or any(c in rel for c in "<>{}%*$") or rel.startswith("."):
            continue
        if r["_output"].search(seg):
            outputs_seen.add(rel)
            continue
        cue = bool(_INPUT_CUES.search(seg))
        candidates[rel] = candidates.get(rel, False) or cue
    missing = []
    for rel, cue in candidates.items():
        if rel in outputs_seen or not cue:
            continue
        name = PurePosixPath(rel).name
        if (env / rel).exists() or name in env_names:
            continue
        missing.append(rel)
    return sorted(missing)


def analyze_harbor_task(path: str | os.PathLike[str]) -> HarborTask:
    """Read a Harbor task folder and decide everything an import needs (writes nothing)."""
    src = Path(path)
    if not is_harbor_task(src):
        raise SkillIRError("not a SkillsBench (Harbor) task folder", path=str(src),
                           hint="a Harbor task holds task.toml and instruction.md")
    try:
        toml = tomllib.loads(read_text_file(src / "task.toml", limit=1 << 20, what="task.toml"))
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:  # ValueError: a 5000-digit number
        raise SkillIRError(f"task.toml is not valid TOML: {one_line(exc)}",
                           path=str(src / "task.toml")) from None
    instruction = _read(src / "instruction.md")
    meta = toml.get("metadata") or {}
    agent = toml.get("agent") or {}
    verifier = toml.get("verifier") or {}
    environment = toml.get("environment") or {}
    notes: list[str] = []
    reasons: list[str] = []
    manifest, rel = _manifest(src)
    excluded = _excluded(manifest, rel)

    difficulty = str(meta.get("difficulty") or "").strip().lower() or None
    if difficulty is not None and difficulty not in DIFFICULTIES:
        notes.append(f"difficulty '{difficulty}' is not easy/medium/hard: left out")
        difficulty = None
    difficulty = DIFFICULTIES.get(difficulty) if difficulty else None
    tags = [str(t) for t in meta.get("tags") or []]

    def seconds(table: dict[str, Any], default: float) -> float:
        value = table.get("timeout_sec")
        return float(value) if isinstance(value, (int, float)) and value > 0 else default

    env_dir = src / "environment"
    dockerfile_path = env_dir / "Dockerfile"
    dockerfile = _read(dockerfile_path) if dockerfile_path.is_file() else ""
    if not dockerfile:
        why = excluded.get("environment/Dockerfile")
        notes.append("environment/Dockerfile not in this copy" + (f" ({why})" if why else "")
                     + ": every environment data file is a fixture at its path under "
                       "environment/")

    # the environment: what the Dockerfile pip/apt installs
    env = env_spec(dockerfile, env_dir) if dockerfile else EnvSpec()
    missing_apt = env.missing_apt()
    if missing_apt:
        reasons.append("needs Debian packages not installed here: " + ", ".join(missing_apt)
                       + " (its Dockerfile apt-get installs them)")
    if env.unsupported:
        reasons.append("its Dockerfile installs with something other than pip or apt: "
                       + "; ".join(env.unsupported[:2]))
    if env.pip:
        notes.append(f"its own Python environment: {len(env.pip)} pip package(s) from the "
                     "Dockerfile (" + ", ".join(env.pip[:4]) + ("..." if len(env.pip) > 4 else "")
                     + "), built once and cached on first run")
    # what the solution and the tests install as they run (Harbor's container has the
    # network; here they run offline): into the same environment, the Dockerfile's pins first
    solution_texts = _solution_texts(src / "solution")
    solution_env = script_installs("\n".join(t for n, t in solution_texts if n.endswith(".sh")),
                                   env_dir)
    test_sh = src / "tests" / "test.sh"
    test_env = script_installs(_read(test_sh), env_dir) if test_sh.is_file() else EnvSpec()
    docker_pip = list(env.pip)
    env.pip = merged_pip(docker_pip, solution_env.pip, test_env.pip)
    added = [p for p in env.pip if p not in docker_pip]
    if added:
        notes.append(f"{len(added)} package(s) its solution or tests install as they run, put "
                     "into its environment beforehand (no network here): " + ", ".join(added[:6])
                     + ("..." if len(added) > 6 else ""))
    missing_solution_apt = [p for p in EnvSpec(apt=solution_env.apt).missing_apt()
                            if p not in missing_apt]
    if missing_solution_apt:
        reasons.append("needs Debian packages not installed here: "
                       + ", ".join(missing_solution_apt) + " (its solution apt-get installs them)")

    # fixtures
    env_files = {}
    if env_dir.is_dir():
        for f in sorted(env_dir.rglob("*")):
            relf = f.relative_to(env_dir)
            if f.is_file() and relf.parts[0] != "skills" and not _NOT_FIXTURES.match(f.name):
                env_files[relf.as_posix()] = f
    if dockerfile:
        fixtures = _dockerfile_copies(dockerfile, env_dir, notes)
        left = sorted(set(env_files.values()) - set(fixtures.values()))
        if left:
            notes.append(f"{len(left)} environment file(s) the Dockerfile does not copy are "
                         "not fixtures")
    else:
        fixtures = dict(env_files)

    # skills
    skills_dir = env_dir / "skills"
    skills = sorted(p.parent for p in skills_dir.glob("*/SKILL.md")) if skills_dir.is_dir() \
        else []
    descriptions = "\n".join(_skill_description(s) for s in skills)

    # grader and reference
    tests = src / TEST_FILE
    test_count = 0
    if tests.is_file():
        from skillir.bench.harbor_tests import list_tests

        try:
            test_count = len(list_tests(_read(tests)))
        except SyntaxError as exc:
            raise SkillIRError(f"{TEST_FILE} has a syntax error: {exc.msg}", path=str(tests),
                               line=exc.lineno) from None
        grading = (f"pytest: {TEST_FILE} ({test_count} test{'s' * (test_count != 1)}, "
                   "python-grade records, equal weights)") if test_count else \
            f"none: {TEST_FILE} defines no test_* function"
    else:
        why = excluded.get(TEST_FILE)
        grading = f"none: {TEST_FILE} not in this copy" + (f" ({why})" if why else "")
    solve = src / SOLVE_SH
    if solve.is_file():
        reference = f"{SOLVE_SH} -> REFERENCE/run.sh"
    else:
        why = excluded.get(SOLVE_SH)
        data = sorted(p.name for p in (src / "solution").glob("*") if p.is_file()) \
            if (src / "solution").is_dir() else []
        reference = "none" + (f": {SOLVE_SH} not in this copy ({why})" if why else
                              f": no {SOLVE_SH}") \
            + (f"; solution/ holds data only: {', '.join(data)}" if data else "")
    for relt, why in sorted(excluded.items()):
        if relt.startswith("tests/") and relt != TEST_FILE and "/" not in relt[6:]:
            notes.append(f"{relt} not in this copy ({why})")

    # host readiness
    texts = {"instruction": instruction, "dockerfile": dockerfile,
             "toml": (src / "task.toml").read_text(encoding="utf-8"), "tags": "\n".join(tags),
             "skills": descriptions, "solution": "\n".join(t for _, t in solution_texts)}

    def hit(rule: dict[str, Any]) -> str | None:
        for where in rule["in"]:
            m = rule["_re"].search(texts[where])
            if m:
                return f"{m.group(0).strip()!r} in {where}"
        return None

    r = rules()
    for rule in r["services"]:
        found = hit(rule)
        if found:
            reasons.append(f"needs {rule['name']} (Docker-only here; {found})")
    compose = [p for p in excluded if re.match(r"environment/(docker-)?compose\.ya?ml$", p)]
    if list(env_dir.glob("*compose.y*ml")) or compose:
        reasons.append("needs the services of environment/docker-compose.yaml (Docker-only)")
    for rule in r["tools"]:
        found = hit(rule)
        if found and not any(shutil.which(b) for b in rule["bins"]):
            reasons.append(f"needs {rule['name']}, not installed here ({found})")
    gpus = environment.get("gpus")
    if isinstance(gpus, (int, float)) and gpus > 0:
        reasons.append(f"needs a GPU (environment.gpus = {gpus})")
    for rule in r["network"]:
        found = hit(rule)
        if found:
            reasons.append(f"needs the network: {rule['name']} ({found})")
            break
    foreign = sorted({m.group(0).rstrip(".,:;)`") for m in r["_foreign"].finditer(instruction)})
    if foreign:
        reasons.append("uses paths of the Docker image outside the workspace: "
                       + ", ".join(foreign[:3]))
    outputs: set[str] = set()
    missing = _mentioned_inputs(instruction, env_dir, outputs)
    left_out = [p[len("environment/"):] for p in excluded
                if p.startswith("environment/") and not p.startswith("environment/skills/")
                and not _NOT_FIXTURES.match(PurePosixPath(p).name)]
    missing_all = sorted(set(missing) | set(left_out))
    if missing_all:
        shown = ", ".join(missing_all[:5]) + (f" (+{len(missing_all) - 5} more)"
                                               if len(missing_all) > 5 else "")
        reasons.append(f"input files not in this copy: {shown}")
    cpus = environment.get("cpus")
    if isinstance(cpus, (int, float)) and cpus > (os.cpu_count() or 1):
        notes.append(f"asks for {cpus} CPUs; this host has {os.cpu_count()}")
    image = str(environment.get("image") or "")
    if image:
        notes.append(f"Docker image {image}")

    return HarborTask(
        id=src.name, source=src, prompt=strip_workspace_prefixes(instruction).strip() + "\n",
        category=str(meta.get("category") or "skillsbench"), difficulty=difficulty, tags=tags,
        timeout_ms=int(seconds(agent, DEFAULT_AGENT_TIMEOUT_S) * 1000),
        verifier_timeout_s=seconds(verifier, DEFAULT_VERIFIER_TIMEOUT_S),
        fixtures=fixtures, skills=skills, tests=tests if tests.is_file() else None,
        test_count=test_count, solution=solve if solve.is_file() else None,
        skip_reasons=reasons, notes=notes, grading=grading, reference=reference, toml=toml,
        manifest=manifest, env=env)


# -- writing ------------------------------------------------------------------------------
_GRADE_PY = '''"""Generated by skillir.bench.skillsbench: runs the SkillsBench tests of {id}
(tests/test_outputs.py, beside this file) with pytest; reward "{reward}" (harbor: 1 when every
test passes, else 0; fraction: the fraction of tests passed)."""


def grade(transcript, workspace_path):
    from _harbor_tests import run_tests

    return run_tests(workspace_path, timeout_s={timeout}, reward="{reward}")
'''

REWARDS = ("harbor", "fraction")
"""How a SkillsBench task is scored: `harbor` (the default, Harbor's own reward: 1 when all
its tests pass, else 0) or `fraction` (the fraction of its tests that pass)."""


def _copy_tree_text(src: Path, dest: Path, rewrite) -> None:
    for f in sorted(src.rglob("*")):
        if not f.is_file():
            continue
        target = dest / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = f.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)
        else:
            new = rewrite(text)
            target.write_bytes(new.encode("utf-8") if new != text else data)
        target.chmod(0o755 if os.access(f, os.X_OK) else 0o644)


def _workspace_paths(text: str) -> str:
    """The Docker image's workspace paths in a fixture's code: `/root/x` -> `./x`, `/root`
    -> `.` (the agent runs it from the workspace root)."""
    return _WS_DIR.sub(".", _WS_PREFIX.sub("./", text))


_CODE_FIXTURES = (".py", ".sh", ".bash", ".js", ".mjs", ".ts", ".yaml", ".yml", ".toml", ".cfg",
                  ".ini", ".conf")
"""Fixtures whose image paths are rewritten (code and configuration the agent runs); data
files (csv, json, md, ...) stay byte for byte."""

_REFERENCE_RUN = """#!/usr/bin/env bash
# Generated by skillir.bench.skillsbench: runs solution/solve.sh from the workspace root with the
# Docker image's paths mapped and the skills where its Dockerfile puts them (harbor_reference.py).
REF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$REF_DIR/harbor_reference.py" "$REF_DIR" "$(pwd)"
"""
_SKILL_FOLDERS = re.compile(r"(?<![\w.:/~-])/(?:root|app|workspace)/((?:[\w.-]+/)*\.?[\w-]*skills?)"
                            r"(?![\w.-])")


def skill_places(dockerfile: str) -> list[str]:
    """Where the Dockerfile puts the task's skills, relative to the workspace
    (`COPY skills /root/.claude/skills` -> `.claude/skills`, `COPY skills /app/skills` ->
    `skills`, and the harness folders a `RUN cp` fills)."""
    places: list[str] = []
    for line in logical_lines(dockerfile):
        words = line.split()
        if len(words) >= 3 and words[0].upper() in ("COPY", "ADD") and \
                any(re.fullmatch(r"skill(s|\[s\])/?", w) for w in words[1:-1]):
            dest = words[-1]
            if re.match(r"^/(root|app|workspace)(/|$)", dest):
                places.append(re.sub(r"^/(root|app|workspace)/?", "", dest).strip("/"))
        elif words and words[0].upper() == "RUN":
            places += [m.group(1) for m in _SKILL_FOLDERS.finditer(line)]
    return [p for p in dict.fromkeys(places) if p and not p.startswith(("tmp", "."+"."))]



def write_reference(ht: HarborTask, ref: Path) -> None:
    """`REFERENCE/`: the solution folder as shipped, the task's skills (`skills/<name>/`),
    `skill-places.txt` (where the Dockerfile puts them), `harbor_reference.py` and `run.sh`,
    which runs the solution with the image's paths mapped (see `skillir.bench.harbor_reference`)."""
    assert ht.solution is not None
    shutil.copytree(ht.solution.parent, ref, dirs_exist_ok=True)
    for skill in ht.skills:
        shutil.copytree(skill, ref / "skills" / skill.name, dirs_exist_ok=True)
    dockerfile = ht.source / "environment" / "Dockerfile"
    places = skill_places(_read(dockerfile)) if dockerfile.is_file() else []
    (ref / "skill-places.txt").write_text("".join(p + "\n" for p in places), encoding="utf-8")
    helper = resources.files("skillir.bench").joinpath("harbor_reference.py")
    (ref / "harbor_reference.py").write_text(helper.read_text(encoding="utf-8"), encoding="utf-8")
    (ref / "run.sh").write_text(_REFERENCE_RUN, encoding="utf-8")
    (ref / "run.sh").chmod(0o755)


def skill_sha256(folder: Path) -> str:
    return hashlib.sha256((folder / "SKILL.md").read_bytes()).hexdigest()


def write_task(ht: HarborTask, dest: Path, *, skill_refs: list[str] | None = None,
               judge: bool = True, reward: str = "harbor") -> None:
    """Write the SkVM task folder for `ht` into the (new, empty) folder `dest`. Skills go to
    `dest/skills/<name>/` unless `skill_refs` (paths relative to `dest`, written by the
    caller) are given."""
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o755)
    for rel, f in ht.fixtures.items():
        target = dest / "fixtures" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
        if target.suffix in _CODE_FIXTURES:  # the image's paths in code the agent runs
            text = _read(target)
            if _workspace_paths(text) != text:
                target.write_text(_workspace_paths(text), encoding="utf-8")
    if skill_refs is None:
        skill_refs = []
        for folder in ht.skills:
            _copy_tree_text(folder, dest / "skills" / folder.name, rewrite_skill_paths)
            skill_refs.append(f"skills/{folder.name}")
    criteria: list[dict[str, Any]]
    if ht.has_grader:
        assert ht.tests is not None
        _copy_tree_text(ht.tests.parent, dest / "tests", lambda t: t)
        helper = resources.files("skillir.bench").joinpath("harbor_tests.py")
        (dest / "_harbor_tests.py").write_text(helper.read_text(encoding="utf-8"),
                                               encoding="utf-8")
        if reward not in REWARDS:
            raise SkillIRError(f"unknown reward '{reward}'", hint="use harbor or fraction")
        (dest / "grade.py").write_text(
            _GRADE_PY.format(id=ht.id, timeout=ht.verifier_timeout_s, reward=reward),
            encoding="utf-8")
        criteria = [{"method": "custom", "evaluatorId": "python-grade",
                     "id": "skillsbench-tests", "weight": 1.0,
                     "timeoutMs": int(ht.verifier_timeout_s * 1000)}]
        grading_type = "automated"
    else:
        criteria = [{"method": "llm-judge", "id": "judge", "weight": 1.0, "maxScore": 1,
                     "rubric": {"instruction": "The files in the work directory fulfil every "
                                "requirement of this task instruction:\n\n" + ht.prompt}}]
        grading_type = "llm_judge"
    if ht.solution is not None:
        write_reference(ht, dest / "REFERENCE")
    meta = ht.toml.get("metadata") or {}
    origin = {"source": "skillsbench", "file": str(ht.source),
              "notes": "imported by skillir.bench.skillsbench"}
    if ht.manifest:
        origin["repo"] = ht.manifest.get("mirror")
        origin["commit"] = ht.manifest.get("head")
    task = {
        "id": ht.id, "name": ht.id, "category": ht.category, "gradingType": grading_type,
        "prompt": ht.prompt, "timeoutMs": ht.timeout_ms, "maxSteps": MAX_STEPS,
        "eval": criteria, "skill": skill_refs or None, "origin": origin,
        "hostReady": ht.host_ready,
        "skillsbench": {"status": ht.status, "skipReasons": ht.skip_reasons,
                        "grading": ht.grading, "reference": ht.reference, "notes": ht.notes,
                        "tags": ht.tags, "requiredSkills": meta.get("required_skills") or [],
                        "distractorSkills": meta.get("distractor_skills") or [],
                        "environment": ht.toml.get("environment") or {},
                        "pythonEnvironment": ht.env.to_json(), "reward": reward},
    }
    if ht.difficulty:
        task["difficulty"] = ht.difficulty
    (dest / "task.json").write_text(json.dumps(task, indent=2) + "\n", encoding="utf-8")
    for p in dest.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)


def _source_digest(src: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(src.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(src).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    here = Path(__file__).resolve().parent
    for code in (Path(__file__), here / "harbor_env.py", here / "harbor_tests.py",
                 here / "harbor_reference.py",  # the importer, what it copies, its rules
                 here.parent / "data" / "skillsbench_rules.json"):
        h.update(code.read_bytes())
    return h.hexdigest()[:12]


def import_harbor_task(path: str | os.PathLike[str], dest: str | os.PathLike[str] | None = None,
                       *, reward: str = "harbor") -> tuple[HarborTask, Task]:
    """Import one Harbor task into `dest` (replaced if it exists; default: a cache folder
    `$SKILLIR_HOME/imports/skillsbench/<digest>/<id>/`, reused while the source and the
    importer are unchanged) and load it."""
    ht = analyze_harbor_task(path)
    if dest is None:
        from skillir.runtime.config import skillir_home

        digest = _source_digest(ht.source) + ("" if reward == "harbor" else f"-{reward}")
        target = skillir_home() / "imports" / "skillsbench" / digest / ht.id
        if not (target / "task.json").is_file():
            with atomic_directory(target, force=True) as tmp:
                write_task(ht, tmp, reward=reward)
            for parent in (target.parent, target.parent.parent):
                parent.chmod(0o755)
    else:
        target = Path(dest)
        with atomic_directory(target, force=True) as tmp:
            write_task(ht, tmp, reward=reward)
    task_json = target / "task.json"
    data = json.loads(task_json.read_text(encoding="utf-8"))
    return ht, load_task_data(data, target, source=str(task_json), check_id=False)


def import_skillsbench(root: str | os.PathLike[str], out: str | os.PathLike[str], *,
                       force: bool = False) -> list[HarborTask]:
    """Import every Harbor task under `root` into `out/tasks/<id>/`, with one shared
    `out/skills/` folder (deduplicated by SKILL.md SHA-256)."""
    tasks = [analyze_harbor_task(p) for p in find_harbor_tasks(root)]
    with atomic_directory(out, force=force) as tmp:
        tmp.chmod(0o755)
        by_hash: dict[str, str] = {}
        taken: set[str] = set()
        for ht in tasks:
            refs = []
            for folder in ht.skills:
                digest = skill_sha256(folder)
                name = by_hash.get(digest)
                if name is None:
                    name = folder.name if folder.name not in taken else f"{folder.name}-{ht.id}"
                    taken.add(name)
                    by_hash[digest] = name
                    _copy_tree_text(folder, tmp / "skills" / name, rewrite_skill_paths)
                refs.append(f"../../skills/{name}")
            write_task(ht, tmp / "tasks" / ht.id, skill_refs=refs)
        for p in tmp.rglob("*"):
            if p.is_dir():
                p.chmod(0o755)
    return tasks


def require_runnable(ht: HarborTask, *, judge_model: str | None) -> None:
    """Raise `HarborNotRunnable` unless skill-run can run and score `ht` here."""
    if not ht.host_ready:
        raise HarborNotRunnable(ht, "skipped: " + "; ".join(ht.skip_reasons),
                                hint="it needs its Docker environment")
    if not ht.has_grader and not judge_model:
        raise HarborNotRunnable(
            ht, f"cannot be scored: no grader ({ht.grading})",
            hint="pass --judge-model PROVIDER/MODEL to grade it with an LLM judge")


# -- listing ------------------------------------------------------------------------------
def listing(root: str | os.PathLike[str]) -> list[HarborTask]:
    """Every Harbor task under `root`, analysed; a task that cannot be read is reported as
    skipped with the error, never raised."""
    out = []
    for p in find_harbor_tasks(root):
        try:
            out.append(analyze_harbor_task(p))
        except (SkillIRError, OSError, ValueError) as exc:
            why = exc.message if isinstance(exc, SkillIRError) else one_line(exc)
            out.append(HarborTask(id=p.name, source=p, prompt="", category="", difficulty=None,
                                  tags=[], timeout_ms=0, verifier_timeout_s=0, fixtures={},
                                  skills=[], tests=None, test_count=0, solution=None,
                                  skip_reasons=[f"cannot be imported: {why}"],
                                  notes=[], grading="none", reference="none"))
    return out


def format_listing(tasks: list[HarborTask]) -> str:
    width = max((len(t.id) for t in tasks), default=10)
    lines = []
    for t in tasks:
        status = {"runnable": "runnable", "skipped": "skipped", "no-grader": "no grader"}[
            t.status]
        if t.status == "skipped":
            detail = "; ".join(t.skip_reasons)
        elif t.status == "no-grader":
            detail = f"{t.grading} (runs only with --judge-model)"
        else:
            detail = t.grading
        lines.append(f"{t.id:<{width}}  {status:<9}  {detail}")
        lines.append(f"{'':<{width}}  {'':<9}  reference: {t.reference}")
    counts = {s: sum(t.status == s for t in tasks) for s in ("runnable", "skipped", "no-grader")}
    lines.append(f"{len(tasks)} tasks: {counts['runnable']} runnable, {counts['skipped']} "
                 f"skipped, {counts['no-grader']} without a grader")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m skillir.bench.skillsbench",
                                description="List or import SkillsBench (Harbor) tasks.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ls = sub.add_parser("list", help="each task's status: runnable, skipped (why), no grader")
    ls.add_argument("root", help="a Harbor task folder, or a folder whose tasks/ holds them")
    ls.add_argument("--json", action="store_true", help="one JSON object per task")
    imp = sub.add_parser("import", help="write SkVM task folders (tasks/<id>, skills/)")
    imp.add_argument("root")
    imp.add_argument("out")
    imp.add_argument("--force", action="store_true", help="replace an existing OUT folder")
    args = p.parse_args(argv)
    try:
        if args.cmd == "list":
            tasks = listing(args.root)
            if args.json:
                print(json.dumps([t.to_json() for t in tasks], indent=2))
            else:
                print(format_listing(tasks))
            return 0
        tasks = import_skillsbench(args.root, args.out, force=args.force)
        print(format_listing(tasks))
        print(f"written to {args.out}")
        return 0
    except SkillIRError as exc:
        print(f"skillsbench: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
