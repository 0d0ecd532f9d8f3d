"""env-setup.sh: strict mode, check-then-install, idempotent, never sudo, apt-get
update only when allowed, pip into the active venv, a clear summary, exit codes.

`test_real_install_twice_in_a_scratch_venv` installs a real package from PyPI
(tomli-w: one small pure-Python wheel) into a fresh venv, then runs the script again
and checks that nothing changed. Set SKILLIR_OFFLINE=1 to skip it without network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skillir.deps.commands import bind_commands
from skillir.deps.model import Dependency, Evidence
from skillir.deps.runner import run_env_setup
from skillir.deps.script import generate
from skillir.envbind.extract import extract_skill
from skillir.envbind.ir import setup_script_of
from skillir.frontend.skill_md import load_skill, parse_markdown
from skillir.pipeline import PassManager

SKILLS = Path(__file__).resolve().parents[1] / "data" / "env_skills"
EV = [Evidence("SKILL.md", 3, "import", "x")]


def dep(kind: str, name: str, optional: bool = False, **fields) -> Dependency:
    evidence = [Evidence(e.file, e.line, e.via, e.text, e.confidence, optional) for e in EV]
    return bind_commands(Dependency(kind, name, evidence=evidence, **fields))


def write(tmp_path: Path, text: str, name: str = "env-setup.sh") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def code_lines(script: str) -> list[str]:
    return [ln for ln in script.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_script_shape_and_safety(tmp_path):
    deps = [dep("pip", "pypdf", modules=("pypdf",)), dep("system", "qpdf", bins=("qpdf",), apt="qpdf", brew="qpdf"),
            dep("npm", "resend", scope="local"), dep("service", "ACME_API_KEY")]
    script = generate("demo", deps)
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in script
    assert subprocess.run(["bash", "-n", str(write(tmp_path, script))]).returncode == 0
    code = "\n".join(code_lines(script))
    assert not re.search(r"(^|[;&|(]\s*)sudo\b", code, re.MULTILINE)
    assert "upgrade" not in code
    assert 'ALLOW_APT_UPDATE="${SKILLIR_ALLOW_APT_UPDATE:-0}"' in script
    assert 'ALLOW_APT_UPDATE="${SKILLIR_ALLOW_APT_UPDATE:-1}"' in generate("demo", deps, allow_apt_update=True)
    assert '"$PY" -m pip install' in script and 'PY="${PYTHON:-python3}"' in script
    # order: system tools before pip, npm, services; one check-then-install block each
    positions = [script.index(f"# {label}") for label in
                 ("system:qpdf", "pip:pypdf", "npm:resend", "service:ACME_API_KEY")]
    assert positions == sorted(positions)
    assert generate("demo", deps) == generate("demo", list(reversed(deps)))


def test_no_dependencies_gives_a_trivial_script(tmp_path):
    result = run_env_setup(write(tmp_path, generate("empty", [])), tmp_path)
    assert result.ok and "declares no dependencies" in result.output


def test_present_dependencies_install_nothing(tmp_path):
    deps = [dep("system", "bash", bins=("bash",)), dep("pip", "pyyaml", modules=("yaml",))]
    env = dict(os.environ, PYTHON=sys.executable)
    result = run_env_setup(write(tmp_path, generate("s", deps)), tmp_path, env=env)
    assert result.ok, result.output
    assert "ok         system:bash" in result.output and "ok         pip:pyyaml" in result.output
    assert "summary: 2 present, 0 installed, 0 missing" in result.output


def test_required_missing_fails_with_a_summary_optional_does_not(tmp_path):
    tool = dep("system", "no-such-tool-skillir", bins=("no-such-tool-skillir",))
    assert tool.install == ""
    optional = dep("system", "other-missing-skillir", optional=True, bins=("other-missing-skillir",))
    service = dep("service", "SKILLIR_UNSET_API_KEY")
    env = {k: v for k, v in os.environ.items() if k != "SKILLIR_UNSET_API_KEY"}
    result = run_env_setup(write(tmp_path, generate("s", [optional])), tmp_path, env=env)
    assert result.ok and "optional, still missing: system:other-missing-skillir" in result.output
    result = run_env_setup(write(tmp_path, generate("s", [tool, optional, service])), tmp_path, env=env)
    assert not result.ok and result.exit_code == 1
    assert "MISSING    system:no-such-tool-skillir (required): install no-such-tool-skillir by hand" in result.output
    assert "set SKILLIR_UNSET_API_KEY in the environment" in result.output
    assert "required, still missing: system:no-such-tool-skillir service:SKILLIR_UNSET_API_KEY" in result.output


def test_check_mode_installs_nothing(tmp_path):
    missing = dep("pip", "surely-not-installed-skillir-xyz", modules=("surely_not_installed_skillir_xyz",))
    env = dict(os.environ, PYTHON=sys.executable)
    result = run_env_setup(write(tmp_path, generate("s", [missing])), tmp_path, check_only=True, env=env)
    assert result.exit_code == 1
    assert "not installed (--check: nothing installed)" in result.output
    bad = subprocess.run(["bash", str(tmp_path / "env-setup.sh"), "--bogus"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown argument" in bad.stderr


def test_pip_failure_is_reported_not_fatal(tmp_path):
    venv = tmp_path / "nopip"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    deps = [dep("pip", "tomli-w", modules=("tomli_w",)), dep("system", "bash", bins=("bash",))]
    env = dict(os.environ, PYTHON=str(venv / "bin" / "python"))
    result = run_env_setup(write(tmp_path, generate("s", deps)), tmp_path, env=env)
    assert result.exit_code == 1
    assert "pip is not available" in result.output
    assert "ok         system:bash" in result.output  # the other checks still ran


def _fake_bin(tmp_path: Path, uid: int) -> Path:
    """A PATH front with fake `id` and `apt-get` that record what they were asked."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/apt.log\nexit 0\n")
    for tool in ("id", "apt-get"):
        (bin_dir / tool).chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(("uid", "allow", "calls"), [
    (1000, "0", None),  # not root: never apt-get, never sudo
    (0, "0", ["install -y -qq --no-install-recommends fake-pkg-skillir"]),
    (0, "1", ["update -qq", "install -y -qq --no-install-recommends fake-pkg-skillir"]),
])
def test_apt_only_as_root_and_update_only_when_allowed(tmp_path, uid, allow, calls):
    tool = dep("system", "fake-tool-skillir", bins=("fake-tool-skillir",), apt="fake-pkg-skillir")
    bin_dir = _fake_bin(tmp_path, uid)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", SKILLIR_ALLOW_APT_UPDATE=allow)
    result = run_env_setup(write(tmp_path, generate("s", [tool])), tmp_path, env=env)
    assert result.exit_code == 1  # the fake apt-get installs nothing
    log = tmp_path / "apt.log"
    if calls is None:
        assert not log.exists()
        assert "never uses sudo" in result.output and "apt-get install fake-pkg-skillir" in result.output
    else:
        assert log.read_text().splitlines() == calls


@pytest.mark.parametrize(("manager", "installer", "called"), [
    ("pip", "python3", "-m pip install"),  # uv, poetry: `PYTHON=...` picks the interpreter
    ("npm", "npm", "install -g"),  # pnpm, yarn: the npm on PATH
])
def test_a_system_tool_falls_back_to_pip_or_npm(tmp_path, manager, installer, called):
    """uv (from PyPI) and pnpm (from npm) are system tools, reported and checked as
    commands, that apt cannot install: the script falls back to their package manager,
    and only when apt and brew cannot."""
    tool = dep("system", "fake-tool-skillir", bins=("fake-tool-skillir",), **{manager: "fake-dist-skillir"})
    assert tool.install == f"sys_install --{manager} fake-dist-skillir"
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    fake = bin_dir / installer  # a fake installer that records what it was asked
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/calls.log\nexit 0\n")
    fake.chmod(0o755)
    env = dict(os.environ, PYTHON=str(fake)) if manager == "pip" else \
        dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    result = run_env_setup(write(tmp_path, generate("s", [tool])), tmp_path, env=env)
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert any(c.startswith(called) and c.endswith("fake-dist-skillir") for c in calls), calls
    assert result.exit_code == 1  # the fake installed nothing, so the command is still missing
    assert "system:fake-tool-skillir" in result.output


def test_pnpm_and_yarn_are_system_tools():
    md = "---\nname: t\ndescription: test skill\n---\n\n# T\n\n```bash\npnpm install\nyarn build\n```\n"
    found = {d.label(): d for d in extract_skill(parse_markdown(md).body.block.first_op).dependencies}
    assert {"system:pnpm", "system:yarn"} <= set(found) and "npm:pnpm" not in found
    assert "--npm pnpm" in found["system:pnpm"].install


@pytest.mark.skipif(os.environ.get("SKILLIR_OFFLINE") == "1", reason="SKILLIR_OFFLINE=1: no registry")
def test_real_install_twice_in_a_scratch_venv(tmp_path):
    module = load_skill(SKILLS / "toml-writer")
    PassManager.from_spec("bind-env{probe=false}").run(module)
    script = write(tmp_path, setup_script_of(module) or "")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    env = dict(os.environ, VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHON", None)
    env.pop("PYTHONPATH", None)
    work = tmp_path / "work"
    work.mkdir()

    def freeze() -> str:
        return subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout

    assert "tomli" not in freeze()
    first = run_env_setup(script, work, timeout=300, env=env)
    assert first.ok, first.output
    assert "installed  pip:tomli-w" in first.output and "ok         system:git" in first.output
    assert "summary: 1 present, 1 installed, 0 missing" in first.output
    subprocess.run([python, "-c", "import tomli_w"], check=True)
    before = freeze()
    assert "tomli_w" in before.replace("-", "_").lower()

    second = run_env_setup(script, work, timeout=300, env=env)
    assert second.ok and second.exit_code == 0, second.output
    assert "summary: 2 present, 0 installed, 0 missing" in second.output
    assert "installed  " not in second.output
    assert freeze() == before
    assert run_env_setup(script, work, check_only=True, env=env).ok


@pytest.mark.skipif(os.environ.get("SKILLIR_OFFLINE") == "1" or shutil.which("npm") is None,
                    reason="needs npm and the npm registry")
def test_npm_library_installs_next_to_the_code_once(tmp_path):
    library = dep("npm", "is-number", scope="local")
    script = write(tmp_path, generate("s", [library]))
    work = tmp_path / "ws"
    work.mkdir()
    first = run_env_setup(script, work, timeout=300)
    assert first.ok, first.output
    assert "installed  npm:is-number" in first.output
    assert (work / "node_modules" / "is-number" / "package.json").is_file()
    second = run_env_setup(script, work, timeout=300)
    assert second.ok and "ok         npm:is-number" in second.output and "installed  " not in second.output
