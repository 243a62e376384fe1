"""Clock skew, refused tokens and AccessDenied, end to end against the verifying server."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from session_helpers import ACCESS_KEY, SECRET_KEY, TOKEN, RotatingProvider, shifted_clock
from verifying_server import VerifyingServer, refusal

from apiclient import AccessDenied, Credentials
from apiclient.session import Client

TEN_MINUTES = dt.timedelta(minutes=10)


@pytest.mark.parametrize("skew", [TEN_MINUTES, -TEN_MINUTES], ids=["client fast", "client slow"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_clock_skew_is_corrected_from_the_date_header(
    server: VerifyingServer, credentials: Credentials, skew: dt.timedelta, method: str
) -> None:
    client = Client(server.url, credentials=credentials, region="us-east-1", clock=shifted_clock(skew))
    assert client.request(method, "/pets", data=b"{}").status_code == 200
    assert [seen.verdict for seen in server.seen] == ["skew", "ok"]
    assert client.clock_offset == pytest.approx(-skew.total_seconds(), abs=3)
    client.get("/again")  # the correction is kept: signed right the first time
    assert [seen.verdict for seen in server.seen[2:]] == ["ok"]


def test_server_clock_ahead_is_followed(server: VerifyingServer, credentials: Credentials) -> None:
    server.clock_offset = dt.timedelta(minutes=20)
    client = Client(server.url, credentials=credentials, region="us-east-1")
    assert client.get("/pets").status_code == 200
    assert client.clock_offset == pytest.approx(1200, abs=3)


def test_skew_is_retried_only_once(server: VerifyingServer, credentials: Credentials) -> None:
    # A clock that jumps 10 minutes ahead at every reading can never be corrected.
    readings = iter(range(1, 100))
    jumping = lambda: dt.datetime.now(dt.timezone.utc) + TEN_MINUTES * next(readings)  # noqa: E731
    client = Client(server.url, credentials=credentials, region="us-east-1", clock=jumping)
    with pytest.raises(AccessDenied) as raised:
        client.get("/pets")
    assert raised.value.diagnosis.cause == "clock_skew"
    assert len(server.seen) == 2


def test_refused_token_triggers_exactly_one_refresh(server: VerifyingServer) -> None:
    server.refused_tokens = {"OLD-EXAMPLE-TOKEN"}
    provider = RotatingProvider(ACCESS_KEY, SECRET_KEY, ["OLD-EXAMPLE-TOKEN", "NEW-EXAMPLE-TOKEN"])
    client = Client(server.url, credentials=provider, region="us-east-1")
    assert client.get("/pets").status_code == 200
    assert provider.refreshes == 1
    assert [seen.header("X-Amz-Security-Token") for seen in server.seen] == [
        "OLD-EXAMPLE-TOKEN",
        "NEW-EXAMPLE-TOKEN",
    ]


def test_a_token_still_refused_after_refresh_raises(server: VerifyingServer) -> None:
    server.refused_tokens = {"OLD-EXAMPLE-TOKEN", "NEW-EXAMPLE-TOKEN"}
    provider = RotatingProvider(ACCESS_KEY, SECRET_KEY, ["OLD-EXAMPLE-TOKEN", "NEW-EXAMPLE-TOKEN"])
    with pytest.raises(AccessDenied) as raised:
        Client(server.url, credentials=provider, region="us-east-1").get("/pets")
    assert raised.value.diagnosis.cause == "token_invalid"
    assert provider.refreshes == 1
    assert len(server.seen) == 2


DENY = (
    "User: arn:aws:sts::123456789012:assumed-role/reader/session is not authorized to perform: "
    "execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:a1b2c3d4e5/prod/POST/pets "
    "with an explicit deny"
)


def test_access_denied_carries_request_response_and_diagnosis(server: VerifyingServer) -> None:
    server.replies["/pets"] = refusal(403, "AccessDeniedException", DENY, key="Message")
    temporary = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    client = Client(server.url, credentials=temporary, region="us-east-1", api_key="EXAMPLEAPIKEY")
    with pytest.raises(AccessDenied) as raised:
        client.post("/pets", json={"name": "rex"})
    error = raised.value
    assert error.status_code == 403
    assert error.response is not None and error.response.status_code == 403
    assert error.request is not None and error.request.method == "POST"
    assert error.diagnosis.cause == "explicit_deny"
    assert error.diagnosis.details["principal"] == "arn:aws:sts::123456789012:assumed-role/reader/session"
    assert error.diagnosis.details["signed_access_key"] == ACCESS_KEY
    assert error.diagnosis.details["credential_scope"].endswith("/us-east-1/execute-api/aws4_request")
    shown = " ".join([str(error), repr(error), error.diagnosis.to_text(), json.dumps(error.to_dict())])
    for secret in (SECRET_KEY, TOKEN, "EXAMPLEAPIKEY"):
        assert secret not in shown


def test_wrong_region_is_diagnosed(server: VerifyingServer, credentials: Credentials) -> None:
    with pytest.raises(AccessDenied) as raised:
        Client(server.url, credentials=credentials, region="eu-west-1").get("/pets")
    diagnosis = raised.value.diagnosis
    assert diagnosis.cause == "wrong_region"
    assert diagnosis.details["signed_region"] == "eu-west-1"


def test_unsigned_route_miss_is_diagnosed_and_can_be_returned(
    server: VerifyingServer, credentials: Credentials
) -> None:
    server.replies["/nowhere"] = refusal(
        403, "MissingAuthenticationTokenException", "Missing Authentication Token"
    )
    client = Client(server.url, credentials=credentials, region="us-east-1", raise_for_access_denied=False)
    response = client.get("/nowhere")
    assert response.status_code == 403
    with pytest.raises(AccessDenied, match="No route matched"):
        Client(server.url, credentials=credentials, region="us-east-1").get("/nowhere")
