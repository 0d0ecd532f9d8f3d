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
    known = KnownSkills()                      # one per group, in the worker
    key, earlier = known.match(folder)         # earlier: the value of a copy added before
    known.add(key, record)

Candidates share the folder name and SKILL.md's size (one `stat` each, in the parent);
the worker that gets a group compares whole folders by digest. Sibling names that differ
between two copies do not matter when they do not occur in the folder's text:
`irrelevant_names` decides that from the folder's words, conservatively (below).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from skillir.safepaths import MAX_BUNDLED_FILE_BYTES

MAX_DIGEST_BYTES = 256 << 20
"""A folder holding more than this is analysed, never compared (reading it twice costs
more than analysing it once)."""

MAX_DIGEST_FILES = 20_000
"""Nor is one with more entries than this, or a file over `MAX_BUNDLED_FILE_BYTES` (the
most SkillIR copies of any bundled file)."""

_ATOM = re.compile(r"[a-z0-9]+", re.ASCII)
_QUOTES = str.maketrans("", "", "'\"`\\")
_NAME = re.compile(r"[a-z0-9._-]+", re.ASCII)
_NAME_PARTS = re.compile(r"[._-]+")


MAX_GROUP = 64
"""A group of possible copies is one worker's task: a larger one (a crawl of thousands of
template skeletons with one name and one size) is cut into tasks of this many, so the
workers stay busy alike (copies in different tasks are each analysed)."""


def candidate_groups(skills: Iterable[Path]) -> list[list[Path]]:
    """The skills in groups of possible copies (same folder name, same SKILL.md size, at
    most `MAX_GROUP`), each group where its first member was, singletons included."""
    groups: dict[tuple[str, int], list[Path]] = {}
    for skill in skills:
        try:
            size = os.stat(os.path.join(skill, "SKILL.md")).st_size
        except OSError:
            size = -1 - len(groups)  # unreadable: a group of its own (the census says why)
        groups.setdefault((skill.name, size), []).append(skill)
    return [group[i:i + MAX_GROUP] for group in groups.values() for i in range(0, len(group), MAX_GROUP)]


def folder_digest(folder: Path) -> bytes | None:
    """A digest of everything in `folder` the analyses can read: each entry's path, kind,
    executable bit and bytes, in sorted order. None when the folder holds a symbolic
    link or anything but files and folders, cannot be read, or is too large."""
    entries = _entries(folder)
    if entries is None:
        return None
    digest = hashlib.blake2b(digest_size=32)
    try:
        for rel, path, mode in entries:
            name = rel.encode("utf-8", "surrogateescape")
            if path is None:
                digest.update(b"d" + name + b"\0")
                continue
            data = _read_regular(path)
            if data is None:
                return None
            digest.update(b"x" if mode & 0o111 else b"f")
            digest.update(name + b"\0" + len(data).to_bytes(8, "little"))
            digest.update(data)
    except OSError:
        return None
    return digest.digest()


def _entries(folder: Path) -> list[tuple[str, str | None, int]] | None:
    """(path under `folder`, path to read or None for a folder, mode) of every entry,
    depth first in name order, walked without recursion (a folder nested thousands deep
    is walked like any other); None when one is a link or neither file nor folder, or
    the folder is over `MAX_DIGEST_BYTES` or `MAX_DIGEST_FILES`."""
    out: list[tuple[str, str | None, int]] = []
    size = 0
    try:
        stack = [("", str(folder))]
        while stack:
            rel, path = stack.pop()
            if rel:
                out.append((rel, None, 0))
            with os.scandir(path) as it:
                children = sorted(it, key=lambda e: e.name)
            for entry in children:
                if len(out) >= MAX_DIGEST_FILES or entry.is_symlink():
                    return None
                if entry.is_file(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    size += info.st_size
                    if size > MAX_DIGEST_BYTES or info.st_size > MAX_BUNDLED_FILE_BYTES:
                        return None
                    out.append((f"{rel}/{entry.name}", entry.path, info.st_mode))
                elif not entry.is_dir(follow_symlinks=False):
                    return None
            # the folders after the files of this one, each walked before the next
            stack.extend((f"{rel}/{e.name}", e.path) for e in reversed(children)
                         if e.is_dir(follow_symlinks=False))
    except OSError:
        return None
    return out


def _read_regular(path: str) -> bytes | None:
    """The bytes of a regular file, or None: opened without following a link and without
    blocking (a file swapped for a FIFO after the walk is refused, not waited on)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BUNDLED_FILE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_BUNDLED_FILE_BYTES + 1)
        return data if len(data) <= MAX_BUNDLED_FILE_BYTES else None
    finally:
        os.close(fd)


def folder_words(folder: Path) -> frozenset[str] | None:
    """The words of every file in `folder`: runs of ASCII letters and digits in the
    lower-cased text, read once as it is and once with quotes and backslashes taken out
    (a shell's `f"o"o` is `foo`). None when the folder cannot be read whole (`_entries`)."""
    entries = _entries(folder)
    if entries is None:
        return None
    words: set[str] = set()
    try:
        for _rel, path, _mode in entries:
            if path is None:
                continue
            data = _read_regular(path)
            if data is None:
                return None
            text = data.decode("utf-8", "replace").lower()
            words.update(_ATOM.findall(text))
            if "'" in text or '"' in text or "`" in text or "\\" in text:
                words.update(_ATOM.findall(text.translate(_QUOTES)))
    except OSError:
        return None
    return frozenset(words)


def irrelevant_names(names: Iterable[str], words: frozenset[str] | None) -> bool:
    """True when none of `names` can be read out of a text whose words are `words`
    (None: the words are not known, and every name may matter).

    A name the analyses compare with a sibling's comes out of the text whole: a command
    word, a module path's first part, a front-matter value, compared as written or
    lower-cased. Such a name is made of whole words of the text, joined by `-`, `_` or
    `.`; so a sibling name with one part that is not among the text's words cannot be
    read out of it. A name with any other character is taken to matter."""
    if words is None:
        return False
    for name in names:
        low = name.lower()
        if _NAME.fullmatch(low) is None:
            return False
        parts = [p for p in _NAME_PARTS.split(low) if p]
        if not parts or all(p in words for p in parts):
            return False
    return True


Key = tuple[bytes, frozenset[str]]
"""What makes a skill a copy of another: its folder's digest and its siblings' names."""


class KnownSkills:
    """The skills analysed so far (in one group of possible copies), each with a value
    (its census record): `match` finds one a folder is a copy of, `add` remembers one."""

    def __init__(self) -> None:
        self._known: list[tuple[bytes, frozenset[str], Any]] = []
        self._words: dict[bytes, frozenset[str] | None] = {}

    def match(self, folder: Path) -> tuple[Key | None, Any]:
        """(the folder's key, None when it is never compared; the value of a skill added
        before that it is a copy of, or None): the same digest, and no differing sibling
        name that its words could hold."""
        # (imported here: the census's parent process only groups, and never needs it)
        from skillir.envbind.extract import sibling_locals

        digest = folder_digest(folder)
        if digest is None:
            return None, None
        siblings = frozenset().union(*sibling_locals(folder))
        for known_digest, known_siblings, value in self._known:
            if known_digest != digest:
                continue
            differ = siblings ^ known_siblings
            if differ and digest not in self._words:
                self._words[digest] = folder_words(folder)
            if not differ or irrelevant_names(differ, self._words[digest]):
                return (digest, siblings), value
        return (digest, siblings), None

    def add(self, key: Key | None, value: Any) -> None:
        """Remember an analysed skill under the key `match` gave it (None: never compared)."""
        if key is not None:
            self._known.append((*key, value))
