"""Runtime configuration: where keys, base URLs and state live.

Config file: `$SKILLIR_CONFIG`, else `~/.skillir/config.json` (`$SKILLIR_HOME/config.json`).
All keys are optional:

```json
{
  "providers": {
    "openai":    {"base_url": "https://api.openai.com/v1", "api_key": "sk-...",
                  "timeout": 120, "max_retries": 4},
    "anthropic": {"api_key_env": "MY_ANTHROPIC_KEY"},
    "vllm":      {"kind": "openai", "base_url": "http://gpu-box:8000/v1"},
    "local":     {"n_threads": 2, "n_ctx": 4096}
  },
  "judge": {"model": "anthropic/claude-sonnet-4-5"},
  "runs_dir": "~/.skillir/runs"
}
```

A route's `kind` (openai | anthropic | local, or a kind registered with
`skillir.runtime.providers.register_provider`; default: the route's own name) picks the
provider class, so `--model vllm/qwen3-30b` talks OpenAI-compatible HTTP to the `vllm`
route's base URL. For the `openai` and `anthropic` routes the standard environment variables
(`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`) override the
file; `api_key_env` names another variable to read the key from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.datafiles import load_json_file
from skillir.errors import SkillIRError

ENV_VARS = {
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
}
DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}


def skillir_home() -> Path:
    """`$SKILLIR_HOME` or `~/.skillir` (state files, default runs folder, config)."""
    return Path(os.environ.get("SKILLIR_HOME") or Path.home() / ".skillir").expanduser()


def config_path() -> Path:
    env = os.environ.get("SKILLIR_CONFIG")
    return Path(env).expanduser() if env else skillir_home() / "config.json"


@dataclass(frozen=True)
class RouteConfig:
    """Everything a provider needs to reach one route."""

    route: str
    kind: str
    base_url: str | None
    api_key: str | None
    timeout: float = 120.0
    max_retries: int = 4
    headers: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    key_source: str = ""


@dataclass(frozen=True)
class RuntimeConfig:
    raw: dict[str, Any]
    path: Path | None

    @property
    def providers(self) -> dict[str, Any]:
        return self.raw.get("providers", {})

    def route(self, name: str) -> RouteConfig:
        """Resolve route `name` (the `PROVIDER` of `PROVIDER/MODEL`)."""
        entry = dict(self.providers.get(name, {}))
        kind = entry.pop("kind", name)
        where = str(self.path) if self.path else "config"
        base_url = entry.pop("base_url", None)
        api_key = entry.pop("api_key", None)
        key_source = "config file" if api_key else ""
        key_env = entry.pop("api_key_env", None)
        if key_env and os.environ.get(key_env):
            api_key, key_source = os.environ[key_env], f"${key_env}"
        if name in ENV_VARS:
            key_var, url_var = ENV_VARS[name]
            if os.environ.get(key_var):
                api_key, key_source = os.environ[key_var], f"${key_var}"
            if os.environ.get(url_var):
                base_url = os.environ[url_var]
        if base_url is None and kind in DEFAULT_BASE_URLS:
            base_url = DEFAULT_BASE_URLS[kind]
        try:
            timeout = float(entry.pop("timeout", 120.0))
            max_retries = int(entry.pop("max_retries", 4))
        except (TypeError, ValueError):
            raise SkillIRError(f"providers.{name}.timeout/max_retries must be numbers",
                               path=where) from None
        headers = entry.pop("headers", {}) or {}
        if not isinstance(headers, dict):
            raise SkillIRError(f"providers.{name}.headers must be an object", path=where)
        return RouteConfig(route=name, kind=kind, base_url=base_url, api_key=api_key,
                           timeout=timeout, max_retries=max_retries,
                           headers={str(k): str(v) for k, v in headers.items()},
                           options=entry, key_source=key_source)

    def judge_model(self) -> str | None:
        judge = self.raw.get("judge") or {}
        return os.environ.get("SKILLIR_JUDGE_MODEL") or judge.get("model")

    def runs_dir(self) -> Path:
        env = os.environ.get("SKILLIR_RUNS_DIR")
        if env:
            return Path(env).expanduser()
        if self.raw.get("runs_dir"):
            return Path(self.raw["runs_dir"]).expanduser()
        return skillir_home() / "runs"


def load_config(path: Path | None = None) -> RuntimeConfig:
    """Read the config file (a missing file is an empty config; a malformed one is a
    one-line error naming the file and the JSON path, checked against
    skillir/data/schemas/config.schema.json)."""
    target = path or config_path()
    if not target.exists():
        return RuntimeConfig({}, None)
    raw = load_json_file(target, schema="config", what="config file",
                         fix="fix the JSON or point SKILLIR_CONFIG at another file")
    return RuntimeConfig(raw, target)
