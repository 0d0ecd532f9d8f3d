"""SkillsBench (Harbor) tasks without Docker: the Dockerfile's pip/apt installs become an
isolated, cached environment; the task's tests run with it; the reward is Harbor's."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

from corpus_paths import ROOT
from skillir.bench.harbor_env import (
    EnvSpec,
    env_python,
    env_spec,
    merged_pip,
    prepare_env,
    script_installs,
)
from skillir.bench.harbor_tests import run_tests
from skillir.bench.run import RunOptions, run_task
from skillir.bench.skillsbench import analyze_harbor_task, import_harbor_task, skill_places
from skillir.runtime.providers import get_provider
from skillir.runtime.sandbox import Sandbox

DATA = ROOT / "tests" / "data" / "skillsbench" / "tasks"
ROMAN = DATA / "roman-years"
SALES = DATA / "sales-summary"


def test_dockerfile_installs_are_read_not_run(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==2.3.1  # pinned\n\npandas>=2\n")
    spec = env_spec("""FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
        poppler-utils   sl \\
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir --break-system-packages pypdf==7.1.1 "openpyxl>=3" -i https://x/simple
RUN python3 -m pip install -r /tmp/requirements.txt ; uv pip install --system rich
RUN npm install -g left-pad
RUN curl -fsSL https://example.com/install.sh | sh
RUN pip install git+https://github.com/a/b.git
""", tmp_path)
    assert spec.base_image == "python:3.11-slim"
    assert spec.pip == ["pypdf==7.1.1", "openpyxl>=3", "numpy==2.3.1", "pandas>=2", "rich"]
    assert spec.apt == ["poppler-utils", "sl"]
    assert any("npm install" in u for u in spec.unsupported)
    assert any(u.startswith("curl") for u in spec.unsupported)
    assert any("git+https" in u for u in spec.unsupported)
    assert "sl" in spec.missing_apt()  # not installed on this host
    assert EnvSpec(apt=["coreutils"]).missing_apt() == []


def test_the_environment_is_part_of_the_key():
    a, b = EnvSpec(pip=["roman==5.2"]), EnvSpec(pip=["roman==5.1"])
    assert a.digest() != b.digest()
    assert EnvSpec(pip=["x", "y"]).digest() == EnvSpec(pip=["y", "x"]).digest()


def test_missing_apt_packages_and_other_installers_make_a_task_skipped(tmp_path):
    task = tmp_path / "needs-apt"
    (task / "environment").mkdir(parents=True)
    (task / "tests").mkdir()
    (task / "instruction.md").write_text("Write out.txt with the word hi in it.\n")
    (task / "task.toml").write_text('version = "1.0"\n')
    (task / "tests" / "test_outputs.py").write_text("def test_x():\n    assert True\n")
    (task / "environment" / "Dockerfile").write_text(
        "FROM debian\nRUN apt-get install -y sl\nRUN npm install -g something\n")
    ht = analyze_harbor_task(task)
    assert ht.status == "skipped"
    assert any("Debian packages not installed here: sl" in r for r in ht.skip_reasons)
    assert any("something other than pip or apt" in r for r in ht.skip_reasons)


def test_roman_task_is_runnable_and_declares_its_environment(tmp_path):
    ht = analyze_harbor_task(ROMAN)
    assert ht.status == "runnable" and ht.env.pip == ["roman==5.2"]
    assert ht.env.apt == ["coreutils"] and not ht.env.unsupported
    _, task = import_harbor_task(ROMAN, tmp_path / "roman-years")
    sb = task.extra["skillsbench"]
    assert sb["pythonEnvironment"]["pip"] == ["roman==5.2"] and sb["reward"] == "harbor"
    assert 'reward="harbor"' in (task.dir / "grade.py").read_text()


def test_reference_replayed_by_a_simulated_model_scores_one_in_its_own_environment(tmp_path):
    """The package the task needs is not SkillIR's: only the task's environment has it,
    and both the reference solution and the task's tests use it."""
    assert importlib.util.find_spec("roman") is None  # never the host interpreter
    _, task = import_harbor_task(ROMAN, tmp_path / "roman-years")
    record = run_task(task, get_provider("sim/synthetic-strong"),
                      options=RunOptions(runs_dir=tmp_path / "runs", seed=0))
    assert record["simulated"] is True
    assert record["status"] == "ok" and record["score"] == 1.0, record.get("criteria")
    python = env_python(EnvSpec(pip=["roman==5.2"]))
    assert python is not None and record["task_environment"] == str(python.parent.parent)
    (crit,) = record["criteria"]
    assert [c["name"] for c in crit["checkpoints"]][0] == "reward"
    assert [c["weight"] for c in crit["checkpoints"]] == [1.0, 0.0, 0.0, 0.0]


def test_prepare_env_is_built_once_and_reused():
    spec = EnvSpec(pip=["roman==5.2"])
    first = prepare_env(spec)
    folder = first.parent.parent
    stamp = (folder / ".complete").stat().st_mtime_ns
    assert prepare_env(spec) == first and (folder / ".complete").stat().st_mtime_ns == stamp
    assert (folder / "requirements.txt").read_text() == "roman==5.2\n"


def test_harbor_reward_is_all_or_nothing(tmp_path):
    ws = tmp_path / "ws"
    (ws / "output").mkdir(parents=True)
    expected = json.loads((SALES / "tests" / "expected.json").read_text())
    (ws / "output" / "summary.json").write_text(json.dumps(expected))
    full = run_tests(str(ws), tests_dir=SALES / "tests", timeout_s=60, reward="harbor")
    assert full[0]["id"] == "reward" and full[0]["score"] == 1.0
    assert sum(r["weight"] for r in full) == 1.0 and len(full) == 6
    wrong = {**expected, "top_region": "nowhere"}
    (ws / "output" / "summary.json").write_text(json.dumps(wrong))
    partial = run_tests(str(ws), tests_dir=SALES / "tests", timeout_s=60, reward="harbor")
    assert partial[0]["score"] == 0.0 and "failed" in partial[0]["details"]
    fraction = run_tests(str(ws), tests_dir=SALES / "tests", timeout_s=60)
    assert 0.0 < sum(r["score"] * r["weight"] for r in fraction) < 1.0


def test_listing_says_why_with_the_environment(tmp_path):
    ht = analyze_harbor_task(ROMAN)
    data = ht.to_json()
    assert data["pythonEnvironment"]["pip"] == ["roman==5.2"]
    assert any("its own Python environment" in n for n in data["notes"])
    assert Path(data["source"]) == ROMAN


def test_what_the_solution_and_tests_install_is_read_from_their_scripts():
    spec = script_installs("""#!/bin/bash
set -e
apt-get update -qq
apt-get install -y -qq libgfortran5 > /dev/null 2>&1
pip3 install --break-system-packages numpy==1.26.4 casadi==3.6.7 -q
sudo PIP_NO_INPUT=1 pip install "rich>=13" 2>/dev/null || true
uvx --with pytest==8.4.1 --with openpyxl==3.1.5 pytest /tests/test_outputs.py
curl -LsSf https://astral.sh/uv/install.sh | sh
python3 << 'EOF'
print("not an install")
EOF
""")
    assert spec.pip == ["numpy==1.26.4", "casadi==3.6.7", "rich>=13", "openpyxl==3.1.5"]
    assert spec.apt == ["libgfortran5"] and spec.unsupported == []


def test_dockerfile_pins_win_and_test_tooling_is_left_to_our_pytest():
    assert merged_pip(["numpy==2.0.0", "pandas"], ["NumPy==1.26.4", "scipy"]) == \
        ["numpy==2.0.0", "pandas", "scipy"]
    spec = env_spec("FROM x\nRUN pip install pytest==8.4.1 pytest-json-ctrf==0.3.5 roman==5.2\n")
    assert spec.pip == ["roman==5.2"]
    commented = env_spec("FROM x\nRUN apt-get install -y \\\n    # the office suite\n"
                         "    libreoffice-core \\\n    sl\n")
    assert commented.apt == ["libreoffice-core", "sl"]


def test_apt_get_in_the_environment_answers_from_the_host():
    python = prepare_env(EnvSpec(pip=["roman==5.2"]))
    apt = python.parent / "apt-get"

    def run(*args):
        return subprocess.run([str(apt), *args], capture_output=True, text=True, check=False)

    assert run("update", "-qq").returncode == 0
    ok = run("install", "-y", "-qq", "coreutils")
    assert ok.returncode == 0 and "coreutils" in ok.stdout
    missing = run("install", "-y", "coreutils", "no-such-package-skillir")
    assert missing.returncode == 100 and "no-such-package-skillir" in missing.stderr
    assert "coreutils" not in missing.stderr


def test_where_the_dockerfile_puts_the_skills():
    assert skill_places("FROM x\nCOPY skills /app/skills\nCOPY skills /root/.claude/skills\n"
                        "COPY skill[s] /tmp/skills_src/\n# COPY skills /root/old\n"
                        "RUN mkdir -p /root/.codex/skills /root/.opencode/skill && cp -r a b\n"
                        ) == ["skills", ".claude/skills", ".codex/skills", ".opencode/skill"]


def _harbor_task(root: Path) -> Path:
    task = root / "mapped"
    for d in ("environment/data", "environment/skills/helper/scripts", "tests", "solution"):
        (task / d).mkdir(parents=True)
    (task / "instruction.md").write_text("Run /root/sim.py, then write /root/out.txt.\n")
    (task / "task.toml").write_text('version = "1.0"\n')
    (task / "environment" / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /root\nCOPY data /root/data\nCOPY sim.py /root/sim.py\n"
        "COPY skills /root/.claude/skills\n")
    (task / "environment" / "data" / "in.txt").write_text("41\n")
    (task / "environment" / "sim.py").write_text(
        "print(int(open('/root/data/in.txt').read()) + 1)\n")
    helper = task / "environment" / "skills" / "helper"
    (helper / "SKILL.md").write_text("---\nname: helper\ndescription: adds\n---\n# helper\n")
    (helper / "scripts" / "tool.py").write_text("def double(x):\n    return 2 * x\n")
    (task / "tests" / "test_outputs.py").write_text(
        "def test_out():\n    assert open('/root/out.txt').read() == '84 42\\n'\n")
    (task / "solution" / "solve.sh").write_text("""#!/bin/bash
set -e
cd /root/data
python3 << 'EOF'
import sys, subprocess
sys.path.append('/root/.claude/skills/helper/scripts')
from tool import double
n = int(subprocess.check_output([sys.executable, '/root/sim.py'], cwd='/root'))
open('/root/out.txt', 'w').write(f"{double(n)} {n}\\n")
EOF
""")
    return task


def test_the_reference_runs_with_the_image_paths_mapped(tmp_path):
    """A solution that changes directory, writes through /root/ inside a quoted heredoc and
    imports a skill's script from /root/.claude/skills/; a fixture whose code opens /root/."""
    _, task = import_harbor_task(_harbor_task(tmp_path), tmp_path / "imported")
    assert "/root/" not in (task.dir / "fixtures" / "sim.py").read_text()
    assert (task.dir / "REFERENCE" / "skills" / "helper" / "scripts" / "tool.py").is_file()
    ws = tmp_path / "ws"
    ws.mkdir()
    task.materialize(ws)
    ref = (task.dir / "REFERENCE").resolve()
    sandbox = Sandbox(ws, ro_binds=(ref,))
    sandbox.adopt()
    res = sandbox.run(f"bash {ref}/run.sh")
    assert res.exit_code == 0, res.output
    assert (ws / "out.txt").read_text() == "84 42\n"
    assert not (ws / ".claude").exists()  # the image's skill folder: there for the run only
    assert (ref / "skill-places.txt").read_text() == ".claude/skills\n"
    assert (ref / "solve.sh").read_text().count("/root") == 5  # the folder stays as shipped


def test_skipped_cases_fail_nothing_as_in_pytest(tmp_path):
    """pytest.skip (here: a parametrisation that does not apply) leaves pytest's exit status,
    and so Harbor's reward, untouched."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_outputs.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('col', ['a', None])\n"
        "def test_col(col):\n    if not col:\n        pytest.skip('not a matrix')\n"
        "    assert col == 'a'\n\n"
        "def test_all_skipped():\n    pytest.skip('nothing to check')\n\n"
        "def test_fails():\n    assert False\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    records = {r["id"]: r for r in run_tests(str(ws), tests_dir=tests, timeout_s=60)}
    assert records["test_col"]["score"] == 1.0
    assert records["test_col"]["details"] == "1 of 1 cases passed (1 skipped)"
    assert records["test_all_skipped"]["score"] == 1.0
    assert records["test_all_skipped"]["details"].startswith("all 1 cases skipped")
    assert records["test_fails"]["score"] == 0.0
    (tests / "test_outputs.py").write_text(
        (tests / "test_outputs.py").read_text().replace("assert False", "assert True"))
    reward = run_tests(str(ws), tests_dir=tests, timeout_s=60, reward="harbor")
    assert reward[0]["id"] == "reward" and reward[0]["score"] == 1.0
