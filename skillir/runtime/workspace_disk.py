"""The workspace's disk bounds: bytes and file count, enforced by the kernel while commands run.

While a sandboxed command runs (root only: mounting needs CAP_SYS_ADMIN), the workspace
folder is covered by an overlay whose upper layer lives on a tmpfs of
`size = workspace_bytes - what the folder holds` and `nr_inodes = workspace_files - its
entries`: everything written (new files, changed files, deletions) lands there, so writes
past either bound fail inside the sandbox with ENOSPC ("No space left on device"), whatever
writes them. When the last command on that folder ends, the overlay is unmounted and its
upper layer carried onto the folder (whiteouts delete, opaque folders replace; sparse files
stay sparse), so the host disk never holds more than the limit, and everything that reads
the folder afterwards (graders, the run record, `keep_workspace`) sees an ordinary folder.
Nothing is copied up front: a command costs the same however big the workspace is.

When the workspace is nearly full (under 1 MiB or 64 entries of room) the folder's content
is instead copied onto a tmpfs of the full size mounted on it and synced back (only what
changed) afterwards: there, deleting frees room, so `rm` can clean up. A workspace already
over its limit (made so by the host, not by commands) still gets 64 KiB and 64 entries, so
the model can delete. Deleting many files of the folder in one command needs an entry of
room per deleted entry (overlay whiteouts).

    with limited_disk(workspace, max_bytes=512 << 20, max_files=20_000) as used:
        ...run the command...
        used()  # (bytes, files) the workspace holds now

Sandboxes on the same folder (the run's and the graders') share one mount (counted
references); a sandbox on a folder inside a mounted one uses that mount. Without root the
mount is not made: `disk_status()` says why, and the sandbox falls back to checking the
usage after each command (a soft bound: it reports, it cannot stop the writes).

The tmpfs lives in memory: a command that fills the workspace costs up to
`workspace_bytes` of RAM until it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

SOURCE = b"skillir-workspace"
_MS_NOSUID, _MS_NODEV = 0x2, 0x4
_MNT_DETACH = 0x2
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20


class DiskLimitError(OSError):
    """The folder's content does not fit under the limit before the command even starts."""


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _mount_tmpfs(path: str, options: str) -> None:
    if _libc().mount(SOURCE, os.fsencode(path), b"tmpfs", _MS_NOSUID | _MS_NODEV,
                     options.encode()) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount tmpfs on {path}: {os.strerror(err)}")


def _umount(path: str) -> None:
    if _libc().umount2(os.fsencode(path), _MNT_DETACH) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"umount {path}: {os.strerror(err)}")


@functools.cache
def disk_status() -> tuple[bool, str]:
    """(enforced, reason): can this process cover a folder with a limited tmpfs?"""
    if os.geteuid() != 0:
        return False, ("workspace disk limits need root to mount a limited tmpfs; they are "
                       "checked after each command instead (reported, not enforced)")
    probe = tempfile.mkdtemp(prefix="skillir-diskprobe-")
    try:
        _mount_tmpfs(probe, "size=65536,nr_inodes=16,mode=0700")
        _umount(probe)
    except OSError as exc:
        return False, f"cannot mount a limited tmpfs here ({exc.strerror}); limits are soft"
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(probe)
    return True, "tmpfs"


# -- syncing one tree onto another ---------------------------------------------------------
def _remove(name: str, dir_fd: int) -> None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        fd = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
        try:
            for child in os.listdir(fd):
                _remove(child, fd)
        finally:
            os.close(fd)
        os.rmdir(name, dir_fd=dir_fd)
    else:
        os.unlink(name, dir_fd=dir_fd)


def _copy_file(name: str, src: int, dst: int) -> None:
    """Copy regular file `name` from folder fd `src` to folder fd `dst` (no symlink is
    followed, a FIFO never blocks; holes stay holes)."""
    sfd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=src)
    try:
        dfd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC,
                      0o600, dir_fd=dst)
        try:
            _copy_data(sfd, dfd, os.fstat(sfd).st_size)
        finally:
            os.close(dfd)
    finally:
        os.close(sfd)


def _copy_data(src: int, dst: int, size: int) -> None:
    """Copy the data segments of `src` (holes stay holes)."""
    offset = 0
    while offset < size:
        try:
            start = os.lseek(src, offset, os.SEEK_DATA)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # only a hole is left
                break
            raise
        end = os.lseek(src, start, os.SEEK_HOLE)
        pos = start
        while pos < end:
            chunk = os.pread(src, min(_CHUNK, end - pos), pos)
            if not chunk:
                break
            written = 0
            while written < len(chunk):
                written += os.pwrite(dst, chunk[written:], pos + written)
            pos += len(chunk)
        offset = end
    os.ftruncate(dst, size)


def _set_meta(name: str, dir_fd: int, info: os.stat_result, *, link: bool = False) -> None:
    with contextlib.suppress(OSError):
        os.chown(name, info.st_uid, info.st_gid, dir_fd=dir_fd, follow_symlinks=False)
    if not link:
        os.chmod(name, stat.S_IMODE(info.st_mode), dir_fd=dir_fd)
        os.utime(name, ns=(info.st_atime_ns, info.st_mtime_ns), dir_fd=dir_fd)


def sync_tree(src: int, dst: int) -> None:
    """Make the directory `dst` (an fd) hold what `src` holds: files whose size or mtime
    differ are copied, entries missing from `src` are removed; symlinks are copied as
    links (never followed), FIFOs re-made, sockets and devices skipped."""
    src_names = set(os.listdir(src))
    for name in set(os.listdir(dst)) - src_names:
        _remove(name, dst)
    for name in sorted(src_names):
        try:
            info = os.stat(name, dir_fd=src, follow_symlinks=False)
        except FileNotFoundError:
            continue
        try:
            have = os.stat(name, dir_fd=dst, follow_symlinks=False)
        except FileNotFoundError:
            have = None
        mode = info.st_mode
        if have is not None and stat.S_IFMT(have.st_mode) != stat.S_IFMT(mode):
            _remove(name, dst)
            have = None
        if stat.S_ISDIR(mode):
            if have is None:
                os.mkdir(name, 0o700, dir_fd=dst)
            sfd = os.open(name, _DIR_FLAGS, dir_fd=src)
            try:
                dfd = os.open(name, _DIR_FLAGS, dir_fd=dst)
                try:
                    sync_tree(sfd, dfd)
                finally:
                    os.close(dfd)
            finally:
                os.close(sfd)
            _set_meta(name, dst, info)
        elif stat.S_ISLNK(mode):
            target = os.readlink(name, dir_fd=src)
            if have is not None and os.readlink(name, dir_fd=dst) == target:
                continue
            if have is not None:
                os.unlink(name, dir_fd=dst)
            os.symlink(target, name, dir_fd=dst)
            _set_meta(name, dst, info, link=True)
        elif stat.S_ISREG(mode):
            if (have is not None and have.st_size == info.st_size
                    and have.st_mtime_ns == info.st_mtime_ns):
                if (have.st_mode, have.st_uid, have.st_gid) != (mode, info.st_uid, info.st_gid):
                    _set_meta(name, dst, info)
                continue
            _copy_file(name, src, dst)
            _set_meta(name, dst, info)
        elif stat.S_ISFIFO(mode):
            if have is None:
                os.mkfifo(name, 0o600, dir_fd=dst)
            _set_meta(name, dst, info)
        # sockets and device nodes are not carried over


# -- applying an overlay's upper layer ---------------------------------------------------------
_OPAQUE = "trusted.overlay.opaque"


def _is_whiteout(info: os.stat_result) -> bool:
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == 0


def apply_upper(upper: int, lower: int) -> None:
    """Carry an overlayfs upper layer (an fd) onto its lower folder (an fd): whiteouts
    delete, opaque folders replace, everything else is copied as `sync_tree` does."""
    for name in sorted(os.listdir(upper)):
        info = os.stat(name, dir_fd=upper, follow_symlinks=False)
        if _is_whiteout(info):
            _remove(name, lower)
            continue
        try:
            have = os.stat(name, dir_fd=lower, follow_symlinks=False)
        except FileNotFoundError:
            have = None
        if stat.S_ISDIR(info.st_mode):
            ufd = os.open(name, _DIR_FLAGS, dir_fd=upper)
            try:
                try:
                    opaque = os.getxattr(f"/proc/self/fd/{ufd}", _OPAQUE) == b"y"
                except OSError:
                    opaque = False
                if have is not None and (opaque or not stat.S_ISDIR(have.st_mode)):
                    _remove(name, lower)
                    have = None
                if have is None:
                    os.mkdir(name, 0o700, dir_fd=lower)
                lfd = os.open(name, _DIR_FLAGS, dir_fd=lower)
                try:
                    apply_upper(ufd, lfd)
                finally:
                    os.close(lfd)
            finally:
                os.close(ufd)
            _set_meta(name, lower, info)
            continue
        if have is not None and (stat.S_ISDIR(have.st_mode)
                                 or stat.S_IFMT(have.st_mode) != stat.S_IFMT(info.st_mode)
                                 or stat.S_ISLNK(info.st_mode)):
            _remove(name, lower)
        if stat.S_ISLNK(info.st_mode):
            os.symlink(os.readlink(name, dir_fd=upper), name, dir_fd=lower)
            _set_meta(name, lower, info, link=True)
        elif stat.S_ISREG(info.st_mode):
            _copy_file(name, upper, lower)
            _set_meta(name, lower, info)
        elif stat.S_ISFIFO(info.st_mode):
            if have is None or not stat.S_ISFIFO(have.st_mode):
                os.mkfifo(name, 0o600, dir_fd=lower)
            _set_meta(name, lower, info)


# -- the mounts ----------------------------------------------------------------------------
@dataclass
class _Mount:
    path: str
    lower_fd: int
    kind: str
    """"overlay" (writes land in a limited tmpfs over the folder) or "copy" (the folder's
    content copied onto a limited tmpfs mounted on it)."""
    scratch: str | None = None
    """overlay: the limited tmpfs holding the upper layer (upper/, work/)."""
    base: tuple[int, int] = (0, 0)
    """overlay: (bytes, files) the folder held when the command started."""
    users: int = 0

    def usage(self) -> tuple[int, int]:
        """(bytes, files) the workspace holds now."""
        if self.kind == "overlay":
            assert self.scratch is not None
            nbytes, files = usage(self.scratch)
            return self.base[0] + nbytes, self.base[1] + max(0, files - _SCRATCH_INODES)
        nbytes, files = usage(self.path)
        return nbytes, max(0, files - 1)


_SCRATCH_INODES = 3  # the tmpfs root, upper/ and work/
_REGISTRY_LOCK = threading.Lock()
_MOUNTS: dict[str, _Mount] = {}
_PATH_LOCKS: dict[str, threading.RLock] = {}


def path_lock(path: str) -> threading.RLock:
    """The lock that orders host-side file access to `path` against mounting and syncing
    it (a write must not land in the folder beneath a mount, nor in a tmpfs being synced)."""
    with _REGISTRY_LOCK:
        for mounted in _MOUNTS:
            if path == mounted or path.startswith(mounted + "/"):
                path = mounted
                break
        return _PATH_LOCKS.setdefault(path, threading.RLock())


def usage(path: str) -> tuple[int, int]:
    """(bytes, inodes) used on the filesystem mounted at `path` (statvfs)."""
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize, st.f_files - st.f_ffree


def tree_usage(path: str, *, stop_files: int) -> tuple[int, int]:
    """(allocated bytes, entries) under `path`, walking at most `stop_files` entries."""
    total = files = 0
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            files += 1
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            if files > stop_files:
                return total, files
    return total, files


def _full(max_bytes: int, max_files: int) -> DiskLimitError:
    return DiskLimitError(errno.ENOSPC, "the workspace already holds its disk limit "
                          f"({max_bytes} bytes, {max_files} files)")


_HEADROOM = (1 << 20, 64)
"""Below this room (bytes, files) the copy form is used: there, deleting frees room."""
_LAST_RESORT = (64 << 10, 64)
"""A workspace already over its limit still gets this much, so `rm` can make room."""


def _mount_overlay(path: str, room: tuple[int, int], base: tuple[int, int]) -> _Mount | None:
    """The overlay form, or None when it cannot be made here (the caller copies instead)."""
    if any(c in path for c in ",:\\"):  # overlay's option syntax cannot carry them
        return None
    scratch = tempfile.mkdtemp(prefix="skillir-upper-")
    mounted: list[str] = []
    lower = os.open(path, _DIR_FLAGS)
    try:
        info = os.fstat(lower)
        _mount_tmpfs(scratch, f"size={room[0]},nr_inodes={room[1] + _SCRATCH_INODES},mode=0700")
        mounted.append(scratch)
        upper = os.path.join(scratch, "upper")
        os.mkdir(upper, stat.S_IMODE(info.st_mode))
        os.chown(upper, info.st_uid, info.st_gid)
        os.mkdir(os.path.join(scratch, "work"), 0o700)
        options = (f"lowerdir={path},upperdir={upper},workdir={scratch}/work,"
                   "redirect_dir=off,index=off,metacopy=off")
        if _libc().mount(SOURCE, os.fsencode(path), b"overlay", _MS_NOSUID | _MS_NODEV,
                         options.encode()) != 0:
            raise OSError(ctypes.get_errno(), "overlay mount failed")
        return _Mount(path, lower, "overlay", scratch=scratch, base=base)
    except OSError:
        for point in reversed(mounted):
            with contextlib.suppress(OSError):
                _umount(point)
        with contextlib.suppress(OSError):
            os.rmdir(os.path.join(scratch, "upper"))
            os.rmdir(os.path.join(scratch, "work"))
        with contextlib.suppress(OSError):
            os.rmdir(scratch)
        os.close(lower)
        return None


def _mount_copy(path: str, max_bytes: int, max_files: int) -> _Mount:
    lower = os.open(path, _DIR_FLAGS)
    try:
        info = os.fstat(lower)
        _mount_tmpfs(path, f"size={max_bytes},nr_inodes={max_files + 1},"
                           f"mode={stat.S_IMODE(info.st_mode):o},uid={info.st_uid},"
                           f"gid={info.st_gid}")
    except BaseException:
        os.close(lower)
        raise
    upper = os.open(path, _DIR_FLAGS)
    try:
        sync_tree(lower, upper)
    except OSError as exc:
        os.close(upper)
        _umount(path)
        os.close(lower)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _full(max_bytes, max_files) from None
        raise
    os.close(upper)
    return _Mount(path, lower, "copy")


def _mount(path: str, max_bytes: int, max_files: int) -> _Mount:
    """Overlay while there is room (no copying: commands cost the same however big the
    workspace); the copy form when it is nearly full (deletions free room there); an
    overlay with a last-resort headroom when it is already over (and the result says so)."""
    base = tree_usage(path, stop_files=max_files + 1)
    room = (max_bytes - base[0], max_files - base[1])
    if room[0] >= _HEADROOM[0] and room[1] >= _HEADROOM[1]:
        found = _mount_overlay(path, room, base)
        if found is not None:
            return found
    try:
        return _mount_copy(path, max_bytes, max_files)
    except DiskLimitError:
        found = _mount_overlay(path, _LAST_RESORT, base)
        if found is None:
            raise
        return found


def _release(m: _Mount) -> None:
    try:
        if m.kind == "overlay":
            assert m.scratch is not None
            _umount(m.path)  # nothing more lands in the upper layer
            upper = os.open(os.path.join(m.scratch, "upper"), _DIR_FLAGS)
            try:
                apply_upper(upper, m.lower_fd)
            finally:
                os.close(upper)
                _umount(m.scratch)
                with contextlib.suppress(OSError):
                    os.rmdir(m.scratch)
        else:
            upper = os.open(m.path, _DIR_FLAGS)
            try:
                sync_tree(upper, m.lower_fd)
            finally:
                os.close(upper)
                _umount(m.path)
    finally:
        os.close(m.lower_fd)


@contextlib.contextmanager
def limited_disk(path: str, *, max_bytes: int, max_files: int
                 ) -> Iterator[Callable[[], tuple[int, int]]]:
    """Bound `path` for the duration (shared with other users of the same folder); yields
    a function giving the (bytes, files) the folder holds."""
    lock = path_lock(path)
    with lock:
        with _REGISTRY_LOCK:
            found = next((m for p, m in _MOUNTS.items()
                          if path == p or path.startswith(p + "/")), None)
        if found is None:
            found = _mount(path, max_bytes, max_files)
            with _REGISTRY_LOCK:
                _MOUNTS[path] = found
                _PATH_LOCKS.setdefault(path, lock)
        found.users += 1
    mount = found
    try:
        yield mount.usage
    finally:
        with path_lock(mount.path):
            mount.users -= 1
            if mount.users == 0:
                with _REGISTRY_LOCK:
                    del _MOUNTS[mount.path]
                _release(mount)
