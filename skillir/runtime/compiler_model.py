"""The runtime's providers as text models for the compiler's LLM options
(`compile-capabilities{rewriter=llm model=PROVIDER/MODEL}`): importing this module
and calling `register()` registers every provider kind the runtime knows into
`skillir.oracle`, which sits below the passes and never imports the
runtime itself.

```python
from skillir.runtime.compiler_model import register
register()            # then passes can resolve model=local/smollm2, openai/..., anthropic/...
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from skillir.oracle import register_text_models
from skillir.runtime.providers import get_provider, provider_kinds
from skillir.runtime.providers.base import Message, Provider


class ProviderTextModel:
    """A runtime `Provider` seen as a `TextModel` (temperature 0, a bounded answer)."""

    def __init__(self, provider: Provider, *, max_tokens: int = 384):
        self.provider = provider
        self.max_tokens = max_tokens

    def complete(self, messages: Sequence[Mapping[str, str]]) -> str:
        chat = [Message(role=m["role"], content=m["content"]) for m in messages]  # type: ignore[arg-type]
        return self.provider.complete(chat, max_tokens=self.max_tokens, temperature=0.0).text


def _factory(model_id: str) -> ProviderTextModel:
    return ProviderTextModel(get_provider(model_id))


def register(kinds: Sequence[str] | None = None) -> None:
    """Register the runtime's provider kinds (or only `kinds`) as text models."""
    from skillir.runtime.config import load_config

    names = set(kinds) if kinds is not None else set(provider_kinds()) | set(load_config().providers)
    for kind in sorted(names):
        register_text_models(kind, _factory)
