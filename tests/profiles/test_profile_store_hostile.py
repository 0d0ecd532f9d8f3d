"""The profile store under hostile conditions: concurrent saves lose nothing, and one
hostile file is skipped with its name instead of taking every profile down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.profiles.profile import Profile
from skillir.profiles.store import ENV_VAR, ProfileStore, list_profiles, resolve_target

SAVER = """
import sys
from skillir.profiles.profile import Profile
from skillir.profiles.store import ProfileStore
store = ProfileStore(sys.argv[1])
profile = Profile("m-concurrent", "bare-agent", {"tool.exec": 2}, source="test", date="2026-05-01")
for _ in range(5):
    store.save(profile, timestamp=1_780_000_000)
"""


def test_concurrent_saves_keep_every_snapshot(tmp_path: Path):
    root = tmp_path / "store"
    procs = [subprocess.Popen([sys.executable, "-c", SAVER, str(root)]) for _ in range(8)]
    assert [p.wait(timeout=300) for p in procs] == [0] * 8
    snapshots = ProfileStore(root).snapshots("bare-agent", "m-concurrent")
    assert len(snapshots) == 40 and len({p.name for p in snapshots}) == 40
    assert all(json.loads(p.read_text())["model"] == "m-concurrent" for p in snapshots)
    assert not list(root.rglob("*.tmp"))


def test_a_deeply_nested_profile_is_skipped_not_fatal(tmp_path: Path, monkeypatch):
    root = tmp_path / "store"
    bad = root / "bare-agent" / "deep" / "latest.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("[" * 200_000 + "]" * 200_000)
    monkeypatch.setenv(ENV_VAR, str(root))
    errors: list[SkillIRError] = []
    assert list_profiles(errors=errors)
    assert len(errors) == 1 and str(bad) in str(errors[0])
    assert resolve_target("bare-agent/gpt-5.4").profile.model == "gpt-5.4"
    env = {**os.environ, ENV_VAR: str(root)}
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_profile", "list"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and "gpt-5.4" in done.stdout
    assert str(bad) in done.stderr and "Traceback" not in done.stderr


def test_load_answers_as_pathlib_does_for_odd_entries(tmp_path: Path):
    """`ProfileStore.load` looks a profile up by a joined string before pathlib: a folder
    named latest.json, a file where a folder should be, a '.' model and a name too long
    for the filesystem answer as `Path.is_file` does (None, or pathlib's error)."""
    store = ProfileStore(tmp_path)
    profile = store.load("bare-agent", "qwen3.5-9b")
    assert profile is None
    (tmp_path / "bare-agent" / "as-dir" / "latest.json").mkdir(parents=True)
    assert store.load("bare-agent", "as-dir") is None
    (tmp_path / "codex").write_text("not a folder")
    assert store.load("codex", "m") is None
    saved = Profile("m-dot", "bare-agent", {"tool.exec": 2}, source="test", date="2026-05-01")
    store.save(saved)
    assert store.load("bare-agent", "m-dot").model == "m-dot"
    assert store.load("bare-agent", ".") is None
    long_model = "m" * 5000
    try:
        expected = (store.folder("bare-agent", long_model) / "latest.json").is_file()
    except OSError as exc:
        with pytest.raises(OSError) as info:
            store.load("bare-agent", long_model)
        assert info.value.errno == exc.errno
    else:
        assert expected is False and store.load("bare-agent", long_model) is None
