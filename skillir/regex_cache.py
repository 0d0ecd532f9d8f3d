"""Compiled regular expressions kept between a command's processes.

CPython compiles every pattern anew in each process, and keeps nothing on disk: a
`skill-opt` command compiles about 630 patterns (the prose rules, the security rules, the
code readers), 170-215 ms of its 0.8 s on this machine kind. `install()`, which the
commands call before they import the analyses (`skillir.tools.cli.run_tool`), wraps
`re._compiler.compile`, CPython's own compiler, so that a pattern an earlier process
compiled is rebuilt from its stored program with `_sre.compile` (the last step of
`re._compiler.compile`), skipping the parse and the code generation.

The programs live in one `marshal` file in the user cache (`skillir.usercache`), named by
the interpreter (`sys.implementation.cache_tag`) and the regex engine's `_sre.MAGIC`.
A new pattern is compiled the way `re._compiler.compile` does it, step by step, keeping
the program; a process's first `CANARIES` new patterns are also compiled by CPython and
must come out equal (`re.Pattern` equality compares the flags and the program), else
the process stores nothing and compiles as before, so an interpreter whose internals
differ is left alone; `_sre.compile` validates every program it is given. New programs are written at exit, merged with what other processes
wrote meanwhile, atomically. The file holds at most `MAX_PATTERNS`: a merge that would
pass it keeps only what this process used (some patterns are new text in every process,
such as the standard library's tokenizer pattern, built from a set).

Values computed from patterns that are as slow as compiling them (the prefilters'
formulas read from a pattern's parse tree, their checkers compiled from Python source:
`skillir.security.prefilter`) are kept the same way in a second file, through `derived`:
the caller names what a value is and a stamp of the code that computes it, so a new
version of that code computes again. Only the commands install it: importing
`skillir` as a library changes nothing. `SKILLIR_REGEX_CACHE=0` turns it off alone,
`SKILLIR_CACHE=off` with the rest of the cache.
"""

from __future__ import annotations

import atexit
import marshal
import os
import re
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (run before the commands import it)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

MAX_PATTERNS = 2048
"""Patterns kept in the file (a command uses about 630)."""

CANARIES = 8
"""A process compiles its first new patterns both ways and stores programs only while
they equal CPython's; after this many agreed, it builds the rest one way only."""

_installed = False
_derived: dict | None = None
"""Once installed: the stored values (`derived`), by (kind, key)."""
_derived_new: dict = {}
_derived_used: set = set()


def cache_file():
    """The file of this interpreter's programs, or None (cache off, or no `_sre`)."""
    from skillir.usercache import cache_root

    root = cache_root()
    try:
        import _sre
    except ImportError:  # pragma: no cover - not CPython
        return None
    return None if root is None else root / f"regex-v1-{sys.implementation.cache_tag}-{_sre.MAGIC}.marshal"


def derived(kind: str, key: object, compute: Callable[[], T]) -> T:
    """`compute()`, kept between a command's processes once `install` ran (else computed
    every time). `kind` says what the value is and must change with the code computing
    it; `key` (str, bytes, int or tuples of them) is what the value depends on besides.
    The value must be immutable and one `marshal` writes (a value it cannot write is
    still returned, and not kept)."""
    if _derived is None:
        return compute()
    entry = (kind, key)
    try:
        value = _derived[entry]
    except KeyError:
        value = _derived_new[entry] = compute()
    except TypeError:  # a key that cannot be hashed
        return compute()
    else:
        _derived_used.add(entry)
    return value


def _load(path) -> dict:
    """The file's table; empty when it is missing, damaged, or not this user's own file
    that only this user can write (it holds code objects the prefilters run, like a
    `.pyc`: a file another user could have written is not read)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return {}
            table = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return table if isinstance(table, dict) else {}


def install() -> bool:
    """Wrap CPython's regex compiler with the stored programs (once per process). False
    when it cannot (the cache is off, another Python) or already did."""
    global _installed, _derived
    if _installed:
        return False
    try:
        import _sre
        from re import _compiler, _constants, _parser
    except ImportError:  # pragma: no cover - not CPython
        return False
    path = cache_file()
    if path is None or os.environ.get("SKILLIR_REGEX_CACHE", "").strip().lower() in ("0", "off", "false", "no"):
        return False
    _installed = True
    table = _load(path)
    new: dict = {}
    used: set = set()
    checked: list = [0]  # programs found equal to CPython's so far, or False: they differ
    original = _compiler.compile
    debug = _constants.SRE_FLAG_DEBUG

    def compile(p, flags=0):  # noqa: A001 - the name CPython calls
        if type(p) not in (str, bytes) or flags & debug:
            return original(p, flags)
        key = (p, int(flags))  # (a `re.RegexFlag` is an int marshal cannot write)
        program = table.get(key)
        if program is not None:
            try:
                compiled = _sre.compile(p, *program)
            except (TypeError, ValueError, RuntimeError, OverflowError):
                table.pop(key, None)  # a damaged entry: compile it again
            else:
                used.add(key)
                return compiled
        if checked[0] is False or len(new) >= MAX_PATTERNS:
            return original(p, flags)
        try:
            program = _program(p, flags, _parser, _compiler)
            pattern = _sre.compile(p, *program)
        except re.error:
            raise  # a bad pattern: the caller's error, as CPython raises it
        except Exception:  # noqa: BLE001 - internals that differ: leave them alone
            checked[0] = False
            return original(p, flags)
        if checked[0] < CANARIES:  # the process's first programs: the same as CPython's?
            if pattern != original(p, flags):
                checked[0] = False
                return original(p, flags)
            checked[0] += 1
        new[key] = program
        return pattern

    _compiler.compile = compile
    atexit.register(_save, path, new, used, os.getpid())
    values = path.with_name(path.name.replace("regex-v1-", "derived-v1-"))
    _derived = _load(values)
    atexit.register(_save, values, _derived_new, _derived_used, os.getpid())
    return True


def _program(p, flags, _parser, _compiler) -> tuple:
    """The arguments `re._compiler.compile` gives `_sre.compile` after the pattern."""
    tree = _parser.parse(p, flags)
    code = [int(op) for op in _compiler._code(tree, flags)]  # (opcodes are an int subclass)
    groupindex = dict(tree.state.groupdict)
    indexgroup = [None] * tree.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | tree.state.flags), code, tree.state.groups - 1, groupindex, tuple(indexgroup))


def _save(path, new: dict, used: set | frozenset = frozenset(), pid: int | None = None) -> None:
    """Merge this process's new programs into the file (atomically; never raises); when
    that would pass `MAX_PATTERNS`, the file keeps only the programs this process `used`
    and its new ones. Not in a forked child (`pid`: the process that installed): the
    compile server's children run the exit functions they inherit."""
    if not new or (pid is not None and os.getpid() != pid):
        return
    try:
        table = _load(path)
        if len(table) + len(new) > MAX_PATTERNS:
            table = {key: table[key] for key in used if key in table}
        for key, program in new.items():
            if len(table) >= MAX_PATTERNS:
                break
            table.setdefault(key, program)
        import tempfile  # (at exit only: it imports `random` and `shutil`)

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".regex-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_dumps(table))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # noqa: BLE001 - an exit function must not print a traceback; the cache is optional
        return


def _dumps(table: dict) -> bytes:
    """`marshal.dumps(table)`, without the entries marshal cannot write."""
    try:
        return marshal.dumps(table)
    except ValueError:
        kept = {}
        for key, value in table.items():
            try:
                marshal.dumps((key, value))
            except ValueError:
                continue
            kept[key] = value
        return marshal.dumps(kept)
