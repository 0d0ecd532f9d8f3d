"""Runs the lit + filecheck suite (tests/filecheck) so `pytest` covers it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FILECHECK_DIR = Path(__file__).resolve().parent / "filecheck"


def test_lit_suite():
    lit = Path(sys.executable).with_name("lit")
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        [str(lit), "-q", "-j", "2", str(FILECHECK_DIR)],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
