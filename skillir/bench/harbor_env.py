"""A SkillsBench (Harbor) task's environment without Docker: what its Dockerfile installs,
rebuilt as an isolated, cached Python environment on this host.

    spec = env_spec(dockerfile_text, env_dir)      # pip and apt lines, read not run
    spec.missing_apt()                              # Debian packages this host lacks
    python = prepare_env(spec)                      # <cache>/harbor-envs/<digest>/bin/python

Only what a Dockerfile says in `RUN` lines is read: `pip install` / `pip3 install` /
`python -m pip install` / `uv pip install` (arguments and `-r requirements.txt` from the
environment folder) and `apt-get install` / `apt install`. Everything else a Dockerfile can
do (other installers, `curl | sh`, building from source) is listed in `unsupported`, which the
importer turns into a reason the task is skipped here.

The environment is a virtual environment of its own (never the host interpreter, never
SkillIR's own venv) built once per set of requirements under the user cache
(`$SKILLIR_CACHE/harbor-envs/`, see `skillir.usercache`) with pytest added for the task's
tests; concurrent runs wait on a lock, and a build that failed or was interrupted is never
used (it has no `.complete` marker) and is rebuilt. Building needs the package index (the
registries); running a task with a built environment needs no network. Apt packages cannot
be installed into an isolated environment: they must already be on the host, else the task
is skipped with their names.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from skillir.errors import SkillIRError

ENV_VERSION = 2  # 2: apt-get/apt shims in bin/
PYTEST_PIN = "pytest==9.2.0"
BUILD_TIMEOUT_S = 900.0
COMPLETE = ".complete"

_INSTALLERS = re.compile(
    r"^(?:sudo\s+)?(?:(?:python3?(?:\.\d+)?\s+-m\s+)?pip3?|uv\s+pip)\s+install\b(?P<args>.*)$")
_APT = re.compile(r"^(?:sudo\s+)?(?:apt-get|apt)\s+(?:-\S+\s+)*install\b(?P<args>.*)$")
_OTHER_INSTALLERS = re.compile(
    r"\b(conda|mamba|micromamba|npm|yarn|pnpm|cargo|gem|go\s+install|apk|yum|dnf|"
    r"R\s+-e|Rscript|install\.packages|curl|wget)\b")
_PIP_OPTS_WITH_VALUE = {"-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                        "-c", "--constraint", "--target", "-t", "--prefix", "--root",
                        "--platform", "--python-version", "--trusted-host"}
_NOISE = {"apt-get", "update", "upgrade", "rm", "clean", "autoremove", "mkdir", "cd", "echo",
          "ln", "chmod", "chown", "cp", "mv", "true", "export", "touch", "useradd", "set"}


@dataclass
class EnvSpec:
    """What a task's Dockerfile installs, as read from it."""

    pip: list[str] = field(default_factory=list)
    apt: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    base_image: str | None = None

    def digest(self) -> str:
        text = "\n".join([f"v{ENV_VERSION}", sys.version.split()[0], PYTEST_PIN,
                          *sorted(self.pip)])
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def missing_apt(self) -> list[str]:
        """The apt packages that are not installed on this host (dpkg's view)."""
        if not self.apt:
            return []
        if shutil.which("dpkg-query") is None:
            return list(self.apt)
        missing = []
        for name in self.apt:
            pkg = name.split("=", 1)[0]
            proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg],
                                  capture_output=True, text=True, timeout=30, check=False)
            if "install ok installed" not in proc.stdout:
                missing.append(pkg)
        return missing

    def to_json(self) -> dict[str, object]:
        return {"pip": self.pip, "apt": self.apt, "unsupported": self.unsupported,
                "base_image": self.base_image}


def logical_lines(text: str) -> list[str]:
    """A Dockerfile's or script's lines with continuations joined and comment lines dropped."""
    # a Dockerfile's comment lines end nothing, even inside a continued RUN: drop them first
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return re.sub(r"\\\r?\n", " ", "\n".join(kept)).splitlines()


def _commands(run: str) -> list[str]:
    return [c.strip() for c in re.split(r"&&|\|\||;", run) if c.strip()]


def _pip_args(args: str, env_dir: Path | None, spec: EnvSpec) -> None:
    try:
        words = shlex.split(args)
    except ValueError:
        spec.unsupported.append(f"pip install{args} (cannot be split into words)")
        return
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in ("-r", "--requirement"):
            skip = True
            req = words[i + 1] if i + 1 < len(words) else ""
            _requirements_file(req, env_dir, spec)
            continue
        if word in _PIP_OPTS_WITH_VALUE:
            skip = True
            continue
        if word.startswith("-"):
            continue
        if re.match(r"^(\d*[<>]|[|&])", word) or any(c in word for c in "$`"):
            break  # a redirection or a variable ends the package list (`2>/dev/null`)
        if word.startswith((".", "/", "git+", "http:", "https:")) or word.endswith((".whl", ".tar.gz")):
            spec.unsupported.append(f"pip install {word} (a local path or URL)")
            continue
        spec.pip.append(word)


def _requirements_file(name: str, env_dir: Path | None, spec: EnvSpec) -> None:
    base = Path(name).name
    candidates = [env_dir / name.lstrip("/"), env_dir / base] if env_dir else []
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        spec.unsupported.append(f"pip install -r {name} (the file is not in environment/)")
        return
    for line in found.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            _pip_args(" " + line, env_dir, spec)


def env_spec(dockerfile: str, env_dir: Path | None = None) -> EnvSpec:
    """Read the pip and apt installs of a Dockerfile (nothing is run)."""
    spec = EnvSpec()
    for line in logical_lines(dockerfile):
        stripped = line.strip()
        head, _, rest = stripped.partition(" ")
        if head.upper() == "FROM" and spec.base_image is None:
            spec.base_image = rest.split()[0] if rest.split() else None
        if head.upper() != "RUN":
            continue
        for command in _commands(rest):
            pip = _INSTALLERS.match(command)
            apt = _APT.match(command)
            if pip:
                _pip_args(pip.group("args"), env_dir, spec)
            elif apt:
                spec.apt.extend(w for w in shlex.split(apt.group("args"))
                                if not w.startswith("-"))
            elif _OTHER_INSTALLERS.search(command) and command.split()[0] not in _NOISE:
                spec.unsupported.append(command[:120])
    spec.pip = list(dict.fromkeys(p for p in spec.pip if package_name(p) not in _TEST_TOOLING))
    spec.apt = list(dict.fromkeys(spec.apt))
    return spec


_UVX_WITH = re.compile(r"^(?:uvx|uv\s+(?:tool\s+)?run)\b")
_TEST_TOOLING = {"pytest", "pytest-json-ctrf", "pytest-json-report", "uv", "pip", "setuptools",
                 "wheel"}
"""Packages a task's scripts install that the environment never takes: our pinned pytest runs
the tests (another pytest pin would clash with it), its report plugins and installers."""


def package_name(requirement: str) -> str:
    """`NumPy[extra]==1.2` -> `numpy` (PEP 503 normalised, version and extras dropped)."""
    name = re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def script_installs(script: str, env_dir: Path | None = None) -> EnvSpec:
    """What a task's shell script (solution/solve.sh, tests/test.sh) installs as it runs: its
    `pip install`, `uv pip install` and `uvx --with PKG` packages and its `apt-get install`
    packages (read, never run). Harbor runs these scripts in a container with the network;
    here they run offline, so the packages are put into the task's environment beforehand."""
    spec = EnvSpec()
    for line in logical_lines(script):
        for command in _commands(line):
            words = command.split()
            while words and (words[0] == "sudo" or "=" in words[0]):  # `sudo`, `VAR=x cmd`
                words = words[1:]
            command = " ".join(words)
            pip = _INSTALLERS.match(command)
            apt = _APT.match(command)
            if pip:
                _pip_args(pip.group("args"), env_dir, spec)
            elif apt:
                spec.apt.extend(w for w in apt.group("args").split()
                                if not w.startswith("-") and re.match(r"^[a-z0-9][\w.+:=-]*$", w))
            elif _UVX_WITH.match(command):
                try:
                    argv = shlex.split(command)
                except ValueError:
                    continue
                spec.pip.extend(argv[i + 1] for i, w in enumerate(argv[:-1]) if w == "--with")
    spec.pip = list(dict.fromkeys(p for p in spec.pip if package_name(p) not in _TEST_TOOLING))
    spec.apt = list(dict.fromkeys(spec.apt))
    spec.unsupported = []  # a script's other commands are its own business
    return spec


def merged_pip(*groups: list[str]) -> list[str]:
    """The packages of several sources, one requirement per package: the first source that
    names a package decides its version (the Dockerfile before the solution and the tests)."""
    seen: dict[str, str] = {}
    for group in groups:
        for req in group:
            seen.setdefault(package_name(req), req)
    return list(seen.values())


_APT_SHIM = """#!/bin/sh
# SkillIR: a SkillsBench task runs here without Docker, without root and without the network.
# The Debian packages it needs come from this host (checked when the task was imported), so
# `apt-get update` does nothing and `apt-get install P...` succeeds only when every P is
# installed on this host.
cmd=""; pkgs=""; skip=""
for a in "$@"; do
  if [ -n "$skip" ]; then skip=""; continue; fi
  case "$a" in
    -o|-t|-c) skip=1 ;;
    -*) ;;
    *) if [ -z "$cmd" ]; then cmd="$a"; else pkgs="$pkgs ${a%%=*}"; fi ;;
  esac
done
case "$cmd" in
  install)
    missing=""
    for p in $pkgs; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \\
        || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
      echo "E: not installed on this host (SkillIR runs SkillsBench tasks without Docker):$missing" >&2
      exit 100
    fi
    echo "(SkillIR) already installed on this host:$pkgs"; exit 0 ;;
  update|upgrade|clean|autoclean|autoremove|"") exit 0 ;;
  *) echo "E: apt-get $cmd is not available in this task environment (no root, no network)" >&2
     exit 100 ;;
esac
"""


def _install_shims(folder: Path) -> None:
    for name in ("apt-get", "apt"):
        shim = folder / "bin" / name
        shim.write_text(_APT_SHIM, encoding="utf-8")
        shim.chmod(0o755)


def envs_root() -> Path:
    from skillir.usercache import cache_root

    root = cache_root()
    if root is None:  # the cache is off: a per-user folder all the same (envs are big)
        root = Path(os.path.expanduser("~")) / ".cache" / "skillir"
    return root / "harbor-envs"


def env_python(spec: EnvSpec) -> Path | None:
    """The built environment's interpreter, or None when it is not built (yet)."""
    folder = envs_root() / spec.digest()
    return folder / "bin" / "python" if (folder / COMPLETE).is_file() else None


def prepare_env(spec: EnvSpec, *, timeout_s: float = BUILD_TIMEOUT_S) -> Path:
    """Build (once) the task's environment and return its `bin/python`."""
    ready = env_python(spec)
    if ready is not None:
        return ready
    root = envs_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / spec.digest()
    with open(root / f"{spec.digest()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build; the others wait and then reuse it
        ready = env_python(spec)
        if ready is not None:
            return ready
        shutil.rmtree(folder, ignore_errors=True)  # a failed or interrupted build
        deadline = time.monotonic() + timeout_s
        try:
            _run([sys.executable, "-m", "venv", str(folder)], deadline, "create the venv")
            python = folder / "bin" / "python"
            _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                  "--no-input", PYTEST_PIN, *spec.pip], deadline,
                 "install " + " ".join(spec.pip or ["pytest"]))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _install_shims(folder)
        (folder / "requirements.txt").write_text("\n".join(spec.pip) + "\n", encoding="utf-8")
        (folder / COMPLETE).write_text("ok\n", encoding="utf-8")
        return python


def _run(cmd: list[str], deadline: float, what: str) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise SkillIRError(f"building the task environment timed out before it could {what}",
                           hint="raise the timeout, or check the package index is reachable")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=left, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SkillIRError(f"building the task environment timed out ({what})",
                           hint="check the package index is reachable") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[-1]
        raise SkillIRError(f"cannot build the task environment: {what}: {last[:300]}",
                           hint="check the Dockerfile's package names and versions")
