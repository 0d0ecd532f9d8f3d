"""The presence probe: does this machine have each dependency? The checks really run.

- pip dependencies: one subprocess of the target interpreter asks
  `importlib.metadata` for each distribution (and its version), falling back to
  `importlib.util.find_spec` for the modules the skill imports (a different
  distribution may provide them: opencv-python-headless for cv2);
- npm, system and service dependencies: one bash process runs each dependency's own
  check line (`has_cmd pdftotext`, `npm_has global clawdhub`, `has_env KAGI_API_KEY`)
  with the helpers of `skillir.deps.commands.PRELUDE`, the same lines env-setup.sh
  runs;
- each process has a timeout; a dependency the probe could not decide keeps
  `present` unset and gets a `probe` note.

Results are cached per process (same interpreter, same check line): compiling many
skills or harnesses asks the machine once per dependency.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

from skillir.deps.commands import PRELUDE
from skillir.deps.model import Dependency, Note

DEFAULT_TIMEOUT = 10.0

_PY_PROBE = r"""
import json, sys
from importlib import metadata, util
out = {"python": sys.executable, "version": sys.version.split()[0],
       "venv": sys.prefix != sys.base_prefix, "deps": {}}
for dist, modules in json.loads(sys.argv[1]):
    try:
        out["deps"][dist] = [True, metadata.version(dist)]
        continue
    except metadata.PackageNotFoundError:
        pass
    except Exception:
        pass
    ok = bool(modules)
    for name in modules:
        try:
            ok = ok and util.find_spec(name) is not None
        except Exception:
            ok = False
    out["deps"][dist] = [ok, ""]
print(json.dumps(out))
"""

_MANAGERS = ("apt-get", "dpkg", "brew", "npm", "node", "pip3", "uv", "conda")

_CACHE: dict[tuple[str, str], tuple[bool, str]] = {}


@dataclass
class ProbeReport:
    facts: dict[str, object] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def clear_cache() -> None:
    _CACHE.clear()


def resolve_python(python: str = "") -> str:
    """The interpreter the skill's Python will run on: `python`, else $PYTHON, else
    python3 on PATH, else this interpreter."""
    for candidate in (python, os.environ.get("PYTHON", ""), "python3"):
        if candidate:
            found = shutil.which(candidate)
            if found:
                return found
    return sys.executable


def probe(deps: list[Dependency], *, python: str = "", timeout: float = DEFAULT_TIMEOUT,
          cache: bool = True, cwd: str | None = None) -> ProbeReport:
    """Set `present` (and `version`) on each dependency; return the host facts."""
    start = time.perf_counter()
    report = ProbeReport()
    interpreter = resolve_python(python)
    facts: dict[str, object] = {
        "python": interpreter,
        "python_version": "",
        "platform": f"{platform.system().lower()}-{platform.machine()}",
        "managers": [m for m in _MANAGERS if shutil.which(m)],
        "root": hasattr(os, "geteuid") and os.geteuid() == 0,
        "venv": False,
    }
    _probe_python(interpreter, [d for d in deps if d.kind == "pip"], timeout, cache, facts, report)
    _probe_shell(interpreter, [d for d in deps if d.kind != "pip"], timeout, cache, cwd, report)
    facts["checked"] = sum(1 for d in deps if d.present is not None)
    facts["missing"] = sum(1 for d in deps if d.present is False)
    facts["duration_ms"] = int((time.perf_counter() - start) * 1000)
    report.facts = facts
    return report


def _probe_python(interpreter: str, deps: list[Dependency], timeout: float, cache: bool,
                  facts: dict[str, object], report: ProbeReport) -> None:
    todo = []
    for dep in deps:
        hit = _CACHE.get((interpreter, "pip " + dep.check)) if cache else None
        if hit is not None:
            dep.present, dep.version = hit
        else:
            todo.append(dep)
    cached_facts = _CACHE.get((interpreter, "facts")) if cache else None
    if not todo and cached_facts is not None:
        facts["python_version"], facts["venv"] = cached_facts[1], cached_facts[0]
        return
    payload = json.dumps([[d.name, list(d.modules)] for d in todo])
    try:
        done = subprocess.run([interpreter, "-c", _PY_PROBE, payload], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        data = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 and done.stdout.strip() else None
    except subprocess.TimeoutExpired:
        data = None
        report.notes.append(Note("SKILL.md", 0, "probe", f"the Python probe ({interpreter}) timed out after {timeout:g} s"))
    except (OSError, ValueError) as exc:
        data = None
        report.notes.append(Note("SKILL.md", 0, "probe", f"the Python probe ({interpreter}) failed: {exc}"))
    if data is None:
        if todo and not report.notes:
            report.notes.append(Note("SKILL.md", 0, "probe", f"the Python probe ({interpreter}) gave no answer"))
        return
    facts["python_version"] = data.get("version", "")
    facts["venv"] = bool(data.get("venv"))
    _CACHE[(interpreter, "facts")] = (bool(data.get("venv")), str(data.get("version", "")))
    for dep in todo:
        present, version = data["deps"].get(dep.name, [False, ""])
        dep.present, dep.version = bool(present), str(version or "")
        _CACHE[(interpreter, "pip " + dep.check)] = (dep.present, dep.version)


def _probe_shell(interpreter: str, deps: list[Dependency], timeout: float, cache: bool, cwd: str | None,
                 report: ProbeReport) -> None:
    todo = []
    for dep in deps:
        # npm `local` checks depend on the folder; services on this process's environment
        key = (interpreter, f"{dep.kind} {cwd or ''} {dep.check}")
        hit = _CACHE.get(key) if cache and dep.kind != "service" else None
        if hit is not None:
            dep.present = hit[0]
        else:
            todo.append(dep)
    if not todo:
        return
    lines = [PRELUDE]
    for index, dep in enumerate(todo):
        lines.append(f"if {dep.check}; then echo 'probe {index} 1'; else echo 'probe {index} 0'; fi")
    env = dict(os.environ, PYTHON=interpreter)
    output = ""
    try:
        done = subprocess.run(["bash", "-c", "\n".join(lines)], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        output = done.stdout
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        output = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        report.notes.append(Note("SKILL.md", 0, "probe", f"the tool probe timed out after {timeout:g} s"))
    except OSError as exc:
        report.notes.append(Note("SKILL.md", 0, "probe", f"the tool probe could not run bash: {exc}"))
        return
    answers: dict[int, bool] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "probe" and parts[1].isdigit():
            answers[int(parts[1])] = parts[2] == "1"
    for index, dep in enumerate(todo):
        if index not in answers:
            report.notes.append(Note("SKILL.md", 0, "probe", f"{dep.label()}: the probe could not tell"))
            continue
        dep.present = answers[index]
        if dep.kind != "service":
            _CACHE[(interpreter, f"{dep.kind} {cwd or ''} {dep.check}")] = (dep.present, "")


def host_summary(facts: dict[str, object]) -> str:
    return (f"{facts.get('platform')} python {facts.get('python_version')} at {facts.get('python')}"
            f"{' (venv)' if facts.get('venv') else ''}; managers: {', '.join(facts.get('managers', []))}")  # type: ignore[arg-type]
