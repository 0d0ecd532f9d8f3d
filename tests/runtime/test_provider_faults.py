"""Fault-injecting servers on 127.0.0.1: every fault ends as a ProviderError (or
ProviderTimeout) with its cause, within the call's own limits, never a raw exception."""

from __future__ import annotations

import time

import pytest
from hostile_cases import TRANSPORT_FAULTS, RawServer, dribble, oversized

from skillir.runtime.providers.base import ProviderError, ProviderTimeout
from skillir.runtime.providers.http import RetryPolicy, parse_retry_after, post_json


def test_a_dribbling_body_cannot_outlive_the_deadline():
    with RawServer(dribble) as srv:
        with pytest.raises(ProviderTimeout, match="did not arrive in time"):
            post_json(srv.url, {}, {}, timeout=30, retry=RetryPolicy(max_retries=0),
                      deadline=time.monotonic() + 1.0)


@pytest.mark.parametrize("respond", list(TRANSPORT_FAULTS.values()))
def test_transport_faults_are_provider_errors(respond):
    slept: list[float] = []
    with RawServer(respond) as srv:
        with pytest.raises(ProviderError) as info:
            post_json(srv.url, {}, {}, timeout=5, retry=RetryPolicy(max_retries=1, sleep=slept.append))
    assert "giving up after 2 attempts" in str(info.value)
    assert len(slept) == 1


def test_an_oversized_body_fails_the_call():
    with RawServer(oversized) as srv:
        with pytest.raises(ProviderError, match="over 1000 bytes"):
            post_json(srv.url, {}, {}, timeout=5, retry=RetryPolicy(max_retries=0, max_body_bytes=1000))


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "-inf"])
def test_garbage_retry_after_uses_the_backoff(value):
    assert parse_retry_after({"Retry-After": value}) is None
    assert parse_retry_after({"retry-after-ms": value}) is None
