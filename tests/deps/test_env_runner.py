"""The runtime contract: run_env_setup runs the script with bash in the workspace,
never raises, stops it at the timeout, keeps a bounded output for the model."""

from __future__ import annotations

import time
from pathlib import Path

from skillir.deps.runner import (
    MAX_OUTPUT_CHARS,
    EnvSetupResult,
    context_message,
    run_env_setup,
    truncate,
)


def script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "env-setup.sh"
    path.write_text("#!/usr/bin/env bash\nset -euo pipefail\n" + body)
    return path


def test_success_runs_in_the_workdir(tmp_path):
    work = tmp_path / "ws"
    work.mkdir()
    result = run_env_setup(script(tmp_path, 'pwd\necho "args:$*"\n'), work)
    assert result == EnvSetupResult(True, 0, f"{work.resolve()}\nargs:\n", result.duration_s)
    assert result.duration_s >= 0


def test_failure_keeps_stdout_and_stderr(tmp_path):
    result = run_env_setup(script(tmp_path, "echo checking\necho 'no qpdf' >&2\nexit 1\n"), tmp_path)
    assert not result.ok and result.exit_code == 1
    assert result.output == "checking\nno qpdf\n"
    message = context_message(result)
    assert "exited with code 1" in message and "no qpdf" in message


def test_check_only_passes_the_flag(tmp_path):
    result = run_env_setup(script(tmp_path, 'echo "$1"\n'), tmp_path, check_only=True)
    assert result.output == "--check\n"


def test_timeout_kills_the_process_group(tmp_path):
    start = time.monotonic()
    result = run_env_setup(script(tmp_path, "echo started\nsleep 30 &\nsleep 30\n"), tmp_path, timeout=0.5)
    assert time.monotonic() - start < 10
    assert not result.ok and result.exit_code is None
    assert result.output.startswith("started\n") and "timed out after 0.5 s" in result.output
    assert "timed out" in context_message(result)


def test_missing_script_and_stdin_closed(tmp_path):
    result = run_env_setup(tmp_path / "nope.sh", tmp_path)
    assert not result.ok and result.exit_code is None and "no setup script" in result.output
    result = run_env_setup(script(tmp_path, "read -r line || echo eof\n"), tmp_path, timeout=120)
    assert result.output == "eof\n"


def test_output_is_truncated_head_and_tail(tmp_path):
    result = run_env_setup(script(tmp_path, 'echo FIRST\nfor i in $(seq 1 5000); do echo "line $i"; done\necho LAST\n'),
                           tmp_path)
    assert len(result.output) <= MAX_OUTPUT_CHARS + 100
    assert result.output.startswith("FIRST") and result.output.rstrip().endswith("LAST")
    assert "characters omitted" in result.output
    assert truncate("short") == "short"
