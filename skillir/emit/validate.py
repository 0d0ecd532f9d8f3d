"""The Agent Skills reference validator (`skills-ref` from PyPI) on a skill folder.

`skills_ref.validate` looks at two things only: the folder's name and the front matter
of its SKILL.md (what lies between the first two `---`; it parses that with strictyaml,
~70 ms to import). So its verdict is kept per (skills-ref version, folder name, front
matter) in memory and in the user cache (`skillir.usercache`): a compile validates the
input folder and the emitted one, which share the name and the front matter, and asks
the validator once; compiling the skill again asks it never.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

_CACHE_KIND = "skills-ref-v1"
_MEMO: dict[str, list[str]] = {}


@cache
def _validator_version() -> str | None:
    """Where skills-ref is installed and when its files changed (cheaper than asking
    importlib.metadata, ~25 ms on first use): None when it is not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("skills_ref")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    stamps = []
    for name in ("__init__.py", "validator.py", "parser.py"):
        try:
            stamps.append(str((package / name).stat().st_mtime_ns))
        except OSError:
            stamps.append("-")
    return f"{package}:{':'.join(stamps)}"


def _verdict_key(folder: Path, skill_md: str | None = None) -> tuple[str, ...] | None:
    """What the validator's verdict depends on, or None when it must look itself (no
    SKILL.md, an unreadable one, a folder that is not one). `skill_md`: the text of
    `folder/SKILL.md` when the caller has just read or written it (see
    `validate_skill_folder`)."""
    if skill_md is not None:
        name, content = "SKILL.md", _text_mode(skill_md)
    else:
        if not folder.is_dir():
            return None
        for name in ("SKILL.md", "skill.md"):
            path = folder / name
            if path.exists():
                break
        else:
            return None
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    head = "--- " + "---".join(content.split("---", 2)[:2]) if content.startswith("---") else "no front matter"
    return (name, unicodedata.normalize("NFKC", folder.name), folder.name, head)


def _text_mode(text: str) -> str:
    """`text` as a text-mode read gives it (`Path.read_text`: universal newlines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def validate_skill_folder(folder: Path, *, skill_md: str | None = None) -> list[str]:
    """Problems `skills_ref.validate` finds (empty when the folder is a valid skill).

    `skill_md`: the text of `folder/SKILL.md` (exactly that name, decoded from its bytes)
    when the caller has just read or written it: the verdict's key is then made from it
    instead of reading the file again. Only the key: the validator itself, when it runs,
    reads the folder."""
    folder = Path(folder)
    version = _validator_version()
    if version is None:
        return ["skills-ref is not installed (pip install skills-ref): the folder was not validated"]
    key = _verdict_key(folder, skill_md)
    digest = None
    if key is not None:
        from skillir import usercache

        digest = usercache.key_digest(version, *key)
        if digest in _MEMO:
            return list(_MEMO[digest])
        cached = usercache.get(_CACHE_KIND, digest)
        if isinstance(cached, list) and all(isinstance(p, str) for p in cached):
            _MEMO[digest] = cached
            return list(cached)
    problems = _run_validator(folder)
    if digest is not None:
        from skillir import usercache

        _MEMO[digest] = problems
        usercache.put(_CACHE_KIND, digest, problems)
    return list(problems)


def _run_validator(folder: Path) -> list[str]:
    try:
        import skills_ref

        return [str(p) for p in skills_ref.validate(folder)]
    except Exception as exc:  # noqa: BLE001 - the validator's own crash is a finding too
        return [f"skills-ref failed: {type(exc).__name__}: {exc}"]
