"""Token counts with a real tokenizer that works offline (quicktok's bundled BPE
encodings, identical ids to tiktoken's). The model -> encoding table is data
(skillir/data/tokenizers.json); counts for models whose tokenizer is not published
are marked approximate.

Loading an encoding costs 0.2-0.6 s per process (quicktok builds its tables from the
vocabulary file), far more than counting: so a count is kept in the user cache
(`skillir.usercache`, keyed by quicktok's version, the encoding and the text itself)
and the tokenizer is loaded only for a text it has never counted. The same skill
compiled again, or for another harness, never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from skillir.datafiles import load_data

_CACHE_KIND = "tokens-v1"


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    encoding: str
    exact: bool


@cache
def _table() -> dict:
    return load_data("tokenizers.json")


@cache
def encoding_for(model: str) -> tuple[str, bool]:
    """(encoding name, whether it is the model's own tokenizer); kept per model name (a
    lookup in the data file's table, asked once or twice per compile)."""
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


@cache
def _quicktok_version() -> str:
    """Which quicktok counts (its installed files' sizes and mtimes): a cache key that
    changes with an upgrade, found without importing its C extension (~5 ms)."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("quicktok")
    if spec is None or not spec.submodule_search_locations:
        return "?"
    folder = list(spec.submodule_search_locations)[0]
    stamps = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            st = os.stat(os.path.join(root, name))
            stamps.append(f"{os.path.relpath(os.path.join(root, name), folder)}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(stamps)


_MEMO: dict[tuple[str, str], int] = {}
_MEMO_LIMIT = 4096


def _count(text: str, encoding: str) -> int:
    hit = _MEMO.get((encoding, text))
    if hit is not None:
        return hit
    from skillir import usercache

    digest = usercache.key_digest(_quicktok_version(), encoding, text)
    cached = usercache.get(_CACHE_KIND, digest)
    if isinstance(cached, int) and not isinstance(cached, bool):
        count = cached
    else:
        count = _encoder(encoding).count(text)
        usercache.put(_CACHE_KIND, digest, count)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[(encoding, text)] = count
    return count


def count_tokens(text: str, model: str) -> TokenCount:
    """Tokens of `text` read as ordinary text: a chat-template marker such as
    `<|endoftext|>` inside a skill is counted as the characters it is, never refused."""
    encoding, exact = encoding_for(model)
    return TokenCount(_count(text, encoding), encoding, exact)

