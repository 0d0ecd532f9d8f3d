"""Running a compiled skill's env-setup.sh without touching the host.

The script runs inside the sandbox (bubblewrap), with the host's network for this phase
only (package installs), and the only writable folder is the run's isolated environment
`<workspace>/.skillir-env/`: a virtual environment made for this run (its interpreter is
the one SkillIR runs on, and SkillIR's own packages stay visible read-only through a .pth
file). pip, npm and friends are pointed there (PATH, VIRTUAL_ENV, PYTHON, PIP_*,
NPM_CONFIG_PREFIX), so nothing is installed into the interpreter running SkillIR or the
user's own environment. Afterwards the task's commands see that environment first on
their PATH (and NODE_PATH), without network.

    outcome = run_skill_setup(script, workspace, sandbox, timeout=300)
    outcome.where   # "sandbox" | "host" (--allow-host-setup) | "skipped" (no bubblewrap)

Without a usable bubblewrap the script is not run (`where == "skipped"`, with a warning in
the run record) unless the user passed `--allow-host-setup`, which restores the old
behaviour: the script runs on the host, in the workspace, with the host's environment.
Either way a failure never stops the run: the result's output goes into the model's context.
"""

from __future__ import annotations

import logging
import sysconfig
import venv
from dataclasses import dataclass, replace
from pathlib import Path

from skillir.deps.runner import EnvSetupResult, run_env_setup, truncate
from skillir.runtime.sandbox import Sandbox, bwrap_status

log = logging.getLogger("skillir.runtime")

ENV_DIRNAME = ".skillir-env"
"""The isolated per-run environment, inside the workspace."""


@dataclass(frozen=True)
class SetupOutcome:
    result: EnvSetupResult
    where: str
    """"sandbox" (bubblewrap, isolated env), "host" (--allow-host-setup) or "skipped"."""
    env_dir: Path | None = None
    network: bool = False
    warning: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"where": self.where, "env_dir": str(self.env_dir) if self.env_dir else None,
                "network": self.network, "warning": self.warning}


def environment_variables(env_dir: Path) -> dict[str, str]:
    """What points installers (and later the task's commands) at `env_dir`."""
    return {
        "VIRTUAL_ENV": str(env_dir),
        "PYTHON": str(env_dir / "bin" / "python"),
        "PYTHONNOUSERSITE": "1",
        "PIP_REQUIRE_VIRTUALENV": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PIP_CACHE_DIR": str(env_dir / ".cache" / "pip"),
        "NPM_CONFIG_PREFIX": str(env_dir),
        "NPM_CONFIG_CACHE": str(env_dir / ".cache" / "npm"),
        "NODE_PATH": f"{env_dir / 'lib' / 'node_modules'}:{env_dir / 'node_modules'}",
        "SKILLIR_ENV": str(env_dir),
    }


def make_environment(workspace: Path) -> Path:
    """Create `<workspace>/.skillir-env`: a virtual environment without pip of its own
    whose site-packages also sees SkillIR's (read-only in the sandbox), so `python -m pip`
    works there and installs into it."""
    env_dir = Path(workspace) / ENV_DIRNAME
    venv.EnvBuilder(with_pip=False, symlinks=True, clear=False).create(env_dir)
    purelib = sysconfig.get_paths(vars={"base": str(env_dir), "platbase": str(env_dir)})["purelib"]
    host = sysconfig.get_paths()["purelib"]
    Path(purelib).mkdir(parents=True, exist_ok=True)
    (Path(purelib) / "_skillir_host_packages.pth").write_text(host + "\n", encoding="utf-8")
    (env_dir / ".tmp").mkdir(exist_ok=True)
    return env_dir


def run_skill_setup(script: Path, workspace: Path, sandbox: Sandbox, *, timeout: float = 300,
                    allow_host: bool = False) -> SetupOutcome:
    """Run `script` for the run whose commands go through `sandbox`; on success or
    failure alike, `sandbox` afterwards puts the isolated environment first on PATH."""
    script = Path(script)
    usable, reason = bwrap_status()
    if not usable:
        if allow_host:
            warning = (f"env-setup.sh ran ON THE HOST (--allow-host-setup; no sandbox: {reason}); "
                       "it could install into and change the host environment")
            log.warning("%s", warning)
            return SetupOutcome(run_env_setup(script, workspace, timeout=timeout), "host",
                                warning=warning)
        warning = (f"env-setup.sh was NOT run: there is no sandbox to run it in ({reason}); "
                   "pass --allow-host-setup to run it on the host")
        log.warning("%s", warning)
        text = f"env-setup: skipped: {warning}"
        return SetupOutcome(EnvSetupResult(False, None, text, 0.0, skipped=True), "skipped",
                            warning=warning)
    if allow_host:
        warning = "env-setup.sh ran ON THE HOST (--allow-host-setup): it could change the host environment"
        log.warning("%s", warning)
        return SetupOutcome(run_env_setup(script, workspace, timeout=timeout), "host", warning=warning)
    if not script.is_file():
        return SetupOutcome(EnvSetupResult(False, None, f"env-setup: no setup script at {script}", 0.0),
                            "sandbox")
    env_dir = make_environment(workspace)
    variables = environment_variables(env_dir)
    limits = replace(sandbox.limits, command_timeout_s=timeout, cpu_seconds=max(60, int(timeout)))
    setup_box = Sandbox(env_dir, limits, isolation="bwrap", ro_binds=(script.resolve().parent,),
                        drop_privileges=sandbox.drop_privileges, network=True,
                        path_prefix=(str(env_dir / "bin"),),
                        extra_env={**variables, "TMPDIR": str(env_dir / ".tmp")})
    setup_box.adopt()
    res = setup_box.run(f"exec bash {_quote(str(script.resolve()))}", timeout=timeout)
    text = res.output
    if res.killed == "timeout":
        text += f"\nenv-setup: timed out after {timeout:g} s and was stopped"
    elif res.killed:
        text += f"\nenv-setup: stopped ({res.killed})"
    result = EnvSetupResult(res.exit_code == 0 and res.killed is None,
                            res.exit_code if res.killed is None else None,
                            truncate(text), res.duration_s)
    sandbox.path_prefix = (str(env_dir / "bin"), *sandbox.path_prefix)
    sandbox.extra_env = {**sandbox.extra_env, **variables}
    return SetupOutcome(result, "sandbox", env_dir=env_dir, network=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"
