"""The compile target and model ids, parsed once into typed values.

A target is the (harness, model) pair a skill is compiled for, written
`HARNESS/MODEL` on the command line (`--target=claude-code/opus-4.6`) and in
`bind-profile{target=...}`. A model id is `PROVIDER/MODEL` (`local/smollm2`,
`openai/gpt-4o`). Both split at the first `/` only: the model part may hold more.

```python
from skillir.target import ModelId, Target
Target.parse("claude-code/opus-4.6")   # Target(harness='claude-code', model='opus-4.6')
str(Target("codex", "gpt-5"))          # 'codex/gpt-5'
ModelId.parse("openai/org/model-7b")   # ModelId(prefix='openai', name='org/model-7b')
```

Everything after parsing reads the fields; nothing splits the text again.
"""

from __future__ import annotations

from dataclasses import dataclass

from skillir.errors import SkillIRError

DEFAULT_TARGET_TEXT = "bare-agent/qwen3.5-9b"


@dataclass(frozen=True, slots=True)
class ModelId:
    """`PREFIX/NAME`: a provider route and its model, or a harness and its model."""

    prefix: str
    name: str

    @classmethod
    def parse(cls, text: str, *, what: str = "model id", example: str = "local/smollm2") -> ModelId:
        """Split at the first `/`; a missing or empty part is a one-line SkillIRError."""
        prefix, sep, name = text.strip().partition("/")
        if not sep or not prefix or not name:
            raise SkillIRError(f"bad {what} '{text}': expected PREFIX/NAME",
                               hint=f"write it like {example}")
        return cls(prefix, name)

    def __str__(self) -> str:
        return f"{self.prefix}/{self.name}"


@dataclass(frozen=True, slots=True)
class Target:
    """The harness and model a skill is compiled for."""

    harness: str
    model: str

    @classmethod
    def parse(cls, text: str) -> Target:
        """`HARNESS/MODEL` -> Target; the harness must be one of the harness table's."""
        from skillir.harnesses import harness_names

        names = harness_names()
        harness, sep, model = text.strip().partition("/")
        if not sep or not model or harness not in names:
            raise SkillIRError(
                f"bad target '{text}'",
                hint=f"write HARNESS/MODEL with HARNESS one of {', '.join(names)}, e.g. claude-code/opus-4.6",
            )
        return cls(harness, model)

    def with_harness(self, harness: str) -> Target:
        return Target(harness, self.model)

    def __str__(self) -> str:
        return f"{self.harness}/{self.model}"


DEFAULT_TARGET = Target("bare-agent", "qwen3.5-9b")
