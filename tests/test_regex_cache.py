"""Compiled regular expressions kept between a command's processes (skillir.regex_cache):
a second process rebuilds the patterns the first compiled instead of compiling them,
they behave the same, a damaged or foreign file is ignored, and the cache can be turned
off. Each case runs in its own Python process: `install` changes the process it runs in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, re, sys
from re import _parser
from skillir import regex_cache
installed = regex_cache.install()
parses = 0
real_parse = _parser.parse
def counting(*args, **kwargs):
    global parses
    parses += 1
    return real_parse(*args, **kwargs)
_parser.parse = counting
patterns = [(r"(?i)\bcurl\b[^\n]*\s(-k|--insecure)\b", 0), (r"(?P<name>[a-z]+)-(\d+)", re.MULTILINE),
            (rb"\x00+(?:ab|cd)", 0), (r"caf\u00e9|na\u00efve", re.IGNORECASE)]
out = []
for text, flags in patterns:
    p = re.compile(text, flags)
    subject = b"\x00\x00cd" if isinstance(text, bytes) else "CURL http://x -k; abc-12\nNA\u00cfVE"
    m = p.search(subject)
    out.append([p.flags, p.groups, sorted(p.groupindex.items()), m.span() if m else None])
print(json.dumps({"installed": installed, "parses": parses, "out": out}))
"""


def _probe(cache: Path | str, **env: str) -> dict:
    run_env = dict(os.environ, SKILLIR_CACHE=str(cache), PYTHONPATH=str(ROOT), **env)
    if "SKILLIR_REGEX_CACHE" not in env:
        run_env.pop("SKILLIR_REGEX_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=run_env,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def _file(cache: Path) -> Path:
    (found,) = cache.glob("regex-v1-*.marshal")
    return found


@pytest.fixture(scope="module")
def uncached():
    """What the patterns do with the cache off: the reference."""
    return _probe("off")


def test_a_second_process_rebuilds_what_the_first_compiled(tmp_path, uncached):
    first = _probe(tmp_path)
    assert first["installed"] and first["parses"] == 8  # compiled, and its program made again to check it
    assert _file(tmp_path).stat().st_size > 0 and not list(tmp_path.glob(".regex-*"))
    second = _probe(tmp_path)
    assert second["parses"] == 0  # rebuilt from the stored programs, nothing parsed
    assert first["out"] == second["out"] == uncached["out"]
    assert not uncached["installed"] and uncached["parses"] == 4


def test_a_damaged_file_is_ignored_and_replaced(tmp_path, uncached):
    _probe(tmp_path)
    _file(tmp_path).write_bytes(b"\x00garbage")
    again = _probe(tmp_path)
    assert again["out"] == uncached["out"] and again["parses"] == 8
    assert _probe(tmp_path)["parses"] == 0  # the next process finds the rewritten file


def test_a_damaged_program_is_compiled_again(tmp_path, uncached):
    import marshal

    _probe(tmp_path)
    table = marshal.loads(_file(tmp_path).read_bytes())
    key = next(k for k in table if k[0].startswith("(?P<name>"))
    flags, _code, groups, groupindex, indexgroup = table[key]
    table[key] = (flags, [999999, 1, 2], groups, groupindex, indexgroup)  # not a valid program
    _file(tmp_path).write_bytes(marshal.dumps(table))
    again = _probe(tmp_path)
    assert again["out"] == uncached["out"]


def test_it_can_be_turned_off_alone(tmp_path, uncached):
    off = _probe(tmp_path, SKILLIR_REGEX_CACHE="0")
    assert not off["installed"] and off["out"] == uncached["out"]
    assert not list(tmp_path.glob("regex-*"))


def test_the_file_holds_at_most_max_patterns(tmp_path, monkeypatch):
    from skillir import regex_cache

    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path))
    path = regex_cache.cache_file()
    program = (0, [1], 0, {}, ())
    many = {(f"p{i}", 0): program for i in range(regex_cache.MAX_PATTERNS + 10)}
    regex_cache._save(path, many)
    assert len(regex_cache._load(path)) == regex_cache.MAX_PATTERNS
    # full: a process's save keeps what it used and its new programs, and drops the rest
    regex_cache._save(path, {("q", 0): program}, {("p1", 0), ("p2", 0), ("gone", 0)})
    assert regex_cache._load(path) == {("p1", 0): program, ("p2", 0): program, ("q", 0): program}
    regex_cache._save(path, {("r", 0): program}, set())  # room left: merged
    assert set(regex_cache._load(path)) == {("p1", 0), ("p2", 0), ("q", 0), ("r", 0)}


def test_the_commands_install_it_and_the_library_does_not(tmp_path):
    code = ("import re._compiler as c; before = c.compile; import skillir, skillir.pipeline; "
            "assert c.compile is before; from skillir.tools.cli import run_tool; "
            "run_tool('t', lambda: 0); print(c.compile is not before)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), SKILLIR_CACHE=str(tmp_path)))
    assert done.stdout.strip() == "True"


def test_a_forked_child_does_not_write_the_file(tmp_path, monkeypatch):
    from skillir import regex_cache

    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path))
    path = regex_cache.cache_file()
    regex_cache._save(path, {("p", 0): (0, [1], 0, {}, ())}, pid=os.getpid() + 1)  # installed by another process
    assert not path.exists()
    regex_cache._save(path, {("p", 0): (0, [1], 0, {}, ())}, set(), os.getpid())
    assert regex_cache._load(path) == {("p", 0): (0, [1], 0, {}, ())}


MISMATCH = r"""
import json, re
from skillir import regex_cache
real = regex_cache._program
regex_cache._program = lambda *a: (lambda f, *rest: (f ^ re.DOTALL, *rest))(*real(*a))  # not CPython's program
regex_cache.install()
p = re.compile(r"a.b(\d)")
print(json.dumps([p.flags, bool(p.search("a\nb1")), bool(p.search("axb1"))]))
"""


def test_programs_unlike_cpythons_are_neither_used_nor_stored(tmp_path):
    env = dict(os.environ, SKILLIR_CACHE=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("SKILLIR_REGEX_CACHE", None)
    done = subprocess.run([sys.executable, "-c", MISMATCH], capture_output=True, text=True, env=env, timeout=120,
                          check=True)
    assert json.loads(done.stdout) == [32, False, True]  # CPython's pattern (no DOTALL), as compiled without it
    assert not list(tmp_path.glob("regex-*"))


def test_after_the_canaries_a_pattern_is_compiled_once(tmp_path):
    from skillir import regex_cache

    many = "\n".join(f"re.compile(r'w{i}(?:x|y)+z')" for i in range(regex_cache.CANARIES + 5))
    code = PROBE.replace("out = []", many + "\nout = []")
    env = dict(os.environ, SKILLIR_CACHE=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("SKILLIR_REGEX_CACHE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          check=True)
    parses = json.loads(done.stdout)["parses"]
    assert parses == 2 * regex_cache.CANARIES + (5 + 4)  # the canaries twice, the rest once


DERIVED = r"""
import json, re, sys
from skillir import regex_cache
from skillir.security import prefilter
regex_cache.install()
calls = []
def compute(value):
    calls.append(value)
    return value
a = regex_cache.derived(sys.argv[1], ("k", 1), lambda: compute(("x", (1, 2), True, None)))
b = regex_cache.derived("unwritable", "f", lambda: compute(len))  # marshal cannot write a builtin
pattern = re.compile(r"(?i)\bcurl\b[^\n]*\s(-k|--insecure)\b")
formula = prefilter.required(pattern)
check = prefilter.checker(formula)
print(json.dumps({"a": a, "calls": len(calls), "formula": formula, "starts": prefilter.starts(pattern),
                  "check": [check("curl -k x"), check("curl x"), check("wget -k")]}))
"""


def _derived(cache: Path, kind: str) -> dict:
    env = dict(os.environ, SKILLIR_CACHE=str(cache), PYTHONPATH=str(ROOT))
    env.pop("SKILLIR_REGEX_CACHE", None)
    done = subprocess.run([sys.executable, "-c", DERIVED, kind], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def test_derived_values_are_kept_by_kind_and_key(tmp_path):
    first = _derived(tmp_path, "thing-v1")
    assert first["calls"] == 2 and first["a"] == ["x", [1, 2], True, None]
    second = _derived(tmp_path, "thing-v1")
    assert second["calls"] == 1  # the kept value; the builtin was not kept, computed again
    assert second == {**first, "calls": 1}  # the prefilter's answers read back are the same
    import re

    from skillir.security import prefilter

    pattern = re.compile(r"(?i)\bcurl\b[^\n]*\s(-k|--insecure)\b")
    assert first["formula"] == json.loads(json.dumps(prefilter._required(pattern)))  # what it computes uncached
    assert first["starts"] == json.loads(json.dumps(prefilter._starts(pattern)))
    assert first["check"] == [True, False, False]
    assert _derived(tmp_path, "thing-v2")["calls"] == 2  # another kind (new code): computed again


def test_derived_without_the_cache_installed_computes_every_time(monkeypatch):
    from skillir import regex_cache

    monkeypatch.setattr(regex_cache, "_derived", None)  # (a command run in this process may have installed it)
    calls = []
    for _ in range(2):
        regex_cache.derived("k", 1, lambda: calls.append(1) or 5)
    assert len(calls) == 2


def test_a_file_others_can_write_is_not_read(tmp_path, monkeypatch):
    from skillir import regex_cache

    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path))
    path = regex_cache.cache_file()
    regex_cache._save(path, {("p", 0): (0, [1], 0, {}, ())})
    assert regex_cache._load(path)
    path.chmod(0o666)
    assert regex_cache._load(path) == {}
    path.chmod(0o600)
    assert regex_cache._load(path)
