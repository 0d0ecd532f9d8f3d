"""A text model the compiler's passes can ask (the LLM rewriter, the LLM oracles),
without importing the runtime: passes sit below `skillir.runtime`, so the runtime
(or a test) registers a factory here and a pass looks a model up by its id.

```python
from skillir.oracle import register_text_models, text_model

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

import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
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


# ---------------------------------------------------------------------------
# asking a model for JSON, once per prompt


def cache_dir(namespace: str) -> Path:
    """Where answers of one kind are kept: `$SKILLIR_HOME/cache/NAMESPACE/`
    (default `~/.skillir/...`)."""
    home = os.environ.get("SKILLIR_HOME") or str(Path.home() / ".skillir")
    return Path(home).expanduser() / "cache" / namespace


def answer_key(messages: Sequence[Mapping[str, str]], model_id: str) -> str:
    blob = json.dumps({"model": model_id, "messages": list(messages)}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def ask_cached(namespace: str, messages: Sequence[Mapping[str, str]], model_id: str,
               model: TextModel | None) -> tuple[str, bool]:
    """(the model's answer, whether it came from the cache). Answers are cached by the
    hash of the prompt and the model id, so a rerun is deterministic and offline;
    `model` None means: the cache or a LookupError."""
    from skillir.atomic import write_text_atomic

    path = cache_dir(namespace) / f"{answer_key(messages, model_id)}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))["answer"], True
    if model is None:
        raise LookupError("no cached answer and no model")
    answer = model.complete(messages)
    if not isinstance(answer, str):
        raise TypeError(f"the model returned {type(answer).__name__}, not text")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps({"model": model_id, "answer": answer}) + "\n")
    return answer, False


_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


def parse_json_answer(text: str, schema: Mapping) -> dict:
    """The JSON object in a model's answer, validated against `schema`; ValueError
    (one line, with the JSON path) when there is none or it does not fit."""
    import jsonschema

    match = _JSON_OBJECT.search(text)
    if match is None:
        raise ValueError("the answer holds no JSON object")
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON ({exc.msg})") from None
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the answer"
        raise ValueError(f"{where}: {exc.message}") from None
    return data


_SPACE = re.compile(r"\s+")
ELISION = re.compile(r"\.\.\.|…")


def quote_found(evidence: str, text: str) -> bool:
    """Is `evidence` a quote of `text` (each piece around an elision found in it,
    ignoring case and spacing, pieces of fewer than 3 characters ignored)?"""
    flat = _SPACE.sub(" ", text).lower()
    pieces = [_SPACE.sub(" ", p).strip().strip("\"'`").lower() for p in ELISION.split(evidence)]
    pieces = [p for p in pieces if len(p) >= 3]
    return bool(pieces) and all(p in flat for p in pieces)
