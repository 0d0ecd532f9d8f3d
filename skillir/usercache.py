"""A small on-disk cache under the user's cache folder, for answers that are slow to get
and cheap to keep: token counts (loading a tokenizer costs 0.2-0.6 s per process), the
skills-ref verdict on a front matter, the presence probe's answers.

Where: `$SKILLIR_CACHE` if set, else `$XDG_CACHE_HOME/skillir`, else `~/.cache/skillir`.
`SKILLIR_CACHE=off` turns it off (every answer is computed again, nothing is written).

Each entry is one small JSON file named by a hash of its key, inside a folder per kind
(`tokens-v1/`, `skills-ref-v1/`, `probe-v1/`), written atomically (a temporary sibling
renamed into place), so concurrent compiles never read half an entry. A key holds
everything the answer depends on (a tool's version, the text itself, the mtimes that
invalidate a probe answer); an entry whose key no longer matches is simply never read
again. Entries may carry an expiry time (`ttl`). A damaged or unreadable entry counts as
a miss; a cache folder that cannot be written is ignored (the answer is still returned).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from skillir.atomic import write_text_atomic
from skillir.errors import SkillIRError

_OFF = {"off", "0", "none", "false"}


def cache_root() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    configured = os.environ.get("SKILLIR_CACHE")
    if configured is not None:
        if configured.strip().lower() in _OFF or not configured.strip():
            return None
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "skillir"


def key_digest(*parts: object) -> str:
    """A stable hash of the key parts (strings, numbers, bytes, tuples of these)."""
    try:  # the builtin module: `hashlib` would load OpenSSL first (~4 ms per process)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    h = blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _entry(kind: str, digest: str) -> Path | None:
    root = cache_root()
    return None if root is None else root / kind / digest[:2] / f"{digest}.json"


def get(kind: str, digest: str) -> object | None:
    """The cached value for `digest`, or None (missing, expired, damaged, cache off)."""
    path = _entry(kind, digest)
    if path is None:
        return None
    try:
        entry = json.loads(_read(path).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or "value" not in entry:
        return None
    expires = entry.get("expires")
    if isinstance(expires, (int, float)) and time.time() > expires:
        return None
    return entry["value"]


def _read(path: Path) -> bytes:
    """The file's bytes, read without Python's text-file layers (`open()` adds an fstat,
    an isatty ioctl and a seek to the open and reads; a compile reads two or three
    entries). Decoded by the caller as a text-mode read would (UTF-8; JSON ignores the
    carriage returns a text-mode read would have turned into newlines)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def put(kind: str, digest: str, value: object, *, ttl: float | None = None) -> None:
    """Store `value` (JSON-serialisable) for `digest`; failures are ignored."""
    path = _entry(kind, digest)
    if path is None:
        return
    entry: dict[str, object] = {"value": value}
    if ttl is not None:
        entry["expires"] = time.time() + ttl
    try:
        write_text_atomic(path, json.dumps(entry))
    except (OSError, SkillIRError):
        return
