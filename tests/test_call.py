"""The sans-I/O call engine on its own: the flow is stepped by hand, with no HTTP library.

Every decision the clients make (retry, skew, refresh, redirect, refusal) is visible here as
the steps the engine yields; the end-to-end tests in tests/session and tests/httpx prove the
same over real sockets.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from typing import Any

import pytest
from requests.structures import CaseInsensitiveDict

from apiclient import Credentials, Retry
from apiclient._call import (
    Attempt,
    CallPlan,
    Flow,
    NeedCredentials,
    Outcome,
    Reply,
    Request,
    SendFailed,
    SkewClock,
    Sleep,
    call_flow,
)
from apiclient.errors import RedirectError

KEYS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "EXAMPLETOKEN")
URL = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/pets"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)


class Refreshing:
    """A provider that can be told its token was refused."""

    def __init__(self) -> None:
        self.refreshes = 0

    def get(self) -> Credentials:
        return KEYS

    def describe(self) -> dict[str, Any]:
        return {"source": "test"}

    def force_refresh(self) -> Credentials:
        self.refreshes += 1
        return KEYS


def plan(**changes: Any) -> CallPlan:
    base = CallPlan(
        credentials=KEYS,
        region="us-east-1",
        service="execute-api",
        endpoint=None,
        retry=Retry(attempts=3),
        clock=SkewClock(lambda: NOW),
    )
    return base._replace(**changes)


def reply(status: int, headers: dict[str, str] | None = None, body: bytes | None = None) -> Reply:
    return Reply(status, CaseInsensitiveDict(headers or {}), body, native=status)


class Stepper:
    """Runs a flow, answering each step from a script; records what was yielded."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.steps: list[object] = []

    def run(self, *replies: Reply | SendFailed) -> Outcome:
        queue = list(replies)
        value: object = None
        try:
            step = next(self.flow)
            while True:
                self.steps.append(step)
                if isinstance(step, NeedCredentials):
                    value = KEYS
                elif isinstance(step, Attempt):
                    value = queue.pop(0)
                else:
                    value = None
                step = self.flow.send(value)  # type: ignore[arg-type]
        except StopIteration as stop:
            assert queue == [], "the engine stopped before using every scripted reply"
            return stop.value  # type: ignore[no-any-return]

    def attempts(self) -> list[Attempt]:
        return [step for step in self.steps if isinstance(step, Attempt)]

    def sleeps(self) -> list[float]:
        return [step.seconds for step in self.steps if isinstance(step, Sleep)]


def test_each_attempt_takes_a_snapshot_and_is_signed() -> None:
    run = Stepper(call_flow(plan(), Request("GET", URL, {"Accept": "*/*"})))
    outcome = run.run(reply(503), reply(200))
    assert outcome.reply.status == 200 and outcome.refused is None
    kinds = [type(step).__name__ for step in run.steps]
    assert kinds == ["NeedCredentials", "Attempt", "Sleep", "NeedCredentials", "Attempt"]
    for attempt in run.attempts():
        assert attempt.signature is not None
        assert attempt.headers["Authorization"] == attempt.signature.headers["Authorization"]
        assert attempt.headers["X-Amz-Security-Token"] == "EXAMPLETOKEN"


def test_retry_after_is_the_wait_and_a_post_is_not_retried() -> None:
    run = Stepper(call_flow(plan(), Request("GET", URL, {})))
    run.run(reply(429, {"Retry-After": "2"}), reply(200))
    assert run.sleeps() == [2.0]
    post = Stepper(call_flow(plan(), Request("POST", URL, {}, b"{}")))
    assert post.run(reply(503)).reply.status == 503
    assert post.sleeps() == []


def test_connection_failures_are_retried_then_raised() -> None:
    failure = SendFailed(ConnectionError("refused"), retryable=True)
    run = Stepper(call_flow(plan(retry=Retry(attempts=2, backoff_base=0)), Request("GET", URL, {})))
    with pytest.raises(ConnectionError, match="refused"):
        run.run(failure, failure)
    assert len(run.attempts()) == 2


def test_a_skew_refusal_moves_the_clock_to_the_servers_date_once() -> None:
    server = NOW + dt.timedelta(minutes=20)
    skew = reply(
        403,
        {"x-amzn-ErrorType": "InvalidSignatureException", "Date": format_datetime(server, usegmt=True)},
        b'{"message":"Signature not yet current: 20261129T120000Z is still later than 20261129T122500Z '
        b'(20261129T122000Z + 5 min.)"}',
    )
    clock = SkewClock(lambda: NOW)
    run = Stepper(call_flow(plan(clock=clock), Request("POST", URL, {}, b"{}")))
    assert run.run(skew, reply(201)).reply.status == 201
    assert clock.offset == 20 * 60
    first, second = run.attempts()
    assert first.headers["X-Amz-Date"] == "20261129T120000Z"
    assert second.headers["X-Amz-Date"] == "20261129T122000Z"


def test_a_refused_token_forces_one_refresh() -> None:
    provider = Refreshing()
    expired = reply(
        403,
        {"x-amzn-ErrorType": "ExpiredTokenException"},
        b'{"message":"The security token included in the request is expired"}',
    )
    run = Stepper(call_flow(plan(credentials=provider), Request("GET", URL, {})))
    outcome = run.run(expired, expired)
    forced = [step.force_refresh for step in run.steps if isinstance(step, NeedCredentials)]
    assert forced == [False, True]
    assert outcome.refused is not None
    assert outcome.refused.classified.cause == "token_expired"


def test_a_refusal_is_classified_once_and_returned_with_its_record() -> None:
    denied = reply(
        403,
        {"x-amzn-ErrorType": "AccessDeniedException"},
        b'{"Message":"User: arn:aws:iam::111122223333:user/reader is not authorized to perform: '
        b'execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********:a1b2c3d4e5/prod/GET/pets"}',
    )
    outcome = Stepper(call_flow(plan(), Request("GET", URL, {}))).run(denied)
    assert outcome.refused is not None
    assert outcome.refused.classified.cause == "no_allow"
    assert outcome.refused.signature is not None
    assert outcome.refused.credentials == KEYS


def test_a_cross_origin_hop_carries_no_credential() -> None:
    headers = {"x-api-key": "EXAMPLEAPIKEY", "Cookie": "a=b", "Accept": "*/*"}
    run = Stepper(call_flow(plan(), Request("GET", URL, headers)))
    run.run(reply(302, {"Location": "https://elsewhere.example/x"}), reply(200))
    first, hop = run.attempts()
    assert first.signature is not None and hop.signature is None
    assert {name.lower() for name in hop.headers} == {"accept"}


def test_a_same_origin_303_becomes_a_signed_get_without_its_body() -> None:
    run = Stepper(call_flow(plan(), Request("POST", URL, {"Content-Type": "application/json"}, b"{}")))
    run.run(reply(303, {"Location": "/prod/pets/7"}), reply(200))
    _, hop = run.attempts()
    assert (hop.method, hop.url, hop.body) == ("GET", URL + "/7", None)
    assert hop.signature is not None and "content-type" not in {n.lower() for n in hop.headers}


@pytest.mark.parametrize("location", ["http://[::1/x", "https://h:99999/x", "ftp://h/x", "\xc3\xa9/x:1:2"])
def test_a_malformed_redirect_is_a_redirect_error_or_followed(location: str) -> None:
    run = Stepper(call_flow(plan(), Request("GET", URL, {})))
    try:
        outcome = run.run(reply(302, {"Location": location}), reply(200))
    except RedirectError as error:
        assert "redirect" in str(error)
    else:
        assert outcome.reply.status == 200  # a relative path with odd characters, percent-encoded
        assert run.attempts()[1].url.isascii()


def test_refuse_mode_raises_on_a_cross_origin_hop() -> None:
    run = Stepper(call_flow(plan(cross_origin_redirects="refuse"), Request("GET", URL, {})))
    with pytest.raises(RedirectError, match="another origin"):
        run.run(reply(301, {"Location": "https://elsewhere.example/"}))
