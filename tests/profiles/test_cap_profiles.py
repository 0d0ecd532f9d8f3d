"""Target capability profiles: SkVM JSON in and out, the store, target resolution.

Every test runs with SKILLIR_PROFILES and HOME pointed into tmp_path, so nothing
touches the real home directory."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.profiles.profile import Profile, model_key, read_profile
from skillir.profiles.store import (
    ENV_VAR,
    ProfileStore,
    default_root,
    import_profile,
    list_profiles,
    load_profile,
    reference_profiles,
    resolve_target,
)


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "store"))
    return tmp_path / "store"


def test_reference_profiles_are_labelled():
    refs = {p.target: p for p in reference_profiles()}
    for target in ("bare-agent/opus-4.6", "bare-agent/gpt-5.4", "bare-agent/qwen3.5-35b-a3b",
                   "bare-agent/qwen3.5-9b", "synthetic/weak", "synthetic/strong"):
        assert target in refs, target
        assert refs[target].source and refs[target].date
    assert refs["bare-agent/qwen3.5-9b"].date == "2026-04-08"
    assert refs["bare-agent/opus-4.6"].date == "2026-04-06"
    assert refs["synthetic/weak"].synthetic and not refs["bare-agent/gpt-5.4"].synthetic


@pytest.mark.parametrize(("target", "prim", "level"), [
    ("bare-agent/qwen3.5-9b", "tool.exec", 0),
    ("bare-agent/qwen3.5-9b", "gen.regex", 3),
    ("bare-agent/opus-4.6", "gen.code.sql", 1),
    ("bare-agent/opus-4.6", "follow.delegation", 0),
    ("bare-agent/gpt-5.4", "reason.arithmetic", 1),
    ("bare-agent/gpt-5.4", "tool.web", 3),
    ("bare-agent/qwen3.5-35b-a3b", "reason.planning", 0),
    ("synthetic/weak", "gen.code.python", 1),
    ("synthetic/strong", "tool.browser", 3),
])
def test_published_vectors(target, prim, level):
    assert load_profile(target).level(prim) == level


def test_unmeasured_primitives_count_as_l0():
    qwen = load_profile("bare-agent/qwen3.5-9b")
    assert not qwen.measured("tool.web") and qwen.level("tool.web") == 0
    assert load_profile("bare-agent/gpt-5.4").measured("tool.web")


def test_skvm_json_round_trip():
    original = load_profile("bare-agent/qwen3.5-35b-a3b")
    data = original.to_skvm()
    assert data["capabilities"]["gen.code.sql"] == "L3"
    assert {"version", "model", "harness", "profiledAt", "capabilities", "details", "cost", "isPartial"} <= set(data)
    assert data["skillir"]["date"] == "2026-04-08"
    again = Profile.from_skvm(json.loads(json.dumps(data)))
    assert again.to_skvm() == data
    assert "skillir" not in original.to_skvm(skillir_labels=False)


def test_skvm_details_cost_and_unknown_keys_survive():
    data = {
        "version": "1.0", "model": "openrouter/qwen/qwen3-30b", "harness": "opencode",
        "profiledAt": "2026-04-06T08:43:13.000Z",
        "capabilities": {"gen.code.python": "L2", "gen.code.rust": "L1"},
        "details": [{"primitiveId": "gen.code.python", "highestLevel": "L2",
                     "levelResults": [{"level": "L3", "passed": False, "passCount": 2, "totalCount": 3}]}],
        "cost": {"totalUsd": 0.079, "totalTokens": {"input": 1, "output": 2, "cacheRead": 0, "cacheWrite": 0},
                 "durationMs": 1866000},
        "isPartial": False, "futureField": {"x": 1},
    }
    profile = Profile.from_skvm(data)
    assert profile.level("gen.code.python") == 2
    assert profile.extra_capabilities == {"gen.code.rust": 1}
    assert profile.date == "2026-04-06"
    out = profile.to_skvm(skillir_labels=False)
    assert out["capabilities"]["gen.code.rust"] == "L1"
    assert out["details"] == data["details"] and out["cost"] == data["cost"]
    assert out["futureField"] == {"x": 1}


@pytest.mark.parametrize(("data", "message"), [
    ([], "JSON object"),
    ({"harness": "h", "capabilities": {}}, "no 'model'"),
    ({"model": "m", "harness": "a/b", "capabilities": {}}, "'harness' must be a simple name"),
    ({"model": "m", "harness": "h", "capabilities": {"tool.exec": "L5"}}, "expected L0..L3"),
    ({"model": "m", "harness": "h", "capabilities": []}, "'capabilities' must map"),
])
def test_invalid_profiles_are_one_line_errors(data, message):
    with pytest.raises(SkillIRError, match=message) as info:
        Profile.from_skvm(data, path="p.json")
    assert "\n" not in str(info.value) and "p.json" in str(info.value)


def test_store_layout_snapshots_and_atomic_writes(isolated_store):
    store = ProfileStore()
    assert store.root == isolated_store
    profile = Profile("openrouter/qwen/qwen3-30b", "bare-agent", {"tool.exec": 2}, source="test", date="2026-05-01")
    first = store.save(profile, timestamp=1_780_000_000)
    second = store.save(profile, timestamp=1_780_000_000)
    folder = isolated_store / "bare-agent" / "openrouter--qwen--qwen3-30b"
    assert first.parent == folder and first.name.startswith("v_") and second != first
    assert sorted(p.name for p in folder.iterdir()) == sorted(["latest.json", first.name, second.name])
    assert store.load("bare-agent", "openrouter/qwen/qwen3-30b").level("tool.exec") == 2
    assert store.snapshots("bare-agent", "openrouter/qwen/qwen3-30b") == sorted([first, second])
    assert not list(isolated_store.rglob("*.tmp"))


def test_store_root_precedence(tmp_path, monkeypatch):
    assert default_root() == Path(os.environ[ENV_VAR])
    assert ProfileStore(tmp_path / "flag").root == tmp_path / "flag"
    monkeypatch.delenv(ENV_VAR)
    assert default_root() == Path(os.environ["HOME"]) / ".skillir" / "profiles"
    assert list_profiles()  # a missing store is fine: the shipped profiles remain


def test_corrupt_file_is_a_clear_error_for_its_target_only(isolated_store):
    bad = isolated_store / "bare-agent" / "broken" / "latest.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("{not json")
    with pytest.raises(SkillIRError, match="not valid JSON") as info:
        resolve_target("bare-agent/broken")
    assert str(bad) in str(info.value)
    assert resolve_target("bare-agent/gpt-5.4").profile.model == "gpt-5.4"
    errors: list[SkillIRError] = []
    assert list_profiles(errors=errors) and len(errors) == 1
    with pytest.raises(SkillIRError):
        list_profiles()


def test_resolve_exact_alias_and_fallback(caplog):
    assert resolve_target("bare-agent/qwen3.5-9b").warning is None
    assert resolve_target("bare-agent/claude-opus-4.6").profile.target == "bare-agent/opus-4.6"
    assert resolve_target("bare-agent/openrouter/qwen/qwen3.5-9b").profile.model == "qwen3.5-9b"
    found = resolve_target("claude-code/opus-4.6")
    assert found.profile.target == "bare-agent/opus-4.6"
    assert found.fallback and "bare-agent/opus-4.6" in found.warning and "claude-code" in found.warning
    with caplog.at_level(logging.WARNING, logger="skillir.capability"):
        resolve_target("claude-code/opus-4.6", warn=True)
    assert "using bare-agent/opus-4.6" in caplog.text
    with pytest.raises(SkillIRError, match="no profile for exactly"):
        load_profile("claude-code/opus-4.6")


def test_unknown_model_lists_the_profiles():
    with pytest.raises(SkillIRError) as info:
        resolve_target("claude-code/gpt-9000")
    text = str(info.value)
    assert "gpt-9000" in text and "bare-agent/qwen3.5-9b" in text and "synthetic/weak" in text


@pytest.mark.parametrize("bad", ["qwen3.5-9b", "/qwen", "bare-agent/"])
def test_bad_target(bad):
    with pytest.raises(SkillIRError):
        resolve_target(bad)


def test_path_target_and_user_profile_overrides_reference(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(load_profile("synthetic/weak").to_json())
    assert resolve_target(str(path)).profile.model == "weak"
    mine = Profile("qwen3.5-9b", "bare-agent", {"tool.exec": 3}, source="my run", date="2026-06-01")
    ProfileStore().save(mine)
    found = resolve_target("bare-agent/qwen3.5-9b")
    assert found.profile.source == "my run" and found.profile.level("tool.exec") == 3
    kinds = {i.target: i.kind for i in list_profiles()}
    assert kinds["bare-agent/qwen3.5-9b"] == "user" and kinds["synthetic/weak"] == "synthetic"


def test_import_profile_with_overrides(tmp_path, isolated_store):
    src = tmp_path / "tcp.json"
    src.write_text(json.dumps({"version": "1.0", "model": "qwen3-30b", "harness": "bare-agent",
                               "profiledAt": "2026-03-01T00:00:00Z", "capabilities": {"tool.exec": "L1"},
                               "details": [], "isPartial": False}))
    profile, snapshot = import_profile(src, harness="opencode", source="my lab")
    assert profile.target == "opencode/qwen3-30b" and profile.source == "my lab"
    assert snapshot.parent == isolated_store / "opencode" / "qwen3-30b"
    assert read_profile(snapshot.parent / "latest.json").source == "my lab"


def test_model_key():
    assert model_key("anthropic/claude-opus-4.6") == model_key("opus-4.6") == model_key("openrouter--x--opus-4.6")


def test_read_profile_reads_a_file_again_only_when_it_changed(tmp_path):
    path = tmp_path / "tcp.json"
    data = {"version": "1.0", "model": "qwen3-30b", "harness": "bare-agent",
            "profiledAt": "2026-03-01T00:00:00Z", "capabilities": {"tool.exec": "L1"},
            "details": [], "isPartial": False}
    path.write_text(json.dumps(data))
    first = read_profile(path)
    assert read_profile(path) is first  # unchanged: the same profile
    data["capabilities"] = {"tool.exec": "L3"}
    path.write_text(json.dumps(data) + " ")  # another size and mtime
    again = read_profile(path)
    assert again is not first and again.level("tool.exec") == 3
