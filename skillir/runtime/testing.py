"""Test helpers for the runtime (used by the project's tests; handy for anyone writing a
provider, a harness or a grader).

- `ScriptedProvider`: a provider that plays back scripted turns (labelled simulated).
- `FakeHTTPServer`: a real HTTP server on 127.0.0.1 in a thread whose answers a test
  scripts (for retry, OpenAI and Anthropic wire-format tests).
- `local_model_session`: the generator behind the pytest fixture that starts the real local
  model once per session (skips with a reason when llama-cpp-python is not installed).
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.runtime.providers.base import (
    Message,
    Provider,
    ProviderError,
    Response,
    RunInfo,
    ToolCall,
    ToolSpec,
    Usage,
)

Turn = Response | Callable[[Sequence[Message]], Response] | BaseException


def turn(text: str = "", calls: Sequence[tuple[str, dict[str, Any]]] = (), *,
         tokens: tuple[int, int] = (10, 5), latency: float = 0.001) -> Response:
    """A scripted model turn: text plus tool calls `(name, arguments)`."""
    tool_calls = tuple(ToolCall(id=f"call_{i}_{name}", name=name, arguments=args,
                                raw_arguments=json.dumps(args)) for i, (name, args)
                       in enumerate(calls))
    return Response(text=text, tool_calls=tool_calls, usage=Usage(*tokens), latency_s=latency,
                    stop_reason="tool_use" if tool_calls else "end_turn", model="scripted",
                    simulated=True)


class ScriptedProvider(Provider):
    """Plays `turns` in order (a Response, a function of the messages, or an exception to
    raise); after the last one it answers "done" without tool calls."""

    simulated = True

    def __init__(self, turns: Sequence[Turn] = (), name: str = "scripted/test"):
        self.turns = list(turns)
        self.name = name
        self.calls: list[list[Message]] = []
        self.tools_seen: list[list[str]] = []
        self.run_info: RunInfo | None = None
        self.closed = False

    def start_run(self, info: RunInfo) -> None:
        self.run_info = info

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        self.calls.append(list(messages))
        self.tools_seen.append([t.name for t in tools])
        if not self.turns:
            return turn("done")
        nxt = self.turns.pop(0)
        if isinstance(nxt, BaseException):
            raise nxt
        if callable(nxt):
            return nxt(messages)
        return nxt

    def close(self) -> None:
        self.closed = True


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


Answer = tuple[int, dict[str, str], Any]


@dataclass
class FakeHTTPServer:
    """`with FakeHTTPServer(answer) as srv:` — `answer(recorded)` returns (status, headers,
    body); a body that is not bytes is sent as JSON. `srv.url`, `srv.requests`."""

    answer: Callable[[Recorded], Answer]
    requests: list[Recorded] = field(default_factory=list)

    def __enter__(self) -> FakeHTTPServer:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw
                rec = Recorded(self.command, self.path, {k.lower(): v for k, v in
                                                         self.headers.items()}, body)
                outer.requests.append(rec)
                status, headers, payload = outer.answer(rec)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", headers.get("Content-Type",
                                                             "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def local_model_session(state_dir: Path, model: str = "smollm2") -> Iterator[dict[str, Any]]:
    """Start the real local model once (pytest session fixture body). Yields
    {"base_url", "pid", "start_s", "model"}; skips when llama-cpp-python is missing."""
    import pytest

    from skillir.runtime.localserver import (
        LLAMA_PIN,
        ensure_server,
        llama_cpp_available,
        stop_ephemeral,
    )

    if not llama_cpp_available():
        pytest.skip(f"llama-cpp-python[server] is not installed (pip install '{LLAMA_PIN}')")
    begin = time.monotonic()
    state, how = ensure_server(model, state_dir=state_dir)
    info = {"base_url": state.base_url, "pid": state.pid, "model": model, "how": how,
            "start_s": state.start_s if how == "started" else time.monotonic() - begin}
    try:
        yield info
    finally:
        stop_ephemeral(model)


__all__ = ["FakeHTTPServer", "ProviderError", "Recorded", "ScriptedProvider",
           "local_model_session", "turn"]
