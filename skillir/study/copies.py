"""Verbatim copies in a crawl: a census analyses each distinct skill once.

Public collections copy skills from each other (forks, mirrors, vendored sets): in the
34,523 skills of the 70 collections fetched here, 18% of the skill folders are byte for
byte the same as another of the same name (11.5% reuse a record: the others sit beside
a sibling skill whose name's words their text holds). The census's analyses are a function of a
skill's folder (its files, their names and executable bits), of its folder name, and of
the names of the skills installed beside it (bind-env reads a sibling's name as the
skill's own command or module, `skillir.envbind.extract.sibling_locals`). A copy whose
folder matches on all three reuses the first one's record.

    groups = candidate_groups(skill_dirs)      # [[a], [b, b_copy, ...], ...]
    key = folder_digest(folder)                # None: never reused (a link, a FIFO, too big)

Candidates share the folder name and SKILL.md's size (one `stat` each, in the parent);
the worker that gets a group compares whole folders by digest. Sibling names that differ
between two copies do not matter when they do not occur in the folder's text:
`irrelevant_names` decides that from the folder's words, conservatively (below).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

MAX_DIGEST_BYTES = 256 << 20
"""A folder holding more than this is analysed, never compared (reading it twice costs
more than analysing it once)."""

MAX_DIGEST_FILES = 20_000

_ATOM = re.compile(r"[a-z0-9]+", re.ASCII)
_QUOTES = str.maketrans("", "", "'\"`\\")
_NAME = re.compile(r"[a-z0-9._-]+", re.ASCII)


def candidate_groups(skills: Iterable[Path]) -> list[list[Path]]:
    """The skills in groups of possible copies (same folder name, same SKILL.md size),
    each group where its first member was, singletons included."""
    groups: dict[tuple[str, int], list[Path]] = {}
    for skill in skills:
        try:
            size = os.stat(os.path.join(skill, "SKILL.md")).st_size
        except OSError:
            size = -1 - len(groups)  # unreadable: a group of its own (the census says why)
        groups.setdefault((skill.name, size), []).append(skill)
    return list(groups.values())


def folder_digest(folder: Path) -> bytes | None:
    """A digest of everything in `folder` the analyses can read: each entry's path, kind,
    executable bit and bytes, in sorted order. None when the folder holds a symbolic
    link or anything but files and folders, cannot be read, or is too large."""
    digest = hashlib.blake2b(digest_size=32)
    budget = [MAX_DIGEST_BYTES, MAX_DIGEST_FILES]
    try:
        if not _digest_into(digest, str(folder), "", budget):
            return None
    except OSError:
        return None
    return digest.digest()


def _digest_into(digest, path: str, rel: str, budget: list[int]) -> bool:
    with os.scandir(path) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = f"{rel}/{entry.name}".encode("utf-8", "surrogateescape")
        budget[1] -= 1
        if budget[1] < 0 or entry.is_symlink():
            return False
        if entry.is_dir(follow_symlinks=False):
            digest.update(b"d" + name + b"\0")
            if not _digest_into(digest, entry.path, f"{rel}/{entry.name}", budget):
                return False
        elif entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            budget[0] -= info.st_size
            if budget[0] < 0:
                return False
            with open(entry.path, "rb") as fh:
                data = fh.read()
            digest.update(b"x" if info.st_mode & 0o111 else b"f")
            digest.update(name + b"\0" + len(data).to_bytes(8, "little"))
            digest.update(data)
        else:
            return False
    return True


def folder_words(folder: Path) -> frozenset[str]:
    """The words of every file in `folder`: runs of ASCII letters and digits in the
    lower-cased text, read once as it is and once with quotes and backslashes taken out
    (a shell's `f"o"o` is `foo`)."""
    words: set[str] = set()
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                with open(os.path.join(root, name), "rb") as fh:
                    text = fh.read().decode("utf-8", "replace").lower()
            except OSError:
                continue
            words.update(_ATOM.findall(text))
            if "'" in text or '"' in text or "`" in text or "\\" in text:
                words.update(_ATOM.findall(text.translate(_QUOTES)))
    return frozenset(words)


def irrelevant_names(names: Iterable[str], words: frozenset[str]) -> bool:
    """True when none of `names` can be read out of a text whose words are `words`.

    A name the analyses compare with a sibling's comes out of the text whole: a command
    word, a module path's first part, a front-matter value, compared as written or
    lower-cased. Such a name is made of whole words of the text, joined by `-`, `_` or
    `.`; so a sibling name with one part that is not among the text's words cannot be
    read out of it. A name with any other character is taken to matter."""
    for name in names:
        low = name.lower()
        if _NAME.fullmatch(low) is None:
            return False
        parts = [p for p in re.split(r"[._-]+", low) if p]
        if not parts or all(p in words for p in parts):
            return False
    return True
