"""diagnose(): real refusals from the verifying server, plus what the client knows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from session_helpers import ACCESS_KEY, SECRET_KEY, TOKEN
from verifying_server import MISMATCH, Reply, VerifyingServer, refusal

from apiclient import Credentials
from apiclient._call import Attempt, server_time
from apiclient.diagnostics import diagnose
from apiclient.endpoint import parse_url
from apiclient.retry import retry_after_seconds
from apiclient.session import Client
from apiclient.sigv4 import Signature


class Decision:
    """What diagnose() reads from a policy engine decision."""

    def explain(self) -> str:
        return "EXPLICIT_DENY by resource policy statement 0 (Sid DenyAll)"

    def to_dict(self) -> dict[str, Any]:
        return {"result": "EXPLICIT_DENY"}


def refused(
    server: VerifyingServer, credentials: Credentials, reply: Reply, path: str = "/pets"
) -> tuple[Any, Signature | None]:
    """The refused response, and the signature of the attempt refused (from ``on_attempt``)."""
    server.replies[path] = reply
    attempts: list[Attempt] = []
    client = Client(
        server.url,
        credentials=credentials,
        region="us-east-1",
        raise_for_access_denied=False,
        on_attempt=attempts.append,
    )
    response = client.get(path)
    assert response.status_code == reply.status
    return response, attempts[-1].signature


def test_forbidden_without_an_api_key_says_so(server: VerifyingServer, credentials: Credentials) -> None:
    response, _signature = refused(server, credentials, refusal(403, "ForbiddenException", "Forbidden"))
    diagnosis = diagnose(response)
    assert diagnosis.cause == "forbidden_generic"
    assert "no x-api-key header was sent" in diagnosis.evidence


def test_signature_endpoint_and_expired_credentials(server: VerifyingServer) -> None:
    expired = Credentials(
        ACCESS_KEY, SECRET_KEY, TOKEN, expiry=dt.datetime.now(dt.timezone.utc) - dt.timedelta(1)
    )
    response, signature = refused(
        server,
        expired,
        refusal(403, "ExpiredTokenException", "The security token included in the request is expired"),
    )
    endpoint = parse_url("https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod")
    diagnosis = diagnose(
        response,
        signature=signature,
        endpoint=endpoint,
        credentials=expired,
        clock_offset=-42.0,
        policy=Decision(),
    )
    assert diagnosis.cause == "token_expired"
    assert any(line.startswith("the credentials expired at") for line in diagnosis.evidence)
    assert "signed for region us-east-1 but the URL is in us-west-2" in diagnosis.evidence
    assert diagnosis.details["clock_offset_seconds"] == -42.0
    assert diagnosis.to_dict()["decision"] == {"result": "EXPLICIT_DENY"}
    assert "Sid DenyAll" in diagnosis.to_text()
    assert TOKEN not in diagnosis.to_text() + str(diagnosis.to_dict())


def test_a_scope_for_another_region_refines_an_ambiguous_mismatch(
    server: VerifyingServer, credentials: Credentials
) -> None:
    # A customized gateway response hides "Credential should be scoped to ...": only the
    # generic mismatch text arrives, yet the scope (us-east-1) is not the host's (us-west-2).
    response, signature = refused(server, credentials, refusal(403, "InvalidSignatureException", MISMATCH))
    diagnosis = diagnose(
        response,
        signature=signature,
        endpoint=parse_url("https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod"),
    )
    assert diagnosis.cause == "wrong_region"
    assert diagnosis.details["classified_cause"] == "signature_mismatch"
    assert "signed for region us-east-1 but the URL is in us-west-2" in diagnosis.evidence
    assert diagnosis.summary.startswith("The signature is scoped to the wrong region")


def test_a_matching_scope_leaves_the_mismatch_alone(
    server: VerifyingServer, credentials: Credentials
) -> None:
    response, signature = refused(server, credentials, refusal(403, "InvalidSignatureException", MISMATCH))
    diagnosis = diagnose(response, signature=signature)
    assert diagnosis.cause == "signature_mismatch"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_retry_after_values(value: str | None, expected: float | None) -> None:
    now = dt.datetime(2015, 10, 21, 7, 28, 0, tzinfo=dt.timezone.utc)
    assert retry_after_seconds(value, now) == expected


def test_server_time_prefers_the_date_header_then_the_message() -> None:
    stamped = server_time(
        {"Date": "Wed, 21 Oct 2015 07:28:00 GMT"}, {"server_time": "2001-01-01T00:00:00+00:00"}
    )
    assert stamped == dt.datetime(2015, 10, 21, 7, 28, tzinfo=dt.timezone.utc)
    fallback = server_time({"Date": "garbage"}, {"server_time": "2001-01-01T00:00:00+00:00"})
    assert fallback == dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc)
    assert server_time({}, {}) is None
