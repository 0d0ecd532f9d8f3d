"""The one language table: a code fence's tag (or a script's extension) -> its
language family, from `skillir/data/languages.json`.

    >>> family("Bash"), family("py"), family("tsx"), family("yml"), family("rust")
    ('shell', 'python', 'javascript', 'config', 'other')

Families: shell, python, javascript, json, config, sql, html, plain (no language:
`text`, `output`, an untagged fence) and other (a language no reader covers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from skillir.errors import SkillIRError

DATA = "languages.json"
FAMILIES = ("shell", "python", "javascript", "json", "config", "sql", "html", "plain")
"""Every family the table may name ('other' is the answer for a tag in none)."""


@dataclass(frozen=True)
class LanguageTable:
    tags: dict[str, str]
    """Fence tag (lower case) -> family."""
    extensions: dict[str, str]
    """File extension with its dot (lower case) -> family."""

    def tags_of(self, family_name: str) -> frozenset[str]:
        """Every tag of one family."""
        return frozenset(t for t, f in self.tags.items() if f == family_name)


def _bad(what: str) -> SkillIRError:
    return SkillIRError(f"malformed entry: {what}", path=f"skillir/data/{DATA}", hint="fix the table; see its _doc field")


@cache
def table() -> LanguageTable:
    """The table, loaded and checked once."""
    try:
        data = json.loads(resources.files("skillir.data").joinpath(DATA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SkillIRError(f"cannot read data table ({exc})", path=f"skillir/data/{DATA}") from None
    if not isinstance(data, dict):
        raise _bad("the table must be a JSON object")
    maps: list[dict[str, str]] = []
    for key in ("families", "extensions"):
        raw = data.get(key)
        if not isinstance(raw, dict):
            raise _bad(f"'{key}' must map families to lists of names")
        out: dict[str, str] = {}
        for fam, names in raw.items():
            if fam not in FAMILIES:
                raise _bad(f"{key}: unknown family '{fam}' (one of {', '.join(FAMILIES)})")
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise _bad(f"{key}['{fam}'] must be a list of strings")
            for name in names:
                if name.lower() in out:
                    raise _bad(f"{key}: '{name}' is in both '{out[name.lower()]}' and '{fam}'")
                out[name.lower()] = fam
        maps.append(out)
    return LanguageTable(tags=maps[0], extensions=maps[1])


def family(tag: str) -> str:
    """The family of a code-fence tag (case and surrounding blanks ignored; only the
    first word counts, so `python title="x.py"` is python)."""
    tag = tag.strip().lower()
    if " " in tag or "{" in tag:
        tag = tag.split(None, 1)[0].split("{", 1)[0] if tag else tag
    return table().tags.get(tag, "other")


def extension_family(suffix: str) -> str:
    """The family of a file extension (`.py`), or 'other'."""
    return table().extensions.get(suffix.lower(), "other")
