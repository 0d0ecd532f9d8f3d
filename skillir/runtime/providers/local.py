"""`local/<model>`: the project's own llama.cpp server (see `skillir.runtime.localserver`),
spoken to through the OpenAI-compatible provider. No key, no network beyond 127.0.0.1."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skillir.runtime.config import RouteConfig
from skillir.runtime.localserver import ensure_server, model_spec
from skillir.runtime.providers.base import Message, Provider, Response, ToolSpec
from skillir.runtime.providers.http import RetryPolicy
from skillir.runtime.providers.openai_compat import OpenAICompatProvider


class LocalProvider(Provider):
    """Starts (or reuses) the local server on first use."""

    def __init__(self, route: RouteConfig, model: str, *, state_dir: Path | None = None,
                 retry: RetryPolicy | None = None):
        self.route = route
        self.model = model or "smollm2"
        self.spec = model_spec(self.model)
        self.name = f"{route.route}/{self.model}"
        self.state_dir = state_dir or (Path(route.options["state_dir"]).expanduser()
                                       if route.options.get("state_dir") else None)
        self.retry = retry
        self._inner: OpenAICompatProvider | None = None
        # the agent loop clips each tool result to this many characters (small context)
        self.context_chars = int(self.spec["n_ctx"]) // 2
        self.server: dict[str, Any] = {}

    def _provider(self) -> OpenAICompatProvider:
        if self._inner is None:
            state, how = ensure_server(self.model, state_dir=self.state_dir)
            self.server = {"base_url": state.base_url, "pid": state.pid, "how": how,
                           "start_s": state.start_s if how == "started" else 0.0,
                           "gguf": Path(state.gguf).name}
            inner_route = RouteConfig(route=self.route.route, kind="openai",
                                      base_url=state.base_url, api_key=None,
                                      timeout=self.route.timeout,
                                      max_retries=self.route.max_retries)
            self._inner = OpenAICompatProvider(inner_route, self.model, retry=self.retry)
        return self._inner

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        cap = int(self.spec.get("default_max_tokens", 512))
        return self._provider().complete(
            messages, tools, max_tokens=min(max_tokens or cap, cap),
            temperature=0.0 if temperature is None else temperature,
            deadline=deadline, seed=seed)

    def prepare(self) -> None:
        self._provider()

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "api": "openai-chat (llama.cpp server)", **self.server}
