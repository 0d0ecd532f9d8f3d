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

It starts only what can apply, and remembers:

- no pip dependency, no Python process (the interpreter's version and venv facts come
  from the user cache when an earlier probe saw them, else stay empty);
- a check made only of `has_cmd X` and `has_env X` (joined by `&&`/`||`) is answered
  in-process (`shutil.which` on this PATH, `os.environ`), exactly as bash would: no bash;
- answers are cached per process, and on disk (`skillir.usercache`) under a freshness
  rule: a pip answer is keyed by the interpreter, its mtime and the mtimes of the
  folders on its `sys.path` (installing or removing a package changes them), a tool
  answer by PATH and the mtimes of its folders (npm `local` checks also by the folder);
  every disk answer expires after `DISK_TTL` seconds. Services (env vars, running
  servers) are never cached: they change without touching any file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

from skillir.deps.commands import PRELUDE
from skillir.deps.model import Dependency, Note

DEFAULT_TIMEOUT = 10.0
DISK_TTL = 3600.0
"""Seconds a probe answer kept on disk stays good even when no key part changed."""
FACTS_TTL = 600.0
"""Seconds the interpreter facts (version, venv, sys.path) kept on disk stay good
(a pyenv shim can switch interpreters without any file of ours changing)."""
_DISK_KIND = "probe-v1"

_PY_PROBE = r"""
import json, sys
from importlib import metadata, util
out = {"python": sys.executable, "version": sys.version.split()[0],
       "venv": sys.prefix != sys.base_prefix, "path": [p for p in sys.path if p], "deps": {}}
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
_CACHE_FACTS: dict[str, dict] = {}


@dataclass
class ProbeReport:
    facts: dict[str, object] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def clear_cache() -> None:
    """Forget this process's answers (the disk cache keeps its own, under its freshness rule)."""
    _CACHE.clear()
    _CACHE_FACTS.clear()


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
        "platform": _platform(),
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


def _platform() -> str:
    """`linux-x86_64`: from os.uname where there is one (the `platform` module costs ~5 ms to import)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        info = uname()
        return f"{info.sysname.lower()}-{info.machine}"
    import platform

    return f"{platform.system().lower()}-{platform.machine()}"


# ---------------------------------------------------------------------------------------
# the disk cache and its freshness keys


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _interpreter_key(interpreter: str) -> str:
    """What the interpreter facts depend on: the file, its target and mtime, and what a
    shim (pyenv, a venv's activate) reads from the environment and the folder."""
    from skillir import usercache

    real = os.path.realpath(interpreter)
    env = tuple(os.environ.get(k, "") for k in ("PATH", "PYENV_VERSION", "VIRTUAL_ENV", "CONDA_PREFIX"))
    return usercache.key_digest("facts", interpreter, real, _mtime(interpreter), _mtime(real), env, os.getcwd())


def _disk_facts(interpreter: str) -> dict | None:
    from skillir import usercache

    found = usercache.get(_DISK_KIND, _interpreter_key(interpreter))
    return found if isinstance(found, dict) else None


def _pip_key(interpreter: str, paths: list[str], check: str) -> str:
    from skillir import usercache

    return usercache.key_digest("pip", interpreter, _mtime(interpreter), check,
                                tuple((p, _mtime(p)) for p in paths))


def _tool_key(kind: str, check: str, cwd: str | None) -> str:
    from skillir import usercache

    path = os.environ.get("PATH", "")
    folders = tuple((d, _mtime(d)) for d in path.split(os.pathsep) if d)
    where = os.path.abspath(cwd or os.getcwd()) if kind == "npm" else ""
    return usercache.key_digest("tool", kind, check, path, folders, where, os.environ.get("HOME", ""))


# ---------------------------------------------------------------------------------------
# pip: one process of the target interpreter, only when something is not known


def _probe_python(interpreter: str, deps: list[Dependency], timeout: float, cache: bool,
                  facts: dict[str, object], report: ProbeReport) -> None:
    from skillir import usercache

    known = _CACHE_FACTS.get(interpreter) if cache else None
    if known is None and cache:
        known = _disk_facts(interpreter)
    if known is not None:
        facts["python_version"], facts["venv"] = str(known.get("version", "")), bool(known.get("venv"))
    todo = []
    for dep in deps:
        hit = _CACHE.get((interpreter, "pip " + dep.check)) if cache else None
        if hit is None and cache and known is not None:
            disk = usercache.get(_DISK_KIND, _pip_key(interpreter, list(known.get("path", [])), dep.check))
            if isinstance(disk, list) and len(disk) == 2:
                hit = (bool(disk[0]), str(disk[1]))
                _CACHE[(interpreter, "pip " + dep.check)] = hit
        if hit is not None:
            dep.present, dep.version = hit
        else:
            todo.append(dep)
    if not todo:
        return  # nothing to ask: no process (with no pip dependency at all, never one)
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
    if not isinstance(data, dict) or not isinstance(data.get("deps"), dict):
        if not report.notes:
            report.notes.append(Note("SKILL.md", 0, "probe", f"the Python probe ({interpreter}) gave no answer"))
        return
    facts["python_version"] = str(data.get("version", ""))
    facts["venv"] = bool(data.get("venv"))
    paths = [p for p in data.get("path", []) if isinstance(p, str)]
    known = {"version": facts["python_version"], "venv": facts["venv"], "path": paths}
    _CACHE_FACTS[interpreter] = known
    if cache:
        usercache.put(_DISK_KIND, _interpreter_key(interpreter), known, ttl=FACTS_TTL)
    for dep in todo:
        present, version = data["deps"].get(dep.name, [False, ""])
        dep.present, dep.version = bool(present), str(version or "")
        _CACHE[(interpreter, "pip " + dep.check)] = (dep.present, dep.version)
        if cache:
            usercache.put(_DISK_KIND, _pip_key(interpreter, paths, dep.check), [dep.present, dep.version],
                          ttl=DISK_TTL)


# ---------------------------------------------------------------------------------------
# tools, npm packages, services: in-process when the check allows, else one bash process

_BASH_BUILTINS = frozenset(
    "alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs "
    "disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let "
    "local logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt "
    "source suspend test times trap true type typeset ulimit umask unalias unset wait "
    "has_cmd has_env dpkg_has py_has mcp_has npm_has".split()
)
"""Names `command -v` finds without PATH (bash builtins, and the prelude's own functions)."""


def _in_process(check: str) -> bool | None:
    """The answer of a check made only of `has_cmd WORD` / `has_env WORD` joined by `&&`
    and `||` (bash: left to right, equal precedence), or None when bash must run it."""
    import shlex

    try:
        words = shlex.split(check)
    except ValueError:
        return None
    if not words:
        return None
    value: bool | None = None
    op = ""
    i = 0
    while i < len(words):
        if i + 1 >= len(words) or words[i] not in ("has_cmd", "has_env"):
            return None
        fn, arg = words[i], words[i + 1]
        if fn == "has_cmd":
            result = arg in _BASH_BUILTINS or shutil.which(arg) is not None
        else:
            result = bool(os.environ.get(arg, ""))
        value = result if value is None else (value and result if op == "&&" else value or result)
        i += 2
        if i < len(words):
            if words[i] not in ("&&", "||"):
                return None
            op = words[i]
            i += 1
            if i >= len(words):
                return None
    return value


def _probe_shell(interpreter: str, deps: list[Dependency], timeout: float, cache: bool, cwd: str | None,
                 report: ProbeReport) -> None:
    from skillir import usercache

    todo = []
    for dep in deps:
        answer = _in_process(dep.check)
        if answer is not None:
            dep.present = answer
            continue
        # npm `local` checks depend on the folder; services on this process's environment
        key = (interpreter, f"{dep.kind} {cwd or ''} {dep.check}")
        hit = _CACHE.get(key) if cache and dep.kind != "service" else None
        if hit is None and cache and dep.kind != "service":
            disk = usercache.get(_DISK_KIND, _tool_key(dep.kind, dep.check, cwd))
            if isinstance(disk, bool):
                hit = (disk, "")
                _CACHE[key] = hit
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
            if cache:
                usercache.put(_DISK_KIND, _tool_key(dep.kind, dep.check, cwd), dep.present, ttl=DISK_TTL)


def host_summary(facts: dict[str, object]) -> str:
    return (f"{facts.get('platform')} python {facts.get('python_version')} at {facts.get('python')}"
            f"{' (venv)' if facts.get('venv') else ''}; managers: {', '.join(facts.get('managers', []))}")  # type: ignore[arg-type]
