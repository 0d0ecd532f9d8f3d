"""The profile store under hostile conditions: concurrent saves lose nothing, and one
hostile file is skipped with its name instead of taking every profile down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from skillir.errors import SkillIRError
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
