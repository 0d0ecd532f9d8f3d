"""The probe starts only what can apply and remembers answers under a freshness rule."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from skillir.deps import probe as probe_mod
from skillir.deps.commands import bind_commands
from skillir.deps.model import Dependency, Evidence
from skillir.deps.probe import clear_cache, probe

EV = [Evidence("SKILL.md", 1, "import", "x")]


def dep(kind: str, name: str, **fields) -> Dependency:
    return bind_commands(Dependency(kind, name, evidence=list(EV), **fields))


@pytest.fixture(autouse=True)
def _fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path / "cache"))
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def processes(monkeypatch):
    """Every subprocess the probe starts, by program."""
    started: list[str] = []
    real = subprocess.run

    def spy(argv, *args, **kwargs):
        started.append(os.path.basename(argv[0]))
        return real(argv, *args, **kwargs)

    monkeypatch.setattr(probe_mod.subprocess, "run", spy)
    return started


def test_commands_and_env_vars_are_answered_in_process(processes, monkeypatch):
    monkeypatch.setenv("SKILLIR_PROBE_SET", "1")
    monkeypatch.delenv("SKILLIR_PROBE_UNSET", raising=False)
    deps = [dep("system", "bash", bins=("bash",)), dep("system", "nope-skillir-x", bins=("nope-skillir-x",)),
            dep("system", "two", bins=("bash", "nope-skillir-y")), dep("service", "SKILLIR_PROBE_SET"),
            dep("service", "SKILLIR_PROBE_UNSET")]
    deps[2].check = "has_cmd nope-skillir-y || has_cmd bash"
    report = probe(deps, python=sys.executable)
    assert [d.present for d in deps] == [True, False, True, True, False]
    assert processes == []  # no pip dependency, nothing bash must answer: no process at all
    assert report.facts["checked"] == 5


@pytest.mark.parametrize("check,expected", [
    ("has_cmd bash && has_cmd nope-skillir-z", False),
    ("has_cmd nope-skillir-z || has_cmd bash", True),
    ("has_cmd cd", True),  # a bash builtin: `command -v` finds it without PATH
    ("has_env HOME && has_cmd bash", True),
])
def test_in_process_answers_match_bash(check, expected, monkeypatch):
    monkeypatch.setenv("HOME", os.environ.get("HOME") or "/root")
    assert probe_mod._in_process(check) is expected
    from skillir.deps.commands import PRELUDE

    done = subprocess.run(["bash", "-c", f"{PRELUDE}\n{check}"], capture_output=True)
    assert (done.returncode == 0) is expected


def test_other_checks_still_go_to_bash(processes):
    deps = [dep("system", "odd", bins=("odd",))]
    deps[0].check = "test -d /"
    probe(deps, python=sys.executable)
    assert deps[0].present is True and processes == ["bash"]
    assert probe_mod._in_process("test -d /") is None
    assert probe_mod._in_process("has_cmd") is None and probe_mod._in_process("has_cmd a b") is None


def test_pip_answers_come_from_disk_until_a_site_folder_changes(processes, tmp_path):
    deps = [dep("pip", "pyyaml", modules=("yaml",))]
    probe(deps, python=sys.executable)
    assert deps[0].present is True and processes == [os.path.basename(sys.executable)]
    clear_cache()  # a new process: only the disk cache remains
    again = [dep("pip", "pyyaml", modules=("yaml",))]
    report = probe(again, python=sys.executable)
    assert again[0].present is True and again[0].version == deps[0].version and len(processes) == 1
    assert report.facts["python_version"] == sys.version.split()[0]
    # a package installed or removed touches a folder on the interpreter's sys.path
    site = next(p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p))
    before = os.stat(site)
    os.utime(site, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    try:
        clear_cache()
        third = [dep("pip", "pyyaml", modules=("yaml",))]
        probe(third, python=sys.executable)
        assert third[0].present is True and len(processes) == 2
    finally:
        os.utime(site, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_no_pip_dependency_no_python_process(processes):
    probe([dep("system", "bash", bins=("bash",))], python=sys.executable)
    probe([], python=sys.executable)
    assert processes == []
