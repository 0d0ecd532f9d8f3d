"""The bare-agent tools: every tool, and every way a call can go wrong (never an exception)."""

from __future__ import annotations

import os
import time

import pytest

from skillir.runtime.providers.base import ToolCall
from skillir.runtime.sandbox import Limits, Sandbox
from skillir.runtime.tools import BARE_AGENT_TOOLS, ToolExecutor


@pytest.fixture
def ex(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    sb = Sandbox(ws, Limits(command_timeout_s=10, read_bytes=1000))
    sb.adopt()
    return ToolExecutor(sb)


def call(name, **args):
    return ToolCall(id=f"c-{name}", name=name, arguments=args)


def test_tool_specs():
    names = [t.name for t in BARE_AGENT_TOOLS]
    assert names == ["read_file", "write_file", "list_directory", "execute_command"]
    for t in BARE_AGENT_TOOLS:
        assert t.parameters["type"] == "object" and t.description


def test_write_then_read_then_list(ex):
    res = ex.execute(call("write_file", path="sub/a.txt", content="héllo\n"))
    assert not res.is_error and res.content == "wrote 7 bytes to sub/a.txt"
    assert res.meta == {"bytes": 7, "path": "sub/a.txt"} and res.duration_s >= 0
    assert ex.execute(call("read_file", path="sub/a.txt")).content == "héllo\n"
    listing = ex.execute(call("list_directory", path="sub")).content
    assert listing == "[file] a.txt (7 bytes)"
    assert ex.execute(call("list_directory")).content == "[dir] sub"
    (ex.sandbox.root / "empty").mkdir()
    assert ex.execute(call("list_directory", path="empty")).content == "(empty directory)"


def test_sandboxed_command_sees_tool_written_files(ex):
    ex.execute(call("write_file", path="x.sh", content="echo from-script; echo more >> x.sh"))
    res = ex.execute(call("execute_command", command="sh x.sh && cat x.sh | wc -l"))
    assert not res.is_error and "from-script" in res.content and "[exit code 0]" in res.content
    assert res.meta["exit_code"] == 0


def test_command_failure_and_timeout(ex):
    res = ex.execute(call("execute_command", command="echo oops >&2; exit 4"))
    assert res.is_error and "oops" in res.content and "[exit code 4]" in res.content
    start = time.monotonic()
    res = ex.execute(call("execute_command", command="sleep 20", timeout=0.5))
    assert time.monotonic() - start < 5 and res.is_error and res.meta["killed"] == "timeout"


def test_run_deadline_caps_commands(tmp_path):
    ws = tmp_path / "w"
    ws.mkdir()
    deadline = time.monotonic() + 0.5
    ex = ToolExecutor(Sandbox(ws, Limits(command_timeout_s=30)), deadline=lambda: deadline)
    start = time.monotonic()
    res = ex.execute(call("execute_command", command="sleep 20"))
    assert time.monotonic() - start < 5 and res.meta["killed"] == "timeout"


def test_read_errors(ex):
    root = ex.sandbox.root
    assert "no such file" in ex.execute(call("read_file", path="missing.txt")).content
    (root / "d").mkdir()
    assert "is a directory" in ex.execute(call("read_file", path="d")).content
    (root / "bin.dat").write_bytes(b"\x00\x01\x02" * 10)
    res = ex.execute(call("read_file", path="bin.dat"))
    assert res.content.startswith("[binary file, 30 bytes") and res.meta["binary"]
    (root / "big.txt").write_text("y" * 5000)
    res = ex.execute(call("read_file", path="big.txt"))
    assert "truncated: showing 1000 of 5000 bytes" in res.content and res.meta["truncated"]
    assert "not a directory" in ex.execute(call("list_directory", path="big.txt")).content


def test_escapes_are_errors_not_exceptions(ex, tmp_path):
    os.symlink("/etc", ex.sandbox.root / "etc")
    for c in (call("read_file", path="/etc/hostname"), call("read_file", path="etc/hostname"),
              call("write_file", path="../evil.txt", content="x"),
              call("list_directory", path="etc"), call("list_directory", path="..")):
        res = ex.execute(c)
        assert res.is_error and "outside the workspace" in res.content
        assert res.meta.get("violation")
    assert not (tmp_path / "evil.txt").exists()


def test_bad_calls(ex):
    res = ex.execute(ToolCall("c", "write_file", {}, raw_arguments="{bad", parse_error="boom"))
    assert res.is_error and "boom" in res.content
    res = ex.execute(call("delete_everything", path="."))
    assert res.is_error and "unknown tool 'delete_everything'" in res.content
    assert "missing required argument 'path'" in ex.execute(call("read_file")).content
    assert "missing required argument 'content'" in ex.execute(
        call("write_file", path="a")).content
    assert "non-empty string" in ex.execute(call("execute_command", command="  ")).content
    res = ex.execute(call("write_file", path="n.txt", content=42))
    assert not res.is_error and (ex.sandbox.root / "n.txt").read_text() == "42"
