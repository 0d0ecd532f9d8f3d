"""skill-harness (install/status of the real harness CLIs) and skill-run --harness as a user
runs them: exit codes, one-line errors, and one scripted run through a real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.runtime.harness_drivers import clis

DATA = ROOT / "tests" / "data"


def test_status_reports_missing_without_installing(tmp_path: Path) -> None:
    env = {**os.environ, clis.PREFIX_ENV: str(tmp_path / "prefix")}
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_harness", "status",
                           "--json", "codex", "hermes"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 1, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["harness"] for r in rows] == ["codex", "hermes"]
    assert all(not r["installed"] and r["path"] is None for r in rows)
    assert rows[0]["missing"][0] == "@openai/codex@0.171.0"
    assert rows[1]["missing"][0] == "hermes-agent==0.19.0"
    assert not (tmp_path / "prefix").exists()


def test_status_of_an_unknown_name_is_exit_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_harness", "status",
                           "vscode"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unknown harness CLI 'vscode'" in done.stderr


def test_skill_run_with_an_unknown_harness_is_exit_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_run", "--task",
                           str(DATA / "tasks/harness_hello"), "--harness", "vscode", "--model",
                           f"scripted:{DATA / 'scripts/harness_codex.json'}", "--runs-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().count("\n") == 0 and "unknown harness 'vscode'" in done.stderr
    assert "codex" in done.stderr  # the hint lists the harnesses there are


def test_skill_run_drives_codex_with_a_scripted_model(tmp_path: Path) -> None:
    if clis.find_cli("codex") is None:
        pytest.skip("codex CLI is not installed (skill-harness install codex)")
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_run", "--task",
                           str(DATA / "tasks/harness_hello"), "--skill",
                           str(DATA / "harness_skills/hello-file"), "--harness", "codex",
                           "--model", f"scripted:{DATA / 'scripts/harness_codex.json'}",
                           "--runs-dir", str(tmp_path), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["harness"] == "codex" and record["simulated"] is True
    assert record["status"] == "ok" and record["passed"] is True, record.get("status_detail")
    assert record["model"] == "scripted/harness-codex"
    run_dir = Path(record["run_dir"])
    assert {"trace.jsonl", "record.json", "gateway.jsonl", "harness-transcript.jsonl",
            "harness-stderr.log"} <= {p.name for p in run_dir.iterdir()}
