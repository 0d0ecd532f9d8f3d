"""JSON-over-HTTP with retries, on the standard library only.

Why not the openai/anthropic SDKs: they pull in `httpx2` (not `httpx`), which the usual mocking
tools do not intercept, and each hides its own retry policy. Why not `requests`/`httpx`: one more
pinned dependency for a single POST. `urllib.request` gives proxies from the environment, TLS with
the system trust store and real sockets that a test can point at a local `http.server`.

Retry policy: 429, 408, 409 and every 5xx (Anthropic's 529 "overloaded" included), connection
errors and socket timeouts are retried with exponential backoff and full jitter; a `Retry-After`
(seconds or HTTP date) or `retry-after-ms` header is honoured instead of the computed delay;
a negative, NaN or infinite one is garbage and the computed delay is used. The reply body
is read in chunks against the same deadline as the headers (a server dribbling one byte at
a time cannot outlive it) and is capped in size; every transport fault is a ProviderError.
Nothing is retried past the caller's deadline.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import math
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skillir.errors import one_line
from skillir.runtime.providers.base import ProviderError, ProviderTimeout

log = logging.getLogger("skillir.runtime.http")

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529}) | frozenset(range(500, 600))


@dataclass
class RetryPolicy:
    """How often and how long to wait between attempts.

    delay(n) = min(max_delay, base_delay * 2**n), then full jitter (uniform in
    [delay/2, delay]); a server's Retry-After replaces the computed delay (capped at
    `max_retry_after`; a longer demand fails the call instead of stalling the run).
    """

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    max_body_bytes: int = 64 << 20
    """A reply body over this size fails the call (a model reply is kilobytes)."""
    jitter: bool = True
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        delay = min(self.max_delay, self.base_delay * (2 ** attempt))
        if self.jitter:
            delay = self.rng.uniform(delay / 2, delay)
        return delay


@dataclass
class HttpResult:
    """A decoded JSON response plus what it took to get it."""

    body: dict[str, Any]
    status: int
    attempts: int
    retries: list[dict[str, Any]]
    headers: dict[str, str]


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait as the server asked (`retry-after-ms`, `Retry-After` seconds or
    HTTP date), or None."""
    lower = {k.lower(): v for k, v in headers.items()}
    ms = lower.get("retry-after-ms")
    if ms:
        try:
            seconds = float(ms) / 1000.0
        except ValueError:
            seconds = -1.0
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    value = lower.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:  # negative, NaN or infinite: not a wait anybody meant; use the backoff
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error_message(status: int, raw: bytes) -> str:
    """The service's own error text (one line, at most 300 characters)."""
    text = _error_text(status, raw)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def _error_text(status: int, raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return f"HTTP {status}: {text[:300]}" if text else f"HTTP {status}"
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(err, dict):
        msg = err.get("message") or err.get("type") or json.dumps(err)[:300]
    elif isinstance(err, str):
        msg = err
    else:
        msg = json.dumps(data)[:300]
    return f"HTTP {status}: {msg}"


_OPENER = urllib.request.build_opener()


def post_json(url: str, payload: dict[str, Any], headers: Mapping[str, str], *,
              timeout: float, retry: RetryPolicy | None = None,
              deadline: float | None = None, method: str = "POST") -> HttpResult:
    """POST `payload` as JSON to `url` and decode the JSON answer, retrying as above.

    Raises `ProviderTimeout` when the deadline (a `time.monotonic()` instant) passes and
    `ProviderError` for anything else that does not succeed.
    """
    policy = retry or RetryPolicy()
    data = json.dumps(payload).encode("utf-8") if method != "GET" else None
    all_headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "User-Agent": "skillir-runtime/0.1", **headers}
    retries: list[dict[str, Any]] = []
    attempt = 0
    while True:
        attempt += 1
        per_try = timeout
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProviderTimeout(f"deadline passed before attempt {attempt} to {url}",
                                      retryable=True, attempts=attempt - 1)
            per_try = min(per_try, remaining)
        req = urllib.request.Request(url, data=data, headers=all_headers, method=method)
        status: int | None = None
        reason: str
        wait_hint: float | None = None
        try:
            with _OPENER.open(req, timeout=per_try) as resp:
                status = resp.status
                raw = _read_body(resp, url, time.monotonic() + per_try, policy.max_body_bytes,
                                 attempt)
                resp_headers = {k.lower(): v for k, v in resp.headers.items()}
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ProviderError(f"{url} answered HTTP {status} with a body that is not "
                                    f"JSON ({exc})", status=status, attempts=attempt) from None
            if not isinstance(body, dict):
                raise ProviderError(f"{url} answered with JSON that is not an object",
                                    status=status, attempts=attempt)
            return HttpResult(body, status, attempt, retries, resp_headers)
        except urllib.error.HTTPError as exc:
            with exc:
                status = exc.code
                try:
                    raw_err = exc.read()
                except OSError:
                    raw_err = b""
                err_headers = dict(exc.headers.items()) if exc.headers else {}
            message = _error_message(status, raw_err)
            if status not in RETRY_STATUSES:
                raise ProviderError(f"{url}: {message}", status=status,
                                    attempts=attempt) from None
            reason = message
            wait_hint = parse_retry_after(err_headers)
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            # OSError: resets, TLS and socket errors; ValueError: a malformed chunked body
            inner = getattr(exc, "reason", exc)
            reason = f"{type(inner).__name__}: {one_line(inner)}"  # a non-HTTP reply spans lines
            if isinstance(inner, (socket.timeout, TimeoutError)) and deadline is not None \
                    and time.monotonic() >= deadline:
                raise ProviderTimeout(f"{url}: timed out ({reason})", retryable=True,
                                      attempts=attempt) from None
        if attempt > policy.max_retries:
            raise ProviderError(f"{url}: giving up after {attempt} attempts: {reason}",
                                status=status, retryable=True, attempts=attempt)
        if wait_hint is not None:
            if wait_hint > policy.max_retry_after:
                raise ProviderError(f"{url}: server asked to retry after {wait_hint:.0f}s "
                                    f"(more than {policy.max_retry_after:.0f}s): {reason}",
                                    status=status, retryable=True, attempts=attempt)
            delay = wait_hint
        else:
            delay = policy.backoff(attempt - 1)
        if deadline is not None and time.monotonic() + delay >= deadline:
            raise ProviderTimeout(f"{url}: no time left to retry ({reason})", status=status,
                                  retryable=True, attempts=attempt)
        retries.append({"attempt": attempt, "status": status, "reason": reason[:200],
                        "delay_s": round(delay, 3),
                        "retry_after": wait_hint is not None})
        log.warning("model call to %s failed (%s); retry %d/%d in %.1fs", url, reason,
                    attempt, policy.max_retries, delay)
        policy.sleep(delay)


def _read_body(resp, url: str, until: float, limit: int, attempt: int) -> bytes:
    """The whole body, in chunks, by the monotonic instant `until`: the socket timeout
    alone bounds each read, so a server sending one byte at a time would otherwise keep
    the call alive forever."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > until:
            raise ProviderTimeout(f"{url}: the reply body did not arrive in time "
                                  f"({size} bytes so far)", retryable=True, attempts=attempt)
        chunk = resp.read1(65536)
        if not chunk:
            if getattr(resp, "length", None):  # the connection closed before Content-Length
                raise http.client.IncompleteRead(b"".join(chunks), resp.length)
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise ProviderError(f"{url}: the reply body is over {limit} bytes", attempts=attempt)
        chunks.append(chunk)


def get_json(url: str, headers: Mapping[str, str] | None = None, *,
             timeout: float = 5.0) -> dict[str, Any]:
    """One GET without retries (health checks)."""
    return post_json(url, {}, headers or {}, timeout=timeout,
                     retry=RetryPolicy(max_retries=0), method="GET").body


def exchange(url: str, body: dict, headers: dict, *, timeout: float, retry: RetryPolicy,
             deadline: float | None, parse, default_model: str):
    """POST one request and turn the reply into a `Response` with `parse(body) ->
    (text, tool_calls, usage, stop_reason, model)`; shared by the HTTP providers."""
    from skillir.runtime.providers.base import Response

    start = time.monotonic()
    result = post_json(url, body, headers, timeout=timeout, retry=retry, deadline=deadline)
    latency = time.monotonic() - start
    text, calls, usage, stop, model = parse(result.body)
    return Response(text=text, tool_calls=calls, usage=usage, latency_s=latency,
                    stop_reason=stop, model=model or default_model, attempts=result.attempts,
                    extra={"retries": result.retries} if result.retries else {})


def bind_route(provider, route, model: str, *, kind: str, key_hint: str,
               retry: RetryPolicy | None, strip_suffix: str = "") -> None:
    """Set up an HTTP provider for `route/model`: name, base URL (without a trailing
    `strip_suffix`), retry policy; a missing model name, or no key for the service's
    own default URL, is a one-line SkillIRError."""
    from skillir.errors import SkillIRError
    from skillir.runtime.config import DEFAULT_BASE_URLS

    if not model:
        raise SkillIRError(f"no model name after '{route.route}/'", hint=f"use --model {route.route}/MODEL")
    provider.route = route
    provider.model = model
    provider.name = f"{route.route}/{model}"
    base_url = (route.base_url or DEFAULT_BASE_URLS[kind]).rstrip("/")
    if strip_suffix and base_url.endswith(strip_suffix):
        base_url = base_url[: -len(strip_suffix)]
    provider.base_url = base_url
    if route.api_key is None and base_url == DEFAULT_BASE_URLS[kind]:
        raise SkillIRError(f"no API key for '{route.route}'", hint=key_hint)
    provider.retry = retry or RetryPolicy(max_retries=route.max_retries)


def direct_access(provider, wires: tuple[str, ...], root: str | None):
    """A remote HTTP provider's `DirectAccess`: None when a harness could not reproduce its
    requests (no key, extra headers or body fields only the gateway would send)."""
    from skillir.runtime.providers.base import DirectAccess

    route = provider.route
    if not root or not route.api_key or route.headers or route.options.get("extra_body"):
        return None
    return DirectAccess(wires=wires, root=root, api_key=route.api_key, model=provider.model)
