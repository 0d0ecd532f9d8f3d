"""Path containment for everything SkillIR writes or copies from untrusted input.

Skill names, bundled-file paths and IR attributes come from strangers. Nothing they
say may make SkillIR write outside the output folder, read outside the skill folder,
or delete what the user gave as input:

- `safe_component` / `safe_relative`: a name is one plain path component; a bundled
  path is relative, without `..`, NUL or control characters.
- `contained(root, rel)`: the path under `root`, refused when it resolves elsewhere.
- `OutputDir(root)`: many files written under `root` through folder descriptors opened
  with O_NOFOLLOW (`write_contained` writes one).
- `copy_contained(src_root, rel, dest)`: copies a regular file from inside `src_root`
  (symlinks only when they stay inside it; opened with O_NOFOLLOW, component by
  component), bounded by `MAX_BUNDLED_FILE_BYTES`.
- `check_output_location`: `-o` may not be, contain or lie inside an input.
- `OUTPUT_MARKER`: the file SkillIR puts in every folder it writes; `--force` replaces
  only folders that hold it (see `skillir.atomic.atomic_directory`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from skillir.errors import SkillIRError

OUTPUT_MARKER = ".skillir-output"
"""Written into every output folder SkillIR creates; `--force` replaces only those."""

MAX_BUNDLED_FILE_BYTES = 64 << 20
"""A bundled file over 64 MiB is refused (a 10 GB sparse file is not copied as 10 GB)."""

MAX_NAME_BYTES = 255
"""The longest file name the usual filesystems take."""


_BAD_CHARS = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _bad_char(text: str) -> str | None:
    if _BAD_CHARS.search(text) is None:  # the usual case, decided in C
        return None
    for ch in text:
        if ch == "\0":
            return "a NUL byte"
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            return f"a control character (U+{ord(ch):04X})"
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return "an unpaired surrogate"
    return None


def safe_component(name: str, *, what: str = "skill name", path: str | None = None) -> str:
    """`name` when it is one plain path component; otherwise a one-line SkillIRError.

    Refused: empty, `.` and `..`, `/` or `\\`, NUL and control characters, and names
    longer than 255 bytes. Names are refused, not rewritten: a harness finds a skill
    by its name, so a silently changed name would be a different skill."""
    problem = None
    if not name:
        problem = "is empty"
    elif name in (".", ".."):
        problem = f"is '{name}'"
    elif "/" in name or "\\" in name:
        problem = "contains a path separator"
    elif (bad := _bad_char(name)) is not None:
        problem = f"contains {bad}"
    elif len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        problem = f"is longer than {MAX_NAME_BYTES} bytes"
    if problem is not None:
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise SkillIRError(f"unsafe {what} {shown!r}: it {problem}", path=path,
                           hint="use a plain name such as 'pdf-merge' (letters, digits, hyphens)")
    return name


def safe_relative(rel: str | os.PathLike[str], *, what: str = "bundled file",
                  path: str | None = None) -> PurePosixPath:
    """`rel` as a relative path whose every component is safe (no `..`, not absolute)."""
    return PurePosixPath(*safe_parts(rel, what=what, path=path))


def safe_parts(rel: str | os.PathLike[str], *, what: str = "bundled file",
               path: str | None = None) -> tuple[str, ...]:
    """The components of `safe_relative(rel)` (its `.parts`), without making the path."""
    text = os.fspath(rel)
    if not text or text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
        raise SkillIRError(f"unsafe {what} path {_shown(text)!r}: it is empty or absolute", path=path,
                           hint="bundled paths are relative to the skill folder")
    parts = tuple(p for p in text.replace("\\", "/").split("/") if p not in ("", "."))
    if not parts:
        raise SkillIRError(f"unsafe {what} path {_shown(text)!r}: it names no file", path=path)
    # the usual path, decided at once: no `..`, no bad character, no component that
    # could be over 255 bytes (63 characters are at most 252 UTF-8 bytes)
    if ".." not in parts and _BAD_CHARS.search(text) is None and max(map(len, parts)) <= 63:
        return parts
    for part in parts:
        if part == "..":
            raise SkillIRError(f"unsafe {what} path {_shown(text)!r}: it climbs out with '..'", path=path,
                               hint="bundled paths stay inside the skill folder")
        safe_component(part, what=f"{what} path component", path=path)
    return parts


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def is_within(child: str | os.PathLike[str], parent: str | os.PathLike[str], *,
              parent_real: str | None = None) -> bool:
    """True when the real path of `child` is `parent`'s real path or lies below it
    (`parent_real`: that real path, when the caller has just resolved it)."""
    c = os.path.realpath(child)
    p = os.path.realpath(parent) if parent_real is None else parent_real
    return c == p or c.startswith(p.rstrip("/") + "/")


def contained(root: str | os.PathLike[str], rel: str | os.PathLike[str], *,
              what: str = "output file", root_real: str | None = None) -> Path:
    """`root/rel` after checking that `rel` is safe and that the result (symlinks
    followed) resolves inside `root`."""
    clean = safe_relative(rel, what=what)
    target = Path(root) / clean
    if not is_within(target, root, parent_real=root_real):
        raise SkillIRError(f"{what} '{clean}' would be written outside the output folder",
                           path=str(root), hint="this is a bug or a hostile input; nothing was written")
    return target


def write_contained(root: str | os.PathLike[str], rel: str | os.PathLike[str], data: bytes, *,
                    mode: int = 0o644) -> Path:
    """Write `data` to `root/rel` (parents created), never through a symlink (one file
    of an `OutputDir`)."""
    with OutputDir(root) as folder:
        return folder.write(rel, data, mode=mode)


def open_contained(root: str | os.PathLike[str], rel: str | os.PathLike[str], *,
                   what: str = "bundled file") -> int:
    """A read-only fd of the regular file `root/rel`, which must resolve inside `root`
    (a symlink is followed only when its target stays inside). The resolved path is
    opened component by component with O_NOFOLLOW, so a link swapped in meanwhile is
    refused; FIFOs and devices are refused without blocking."""
    return _open_contained(root, rel, what)[0]


_DIR_NOFOLLOW = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LEAF_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _open_contained(root: str | os.PathLike[str], rel: str | os.PathLike[str],
                    what: str) -> tuple[int, os.stat_result]:
    """`open_contained` with the file's `fstat`. The usual bundled file (no symlink on
    its way) is opened by `_open_plain`; anything else (a link, a missing file, a FIFO)
    goes the resolving way, which also words the error."""
    parts = safe_parts(rel, what=what)
    plain = _open_plain(root, parts)
    return plain if plain is not None else _open_resolved(root, PurePosixPath(*parts), what)


def _open_below(fd: int, parts: tuple[str, ...]) -> int:
    """The leaf `parts` below the folder `fd`, opened one component at a time, each with
    O_NOFOLLOW inside the one before (folders as directories). `fd` and every folder
    opened on the way are closed here, whatever happens."""
    try:
        for part in parts[:-1]:
            nxt = os.open(part, _DIR_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return os.open(parts[-1], _LEAF_NOFOLLOW, dir_fd=fd)
    finally:
        os.close(fd)


def _open_plain(root: str | os.PathLike[str], parts: tuple[str, ...]) -> tuple[int, os.stat_result] | None:
    """The regular file `root/parts` and its fstat when no component below `root` is a
    symlink (each is opened with O_NOFOLLOW inside the one before), else None.

    Such a file is the one `_open_resolved` finds: its real path is the root's real path
    joined with `parts` (safe components, no `..`), so it lies inside the root. This way
    costs one open per component instead of an lstat per component of both real paths."""
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the root may be reached by a link
    except OSError:
        return None
    try:
        leaf = _open_below(fd, parts)
    except OSError:
        return None
    return _regular(leaf)


def _regular(leaf: int) -> tuple[int, os.stat_result] | None:
    """`leaf` and its stat when it is a regular file; else None, with `leaf` closed."""
    info = os.fstat(leaf)
    if not stat.S_ISREG(info.st_mode):
        os.close(leaf)
        return None
    return leaf, info


def _open_resolved(root: str | os.PathLike[str], clean: PurePosixPath,
                   what: str) -> tuple[int, os.stat_result]:
    """`open_contained` by the resolved path: symlinks are followed when they stay
    inside `root`, then the real path is opened component by component with O_NOFOLLOW."""
    root_real = os.path.realpath(root)
    label = str(Path(root) / clean)
    real = os.path.realpath(os.path.join(root_real, *clean.parts))
    if not (real == root_real or real.startswith(root_real.rstrip("/") + "/")):
        raise SkillIRError(f"{what} '{clean}' resolves outside the skill folder", path=label,
                           hint="copy the file into the skill folder instead of linking it")
    parts = Path(os.path.relpath(real, root_real)).parts
    try:
        fd = os.open(root_real, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise SkillIRError(f"cannot open the skill folder ({exc.strerror})", path=str(root)) from None
    try:
        leaf = _open_below(fd, parts)
    except FileNotFoundError:
        raise SkillIRError(f"no such {what}", path=label) from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise SkillIRError(f"{what} '{clean}' changed into a symlink while it was read",
                               path=label) from None
        raise SkillIRError(f"cannot read the {what} ({exc.strerror})", path=label) from None
    info = os.fstat(leaf)
    if not stat.S_ISREG(info.st_mode):
        os.close(leaf)
        raise SkillIRError(f"{what} '{clean}' is not a regular file", path=label,
                           hint="bundle regular files only (no FIFOs, devices or sockets)")
    return leaf, info


def copy_contained(src_root: str | os.PathLike[str], rel: str | os.PathLike[str],
                   dest_root: str | os.PathLike[str], dest_rel: str | os.PathLike[str], *,
                   limit: int = MAX_BUNDLED_FILE_BYTES) -> int:
    """Copy the regular file `src_root/rel` (see `open_contained`) to
    `dest_root/dest_rel` (never through a symlink), keeping the executable bit; refuses
    files over `limit` bytes (checked before copying, and again while copying). Returns
    the number of bytes copied."""
    with OutputDir(dest_root) as folder:
        return folder.copy(src_root, rel, dest_rel, limit=limit)


class OutputDir:
    """Many files written under one output folder through directory descriptors: each
    folder is made and opened once, by name inside its parent, with O_NOFOLLOW, and each
    file is created inside its opened folder with O_NOFOLLOW. No path is resolved, so no
    symlink (planted before or swapped in during the writes) is ever followed: a link
    where a folder or file should be is refused as a path leaving the output.

        with OutputDir(out) as folder:
            folder.write("skills/x/SKILL.md", data)
            folder.copy(skill_dir, "scripts/run.sh", "skills/x/scripts/run.sh")
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        try:
            self._fds: dict[tuple[str, ...], int] = {(): _open_root(self.root)}
        except OSError as exc:
            raise SkillIRError(f"cannot open the output folder ({exc.strerror})", path=str(root)) from None
        self.created: list[tuple[str, ...]] = []
        """The path parts of every file written or copied, in order."""
        self._sources: dict[tuple[str, tuple[str, ...]], int] = {}
        """Source folders `copy_file` opened the plain way, by (source root, parts)."""

    def __enter__(self) -> OutputDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for fd in (*self._fds.values(), *self._sources.values()):
            os.close(fd)
        self._fds.clear()
        self._sources.clear()

    def _outside(self, rel: tuple[str, ...]) -> SkillIRError:
        return SkillIRError(f"output file '{PurePosixPath(*rel)}' would be written outside the output folder",
                            path=str(self.root), hint="this is a bug or a hostile input; nothing was written")

    def makedirs(self, rel: str | os.PathLike[str]) -> Path:
        """Make the folder `root/rel` (and its parents) if missing; return its path."""
        parts = safe_parts(rel, what="output folder")
        self._folder(parts, parts)
        return self.root.joinpath(*parts)

    def _folder(self, parts: tuple[str, ...], rel: tuple[str, ...]) -> int:
        """The descriptor of the folder `parts` under the root, made if missing (`rel`:
        the path asked for, for the error)."""
        fd = self._fds.get(parts)
        if fd is not None:
            return fd
        parent = self._folder(parts[:-1], rel)
        try:
            os.mkdir(parts[-1], dir_fd=parent)
        except FileExistsError:
            pass
        except OSError as exc:
            raise SkillIRError(f"cannot make the output folder ({exc.strerror})",
                               path=str(self.root.joinpath(*parts))) from None
        try:
            fd = os.open(parts[-1], _DIR_NOFOLLOW, dir_fd=parent)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(parts[-1], parent):
                raise self._outside(rel) from None
            raise SkillIRError(f"cannot open the output folder ({exc.strerror})",
                               path=str(self.root.joinpath(*parts))) from None
        self._fds[parts] = fd
        return fd

    def _create(self, rel: str | os.PathLike[str], mode: int) -> tuple[int, tuple[str, ...]]:
        """A new (or truncated) file `root/rel` opened for writing, and its path parts."""
        parts = safe_parts(rel, what="output file")
        parent = self._folder(parts[:-1], parts)
        try:
            fd = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC,
                         mode, dir_fd=parent)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise self._outside(parts) from None
            raise SkillIRError(f"cannot write the output file ({exc.strerror})",
                               path=str(self.root.joinpath(*parts))) from None
        self.created.append(parts)
        return fd, parts

    def write(self, rel: str | os.PathLike[str], data: bytes, *, mode: int = 0o644) -> Path:
        """Write `data` to `root/rel` (folders made as needed)."""
        return self.root.joinpath(*self.put(rel, data, mode=mode))

    def put(self, rel: str | os.PathLike[str], data: bytes, *, mode: int = 0o644) -> tuple[str, ...]:
        """`write`, returning the written path's components instead of making its Path
        (the emitter writes many files and needs none of their paths)."""
        fd, parts = self._create(rel, mode)
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
        except OSError as exc:
            raise SkillIRError(f"cannot write the output file ({exc.strerror})",
                               path=str(self.root.joinpath(*parts))) from None
        finally:
            os.close(fd)
        return parts

    def copy(self, src_root: str | os.PathLike[str], rel: str | os.PathLike[str],
             dest_rel: str | os.PathLike[str], *, limit: int = MAX_BUNDLED_FILE_BYTES) -> int:
        """`copy_contained` into this folder: the regular file `src_root/rel` (see
        `open_contained`) to `root/dest_rel`, keeping the executable bit, refused over
        `limit` bytes. Returns the number of bytes copied."""
        return self._copy_open(_open_contained(src_root, rel, "bundled file"), src_root, rel, dest_rel, limit)

    def copy_file(self, src_root: str | os.PathLike[str], rel: str, dest_rel: str | os.PathLike[str], *,
                  limit: int = MAX_BUNDLED_FILE_BYTES) -> int | None:
        """`copy` when `Path(src_root, rel).is_file()`, else None (nothing copied): what
        the emitter does for each bundled file the IR names. The usual file, reached
        without a symlink, is opened once (inside source folders opened once for all the
        files) and is a regular file, so it needs no stat of its own; anything else is
        asked `is_file()` first and then copied as `copy` does."""
        opened = self._open_source(src_root, safe_parts(rel, what="bundled file"))
        if opened is None:
            if not Path(src_root, rel).is_file():
                return None
            opened = _open_contained(src_root, rel, "bundled file")
        return self._copy_open(opened, src_root, rel, dest_rel, limit)

    def _open_source(self, src_root: str | os.PathLike[str],
                     parts: tuple[str, ...]) -> tuple[int, os.stat_result] | None:
        """`_open_plain(src_root, parts)`, through source folder descriptors kept open
        until `close` (a skill's bundled files share their folders: each is opened once)."""
        folder = self._source_folder(src_root, parts[:-1])
        if folder is None:
            return None
        try:
            leaf = os.open(parts[-1], _LEAF_NOFOLLOW, dir_fd=folder)
        except OSError:
            return None
        return _regular(leaf)

    def _source_folder(self, src_root: str | os.PathLike[str], parts: tuple[str, ...]) -> int | None:
        """The folder `src_root/parts` opened as `_open_plain` opens it (the root by its
        path, each folder below with O_NOFOLLOW inside the one before) and kept; None
        when one of them cannot be opened so (a link, a missing folder: not kept)."""
        key = (os.fspath(src_root), parts)
        fd = self._sources.get(key)
        if fd is not None:
            return fd
        try:
            if parts:
                parent = self._source_folder(src_root, parts[:-1])
                if parent is None:
                    return None
                fd = os.open(parts[-1], _DIR_NOFOLLOW, dir_fd=parent)
            else:
                fd = os.open(src_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return None
        self._sources[key] = fd
        return fd

    def _copy_open(self, opened: tuple[int, os.stat_result], src_root: str | os.PathLike[str],
                   rel: str | os.PathLike[str], dest_rel: str | os.PathLike[str], limit: int) -> int:
        """Copy the opened source file (its fd, which is closed here, and its fstat)."""
        fd, info = opened
        try:
            _check_size(info.st_size, limit, rel, src_root)
            mode = 0o755 if info.st_mode & 0o111 else 0o644
            out, _ = self._create(dest_rel, mode)
            try:
                return _copy_fd(fd, out, mode, limit, rel, src_root, info.st_size)
            finally:
                os.close(out)
        except OSError as exc:
            raise SkillIRError(f"cannot copy the bundled file ({exc.strerror})",
                               path=str(Path(src_root) / os.fspath(rel))) from None
        finally:
            os.close(fd)


_ROOT_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def _open_root(root: Path) -> int:
    """The output root opened as a folder after `os.makedirs(root, exist_ok=True)` (the
    root itself is the caller's: it may be reached by a link), in fewer calls: an
    existing folder (skill-opt's temporary one) is just opened, a new folder in an
    existing one just made; anything else goes through `os.makedirs` as before, which
    makes missing parents and raises its own error for a file in the way."""
    try:
        return os.open(root, _ROOT_FLAGS)
    except FileNotFoundError:
        try:
            os.mkdir(root)
        except OSError:
            os.makedirs(root, exist_ok=True)
    except OSError:
        os.makedirs(root, exist_ok=True)
    return os.open(root, _ROOT_FLAGS)


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
    except OSError:
        return False


def _check_size(size: int, limit: int, rel: str | os.PathLike[str], src_root: str | os.PathLike[str]) -> None:
    if size > limit:
        raise SkillIRError(
            f"bundled file '{os.fspath(rel)}' is {size} bytes, over the {limit} byte limit",
            path=str(Path(src_root) / os.fspath(rel)),
            hint="move large data out of the skill folder, or fetch it at run time")


def _copy_fd(fd: int, out: int, mode: int, limit: int, rel: str | os.PathLike[str],
             src_root: str | os.PathLike[str], size: int = -1) -> int:
    """Copy `fd` to `out` up to `limit` bytes (the file may grow while it is read).
    `size`: the file's size by fstat; a read that comes back short at that size is at
    the end of the file, so no further read is made just to find the end."""
    copied = 0
    while chunk := os.read(fd, wanted := min(1 << 20, limit + 1 - copied)):
        copied += len(chunk)
        if copied > limit:  # it grew while we copied it
            raise SkillIRError(f"bundled file '{os.fspath(rel)}' grew over the {limit} byte limit",
                               path=str(Path(src_root) / os.fspath(rel)))
        _write_all(out, chunk)
        if len(chunk) < wanted and copied == size:
            break
    os.fchmod(out, mode)
    return copied


def _write_all(fd: int, data: bytes) -> None:
    """`data` written to `fd` in full (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def check_output_location(output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse an output that is, contains or lies inside one of `inputs` (exit 2):
    writing or replacing it would change or delete the input."""
    out = os.path.realpath(output)
    for given in inputs:
        src = os.path.realpath(given)
        if out == src:
            relation = "is the input"
        elif src.startswith(out.rstrip("/") + "/"):
            relation = "contains the input"
        elif out.startswith(src.rstrip("/") + "/"):
            relation = "lies inside the input"
        else:
            continue
        raise SkillIRError(f"the output {relation} '{os.fspath(given)}'", path=os.fspath(output),
                           hint="choose an -o outside the skill folder; SkillIR never writes into its input")


def is_skillir_output(folder: str | os.PathLike[str]) -> bool:
    """True when `folder` is a real folder (not a link) holding SkillIR's output marker."""
    path = Path(folder)
    marker = path / OUTPUT_MARKER
    return (path.is_dir() and not path.is_symlink() and marker.is_file()
            and not marker.is_symlink())


def guard_output(output: str | None, given_input: str | None, *, folder: bool,
                 in_place: bool = False) -> None:
    """skill-opt's check before it writes `-o`: SkillIR never changes its input.

    A folder output (harness backends) may not be, contain or lie inside the input
    (the skill folder, or the .mlir file). A file output (`-t mlir|markdown -o FILE`)
    may not be the input file or lie inside the input skill folder, unless the user
    asked for that with `--in-place`."""
    if not output or not given_input or given_input == "-":
        return
    src = Path(given_input)
    if src.is_dir():
        roots = [src / "SKILL.md", src]
    elif src.suffix.lower() == ".mlir":
        roots = [src]
    else:  # a SKILL.md: its folder is the skill
        roots = [src, src.parent]
    if folder:
        check_output_location(output, roots)
        return
    if in_place:
        return
    out_real = os.path.realpath(output)
    for root in roots:
        real = os.path.realpath(root)
        if not root.exists():
            continue
        if out_real == real or (root.is_dir() and out_real.startswith(real.rstrip("/") + "/")):
            relation = "is the input" if out_real == real else "lies inside the input skill folder"
            raise SkillIRError(f"the output file {relation} '{os.fspath(root)}'", path=output,
                               hint="write elsewhere, or pass --in-place to overwrite the input on purpose")
