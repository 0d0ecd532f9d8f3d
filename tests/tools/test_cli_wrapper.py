"""Every tool ends the same way (skillir.tools.cli): exit codes, one-line errors, and
clean-up when SIGTERM or SIGHUP arrives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.tools.cli import EXIT_INTERNAL, EXIT_USAGE, run_tool


def _raise(exc: BaseException):
    def body() -> int:
        raise exc

    return body


@pytest.mark.parametrize(("exc", "code", "text"), [
    (SkillIRError("bad thing", path="x.md", hint="fix it"), EXIT_USAGE, "tool: x.md: error: bad thing (fix it)"),
    (KeyboardInterrupt(), 130, "tool: interrupted"),
    (ZeroDivisionError("division by zero"), EXIT_INTERNAL, "internal error: ZeroDivisionError"),
])
def test_exit_codes_and_one_line(capsys, exc, code, text):
    assert run_tool("tool", _raise(exc)) == code
    err = capsys.readouterr().err
    assert text in err and err.count("\n") == 1 and "Traceback" not in err


def test_tool_specific_handler_runs_first(capsys):
    class Skipped(SkillIRError):
        pass

    assert run_tool("tool", _raise(Skipped("skipped")), handlers={Skipped: lambda e: 3}) == 3
    assert capsys.readouterr().err == ""


def test_sigterm_cleans_up_like_ctrl_c(tmp_path: Path):
    """A tool stopped by SIGTERM leaves no temporary folder behind (atomic_directory)."""
    script = tmp_path / "tool.py"
    ready = tmp_path / "ready"
    out = tmp_path / "out"
    script.write_text(textwrap.dedent(f"""
        import time
        from pathlib import Path
        from skillir.atomic import atomic_directory
        from skillir.tools.cli import run_tool

        def body():
            with atomic_directory({str(out)!r}) as tmp:
                (tmp / "half.txt").write_text("half")
                Path({str(ready)!r}).write_text("x")
                while True:
                    time.sleep(0.05)
            return 0

        raise SystemExit(run_tool("tool", body))
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    try:
        for _ in range(600):  # up to 60 s on a loaded machine; no timing assertion
            if ready.exists() or proc.poll() is not None:
                break
            subprocess.run(["sleep", "0.1"])
        assert ready.exists(), proc.stderr.read() if proc.poll() is not None else "not ready"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert "stopped by signal 15" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ready", "tool.py"]


@pytest.mark.parametrize("output", ["/dev/full", "/proc/x.mlir", "/" + "a" * 300 + "/x.mlir"])
def test_outputs_the_system_refuses_are_one_line(output):
    skill = Path(__file__).resolve().parents[2] / "examples" / "skills" / "merge-pdfs"
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(skill), "-o", output],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == EXIT_USAGE
    assert done.stderr.count("\n") == 1 and "internal error" not in done.stderr
    assert "Traceback" not in done.stderr
