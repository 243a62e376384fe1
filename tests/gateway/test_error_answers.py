"""Every 401/403 of tests/data/apigateway_errors.json a signed or unsigned request can trigger, byte for byte.

The oracle is that data, API Gateway's documented and captured bodies: each expected body is read from
it, with only the request-specific parts (timestamps, ARNs, the raw Authorization value) put in.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import re
import time
import uuid

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.credentials import Credentials as BotoCredentials
from gateway_helpers import API_ID, OWNER, REGION, Key, reference_body, send, signed, user_key

from apiclient.gateway import Gateway, GatewayConfig, running

MASKED_PRODUCTS_ARN = f"arn:aws:execute-api:{REGION}:********{OWNER[-4:]}:{API_ID}/prod/GET/products"
ANONYMOUS = '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: '
_STAMP = re.compile(r"\d{8}T\d{6}Z")


def _fmt(when: dt.datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def _fill_stamps(template: str, *stamps: str) -> str:
    values = iter(stamps)
    return _STAMP.sub(lambda _: next(values), template)


def _with_arn(template: str, arn: str, user: str | None = None) -> str:
    body = re.sub(r"arn:aws:execute-api:.*?(?=( with an explicit deny)?\"\}$)", arn, template)
    return body if user is None else re.sub(r"User: \S+ is", f"User: {user} is", body)


def assert_answer(response: requests.Response, error_type: str, body: str) -> None:
    """Status, body, and the headers API Gateway sends with every error."""
    assert response.status_code == 403
    assert response.content.decode() == body
    headers = response.headers
    assert headers["x-amzn-ErrorType"] == error_type
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(response.content))
    assert str(uuid.UUID(headers["x-amzn-RequestId"])) == headers["x-amzn-RequestId"]
    assert re.fullmatch(r"[A-Za-z0-9+/]{15}=", headers["x-amz-apigw-id"])
    sent = email.utils.parsedate_to_datetime(headers["Date"])
    assert abs((dt.datetime.now(dt.timezone.utc) - sent).total_seconds()) < 5


def test_reference_bodies_are_compact_json() -> None:
    # Rebuilding bodies with json.dumps is only byte-exact if the captures are compact JSON.
    body = reference_body('{"message":"Missing Authentication Token"}')
    assert json.dumps(json.loads(body), separators=(",", ":")) == body
    assert len(body) == 42  # the reference's byte count


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/prod/products"),  # unsigned call to an AWS_IAM method
        ("GET", "/prod/no-such-resource"),  # unknown path
        ("GET", "/beta/products"),  # unknown stage
        ("PATCH", "/prod/products"),  # unknown method
        ("GET", "/"),  # no stage at all
    ],
)
def test_missing_authentication_token(gw: Gateway, http: requests.Session, method: str, path: str) -> None:
    response = http.request(method, gw.url + path, timeout=10)
    assert_answer(
        response, "MissingAuthenticationTokenException", reference_body('{"message":"Missing Authentication')
    )


def test_signed_request_to_unknown_route_is_missing_token(
    gw: Gateway, http: requests.Session, config: GatewayConfig
) -> None:
    response = send(http, signed("GET", gw.api_url() + "/nowhere", user_key(config, "admin")))
    assert_answer(
        response, "MissingAuthenticationTokenException", reference_body('{"message":"Missing Authentication')
    )


def test_unknown_api_id_in_host(gw: Gateway, http: requests.Session) -> None:
    headers = {"Host": f"zzzzzzzzzz.execute-api.{REGION}.amazonaws.com"}
    response = http.get(gw.url + "/prod/products", headers=headers, timeout=10)
    assert_answer(
        response, "MissingAuthenticationTokenException", reference_body('{"message":"Missing Authentication')
    )


def test_bearer_token_is_not_a_key_value_pair(gw: Gateway, http: requests.Session) -> None:
    response = http.get(gw.api_url() + "/products", headers={"Authorization": "Bearer sometoken"}, timeout=10)
    assert_answer(response, "IncompleteSignatureException", reference_body('{"message":"\'sometoken\' not'))


@pytest.mark.parametrize("path", ["/products", "/not-deployed"])
def test_bare_token_lacks_every_sigv4_parameter(gw: Gateway, http: requests.Session, path: str) -> None:
    # aws/chalice#828: the same answer on a route that does not exist.
    token = "eyJraWQiOiJFWEFNUExFIn0.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl"
    response = http.get(gw.api_url() + path, headers={"Authorization": token}, timeout=10)
    expected = reference_body('{"message":"Authorization header requires').replace(
        "<raw header value>", token
    )
    assert_answer(response, "IncompleteSignatureException", expected)


def test_sigv4_header_without_a_date(gw: Gateway, http: requests.Session, config: GatewayConfig) -> None:
    request = signed("GET", gw.api_url() + "/products", user_key(config, "reader"))
    del request.headers["X-Amz-Date"]
    raw = request.headers["Authorization"]
    # The reference's message, keeping only the sentence about the date.
    template = reference_body('{"message":"Authorization header requires')
    expected = re.sub(r"Authorization header requires '\w+' parameter\. ", "", template)
    expected = expected.replace("<raw header value>", raw)
    assert_answer(send(http, request), "IncompleteSignatureException", expected)


def test_wrong_secret_gets_mismatch_with_canonical_string(
    gw: Gateway, http: requests.Session, config: GatewayConfig
) -> None:
    key = user_key(config, "reader")
    request = signed("GET", gw.api_url() + "/products?b=2&a=x%20y", Key(key.access_key, "not-the-secret"))
    response = send(http, request)
    # The canonical request and string to sign the client itself computed (botocore, unmodified).
    client = SigV4Auth(BotoCredentials(key.access_key, key.secret_key), "execute-api", REGION)
    request.context["timestamp"] = request.headers["X-Amz-Date"]
    del request.headers["Authorization"]
    canonical = client.canonical_request(request)
    string_to_sign = client.string_to_sign(request, canonical)
    first = json.loads(reference_body('{"message":"The request signature'))["message"]
    message = (
        f"{first}\n\nThe Canonical String for this request should have been\n'{canonical}'\n\n"
        f"The String-to-Sign should have been\n'{string_to_sign}'\n"
    )
    assert_answer(
        response, "InvalidSignatureException", json.dumps({"message": message}, separators=(",", ":"))
    )


@pytest.mark.parametrize(
    ("offset", "prefix"), [(-600, "Signature expired"), (600, "Signature not yet current")]
)
def test_clock_skew_beyond_five_minutes(
    gw: Gateway, http: requests.Session, config: GatewayConfig, offset: int, prefix: str
) -> None:
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=offset)
    response = send(http, signed("GET", gw.api_url() + "/products", user_key(config, "reader"), at=at))
    now = email.utils.parsedate_to_datetime(response.headers["Date"])
    edge = now + dt.timedelta(minutes=5 if offset > 0 else -5)
    expected = _fill_stamps(reference_body(f'{{"message":"{prefix}'), _fmt(at), _fmt(edge), _fmt(now))
    assert_answer(response, "InvalidSignatureException", expected)


def test_skew_within_five_minutes_is_accepted(
    gw: Gateway, http: requests.Session, config: GatewayConfig
) -> None:
    at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=4)
    response = send(http, signed("GET", gw.api_url() + "/products", user_key(config, "reader"), at=at))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("region", "service", "prefix"),
    [
        (REGION, "apigateway", '{"message":"Credential should be scoped to correct service'),
        (
            "us-east-1",
            "execute-api",
            '{"message":"Credential should be scoped to a valid region, not \'us-east-1\'. "}',
        ),
        (
            "us-east-1",
            "apigateway",
            '{"message":"Credential should be scoped to a valid region, not \'us-east-1\'. Cred',
        ),
    ],
)
def test_wrong_scope(
    gw: Gateway, http: requests.Session, config: GatewayConfig, region: str, service: str, prefix: str
) -> None:
    request = signed(
        "GET", gw.api_url() + "/products", user_key(config, "reader"), region=region, service=service
    )
    assert_answer(send(http, request), "InvalidSignatureException", reference_body(prefix))


@pytest.mark.parametrize(
    "key",
    [
        Key("AKIAEXAMPLEUNKNOWN01", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),  # unknown access key
        Key(
            "AKIAEXAMPLEREADER001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYREADER01EXAMPLE", "undefined"
        ),  # stray token
    ],
)
def test_invalid_security_token(gw: Gateway, http: requests.Session, key: Key) -> None:
    response = send(http, signed("GET", gw.api_url() + "/products", key))
    assert_answer(response, "AccessDeniedException", reference_body('{"message":"The security token'))


def test_session_key_without_its_token_is_invalid(gw: Gateway, http: requests.Session) -> None:
    session = gw.credentials_for("partner-integration")
    response = send(
        http, signed("GET", gw.api_url() + "/products", Key(session.access_key, session.secret_key))
    )
    assert_answer(response, "AccessDeniedException", reference_body('{"message":"The security token'))


def test_expired_session_credentials(config: GatewayConfig) -> None:
    with running(config, credential_lifetime=1) as short, requests.Session() as http:
        session = short.credentials_for("partner-integration")
        time.sleep(1.1)
        key = Key(session.access_key, session.secret_key, session.token)
        response = send(http, signed("GET", short.api_url() + "/products", key))
    # "Gateway response types for API Gateway": EXPIRED_TOKEN, with AWS's usual text (no execute-api capture).
    assert_answer(
        response,
        "ExpiredTokenException",
        '{"message":"The security token included in the request is expired"}',
    )


def test_iam_caller_without_allow(gw: Gateway, http: requests.Session, config: GatewayConfig) -> None:
    response = send(http, signed("GET", gw.api_url() + "/products", user_key(config, "team-a-intern")))
    template = reference_body('{"Message":"User: arn:aws:sts::645143808269')
    expected = _with_arn(template, MASKED_PRODUCTS_ARN, "arn:aws:iam::111111111111:user/team-a-intern")
    assert_answer(response, "AccessDeniedException", expected)


def test_iam_caller_explicitly_denied(gw: Gateway, http: requests.Session, config: GatewayConfig) -> None:
    # The walkthrough's loop: the logs flagged 198.51.100.0/24 and a Deny statement blocks it.
    request = signed("GET", gw.api_url() + "/products", user_key(config, "admin"))
    response = send(http, request, **{"X-Forwarded-For": "198.51.100.7"})
    template = reference_body('{"Message":"User: arn:aws:sts::<account>')
    expected = _with_arn(template, MASKED_PRODUCTS_ARN, "arn:aws:iam::222222222222:user/admin")
    assert_answer(response, "AccessDeniedException", expected)


@pytest.mark.parametrize(
    ("forwarded_for", "prefix"),
    [
        (
            "192.0.2.10",
            ANONYMOUS + "arn:aws:execute-api:us-west-2",
        ),
        (
            "198.51.100.7",
            ANONYMOUS + "arn:aws:execute-api:ap-northeast-1",  # the "explicit deny" capture
        ),
    ],
)
def test_anonymous_caller_refused_by_resource_policy(
    gw: Gateway, http: requests.Session, forwarded_for: str, prefix: str
) -> None:
    response = http.get(gw.api_url() + "/status", headers={"X-Forwarded-For": forwarded_for}, timeout=10)
    arn = MASKED_PRODUCTS_ARN.replace("/products", "/status")
    assert_answer(response, "AccessDeniedException", _with_arn(reference_body(prefix), arn))


@pytest.mark.parametrize("api_key", [None, "EXAMPLEwrongkey"])
def test_api_key_missing_or_invalid(
    gw: Gateway, http: requests.Session, config: GatewayConfig, api_key: str | None
) -> None:
    headers = {"x-api-key": api_key} if api_key else {}
    response = send(
        http, signed("GET", gw.api_url() + "/reports", user_key(config, "admin"), headers=headers)
    )
    assert_answer(response, "ForbiddenException", reference_body('{"message":"Forbidden"}'))


def test_api_key_accepted(gw: Gateway, http: requests.Session, config: GatewayConfig) -> None:
    headers = {"x-api-key": config.apis[0].api_keys[0]}
    response = send(
        http, signed("GET", gw.api_url() + "/reports", user_key(config, "admin"), headers=headers)
    )
    assert response.status_code == 200


def test_body_tampered_after_signing_is_a_mismatch(
    gw: Gateway, http: requests.Session, config: GatewayConfig
) -> None:
    request = signed("POST", gw.api_url() + "/products", user_key(config, "admin"), body=b'{"name":"tea"}')
    prepared = request.prepare()
    response = http.post(prepared.url, headers=dict(prepared.headers), data=b'{"name":"TEA"}', timeout=10)
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert hashlib.sha256(b'{"name":"TEA"}').hexdigest() in response.json()["message"]
