"""The sandbox bridge: a pure-Python TCP -> unix-socket forwarder run *inside* bubblewrap.

With `--unshare-net` a sandboxed harness has only its own loopback; the gateway listens on
a unix socket as well (`Gateway(..., unix_socket=PATH)`), the socket's folder is bound into
the sandbox read-only (`Sandbox(..., ro_binds=[PATH.parent])`: connecting to a socket needs
no write access to its mount), and

    argv = bridge_command(PATH, BRIDGE_PORT) + ["codex", "exec", ...]

listens on `127.0.0.1:BRIDGE_PORT` inside the sandbox *before* it starts the harness (so
the harness never races the listener), forwards every connection to the socket, and exits
with the harness's exit status when the harness ends (killed with it: it is the parent).
The harness is then pointed at `bridge_base_url(BRIDGE_PORT)`.

Keep the socket *outside* the workspace: while a command runs, the sandbox may cover the
workspace with a tmpfs of its own (the disk bounds, skillir.runtime.workspace_disk), which
hides a socket made in the folder beneath. A folder of mode 0755 next to the workspace
works (the sandbox user, uid 65534, must be able to reach it; the socket itself is 0666).

The forwarder is stdlib only and is passed with `-c` (no file needs to be visible inside the
sandbox); socat is not installed here, python3 is (the system folders are bound read-only).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BRIDGE_PORT = 18080
"""Any port works: the sandbox's network namespace is private, nothing else listens there."""

BRIDGE_SOURCE = r'''
import os, signal, socket, subprocess, sys, threading
path, port = sys.argv[1], int(sys.argv[2])
cmd = sys.argv[3:]
if cmd and cmd[0] == "--":
    cmd = cmd[1:]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(64)

def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass

def serve(conn):
    up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        up.connect(path)
    except OSError as exc:
        sys.stderr.write("skillir bridge: cannot reach the gateway at %s: %s\n" % (path, exc))
        conn.close()
        return
    back = threading.Thread(target=pump, args=(up, conn), daemon=True)
    back.start()
    pump(conn, up)
    back.join()
    conn.close()
    up.close()

def accept():
    while True:
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        threading.Thread(target=serve, args=(conn,), daemon=True).start()

if not cmd:
    accept()
else:
    threading.Thread(target=accept, daemon=True).start()
    try:
        child = subprocess.Popen(cmd)
    except OSError as exc:
        sys.stderr.write("skillir bridge: cannot start %s: %s\n" % (cmd[0], exc))
        os._exit(127)
    def forward(signum, frame):
        child.send_signal(signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    rc = child.wait()
    sys.stdout.flush()
    os._exit(rc if rc >= 0 else 128 - rc)
'''


def bridge_command(socket_path: str | os.PathLike[str], port: int = BRIDGE_PORT, *,
                   python: str | None = None) -> list[str]:
    """The argv prefix that starts the forwarder on `127.0.0.1:port` (inside the sandbox)
    towards `socket_path` and then runs the rest of the argv (the harness) under it.

    With nothing appended the forwarder runs in the foreground until killed. `python` is the
    interpreter inside the sandbox (default: this one, whose prefix the sandbox binds)."""
    if not 0 < int(port) < 65536:
        raise ValueError(f"bridge port must be 1..65535, not {port}")
    return [python or sys.executable, "-I", "-S", "-c", BRIDGE_SOURCE,
            str(Path(socket_path)), str(int(port)), "--"]


def bridge_base_url(port: int = BRIDGE_PORT) -> str:
    """The gateway's base URL as seen from inside the sandbox."""
    return f"http://127.0.0.1:{int(port)}"
