"""The user cache: entries keyed by everything an answer depends on, written atomically,
expired by a TTL, ignored when damaged, and turned off by SKILLIR_CACHE=off."""

from __future__ import annotations

import json

from skillir import usercache


def test_put_get_roundtrip_and_keys_are_exact(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path))
    key = usercache.key_digest("v1", "cl100k_base", "hello")
    assert key != usercache.key_digest("v1", "cl100k_base", "hello ")
    assert key != usercache.key_digest("v1cl100k_base", "hello")  # parts cannot run together
    assert usercache.get("kind", key) is None
    usercache.put("kind", key, [1, "x"])
    assert usercache.get("kind", key) == [1, "x"]
    assert usercache.cache_root() == tmp_path
    assert not list(tmp_path.rglob("*.tmp"))  # nothing half-written left behind


def test_expired_and_damaged_entries_are_misses(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path))
    usercache.put("kind", "aa11", 5, ttl=-1)
    assert usercache.get("kind", "aa11") is None
    usercache.put("kind", "bb22", 5)
    entry = next(tmp_path.rglob("bb22.json"))
    entry.write_text("{not json")
    assert usercache.get("kind", "bb22") is None
    entry.write_text(json.dumps([5]))
    assert usercache.get("kind", "bb22") is None


def test_off_means_no_reads_and_no_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", "off")
    assert usercache.cache_root() is None
    usercache.put("kind", "cc33", 1)
    assert usercache.get("kind", "cc33") is None
    monkeypatch.delenv("SKILLIR_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert usercache.cache_root() == tmp_path / "xdg" / "skillir"


def test_an_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("SKILLIR_CACHE", str(blocker / "below-a-file"))
    usercache.put("kind", "dd44", 1)  # no error
    assert usercache.get("kind", "dd44") is None


def test_entries_are_read_as_a_utf8_text_read_reads_them(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path))
    usercache.put("kind", "ee55", "é")
    entry = next(tmp_path.rglob("ee55.json"))
    entry.write_bytes(b'{\r\n"value": "\xc3\xa9"}\r\n')  # carriage returns, UTF-8
    assert usercache.get("kind", "ee55") == "é"
    for damaged in (b'{"value": "\xff"}', b'\xef\xbb\xbf{"value": 1}', "{\"value\": 1}".encode("utf-16")):
        entry.write_bytes(damaged)  # not UTF-8, a BOM, UTF-16: misses, as a text-mode read made them
        assert usercache.get("kind", "ee55") is None
    entry.unlink()
    entry.mkdir()
    assert usercache.get("kind", "ee55") is None
