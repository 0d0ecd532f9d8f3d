"""env-setup.sh never runs on the host (issue 18 part 3).

A compiled skill's env-setup.sh runs inside the sandbox, with network for that phase
only, writing only into the run's isolated environment `.skillir-env/`, which the task's
commands then use; without a sandbox it is skipped with a warning unless the user passes
--allow-host-setup."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from skillir.bench.run import RunOptions, run_task
from skillir.bench.task import load_task
from skillir.runtime import env_setup
from skillir.runtime.sandbox import bwrap_status
from skillir.runtime.skill import load_skill_bundle
from skillir.runtime.testing import ScriptedProvider, turn
from skillir.runtime.trace import read_trace
from skillir.tools.skill_run import build_parser

TASKS = Path(__file__).resolve().parents[1] / "data" / "tasks"
HOST_SITE = Path(sysconfig.get_paths()["purelib"])
PKG = "tinypkg_skillir_probe"
needs_bwrap = pytest.mark.skipif(not bwrap_status()[0], reason="bubblewrap is not usable here")


def tiny_wheel(folder: Path) -> Path:
    """A pure-Python wheel built by hand (no build backend, no network)."""
    files = {f"{PKG}/__init__.py": b'VALUE = "tiny-ok"\n',
             f"{PKG}-0.1.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {PKG}\nVersion: 0.1\n".encode(),
             f"{PKG}-0.1.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                           b"Tag: py3-none-any\n"}
    record = io.StringIO()
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.write(f"{name},sha256={digest},{len(data)}\n")
    record.write(f"{PKG}-0.1.dist-info/RECORD,,\n")
    wheel = folder / f"{PKG}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr(f"{PKG}-0.1.dist-info/RECORD", record.getvalue())
    return wheel


def compiled_skill(root: Path, script: str) -> Path:
    out = root / "compiled"
    out.mkdir()
    (out / "SKILL.md").write_text("---\nname: setup-probe\ndescription: Probe env setup\n---\n# Probe\n\nSay hi.\n")
    (out / "compile-report.json").write_text(json.dumps({"target": "bare-agent/x", "passes": ["bind-env"]}))
    (out / "env-setup.sh").write_text("#!/usr/bin/env bash\n" + script)
    return out


def host_state() -> tuple[str, list[str]]:
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True,
                            text=True, check=True, timeout=120).stdout
    return freeze, sorted(p.name for p in HOST_SITE.iterdir())


def hostile_script(tmp_path: Path) -> str:
    return f"""set -u
echo "marker from setup" > "$VIRTUAL_ENV/setup-marker.txt"
echo "netns $(readlink /proc/self/ns/net)"
"$PYTHON" -c 'import sys; print("prefix", sys.prefix)'
python3 -m pip install --no-index --quiet "$(dirname "$0")/{PKG}-0.1-py3-none-any.whl" && echo installed-ok
echo evil > "{tmp_path}/outside-the-workspace.txt" 2>/dev/null && echo wrote-outside || echo outside-refused
echo evil > "$VIRTUAL_ENV/../outside-the-env.txt" 2>/dev/null || true
touch "{HOST_SITE}/skillir_evil_probe.pth" 2>/dev/null && echo wrote-host-site || echo host-site-refused
exit 0
"""


@needs_bwrap
def test_setup_runs_in_the_sandbox_into_an_isolated_env_the_task_then_uses(tmp_path):
    skill_dir = compiled_skill(tmp_path, hostile_script(tmp_path))
    tiny_wheel(skill_dir)
    before = host_state()
    host_netns = os.readlink("/proc/self/ns/net")
    check = (f"python3 -c 'import {PKG}, sys; print({PKG}.VALUE, sys.prefix)'; "
             "echo \"netns $(readlink /proc/self/ns/net)\"; echo \"path $PATH\"")
    provider = ScriptedProvider([turn("", [("execute_command", {"command": check})]), turn("done")])
    record = run_task(load_task(TASKS / "hello_write"), provider,
                      skill=load_skill_bundle(skill_dir, compiled=True),
                      options=RunOptions(runs_dir=tmp_path / "runs", keep_workspace=True))
    env = record["env_setup"]
    assert env["where"] == "sandbox" and env["network"] is True and env["warning"] is None
    assert env["ok"] is True and env["exit_code"] == 0, env
    event = next(e for e in read_trace(record["trace"]) if e["type"] == "env_setup")
    assert event["where"] == "sandbox" and event["env_dir"].endswith(".skillir-env")
    output = event["output"]
    assert "installed-ok" in output and "outside-refused" in output and "host-site-refused" in output
    assert f"netns {host_netns}" in output, "setup has the network (package installs)"
    assert "prefix " + env["env_dir"] in output
    # the marker and the package landed in the isolated env, nothing outside it changed
    workspace = Path(record["workspace"])
    env_dir = workspace / ".skillir-env"
    assert (env_dir / "setup-marker.txt").read_text() == "marker from setup\n"
    installed = list(env_dir.glob(f"lib/python*/site-packages/{PKG}/__init__.py"))
    assert len(installed) == 1
    assert not (tmp_path / "outside-the-workspace.txt").exists()
    assert not (workspace / "outside-the-env.txt").exists()
    assert not (HOST_SITE / "skillir_evil_probe.pth").exists()
    assert importlib.util.find_spec(PKG) is None
    assert host_state() == before, "the interpreter running SkillIR is untouched"
    # the task's commands see the env first on PATH, and have no network
    result = provider.calls[1][-1].content
    assert f"tiny-ok {env['env_dir']}" in result
    assert f"path {env['env_dir']}/bin:" in result
    assert "netns " in result and f"netns {host_netns}" not in result
    assert record["status"] == "ok"


@needs_bwrap
def test_a_failing_sandboxed_setup_goes_into_the_model_context(tmp_path):
    skill_dir = compiled_skill(tmp_path, "echo 'qpdf: not found' >&2\nexit 4\n")
    provider = ScriptedProvider([turn("done")])
    record = run_task(load_task(TASKS / "hello_write"), provider,
                      skill=load_skill_bundle(skill_dir, compiled=True),
                      options=RunOptions(runs_dir=tmp_path / "runs"))
    assert record["env_setup"]["where"] == "sandbox"
    assert record["env_setup"]["ok"] is False and record["env_setup"]["exit_code"] == 4
    system = provider.calls[0][0].content
    assert "exited with code 4" in system and "qpdf: not found" in system
    assert record["status"] == "ok"


def test_without_a_sandbox_setup_is_skipped_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(env_setup, "bwrap_status", lambda: (False, "bwrap is not installed"))
    skill_dir = compiled_skill(tmp_path, f'echo ran > "{tmp_path}/ran-on-host.txt"\n')
    provider = ScriptedProvider([turn("done")])
    record = run_task(load_task(TASKS / "hello_write"), provider,
                      skill=load_skill_bundle(skill_dir, compiled=True),
                      options=RunOptions(runs_dir=tmp_path / "runs", isolation="none"))
    env = record["env_setup"]
    assert env["where"] == "skipped" and env["ok"] is False and env["exit_code"] is None
    assert "NOT run" in env["warning"] and "--allow-host-setup" in env["warning"]
    assert not (tmp_path / "ran-on-host.txt").exists()
    system = provider.calls[0][0].content
    assert "env-setup.sh) was not run" in system and "--allow-host-setup" in system
    assert record["status"] == "ok"


def test_allow_host_setup_is_the_only_way_to_the_host(tmp_path, monkeypatch):
    monkeypatch.setattr(env_setup, "bwrap_status", lambda: (False, "bwrap is not installed"))
    skill_dir = compiled_skill(tmp_path, f'echo ran > "{tmp_path}/ran-on-host.txt"\n')
    args = build_parser().parse_args(["--task", "t", "--model", "m", "--allow-host-setup"])
    assert args.allow_host_setup is True
    assert build_parser().parse_args(["--task", "t", "--model", "m"]).allow_host_setup is False
    record = run_task(load_task(TASKS / "hello_write"), ScriptedProvider([turn("done")]),
                      skill=load_skill_bundle(skill_dir, compiled=True),
                      options=RunOptions(runs_dir=tmp_path / "runs", isolation="none",
                                         allow_host_setup=args.allow_host_setup))
    assert record["env_setup"]["where"] == "host" and record["env_setup"]["ok"] is True
    assert "ON THE HOST" in record["env_setup"]["warning"]
    assert (tmp_path / "ran-on-host.txt").read_text() == "ran\n"
