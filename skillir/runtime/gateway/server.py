"""The gateway's HTTP server (see the package docstring for what it serves).

stdlib `http.server` (a thread per connection, HTTP/1.1 keep-alive) on 127.0.0.1 and,
optionally, on a unix socket; one provider call at a time (a lock), each bounded by a
deadline; request bodies bounded; every request logged in memory (`Gateway.requests`) and,
with `log_path`, as one JSON line each.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import os
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from skillir.errors import SkillIRError, one_line
from skillir.runtime.gateway import anthropic_messages, openai_chat, responses
from skillir.runtime.gateway.scripted import ScriptError
from skillir.runtime.gateway.wire import BadRequest, ChatRequest
from skillir.runtime.providers.base import Provider, ProviderError, ProviderTimeout, Response

MAX_BODY_BYTES = 32 << 20
"""Largest request body accepted (harness prompts with a long history are ~0.1-2 MB)."""
READ_TIMEOUT_S = 60.0
"""An idle or slow client connection is dropped after this long without bytes."""
REQUEST_TIMEOUT_S = 600.0
"""Deadline of one provider call (the local CPU model needs minutes for a harness prompt)."""

_ROUTES: dict[str, ModuleType] = {
    "/v1/chat/completions": openai_chat, "/chat/completions": openai_chat,
    "/v1/responses": responses, "/responses": responses,
    "/v1/messages": anthropic_messages, "/messages": anthropic_messages,
}


def key_fingerprint(headers: Any) -> str:
    """The logged form of a request's credential (`LoggedRequest.key_sha256`)."""
    key = headers.get("x-api-key") or ""
    auth = headers.get("Authorization") or ""
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    return hashlib.sha256(key.encode()).hexdigest()[:12] if key else ""


@dataclass
class LoggedRequest:
    """One request the gateway served: `wire` ("openai-chat", "openai-responses",
    "anthropic", "probe"), the parsed JSON `body`, the HTTP `status`, the provider's
    `response` (None for probes and errors) and the `error` message if any."""

    wire: str
    method: str
    path: str
    body: Any
    status: int = 0
    stream: bool = False
    response: Response | None = None
    error: str | None = None
    skipped: list[str] = field(default_factory=list)
    """Parts of the request not passed to the provider (hosted tools, unknown items)."""
    duration_s: float = 0.0
    started: float = field(default_factory=time.time)
    key_sha256: str = ""
    """The first 12 hex digits of the SHA-256 of the credential the client sent (x-api-key,
    or an Authorization bearer), never the credential; "" when it sent none."""

    def to_json(self, *, simulated: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"t": round(self.started, 3), "wire": self.wire,
                               "method": self.method, "path": self.path,
                               "key_sha256": self.key_sha256,
                               "status": self.status, "stream": self.stream,
                               "duration_s": round(self.duration_s, 4), "body": self.body,
                               "simulated": simulated}
        if self.response is not None:
            r = self.response
            out["response"] = {"text": r.text, "tool_calls": [c.to_json() for c in
                                                              r.tool_calls],
                               "stop_reason": r.stop_reason,
                               "usage": dict(r.usage.__dict__),
                               "latency_s": round(r.latency_s, 4)}
        if self.error:
            out["error"] = self.error
        if self.skipped:
            out["skipped"] = self.skipped
        return out


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False


class Gateway:
    """An HTTP model gateway in front of `provider` (see the package docstring).

    `port=0` picks a free port. `unix_socket` also serves on that path (made 0666 so the
    unprivileged sandbox user can connect). `model` is the id reported by `/v1/models`
    (default: the provider's name); answers echo the model the client asked for.
    """

    def __init__(self, provider: Provider, *, host: str = "127.0.0.1", port: int = 0,
                 log_path: Path | None = None, unix_socket: Path | None = None,
                 model: str | None = None, max_body_bytes: int = MAX_BODY_BYTES,
                 read_timeout_s: float = READ_TIMEOUT_S,
                 request_timeout_s: float = REQUEST_TIMEOUT_S):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SkillIRError(f"the model gateway listens on loopback only, not {host!r}",
                               hint="use host='127.0.0.1'")
        self.provider = provider
        self.host = host
        self.port = port
        self.log_path = Path(log_path) if log_path is not None else None
        self.unix_socket = Path(unix_socket) if unix_socket is not None else None
        self.model = model or provider.name or "skillir-gateway"
        self.max_body_bytes = max_body_bytes
        self.read_timeout_s = read_timeout_s
        self.request_timeout_s = request_timeout_s
        self.requests: list[LoggedRequest] = []
        self._call_lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._servers: list[socketserver.BaseServer] = []
        self._threads: list[threading.Thread] = []

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if not self._servers:
            raise RuntimeError("the gateway is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def simulated(self) -> bool:
        return bool(self.provider.simulated)

    def start(self) -> Gateway:
        if self._servers:
            return self
        handler = _handler(self)
        tcp = http.server.ThreadingHTTPServer((self.host, self.port), handler)
        tcp.daemon_threads = True
        tcp.block_on_close = False  # type: ignore[attr-defined]
        self.port = tcp.server_address[1]
        self._servers.append(tcp)
        if self.unix_socket is not None:
            with contextlib.suppress(FileNotFoundError):
                if self.unix_socket.is_socket():
                    self.unix_socket.unlink()
            self.unix_socket.parent.mkdir(parents=True, exist_ok=True)
            if len(os.fsencode(self.unix_socket)) >= 108:
                tcp.server_close()
                self._servers.clear()
                raise SkillIRError(f"unix socket path is too long ({self.unix_socket})",
                                   hint="use a path under 108 bytes")
            unix = _UnixServer(str(self.unix_socket), handler)
            os.chmod(self.unix_socket, 0o666)
            self._servers.append(unix)
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever,
                                      kwargs={"poll_interval": 0.1}, daemon=True,
                                      name=f"skillir-gateway-{self.port}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        if self.unix_socket is not None:
            with contextlib.suppress(FileNotFoundError):
                self.unix_socket.unlink()

    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving --------------------------------------------------------------------------
    def _record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.requests.append(entry)
            if self.log_path is not None:
                line = json.dumps(entry.to_json(simulated=self.simulated), ensure_ascii=False,
                                  default=str)
                with open(self.log_path, "a", encoding="utf-8") as handle:
                    handle.write(line + "\n")

    def answer(self, req: ChatRequest) -> Response:
        """One provider call for a parsed request (serialised, with the deadline)."""
        with self._call_lock:
            deadline = time.monotonic() + self.request_timeout_s
            return self.provider.complete(req.messages, req.tools, max_tokens=req.max_tokens,
                                          temperature=req.temperature, deadline=deadline)

    def models(self) -> dict[str, Any]:
        return {"object": "list", "data": [self.model_entry(self.model)],
                "has_more": False, "first_id": self.model, "last_id": self.model}

    def model_entry(self, model_id: str) -> dict[str, Any]:
        return {"id": model_id, "object": "model", "type": "model", "created": 0,
                "created_at": "1970-01-01T00:00:00Z", "owned_by": "skillir",
                "display_name": model_id + (" (simulated)" if self.simulated else "")}


def _status_of(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, BadRequest):
        return exc.status, str(exc)
    if isinstance(exc, ScriptError):
        return 400, f"scripted model: {exc}"
    if isinstance(exc, ProviderTimeout):
        return 504, f"model provider timed out: {one_line(exc)}"
    if isinstance(exc, ProviderError):
        status = exc.status if exc.status and 400 <= exc.status < 600 else 502
        return status, f"model provider failed: {one_line(exc)}"
    if isinstance(exc, SkillIRError):
        return 500, str(exc)
    return 500, f"gateway error: {type(exc).__name__}: {one_line(exc)}"


def _handler(gw: Gateway) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "SkillIR-Gateway"
        timeout = gw.read_timeout_s

        def setup(self) -> None:
            # headers and body go out as separate writes: with Nagle on, the body waits for
            # the client's delayed ACK (40 ms per request). TCP only, not the unix socket.
            self.disable_nagle_algorithm = self.request.family in (socket.AF_INET,
                                                                   socket.AF_INET6)
            super().setup()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def address_string(self) -> str:
            return "unix" if not isinstance(self.client_address, tuple) else \
                str(self.client_address[0])

        # -- plumbing ---------------------------------------------------------------------
        def _send(self, status: int, payload: Any, *, content_type: str = "application/json",
                  head: bool = False) -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(
                payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if gw.simulated:
                self.send_header("X-SkillIR-Simulated", "true")
            self.end_headers()
            if not head:
                self.wfile.write(data)

        def _stream(self, events: Iterator[bytes]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            if gw.simulated:
                self.send_header("X-SkillIR-Simulated", "true")
            self.end_headers()
            # the response is complete before it is streamed: one write of all the events
            # (each its own HTTP chunk) instead of a system call per delta
            self.wfile.write(b"".join(b"%x\r\n%s\r\n" % (len(event), event)
                                      for event in events) + b"0\r\n\r\n")
            self.wfile.flush()

        def _body(self) -> Any:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                raise BadRequest("chunked request bodies are not supported: send "
                                 "Content-Length", 411)
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                raise BadRequest("Content-Length is not a number") from None
            if length < 0:
                raise BadRequest("Content-Length is negative")
            if length > gw.max_body_bytes:
                self.close_connection = True
                raise BadRequest(f"request body of {length} bytes is over the gateway's "
                                 f"limit of {gw.max_body_bytes}", 413)
            raw = self.rfile.read(length) if length else b""
            if len(raw) < length:
                self.close_connection = True
                raise BadRequest("request body ended early")
            if not raw:
                return None
            try:
                return json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise BadRequest(f"request body is not JSON: {exc}") from None
            except RecursionError:
                raise BadRequest("request body is nested too deeply") from None

        # -- methods ----------------------------------------------------------------------
        def do_HEAD(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path.rstrip("/") or "/"
            known = path in ("/", "/v1", "/health", "/v1/models")
            self._send(200 if known else 404, b"", head=True)

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path.rstrip("/") or "/"
            entry = LoggedRequest("probe", "GET", self.path, None)
            start = time.monotonic()
            if path in ("/v1/models", "/models"):
                status, payload = 200, gw.models()
            elif path.startswith(("/v1/models/", "/models/")):
                status, payload = 200, gw.model_entry(path.split("/models/", 1)[1])
            elif path in ("/", "/v1", "/health", "/v1/health"):
                status, payload = 200, {"status": "ok", "server": "skillir-gateway",
                                        "model": gw.model, "simulated": gw.simulated}
            else:
                status, payload = 404, openai_chat.error(404, f"no route GET {path}")
            entry.status = status
            entry.duration_s = time.monotonic() - start
            gw._record(entry)  # before the answer: a client that has it finds it logged
            self._send(status, payload)

        def do_POST(self) -> None:  # noqa: N802
            start = time.monotonic()
            path = urlsplit(self.path).path.rstrip("/")
            count = path.endswith("/messages/count_tokens")
            module = anthropic_messages if count else _ROUTES.get(path)
            entry = LoggedRequest(module.WIRE if module else "unknown", "POST", self.path,
                                  None, key_sha256=key_fingerprint(self.headers))
            fmt: Callable[[int, str], Any] = module.error if module else openai_chat.error
            recorded = False

            def record() -> None:  # before the answer goes out: a client that has its
                nonlocal recorded   # answer finds the request in the log
                entry.duration_s = time.monotonic() - start
                recorded = True
                gw._record(entry)

            try:
                entry.body = self._body()
                if module is None:
                    raise BadRequest(f"no route POST {path} (served: "
                                     f"{', '.join(sorted(_ROUTES))}, /v1/messages/count_tokens)",
                                     404)
                if not isinstance(entry.body, dict):
                    raise BadRequest("request body must be a JSON object")
                if count:
                    payload = anthropic_messages.count_tokens(entry.body)
                    entry.status = 200
                    record()
                    self._send(200, payload)
                    return
                req = module.parse(entry.body)
                entry.stream, entry.skipped = req.stream, req.skipped
                response = gw.answer(req)
                entry.response = response
                model = req.model or gw.model
                entry.status = 200
                if req.stream:
                    record()
                    self._stream(module.stream(response, req, model))
                else:
                    payload = module.render(response, req, model)
                    record()
                    self._send(200, payload)
            except (BrokenPipeError, ConnectionResetError) as exc:
                entry.error = f"client went away: {type(exc).__name__}"
                self.close_connection = True
                if not recorded:
                    record()
            except Exception as exc:  # every failure is an HTTP error body, never a crash
                status, message = _status_of(exc)
                entry.status, entry.error = status, message
                if not recorded:
                    record()
                with contextlib.suppress(OSError):
                    self._send(status, fmt(status, message))

    return Handler


def wait_until_listening(host: str, port: int, timeout: float = 5.0) -> bool:
    """True once something accepts connections on `host:port` (used by tests and drivers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.05)
    return False
