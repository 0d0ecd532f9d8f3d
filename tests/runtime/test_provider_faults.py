"""Fault-injecting servers on 127.0.0.1: every fault ends as a ProviderError (or
ProviderTimeout) with its cause, within the call's own limits, never a raw exception."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import pytest

from skillir.runtime.providers.base import ProviderError, ProviderTimeout
from skillir.runtime.providers.http import RetryPolicy, parse_retry_after, post_json


class RawServer:
    """Answers every connection with `respond(conn)` on a thread; bounded by the test."""

    def __init__(self, respond: Callable[[socket.socket], None]):
        self.respond = respond
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/x"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    self.respond(conn)
                except OSError:
                    pass

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(10)
        self.sock.close()


def _dribble(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(2000):  # one byte every 10 ms: each read is quick, the body never ends
        conn.sendall(b" ")
        time.sleep(0.01)


def _bad_chunks(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")


def _cut_short(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"a\": 1")


def _not_http(conn: socket.socket) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")


def test_a_dribbling_body_cannot_outlive_the_deadline():
    with RawServer(_dribble) as srv:
        with pytest.raises(ProviderTimeout, match="did not arrive in time"):
            post_json(srv.url, {}, {}, timeout=30, retry=RetryPolicy(max_retries=0),
                      deadline=time.monotonic() + 1.0)


@pytest.mark.parametrize("respond", [_bad_chunks, _cut_short, _not_http])
def test_transport_faults_are_provider_errors(respond):
    slept: list[float] = []
    with RawServer(respond) as srv:
        with pytest.raises(ProviderError) as info:
            post_json(srv.url, {}, {}, timeout=5, retry=RetryPolicy(max_retries=1, sleep=slept.append))
    assert "giving up after 2 attempts" in str(info.value)
    assert len(slept) == 1


def test_an_oversized_body_fails_the_call():
    def big(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + b" " * 300000)

    with RawServer(big) as srv:
        with pytest.raises(ProviderError, match="over 1000 bytes"):
            post_json(srv.url, {}, {}, timeout=5, retry=RetryPolicy(max_retries=0, max_body_bytes=1000))


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "-inf"])
def test_garbage_retry_after_uses_the_backoff(value):
    assert parse_retry_after({"Retry-After": value}) is None
    assert parse_retry_after({"retry-after-ms": value}) is None
