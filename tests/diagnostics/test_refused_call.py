"""RefusedCall: one record of a refused call, classified once, read by every diagnosis step."""

from __future__ import annotations

import json
from typing import Any

import pytest
from diagnose_helpers import Send, signature_of

from apiclient.diagnostics import DiagnoseOptions, RefusedCall, classify, diagnose, diagnose_call
from apiclient.endpoint import Endpoint
from apiclient.gateway import Gateway

OWNER = "222222222222"


def test_a_requests_response_is_recorded_once(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    intern = gateway.credentials_for("team-a-intern")
    response = send(intern, "/products", headers={"X-Api-Key": "EXAMPLEapikeyNEVERSHOWN"})
    call = RefusedCall.from_response(response, signature=signature_of(response), endpoint=endpoint)
    assert (call.method, call.status, call.path) == ("GET", 403, "/prod/products")
    assert call.classified == classify(response.status_code, response.headers, response.content)
    # Header look-ups ignore case on both sides.
    assert call.request_header("x-api-key") == "EXAMPLEapikeyNEVERSHOWN"
    assert call.response_header("CONTENT-TYPE") == response.headers["Content-Type"]
    assert call.signed and not call.anonymous
    assert call.target() == ("us-west-2", "a1b2c3d4e5", "prod", "GET", "/products")
    shown = repr(call)
    assert "EXAMPLEapikeyNEVERSHOWN" not in shown and intern.secret_key not in shown
    assert str(intern.token) not in shown and "Signature=" not in shown


def test_diagnose_call_reuses_the_classification(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    response = send(None, "/products")
    call = RefusedCall.from_response(response, endpoint=endpoint)
    assert call.classified.cause == "missing_auth_or_route"
    # A record whose classification says otherwise: diagnose_call must trust it, not classify again.
    relabelled = RefusedCall(**{**vars(call), "classified": classify(403, {}, b'{"message":"Forbidden"}')})
    diagnosis = diagnose_call(relabelled, DiagnoseOptions(api_key_required=True))
    assert diagnosis.cause == "api_key"
    assert diagnosis.details["classified_cause"] == "forbidden_generic"
    assert diagnose_call(call).cause == diagnose(response, endpoint=endpoint).cause == "missing_auth_or_route"


class _URL:
    """httpx's request.url is an ``httpx.URL``, not text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class _Request:
    def __init__(self, method: str, url: str, headers: dict[str, str]) -> None:
        self.method, self.url, self.headers = method, _URL(url), headers


class _Response:
    """The attributes an httpx.Response has, and its RuntimeError when no request is attached."""

    def __init__(self, status: int, body: dict[str, Any], request: _Request | None) -> None:
        self.status_code = status
        self.headers = {"x-amzn-errortype": "AccessDeniedException"}
        self.content = json.dumps(body).encode()
        self._request = request

    @property
    def request(self) -> _Request:
        if self._request is None:
            raise RuntimeError("The request instance has not been set on this response.")
        return self._request


def test_an_httpx_shaped_response_is_read_by_duck_typing() -> None:
    arn = f"arn:aws:execute-api:us-west-2:{OWNER}:a1b2c3d4e5/prod/GET/pets"
    message = f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {arn}"
    url = "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod/pets"
    response = _Response(403, {"Message": message}, _Request("get", url, {}))
    call = RefusedCall.from_response(response)
    assert (call.method, call.url, call.classified.cause) == ("GET", url, "no_allow")
    assert call.anonymous
    orphan = RefusedCall.from_response(_Response(403, {"Message": message}, None))
    assert orphan.url == "" and orphan.target() is None
    assert diagnose(_Response(403, {"Message": message}, None)).cause == "no_allow"


def test_a_presigned_call_is_not_anonymous() -> None:
    url = (
        "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod/pets?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Signature=EXAMPLEsignatureNEVERSHOWN&X-Amz-Security-Token=EXAMPLEtokenNEVERSHOWN"
    )
    call = RefusedCall.build(
        method="GET",
        url=url,
        request_headers={},
        status=403,
        response_headers={},
        body=b'{"message":"Forbidden"}',
    )
    assert call.signed and call.presigned and not call.anonymous
    assert "NEVERSHOWN" not in repr(call)
    assert diagnose_call(call).details["sent_authorization"] is True


def test_an_httpx_response_is_diagnosed(gateway: Gateway, endpoint: Endpoint) -> None:
    httpx = pytest.importorskip("httpx")
    host = gateway.host_for()
    with httpx.Client() as client:
        response = client.get(f"http://127.0.0.1:{gateway.port}/prod/products", headers={"Host": host})
    assert response.status_code == 403
    call = RefusedCall.from_response(response, endpoint=endpoint)
    assert call.url == f"http://127.0.0.1:{gateway.port}/prod/products"  # an httpx.URL, read as text
    assert call.request_header("host") == host and call.anonymous
    diagnosis = diagnose(response, endpoint=endpoint)
    assert diagnosis.cause == "missing_auth_or_route"
    assert "no Authorization header was sent: the request was not signed" in diagnosis.evidence


def test_an_undocumented_reading_that_would_change_the_verdict_is_evidence() -> None:
    reader = f"arn:aws:iam::{OWNER}:user/reader"
    arn = f"arn:aws:execute-api:us-west-2:********{OWNER[-4:]}:a1b2c3d4e5/prod/GET/pets"
    message = f"User: {reader} is not authorized to perform: execute-api:Invoke on resource: {arn}"
    call = RefusedCall.build(
        method="GET",
        url="https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod/pets",
        request_headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-west-2/..."},
        status=403,
        response_headers={"x-amzn-ErrorType": "AccessDeniedException"},
        body=json.dumps({"Message": message}),
    )
    own_account = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                       "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}],
    }  # fmt: skip
    options = DiagnoseOptions(resource_policy=own_account, identity={"Arn": reader, "Account": OWNER})
    diagnosis = diagnose_call(call, options)
    assert diagnosis.details["policy_verdict"]["result"] == "ALLOW"
    [line] = [line for line in diagnosis.evidence if line.startswith("undocumented AWS behaviour")]
    assert "grant access by itself?" in line and line.endswith("the result would be IMPLICIT_DENY")
