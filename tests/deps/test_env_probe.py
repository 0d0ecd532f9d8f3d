"""The presence probe runs real checks on this machine, with timeouts."""

from __future__ import annotations

import shutil
import sys

import pytest

from skillir.deps.commands import bind_commands
from skillir.deps.model import Dependency, Evidence
from skillir.deps.probe import clear_cache, probe, resolve_python

EV = [Evidence("SKILL.md", 1, "import", "x")]


def dep(kind: str, name: str, **fields) -> Dependency:
    return bind_commands(Dependency(kind, name, evidence=list(EV), **fields))


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_pip_presence_and_version_from_the_target_interpreter():
    deps = [
        dep("pip", "pyyaml", modules=("yaml",)),  # installed in this venv (a SkillIR dependency)
        dep("pip", "surely-not-installed-skillir-xyz", modules=("surely_not_installed_skillir_xyz",)),
        dep("pip", "not-a-dist-but-module", modules=("json",)),  # another provider: module importable
    ]
    report = probe(deps, python=sys.executable)
    assert [d.present for d in deps] == [True, False, True]
    assert deps[0].version and deps[0].version[0].isdigit()
    assert report.facts["python"] == sys.executable
    assert report.facts["venv"] is True
    assert report.facts["checked"] == 3 and report.facts["missing"] == 1
    assert report.notes == []


def test_system_npm_and_service_checks_run_in_bash(monkeypatch):
    monkeypatch.setenv("SKILLIR_TEST_API_KEY", "set")
    monkeypatch.delenv("SKILLIR_ABSENT_API_KEY", raising=False)
    deps = [
        dep("system", "bash", bins=("bash",)),
        dep("system", "definitely-not-a-tool-skillir", bins=("definitely-not-a-tool-skillir",)),
        dep("service", "SKILLIR_TEST_API_KEY"),
        dep("service", "SKILLIR_ABSENT_API_KEY"),
        dep("npm", "surely-not-installed-skillir-pkg", scope="global"),
    ]
    report = probe(deps, python=sys.executable)
    assert [d.present for d in deps] == [True, False, True, False, False]
    assert "bash" not in report.facts["managers"]


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")
def test_npm_global_and_local_checks(tmp_path):
    (tmp_path / "node_modules" / "left-pad").mkdir(parents=True)
    (tmp_path / "node_modules" / "left-pad" / "package.json").write_text("{}")
    (tmp_path / "sub").mkdir()
    deps = [dep("npm", "npm", scope="global"), dep("npm", "left-pad", scope="local"),
            dep("npm", "right-pad-skillir", scope="local")]
    probe(deps, python=sys.executable, cwd=str(tmp_path / "sub"))
    assert [d.present for d in deps] == [True, True, False]


def test_a_probe_that_times_out_leaves_presence_unknown_with_a_note():
    deps = [dep("system", "slow", bins=("slow",))]
    deps[0].check = "sleep 5"
    report = probe(deps, python=sys.executable, timeout=0.5)
    assert deps[0].present is None
    assert any("timed out" in n.message for n in report.notes)
    assert report.facts["checked"] == 0


def test_a_broken_interpreter_is_a_note_not_an_error(tmp_path):
    fake = tmp_path / "python-broken"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    deps = [dep("pip", "pyyaml", modules=("yaml",))]
    report = probe(deps, python=str(fake))
    assert deps[0].present is None
    assert report.notes and report.notes[0].kind == "probe"


def test_results_are_cached_per_interpreter_and_check():
    first = [dep("system", "bash", bins=("bash",))]
    probe(first, python=sys.executable)
    second = [dep("system", "bash", bins=("bash",))]
    second[0].check = "has_cmd bash"
    report = probe(second, python=sys.executable, cache=True)
    assert second[0].present is True and report.facts["duration_ms"] >= 0


def test_resolve_python_prefers_the_option_then_env(monkeypatch):
    assert resolve_python(sys.executable) == sys.executable
    monkeypatch.setenv("PYTHON", sys.executable)
    assert resolve_python("") == sys.executable
