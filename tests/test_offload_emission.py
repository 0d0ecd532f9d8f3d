"""An offloaded code block reaches the emitted skill folder: the script compile-capabilities
wrote is at the path the compiled SKILL.md runs, executable, byte for byte the block."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from skillir.profiles.catalog import catalog
from skillir.profiles.profile import Profile

SKILL = """---
name: counter
description: count rows
---

# Counter

1. Count the rows of the CSV file given as the first argument:

   ```python
   import csv, sys
   with open(sys.argv[1]) as f:
       print(sum(1 for _ in csv.reader(f)))
   ```
"""


def test_offloaded_script_is_written_and_runs(tmp_path: Path):
    levels = {pid: 3 for pid in catalog().ids} | {"gen.code.python": 1, "tool.exec": 1}
    profile = tmp_path / "p.json"
    profile.write_text(Profile("test-model", "bare-agent", levels, source="test", date="2026-01-01").to_json())
    skill = tmp_path / "counter"
    skill.mkdir()
    (skill / "SKILL.md").write_text(SKILL)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(skill), "-p",
                           f"infer-capabilities,bind-profile{{target={profile}}},analyze-gaps,compile-capabilities,"
                           "bind-env{probe=false},extract-concurrency,lower-to-harness", "-t", "bare-agent",
                           "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    script = out / "skills" / "counter" / "scripts" / "counter_step_1.py"
    assert script.is_file() and script.stat().st_mode & 0o111
    assert "csv.reader" in script.read_text()
    compiled = (out / "skills" / "counter" / "SKILL.md").read_text()
    assert "python3 skills/counter/scripts/counter_step_1.py ARG1" in compiled
    rows = tmp_path / "rows.csv"
    rows.write_text("a\nb\nc\n")
    ran = subprocess.run([sys.executable, str(script), str(rows)], capture_output=True, text=True, timeout=60)
    assert ran.stdout.strip() == "3"
