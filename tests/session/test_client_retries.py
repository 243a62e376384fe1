"""Retries over a real socket: fresh signatures per attempt, idempotency, Retry-After, backoff."""

from __future__ import annotations

import datetime as dt
import email.utils
import time

import pytest
import requests
from session_helpers import FAST, ticking_clock
from verifying_server import Reply, VerifyingServer

from apiclient import Credentials
from apiclient.retry import Retry
from apiclient.session import Client


def client_for(server: VerifyingServer, credentials: Credentials, **options: object) -> Client:
    attempts = options.pop("retries", FAST.attempts)
    retry = options.pop("retry", FAST)
    options["retry"] = retry._replace(attempts=attempts)  # type: ignore[attr-defined]
    return Client(server.url, credentials=credentials, region="us-east-1", **options)  # type: ignore[arg-type]


def test_each_attempt_is_signed_afresh(server: VerifyingServer, credentials: Credentials) -> None:
    server.fail_next(Reply(503), Reply(503))
    response = client_for(server, credentials, clock=ticking_clock()).get("/pets")
    assert response.status_code == 200
    assert [seen.verdict for seen in server.seen] == ["ok", "ok", "ok"]
    assert len({seen.amz_date for seen in server.seen}) == 3
    assert len({seen.header("Authorization") for seen in server.seen}) == 3


@pytest.mark.parametrize(
    "failure",
    [Reply(503), Reply(429), Reply(502), Reply(504), None],
    ids=["503", "429", "502", "504", "dropped connection"],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_idempotent_methods_recover(
    server: VerifyingServer, credentials: Credentials, failure: Reply | None, method: str
) -> None:
    server.fail_next(failure)
    response = client_for(server, credentials).request(method, "/pets")
    assert response.status_code == 200
    assert len(server.seen) == 2


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_non_idempotent_methods_are_not_retried(
    server: VerifyingServer, credentials: Credentials, method: str
) -> None:
    server.fail_next(Reply(503))
    response = client_for(server, credentials).request(method, "/orders", data=b"{}")
    assert response.status_code == 503
    assert len(server.seen) == 1


def test_post_is_not_retried_after_a_dropped_connection(
    server: VerifyingServer, credentials: Credentials
) -> None:
    server.fail_next(None)
    with pytest.raises(requests.ConnectionError):
        client_for(server, credentials).post("/orders", data=b"{}")
    assert len(server.seen) == 1


def test_three_attempts_by_default_then_the_last_answer(
    server: VerifyingServer, credentials: Credentials
) -> None:
    server.fail_next(Reply(503), Reply(503), Reply(503), Reply(503))
    assert client_for(server, credentials).get("/pets").status_code == 503
    assert len(server.seen) == 3


def test_connection_errors_surface_once_attempts_are_spent(
    server: VerifyingServer, credentials: Credentials
) -> None:
    server.fail_next(None, None)
    with pytest.raises(requests.ConnectionError):
        client_for(server, credentials, retries=2).get("/pets")
    assert len(server.seen) == 2


def test_retries_one_means_no_retry(server: VerifyingServer, credentials: Credentials) -> None:
    server.fail_next(Reply(503))
    assert client_for(server, credentials, retries=1).get("/pets").status_code == 503
    assert len(server.seen) == 1


def test_retry_after_seconds_is_honoured(server: VerifyingServer, credentials: Credentials) -> None:
    server.fail_next(Reply(429, {"Retry-After": "1"}))
    started = time.monotonic()
    assert client_for(server, credentials).get("/pets").status_code == 200
    assert time.monotonic() - started >= 1.0


def test_retry_after_http_date_is_honoured_and_capped(
    server: VerifyingServer, credentials: Credentials
) -> None:
    later = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1), usegmt=True)
    server.fail_next(Reply(503, {"Retry-After": later}))
    client = client_for(
        server, credentials, retry=Retry(backoff_base=0.001, backoff_cap=0.001, retry_after_cap=0.3)
    )
    started = time.monotonic()
    assert client.get("/pets").status_code == 200
    assert 0.3 <= time.monotonic() - started < 3.0


def test_backoff_has_full_jitter_below_an_exponential_cap() -> None:
    backoff = Retry(backoff_base=0.1, backoff_cap=0.35)
    for attempt, ceiling in [(1, 0.1), (2, 0.2), (3, 0.35), (8, 0.35)]:
        waits = [backoff.delay(attempt) for _ in range(200)]
        assert all(0.0 <= wait <= ceiling for wait in waits)
        assert max(waits) - min(waits) > ceiling / 4  # spread, not a fixed wait
    assert backoff.delay(1, retry_after=12.0) == 12.0
    assert Retry(retry_after_cap=5.0).delay(1, retry_after=120.0) == 5.0
