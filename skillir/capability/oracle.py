"""A text model the compiler's passes can ask (the LLM rewriter, later LLM oracles),
without importing the runtime: passes sit below `skillir.runtime`, so the runtime
(or a test) registers a factory here and a pass looks a model up by its id.

```python
from skillir.capability.oracle import register_text_models, text_model

class Echo:
    def complete(self, messages):          # messages: [{"role": ..., "content": ...}]
        return '{"edits": []}'

register_text_models("echo", lambda model_id: Echo())   # ids "echo/..." now resolve
text_model("echo/any").complete([{"role": "user", "content": "hi"}])
```

`skillir.runtime.compiler_model.register()` registers every provider kind the
runtime knows (`local/smollm2`, `openai/...`, `anthropic/...`, `sim/...`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from skillir.errors import SkillIRError
from skillir.target import ModelId


class TextModel(Protocol):
    """The one call a pass needs: chat messages in, the model's text out. Raises any
    exception on failure (the caller falls back to the rule-based result)."""

    def complete(self, messages: Sequence[Mapping[str, str]]) -> str: ...


TextModelFactory = Callable[[str], TextModel]

_FACTORIES: dict[str, TextModelFactory] = {}


def register_text_models(kind: str, factory: TextModelFactory) -> None:
    """Model ids `KIND/...` are built by `factory(model_id)` (a later registration
    of the same kind replaces the earlier one)."""
    _FACTORIES[kind] = factory


def unregister_text_models(kind: str) -> None:
    _FACTORIES.pop(kind, None)


def text_model_kinds() -> list[str]:
    return sorted(_FACTORIES)


def text_model(model_id: str) -> TextModel:
    """The text model for `PROVIDER/MODEL`; a SkillIRError when no factory is
    registered for that provider kind."""
    kind = ModelId.parse(model_id, example="model=local/smollm2 or model=anthropic/claude-sonnet-4.6").prefix
    factory = _FACTORIES.get(kind)
    if factory is None:
        known = ", ".join(text_model_kinds()) or "none (import skillir.runtime.compiler_model to register them)"
        raise SkillIRError(f"no text model provider '{kind}' is registered", hint=f"registered: {known}")
    return factory(model_id)
