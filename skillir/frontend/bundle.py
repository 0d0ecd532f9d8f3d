"""Find a skill on disk and list the files bundled with it, safely.

Nothing here reads a bundled file's content or runs anything: files are listed with
`os.scandir` and sized with `stat`. Input that cannot be a skill is rejected with a
`SkillIRError` that names the file and says what to do.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

from skillir.errors import SkillIRError
from skillir.safepaths import open_contained
from skillir.untrusted import read_regular_file, read_to_end

MAX_SKILL_MD_BYTES = 1 << 20
"""A SKILL.md over 1 MiB is refused: no agent loads that much as one skill."""

MAX_BUNDLED_FILES = 2000
"""Listing stops here (with a warning); a skill folder is not a repository."""

_SKIPPED_DIRS = frozenset({".git", "__pycache__", "node_modules", ".venv", ".mypy_cache", ".pytest_cache"})
_SCRIPT_EXTS = frozenset({".py", ".sh", ".bash", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".ps1", ".r", ".go"})
_REFERENCE_EXTS = frozenset({".md", ".markdown", ".rst", ".txt", ".pdf", ".html", ".htm"})
_TOP_KIND = {
    "scripts": "script",
    "script": "script",
    "bin": "script",
    "references": "reference",
    "reference": "reference",
    "docs": "reference",
    "doc": "reference",
    "assets": "asset",
    "asset": "asset",
    "templates": "asset",
    "fonts": "asset",
    "examples": "reference",
}
_OTHER_NAMES = frozenset({"license", "license.txt", "license.md", "_meta.json", "readme.md", "notice"})


@dataclass(frozen=True, slots=True)
class BundledFile:
    path: str
    """Relative to the skill folder, with '/' separators."""
    size: int
    kind: str


@dataclass(frozen=True, slots=True)
class SkillSource:
    folder: Path
    skill_md: Path
    data: bytes
    label: str
    """How diagnostics name SKILL.md (the path as the user gave it)."""


def locate(path: str | os.PathLike[str]) -> SkillSource:
    """Resolve a skill folder or a SKILL.md path and read SKILL.md's bytes."""
    given = Path(path)
    label = str(given)
    info = _stat(given)
    if info is None:
        raise SkillIRError("no such file or folder", path=label, hint="give a skill folder or its SKILL.md")
    if S_ISDIR(info.st_mode):
        folder = given
        skill_md = given / "SKILL.md"
        # one lstat answers both what the file is and whether it is a link (most
        # SKILL.md files are not): stat follows a link only when there is one
        info = _stat(skill_md, follow_symlinks=False)
        is_link = info is not None and S_ISLNK(info.st_mode)
        if is_link:
            info = _stat(skill_md)
        if info is None:
            alternatives = [p.name for p in given.iterdir() if p.name.lower() == "skill.md"]
            hint = (
                f"rename {alternatives[0]} to SKILL.md"
                if alternatives
                else "a skill folder holds a SKILL.md file"
            )
            raise SkillIRError("folder has no SKILL.md", path=label, hint=hint)
        label = str(skill_md)
    elif given.suffix.lower() == ".md":
        folder = given.parent
        skill_md = given
        is_link = skill_md.is_symlink()
    else:
        raise SkillIRError(
            "not a skill: expected a folder, a SKILL.md or an .mlir file",
            path=label,
            hint="point skill-opt at the skill's folder",
        )
    if is_link and not _inside(skill_md.resolve(), folder.resolve()):
        raise SkillIRError("SKILL.md is a symlink that points outside the skill folder", path=label,
                           hint="copy the file into the folder instead of linking it")
    if not S_ISREG(info.st_mode):
        raise SkillIRError("SKILL.md is not a regular file", path=label)
    if info.st_size > MAX_SKILL_MD_BYTES:
        raise SkillIRError(
            f"SKILL.md is {info.st_size} bytes, over the {MAX_SKILL_MD_BYTES} byte limit",
            path=label,
            hint="move long material into references/ files",
        )
    try:
        data = read_regular_file(skill_md, limit=MAX_SKILL_MD_BYTES, what="SKILL.md")
    except PermissionError:
        raise SkillIRError("SKILL.md cannot be read (permission denied)", path=label,
                           hint="check the file's permissions") from None
    except OSError as exc:
        raise SkillIRError(f"SKILL.md cannot be read ({exc.strerror})", path=label) from None
    check_text(data, label)
    return SkillSource(folder=folder, skill_md=skill_md, data=data, label=label)


_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
"""The errors for which `Path.exists()` says False instead of raising."""


def _stat(path: Path, *, follow_symlinks: bool = True) -> os.stat_result | None:
    """`path.stat()`, or None where `path.exists()` is False: one system call answers
    both `exists()` and what it is (`is_dir()`, `is_file()`, its size). Without
    following symlinks: `path.lstat()`, None where `is_symlink()` would fail too."""
    try:
        return path.stat(follow_symlinks=follow_symlinks)
    except OSError as exc:
        if exc.errno not in _MISSING:
            raise
        return None
    except ValueError:  # a path that cannot be encoded (a NUL byte)
        return None


def check_text(data: bytes, label: str) -> None:
    """Reject binary or non-UTF-8 content with the line where it goes wrong."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SkillIRError("file is binary (it contains NUL bytes), not markdown", path=label,
                           line=data.count(b"\n", 0, nul) + 1, hint="a SKILL.md must be UTF-8 text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SkillIRError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            path=label,
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="re-save it as UTF-8",
        ) from None


def _inside(target: Path, folder: Path) -> bool:
    try:
        target.relative_to(folder)
    except ValueError:
        return False
    return True


def bundled_path_allowed(rel: str) -> bool:
    """True when `rel` (a path relative to the skill folder) is one `list_bundle` can
    list: relative, no `..`, no hidden or skipped folder (`.git`, `.ssh`, ...) on the
    way. Emission copies only such paths, whatever the IR says."""
    parts = rel.replace("\\", "/").split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return False
    return not any(p.startswith(".") or p in _SKIPPED_DIRS or "\0" in p for p in parts)


def read_bundled_file(folder: str | os.PathLike[str], rel: str, *, limit: int) -> bytes:
    """The bytes of the bundled file `folder/rel`, read safely: the path stays inside the
    folder (symlinks only when they stay inside), the file is regular (a FIFO or device is
    refused at once instead of blocking) and at most `limit` bytes. Anything else is a
    one-line SkillIRError; callers that only scan files can catch it and skip the file."""
    fd = open_contained(folder, rel)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise SkillIRError(f"bundled file '{rel}' is {size} bytes, over the {limit} byte limit",
                               path=str(Path(folder) / rel))
        data = read_to_end(fd, size, limit)
        if data is None:
            raise SkillIRError(f"bundled file '{rel}' grew over the {limit} byte limit",
                               path=str(Path(folder) / rel))
        return data
    finally:
        os.close(fd)


def ref_kind(rel: str) -> str:
    parts = rel.split("/")
    if len(parts) > 1 and parts[0].lower() in _TOP_KIND:
        return _TOP_KIND[parts[0].lower()]
    name = parts[-1].lower()
    if name in _OTHER_NAMES:
        return "other"
    ext = os.path.splitext(name)[1]
    if ext in _SCRIPT_EXTS:
        return "script"
    if ext in _REFERENCE_EXTS:
        return "reference"
    return "asset"


def list_bundle(source: SkillSource, warnings: list[tuple[int, str]]) -> list[BundledFile]:
    """Every file in the skill folder except SKILL.md, sorted by path."""
    root = source.folder
    root_real: Path | None = None  # resolved at the first symlink: most folders have none
    found: list[BundledFile] = []
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            warnings.append((0, f"cannot list {folder} ({exc.strerror}); its files are left out"))
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith(".") or entry.name in _SKIPPED_DIRS:
                continue
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                if root_real is None:
                    root_real = root.resolve()
                if not _inside(target, root_real):
                    raise SkillIRError(
                        f"bundled file '{rel}' is a symlink that points outside the skill folder",
                        path=str(root / rel),
                        hint="copy the target into the skill folder or remove the link",
                    )
                if target.is_dir():
                    continue  # its files are listed under their real path
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), rel + "/"))
                continue
            if rel == "SKILL.md" or not entry.is_file():
                continue
            if len(found) >= MAX_BUNDLED_FILES:
                warnings.append((0, f"more than {MAX_BUNDLED_FILES} bundled files; the rest are left out"))
                return sorted(found, key=lambda f: f.path)
            found.append(BundledFile(rel, entry.stat().st_size, ref_kind(rel)))
    return sorted(found, key=lambda f: f.path)
