"""The sandbox bridge: a harness inside bubblewrap (`--unshare-net`) reaches the gateway
through the forwarder on its own loopback and the gateway's unix socket, and nothing else
of the host's network."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from skillir.runtime.gateway import (
    BRIDGE_PORT,
    Gateway,
    ScriptedModel,
    bridge_base_url,
    bridge_command,
)
from skillir.runtime.sandbox import Limits, Sandbox, bwrap_status

BWRAP, WHY = bwrap_status()
needs_bwrap = pytest.mark.skipif(not BWRAP, reason=f"bubblewrap unusable here: {WHY}")

CLIENT = r'''
import json, socket, sys, urllib.request
base, host_port = sys.argv[1], int(sys.argv[2])
body = {"model": "m", "messages": [{"role": "user", "content": "hi"}],
        "tools": [{"type": "function", "function": {"name": "bash", "parameters":
                   {"type": "object", "properties": {"command": {"type": "string"}}}}}]}
req = urllib.request.Request(base + "/v1/chat/completions", json.dumps(body).encode(),
                             {"Content-Type": "application/json"})
out = json.load(urllib.request.urlopen(req, timeout=20))
print("CALL", json.dumps(out["choices"][0]["message"]["tool_calls"][0]["function"]))
try:
    socket.create_connection(("127.0.0.1", host_port), timeout=2)
    print("DIRECT reachable")
except OSError as exc:
    print("DIRECT unreachable", type(exc).__name__)
'''


def _sandbox(tmp_path: Path) -> tuple[Sandbox, Path]:
    """A bwrap sandbox on `tmp_path/ws` and the gateway socket's path: outside the workspace
    (which may be a tmpfs of its own while a command runs), bound in read-only (connecting
    to a socket needs no write access to its mount)."""
    ws = tmp_path / "ws"
    ws.mkdir()
    sock_dir = tmp_path / "gw"
    sock_dir.mkdir(mode=0o755)
    sb = Sandbox(ws, Limits(command_timeout_s=60), isolation="bwrap", ro_binds=[sock_dir])
    sb.adopt()
    return sb, sock_dir / "gateway.sock"


def test_bridge_command_shape(tmp_path):
    argv = bridge_command(tmp_path / "gw.sock", 9000, python="/usr/bin/python3")
    assert argv[:4] == ["/usr/bin/python3", "-I", "-S", "-c"]
    assert argv[-3:] == [str(tmp_path / "gw.sock"), "9000", "--"]
    assert bridge_base_url(9000) == "http://127.0.0.1:9000"
    with pytest.raises(ValueError, match="1..65535"):
        bridge_command(tmp_path / "gw.sock", 0)


@needs_bwrap
def test_harness_in_bwrap_reaches_the_gateway_only_through_the_bridge(tmp_path):
    sb, sock = _sandbox(tmp_path)
    model = ScriptedModel([{"tool": "shell", "arguments": {"command": "ls"}}])
    with Gateway(model, unix_socket=sock) as gw:
        argv = bridge_command(sock, BRIDGE_PORT) + [sys.executable, "-c", CLIENT,
                                                    bridge_base_url(), str(gw.port)]
        result = sb.run(shlex.join(argv))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    call = json.loads(next(x for x in lines if x.startswith("CALL "))[5:])
    assert call == {"name": "bash", "arguments": '{"command": "ls"}'}
    assert any(x.startswith("DIRECT unreachable") for x in lines), result.output
    assert [(r.wire, r.status) for r in gw.requests] == [("openai-chat", 200)]


@needs_bwrap
def test_bridge_exits_with_the_harness_status(tmp_path):
    sb, sock = _sandbox(tmp_path)
    with Gateway(ScriptedModel([{"text": "x"}]), unix_socket=sock):
        result = sb.run(shlex.join(bridge_command(sock) + ["sh", "-c", "echo ran; exit 7"]))
        missing = sb.run(shlex.join(bridge_command(sock) + ["no-such-harness"]))
    assert result.exit_code == 7 and "ran" in result.output
    assert missing.exit_code == 127 and "cannot start no-such-harness" in missing.output
