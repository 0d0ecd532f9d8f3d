"""Token counts with a real tokenizer that works offline (quicktok's bundled BPE
encodings, identical ids to tiktoken's). The model -> encoding table is data
(skillir/data/tokenizers.json); counts for models whose tokenizer is not published
are marked approximate."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from skillir.datafiles import load_data


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    encoding: str
    exact: bool


@cache
def _table() -> dict:
    return load_data("tokenizers.json")


def encoding_for(model: str) -> tuple[str, bool]:
    """(encoding name, whether it is the model's own tokenizer)."""
    name = model.lower().rsplit("/", 1)[-1]
    for row in _table()["models"]:
        if name.startswith(row["prefix"]):
            return row["encoding"], row["exact"]
    default = _table()["default"]
    return default["encoding"], default["exact"]


@cache
def _encoder(encoding: str):
    import quicktok

    return quicktok.get_encoding(encoding)


def count_tokens(text: str, model: str) -> TokenCount:
    """Tokens of `text` read as ordinary text: a chat-template marker such as
    `<|endoftext|>` inside a skill is counted as the characters it is, never refused."""
    encoding, exact = encoding_for(model)
    return TokenCount(_encoder(encoding).count(text), encoding, exact)
