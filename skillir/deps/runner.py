"""Running env-setup.sh at run time: the runtime's side of the environment contract.

The agent loop (issue 7) runs the compiled skill's env-setup.sh in the task's
workspace before it loads the skill. When the script fails, the skill still runs and
the script's output goes into the model's context (`context_message`), so the model
knows which tools are missing instead of discovering it one failed command at a time.

```python
from skillir.deps.runner import run_env_setup, context_message
result = run_env_setup(compiled / "env-setup.sh", workspace, timeout=300)
if not result.ok:
    messages.append({"role": "user", "content": context_message(result)})
```

`run_env_setup` runs the script on the host, as the current user: only `skill-run
--allow-host-setup` does that. By default the runtime runs it inside the sandbox, into
an isolated environment (`skillir.runtime.env_setup`), and reports the outcome with the
same `EnvSetupResult`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MAX_OUTPUT_CHARS = 16_000
"""Output kept for the model: the head (what was checked) and the tail (the summary)."""
_HEAD_CHARS = 4_000


@dataclass(frozen=True)
class EnvSetupResult:
    ok: bool
    """True when the script ran to the end and exited 0."""
    exit_code: int | None
    """The script's exit code; None when it could not start or timed out."""
    output: str
    """stdout and stderr interleaved, truncated to MAX_OUTPUT_CHARS (head and tail kept)."""
    duration_s: float
    skipped: bool = False
    """True when the script was not run at all (no sandbox to run it in)."""


def truncate(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    if len(text) <= limit:
        return text
    head = min(_HEAD_CHARS, limit // 4)
    tail = limit - head - 60
    omitted = len(text) - head - tail
    return f"{text[:head]}\n... [{omitted} characters omitted] ...\n{text[-tail:]}"


def run_env_setup(script: Path, workdir: Path, timeout: float = 300, *, check_only: bool = False,
                  env: Mapping[str, str] | None = None) -> EnvSetupResult:
    """Run `script` with bash in `workdir` (npm libraries install there) with stdin
    at end of file (an empty pipe, not /dev/null); kill its whole process group after `timeout` seconds. Never raises for
    a missing script, a missing bash or a timeout: the result says what happened."""
    start = time.monotonic()
    script = Path(script)
    if not script.is_file():
        return EnvSetupResult(False, None, f"env-setup: no setup script at {script}", 0.0)
    command = ["bash", str(script.resolve())]
    if check_only:
        command.append("--check")
    try:
        process = subprocess.Popen(
            command, cwd=str(workdir), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=dict(env) if env is not None else None, start_new_session=True,
        )
    except OSError as exc:
        return EnvSetupResult(False, None, f"env-setup: could not start bash: {exc}", time.monotonic() - start)
    try:
        raw, _ = process.communicate(timeout=timeout)  # closes stdin at once: the script reads EOF
        code: int | None = process.returncode
        suffix = ""
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raw, _ = process.communicate()
        code = None
        suffix = f"\nenv-setup: timed out after {timeout:g} s and was stopped"
    text = raw.decode("utf-8", "replace") + suffix
    return EnvSetupResult(code == 0, code, truncate(text), time.monotonic() - start)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def context_message(result: EnvSetupResult) -> str:
    """What the model is told when the setup script did not succeed (or was not run)."""
    if result.skipped:
        how = "was not run"
    elif result.exit_code is None:
        how = "timed out"
    else:
        how = f"exited with code {result.exit_code}"
    return (
        f"Before this task, the skill's environment setup script (env-setup.sh) {how}, so some of "
        "the tools or packages the skill uses may be missing. Its output:\n"
        f"```\n{result.output.rstrip()}\n```\n"
        "Prefer steps that do not need what is missing, or install it yourself if you can."
    )
