"""The access log over real sockets: each record names the refusal's cause and the deciding statement the
gateway's own authorization produced, carries API Gateway's fields and an X-Ray trace ID (returned in the
REST answer's ``X-Amzn-Trace-Id``), reaches listeners as written, and never holds a secret."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flavour_helpers import HTTP_API, WS_API, flavours_config, key_of, presign
from flavour_helpers import REGION as FLAVOURS_REGION
from gateway_helpers import Key, send, signed, user_key

from apiclient.diagnostics import CAUSES
from apiclient.gateway import Gateway, GatewayConfig, running, sample_config

TRACE = re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}")
FLAGGED_IP = "198.51.100.7"  # in the sample resource policy's BlockFlaggedRange


def record_for(gw: Gateway, response: requests.Response) -> dict[str, str]:
    """The access-log record of a REST API's answer, found by its x-amzn-RequestId."""
    request_id = response.headers["x-amzn-RequestId"]
    (record,) = [r for r in gw.access_log if r["requestId"] == request_id]
    return record


def call(
    gw: Gateway,
    http: requests.Session,
    method: str,
    path: str,
    key: Key | None,
    **options: Any,
) -> tuple[requests.Response, dict[str, str]]:
    """``method path`` on the sample REST API (signed by botocore when ``key`` is given) and its record."""
    headers = dict(options.pop("headers", {}))
    url = f"{gw.api_url()}{path}"
    if key is None:
        response = http.request(method, url, headers=headers, timeout=10)
    else:
        response = send(http, signed(method, url, key, headers=headers, **options))
    return response, record_for(gw, response)


@pytest.mark.parametrize(
    ("who", "method", "path", "options", "status", "cause", "deciding"),
    [
        ("reader", "GET", "/products", {}, 200, "-", "identity policy 1 Statement[0] (Sid ReadProductList)"),
        ("reader", "POST", "/products", {}, 403, "no_allow", "-"),
        (None, "GET", "/products", {}, 403, "missing_auth_or_route", "-"),
        (None, "GET", "/nowhere", {}, 403, "missing_auth_or_route", "-"),
        (
            "team-a-tester",
            "GET",
            "/products",
            {"headers": {"X-Forwarded-For": FLAGGED_IP}},
            403,
            "explicit_deny",
            "resource policy Statement[2] (Sid BlockFlaggedRange)",
        ),
        (None, "GET", "/status", {}, 200, "-", "resource policy Statement[1] (Sid OfficeNetworkStatusPage)"),
        (
            None,
            "GET",
            "/status",
            {"headers": {"X-Forwarded-For": FLAGGED_IP}},
            403,
            "explicit_deny_resource_policy",
            "resource policy Statement[2] (Sid BlockFlaggedRange)",
        ),
        ("reader", "GET", "/products", {"region": "us-east-1"}, 403, "wrong_region", "-"),
        ("reader", "GET", "/products", {"service": "apigateway"}, 403, "wrong_service", "-"),
        (
            "reader",
            "GET",
            "/products",
            {"at": dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10)},
            403,
            "clock_skew",
            "-",
        ),
        ("admin", "GET", "/reports", {}, 403, "api_key", "identity policy 1 Statement[0] (Sid InvokeAll)"),
    ],
)
def test_each_call_is_logged_with_its_cause_and_deciding_statement(
    gw: Gateway,
    config: GatewayConfig,
    http: requests.Session,
    who: str | None,
    method: str,
    path: str,
    options: dict[str, Any],
    status: int,
    cause: str,
    deciding: str,
) -> None:
    response, record = call(gw, http, method, path, user_key(config, who) if who else None, **options)
    assert response.status_code == status
    assert (record["status"], record["cause"], record["deciding"]) == (str(status), cause, deciding)
    assert cause == "-" or cause in CAUSES
    assert record["httpMethod"] == method and record["path"] == f"/prod{path}"


@pytest.mark.parametrize(
    ("key", "headers", "cause"),
    [
        (Key("AKIAEXAMPLEUNKNOWN01", "wJalrXUtnFEMI/K7MDENG/unknownEXAMPLE"), {}, "token_invalid"),
        (None, {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}, "incomplete_signature"),
    ],
)
def test_credential_refusals_are_logged_with_their_cause(
    gw: Gateway, http: requests.Session, key: Key | None, headers: dict[str, str], cause: str
) -> None:
    response, record = call(gw, http, "GET", "/products", key, headers=headers)
    assert response.status_code == 403
    assert (record["cause"], record["caller"]) == (cause, "-")


def test_a_wrong_secret_is_a_signature_mismatch_and_the_log_holds_no_canonical_request(
    gw: Gateway, config: GatewayConfig, http: requests.Session
) -> None:
    reader = user_key(config, "reader")
    response, record = call(gw, http, "GET", "/products", Key(reader.access_key, "not-the-secret"))
    assert response.status_code == 403
    assert record["cause"] == "signature_mismatch"
    assert "Canonical String" in response.text and "Canonical String" not in json.dumps(record)


def test_an_expired_session_is_logged_as_token_expired(http: requests.Session) -> None:
    with running(sample_config(), credential_lifetime=1) as gw:
        session = gw.credentials_for("partner-integration")
        time.sleep(1.5)
        key = Key(session.access_key, session.secret_key, session.token)
        response, record = call(gw, http, "GET", "/products", key)
        assert response.status_code == 403
        assert record["cause"] == "token_expired"
        assert session.token is not None and session.token not in json.dumps(gw.access_log)


def test_a_rest_answer_carries_a_generated_trace_id_that_the_record_names(
    gw: Gateway, config: GatewayConfig, http: requests.Session
) -> None:
    before = int(time.time())
    response, record = call(gw, http, "GET", "/products", user_key(config, "reader"))
    header = response.headers["X-Amzn-Trace-Id"]
    assert header == f"Root={record['xrayTraceId']}"
    assert TRACE.fullmatch(record["xrayTraceId"])
    # The middle part is the epoch second the call arrived (X-Ray's format).
    assert abs(int(record["xrayTraceId"].split("-")[1], 16) - before) <= 5
    again, second = call(gw, http, "GET", "/products", None)
    assert again.headers["X-Amzn-Trace-Id"] == f"Root={second['xrayTraceId']}" != header


def test_an_incoming_trace_header_is_kept_and_a_malformed_one_replaced(
    gw: Gateway, config: GatewayConfig, http: requests.Session
) -> None:
    root = "1-5759e988-bd862e3fe1be46a994272793"
    incoming = {"X-Amzn-Trace-Id": f"Root={root};Parent=53995c3f42cd8ad8;Sampled=1"}
    response, record = call(gw, http, "GET", "/products", user_key(config, "reader"), headers=incoming)
    assert record["xrayTraceId"] == root
    assert response.headers["X-Amzn-Trace-Id"] == f"Root={root}"
    forged = {"X-Amzn-Trace-Id": "Root=1-zzzz;<script>"}
    response, record = call(gw, http, "GET", "/products", None, headers=forged)
    assert TRACE.fullmatch(record["xrayTraceId"]) and "script" not in json.dumps(record)


def test_listeners_get_each_record_as_written_until_stopped(
    gw: Gateway, config: GatewayConfig, http: requests.Session
) -> None:
    seen: list[dict[str, str]] = []
    stop = gw.add_access_listener(lambda record: seen.append(dict(record)))
    try:
        _, first = call(gw, http, "POST", "/products", user_key(config, "reader"))
    finally:
        stop()
    call(gw, http, "GET", "/products", None)
    assert seen == [first]


def test_a_failing_listener_does_not_cost_the_caller_its_answer(gw: Gateway, http: requests.Session) -> None:
    def broken(_record: object) -> None:
        raise BrokenPipeError("stdout closed")

    stop = gw.add_access_listener(broken)
    try:
        response, record = call(gw, http, "GET", "/status", None)
    finally:
        stop()
    assert response.status_code == 200 and record["status"] == "200"


def test_the_record_has_api_gateway_access_log_fields(
    gw: Gateway, config: GatewayConfig, http: requests.Session
) -> None:
    response, record = call(gw, http, "GET", "/products", user_key(config, "reader"))
    assert record["caller"] == "arn:aws:iam::222222222222:user/staff/reader"
    assert record["ip"] == "127.0.0.1" and record["protocol"] == "HTTP/1.1"
    assert record["responseLength"] == str(len(response.content))
    assert record["resourcePath"] == "/products" and record["stage"] == "prod"
    assert int(record["responseLatency"]) >= 0
    assert re.fullmatch(r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000", record["requestTime"])


def test_sessions_and_presigned_urls_leave_no_secret_in_the_log(
    gw: Gateway, config: GatewayConfig, http: requests.Session
) -> None:
    session = gw.credentials_for("partner-integration")
    key = Key(session.access_key, session.secret_key, session.token)
    call(gw, http, "GET", "/products", key)
    reader = user_key(config, "reader")
    url = presign("GET", f"{gw.api_url()}/products", reader, region="us-west-2")
    response = http.get(url, timeout=10)
    assert response.status_code == 200
    record = record_for(gw, response)
    assert record["path"] == "/prod/products"
    logged = json.dumps(gw.access_log)
    for secret in (session.secret_key, session.token, reader.secret_key, "X-Amz-Signature"):
        assert secret and secret not in logged


# HTTP and WebSocket APIs: groups name the deciding policy; neither traces with X-Ray.

FLAVOURS = flavours_config()


@pytest.fixture(scope="module")
def flavours() -> Iterator[Gateway]:
    with running(FLAVOURS) as gateway:
        yield gateway


def flavour_call(gw: Gateway, method: str, api: str, path: str, who: str) -> requests.Response:
    host = gw.host_for(api)
    request = signed(method, f"http://{host}{path}", key_of(FLAVOURS, who), region=FLAVOURS_REGION)
    headers = {**dict(request.prepare().headers), "Host": host}
    return requests.request(method, gw.url + path, headers=headers, timeout=10)


def test_a_group_policy_is_named_as_the_deciding_statement(flavours: Gateway) -> None:
    response = flavour_call(flavours, "GET", HTTP_API, "/products", "john-readonly")
    record = flavours.access_log[-1]
    assert response.status_code == 200
    assert record["deciding"] == "group ReadOnly-Group policy 1 Statement[0] (Sid ReadProducts)"
    # HTTP APIs do not trace with X-Ray: no header back, no ID in the record.
    assert "X-Amzn-Trace-Id" not in response.headers and record["xrayTraceId"] == "-"
    refused = flavour_call(flavours, "POST", HTTP_API, "/products", "john-readonly")
    assert refused.status_code == 403 and flavours.access_log[-1]["cause"] == "no_allow"


def test_the_connections_api_logs_its_causes(flavours: Gateway) -> None:
    gone = flavour_call(flavours, "GET", WS_API, "/prod/@connections/bm90LWEtY29ubmVjdGlvbg=", "backend")
    assert gone.status_code == 410 and flavours.access_log[-1]["cause"] == "connection_gone"
    refused = flavour_call(flavours, "GET", WS_API, "/prod/@connections/abc=", "chatter")
    assert refused.status_code == 403 and flavours.access_log[-1]["cause"] == "no_allow"
