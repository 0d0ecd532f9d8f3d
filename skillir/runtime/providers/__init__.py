"""Model providers behind one interface (`Provider.complete`), chosen by the `PROVIDER/` prefix
of a model id: `openai/gpt-4o`, `anthropic/claude-sonnet-4-5`, `local/smollm2`, or any route
named in the config file (`vllm/qwen3-30b` with `providers.vllm.kind = "openai"`).

`sim/PROFILE` is the simulated model (`skillir.runtime.providers.sim`): no model is called,
its behaviour follows a capability profile, and everything it touches says "simulated".

New kinds register a factory:

    from skillir.runtime.providers import register_provider
    register_provider("sim", lambda route, model: SimProvider(route, model))

after which `--model sim/qwen3.5-9b` builds it. Built-in kinds load lazily.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from skillir.errors import SkillIRError
from skillir.runtime.config import RouteConfig, RuntimeConfig, load_config
from skillir.runtime.providers.base import (
    Message,
    Provider,
    ProviderError,
    ProviderTimeout,
    Response,
    RunInfo,
    RunNotSupported,
    ToolCall,
    ToolSpec,
    Usage,
)

__all__ = ["Message", "Provider", "ProviderError", "ProviderTimeout", "Response", "RunInfo",
           "RunNotSupported", "ToolCall", "ToolSpec", "Usage", "get_provider", "parse_model_id",
           "register_provider", "provider_kinds"]

ProviderFactory = Callable[[RouteConfig, str], Provider]

_BUILTIN: dict[str, str] = {
    "openai": "skillir.runtime.providers.openai_compat:OpenAICompatProvider",
    "anthropic": "skillir.runtime.providers.anthropic:AnthropicProvider",
    "local": "skillir.runtime.providers.local:LocalProvider",
    "sim": "skillir.runtime.providers.sim:SimProvider",
    "sim-null": "skillir.runtime.providers.sim:NullSimProvider",
}
_REGISTERED: dict[str, ProviderFactory] = {}


def register_provider(kind: str, factory: ProviderFactory) -> None:
    """Make `kind/...` model ids (and config routes of that kind) build `factory(route, model)`."""
    _REGISTERED[kind] = factory


def provider_kinds() -> list[str]:
    return sorted(set(_BUILTIN) | set(_REGISTERED))


def _factory(kind: str) -> ProviderFactory | None:
    if kind in _REGISTERED:
        return _REGISTERED[kind]
    target = _BUILTIN.get(kind)
    if target is None:
        return None
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def parse_model_id(model_id: str) -> tuple[str, str]:
    """`PROVIDER/MODEL` -> (route, model); the model part may itself contain slashes."""
    route, sep, model = model_id.partition("/")
    if not sep or not route or not model:
        raise SkillIRError(f"model id '{model_id}' has no provider prefix",
                           hint="write PROVIDER/MODEL, e.g. local/smollm2, openai/gpt-4o, "
                           "anthropic/claude-sonnet-4-5")
    return route, model


def get_provider(model_id: str, config: RuntimeConfig | None = None) -> Provider:
    """Build the provider for `model_id` from the config file and environment."""
    cfg = config if config is not None else load_config()
    route_name, model = parse_model_id(model_id)
    route = cfg.route(route_name)
    factory = _factory(route.kind)
    if factory is None:
        known = ", ".join(provider_kinds())
        extra = [r for r in cfg.providers if r not in provider_kinds()]
        raise SkillIRError(f"unknown provider '{route_name}' in model id '{model_id}'",
                           hint=f"known providers: {known}"
                           + (f"; config routes: {', '.join(extra)}" if extra else "")
                           + "; add a route with a 'kind' to ~/.skillir/config.json")
    return factory(route, model)
