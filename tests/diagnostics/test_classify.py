"""classify() over every documented or captured 401/403 of API Gateway, plus fuzzing.

Each case's id names its table and row ("REST 5" = the fifth row of the REST table) and the
bodies are copied verbatim from their sources (as in tests/data/apigateway_errors.json).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiclient.diagnostics import CAUSES, classify

ET = "x-amzn-ErrorType"
INCOMPLETE = (
    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
    "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
    "existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJSECRETJWT"
)
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)
EXPIRED = (
    "Signature expired: 20170212T175938Z is now earlier than 20170215T145534Z (20170215T150034Z - 5 min.)"
)
NOT_YET = (
    "Signature not yet current: 20230804T000000Z is still later than 20230803T172233Z "
    "(20230803T171733Z + 5 min.)"
)
ANON_NO_ALLOW = (
    "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
    "arn:aws:execute-api:us-west-2:********7089:u1hp5d8r0b/api/GET/prod"
)
ANON_DENY = (
    "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
    "arn:aws:execute-api:ap-northeast-1:********6200:hbdqg3riq2/prod/GET/pets with an explicit deny"
)
ROLE_DENY = (
    "User: arn:aws:sts::<account>:assumed-role/<role>/i-xxxxx is not authorized to perform: "
    "execute-api:Invoke on resource: arn:aws:execute-api:<region>:********xxxx:<Api id>/Prod/POST/"
    "makePayment with an explicit deny"
)
ROLE_NO_ALLOW = (
    "User: arn:aws:sts::645143808269:assumed-role/…/CognitoIdentityCredentials is not authorized to perform: "
    "execute-api:Invoke on resource: arn:aws:execute-api:eu-central-1:********8269:gt4n9vo5yk/prod/GET/"
    "shop/0001/orders"
)


def body(key: str, message: str | None) -> bytes:
    return json.dumps({key: message}, separators=(",", ":")).encode()


# (id, status, headers, body, cause, expected details subset)
CASES: list[tuple[str, int, dict[str, str], bytes | str, str, dict[str, Any]]] = [
    (
        "REST 1 missing token",
        403,
        {ET: "MissingAuthenticationTokenException"},
        b'{"message":"Missing Authentication Token"}',
        "missing_auth_or_route",
        {},
    ),
    (
        "REST 1 missing token, no header",
        403,
        {},
        b'{"message":"Missing Authentication Token"}',
        "missing_auth_or_route",
        {},
    ),
    (
        "REST 2 incomplete signature",
        403,
        {ET: "IncompleteSignatureException"},
        body("message", INCOMPLETE),
        "incomplete_signature",
        {},
    ),
    (
        "REST 3 bearer parsed as SigV4",
        403,
        {},
        body(
            "message",
            "'sometoken' not a valid key=value pair (missing equal-sign) in Authorization header: "
            "'Bearer sometoken'.",
        ),
        "incomplete_signature",
        {},
    ),
    (
        "REST 4 signature mismatch",
        403,
        {ET: "InvalidSignatureException"},
        body("message", MISMATCH),
        "signature_mismatch",
        {},
    ),
    (
        "REST 4 canonical-string variant",
        403,
        {ET: "InvalidSignatureException"},
        body(
            "message",
            MISMATCH + "\n\nThe Canonical String for this request should have been\n"
            "'GET\n/prod/x\n\n"
            "host:a.execute-api.us-east-1.amazonaws.com\nx-amz-date:20240101T000000Z\n"
            "x-amz-security-token:FwoGSECRETTOKEN\n\nhost;x-amz-date;x-amz-security-token\ne3b0'\n\n"
            "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20240101T000000Z\n"
            "20240101/us-east-1/execute-api/aws4_request\nabc'\n",
        ),
        "signature_mismatch",
        {
            "expected_string_to_sign": "AWS4-HMAC-SHA256\n20240101T000000Z\n"
            "20240101/us-east-1/execute-api/aws4_request\nabc"
        },
    ),
    (
        "REST 5 signature expired",
        403,
        {ET: "InvalidSignatureException"},
        body("message", EXPIRED),
        "clock_skew",
        {"skew_window_minutes": 5},
    ),
    (
        "REST 6 signature not yet current",
        403,
        {},
        body("message", NOT_YET),
        "clock_skew",
        {"skew_window_minutes": 5},
    ),
    (
        "REST 7 wrong service",
        403,
        {ET: "InvalidSignatureException"},
        b'{"message":"Credential should be scoped to correct service: \'execute-api\'. "}',
        "wrong_service",
        {"expected_service": "execute-api"},
    ),
    (
        "REST 8 wrong region",
        403,
        {ET: "InvalidSignatureException"},
        b'{"message":"Credential should be scoped to a valid region, not \'us-east-1\'. "}',
        "wrong_region",
        {"signed_region": "us-east-1"},
    ),
    (
        "REST 8 joined region and service",
        403,
        {},
        b'{"message":"Credential should be scoped to a valid region, not \'us-east-1\'. Credential should be '
        b"scoped to correct service: 'execute-api'. \"}",
        "wrong_region",
        {"signed_region": "us-east-1", "expected_service": "execute-api"},
    ),
    (
        "REST 8 2015 __type format",
        403,
        {},
        b'{"__type":"#SignatureDoesNotMatch","error":{},"message":"Credential should be scoped to a '
        b"valid region, not 'execute-api'. \"}",
        "wrong_region",
        {"signed_region": "execute-api"},
    ),
    (
        "REST 9 invalid token",
        403,
        {ET: "AccessDeniedException"},
        b'{"message":"The security token included in the request is invalid."}',
        "token_invalid",
        {},
    ),
    (
        "REST 10 expired token (GRT EXPIRED_TOKEN)",
        403,
        {ET: "ExpiredTokenException"},
        b'{"message":"The security token included in the request is expired"}',
        "token_expired",
        {},
    ),
    (
        "REST 10 expired token, message only",
        403,
        {},
        b'{"message":"The security token included in the request is expired"}',
        "token_expired",
        {},
    ),
    (
        "REST 11 anonymous, no allow",
        403,
        {ET: "AccessDeniedException"},
        body("Message", ANON_NO_ALLOW),
        "no_allow",
        {
            "principal": "anonymous",
            "anonymous": True,
            "masked_account": True,
            "account_suffix": "7089",
            "api_id": "u1hp5d8r0b",
            "stage": "api",
            "method": "GET",
            "path": "/prod",
            "region": "us-west-2",
            "api_owner_account": None,
        },
    ),
    (
        "REST 12 anonymous, explicit deny",
        403,
        {ET: "AccessDeniedException"},
        body("Message", ANON_DENY),
        "explicit_deny_resource_policy",
        {
            "principal": "anonymous",
            "api_id": "hbdqg3riq2",
            "path": "/pets",
            "resource_arn": "arn:aws:execute-api:ap-northeast-1:********6200:hbdqg3riq2/prod/GET/pets",
        },
    ),
    (
        "REST 13 role, explicit deny",
        403,
        {ET: "AccessDeniedException"},
        body("Message", ROLE_DENY),
        "explicit_deny",
        {
            "principal": "arn:aws:sts::<account>:assumed-role/<role>/i-xxxxx",
            "anonymous": False,
            "stage": "Prod",
            "method": "POST",
            "path": "/makePayment",
            "masked_account": True,
        },
    ),
    (
        "REST 14 role, no allow",
        403,
        {ET: "AccessDeniedException"},
        body("Message", ROLE_NO_ALLOW),
        "no_allow",
        {
            "principal_account": "645143808269",
            "account_suffix": "8269",
            "api_id": "gt4n9vo5yk",
            "path": "/shop/0001/orders",
            "region": "eu-central-1",
        },
    ),
    (
        "REST 15 authorizer unauthorized",
        401,
        {ET: "UnauthorizedException"},
        b'{"message":"Unauthorized"}',
        "authorizer_unauthorized",
        {},
    ),
    (
        "REST 16 authorizer implicit deny",
        403,
        {ET: "AccessDeniedException"},
        b'{"Message":"User is not authorized to access this resource"}',
        "authorizer_no_allow",
        {},
    ),
    (
        "REST 16 authorizer implicit deny, KC lowercase",
        403,
        {},
        b'{"message":"User is not authorized to access this resource"}',
        "authorizer_no_allow",
        {},
    ),
    (
        "REST 17 authorizer explicit deny",
        403,
        {ET: "AccessDeniedException"},
        b'{"message":"User is not authorized to access this resource with an explicit deny"}',
        "authorizer_deny",
        {},
    ),
    (
        "REST 17 authorizer explicit deny, current KC wording",
        403,
        {},
        b'{"message":"User is not authorized to access this resource with an explicit deny in an '
        b'identity-based policy"}',
        "authorizer_deny",
        {},
    ),
    (
        "REST 18 forbidden",
        403,
        {ET: "ForbiddenException", "x-amz-apigw-id": "abc="},
        b'{"message":"Forbidden"}',
        "forbidden_generic",
        {"api_type": "REST"},
    ),
    ("REST 19 WAF, empty HEAD body", 403, {ET: "ForbiddenException"}, b"", "forbidden_generic", {}),
    ("REST 20 throttled is not an auth refusal", 429, {}, b"", "unknown", {}),
    (
        "REST 21 authorizer configuration error",
        500,
        {ET: "AuthorizerConfigurationException"},
        b'{"message": null}',
        "unknown",
        {},
    ),
    (
        "HTTP 1 no route",
        404,
        {"apigw-requestid": "Zx1="},
        b'{"message":"Not Found"}',
        "missing_auth_or_route",
        {"api_type": "HTTP"},
    ),
    (
        "HTTP 2 JWT rejected",
        401,
        {
            "www-authenticate": 'Bearer scope="" error="invalid_token" '
            'error_description="the token does not have a valid audience"',
            "apigw-requestid": "Zx1=",
        },
        b'{"message":"Unauthorized"}',
        "authorizer_unauthorized",
        {"api_type": "HTTP"},
    ),
    (
        "HTTP 3 identity source missing: body not shown, so no guess",
        401,
        {"apigw-requestid": "Zx1="},
        b"",
        "unknown",
        {},
    ),
    (
        "HTTP 4 IAM route without invoke permission",
        403,
        {"apigw-requestid": "Zx1="},
        '{ "message": "Forbidden" }',
        "forbidden_generic",
        {"api_type": "HTTP"},
    ),
    ("HTTP 5 default endpoint disabled: empty 404, no guess", 404, {}, b"", "unknown", {}),
]


@pytest.mark.parametrize(
    ("status", "headers", "payload", "cause", "details"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_reference_rows(
    status: int, headers: dict[str, str], payload: bytes | str, cause: str, details: dict[str, Any]
) -> None:
    diagnosis = classify(status, headers, payload)
    assert diagnosis.cause == cause
    assert diagnosis.status == status
    for key, value in details.items():
        assert diagnosis.details[key] == value, key
    assert diagnosis.summary and "\n" not in diagnosis.summary
    assert diagnosis.next_steps


def _amz(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ")


@pytest.mark.parametrize(
    ("message", "signed", "server"),
    [(EXPIRED, "20170212T175938Z", "20170215T150034Z"), (NOT_YET, "20230804T000000Z", "20230803T171733Z")],
    ids=["REST 5", "REST 6"],
)
def test_clock_skew_seconds_are_signed_minus_server_time(message: str, signed: str, server: str) -> None:
    diagnosis = classify(403, {}, body("message", message))
    assert diagnosis.details["clock_skew_seconds"] == (_amz(signed) - _amz(server)).total_seconds()


def test_error_type_suffix_is_split_off() -> None:
    # Some AWS front ends send "UnrecognizedClientException:http://internal.amazon.com/coral/..."
    headers = {"X-Amzn-ErrorType": "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon/"}
    payload = b'{"message":"The security token included in the request is invalid."}'
    diagnosis = classify(403, headers, payload)
    assert (diagnosis.cause, diagnosis.error_type) == ("token_invalid", "UnrecognizedClientException")


def test_error_type_wins_over_a_customized_body() -> None:
    # Gateway responses are customizable ("Set up gateway responses to customize error responses"):
    # the header is the stronger signal.
    diagnosis = classify(403, {ET: "MissingAuthenticationTokenException"}, b'{"message":"Please sign in"}')
    assert diagnosis.cause == "missing_auth_or_route"
    conflicting = classify(403, {ET: "ForbiddenException"}, b'{"message":"Missing Authentication Token"}')
    assert conflicting.cause == "forbidden_generic"


def test_access_denied_type_with_an_unknown_message_is_unknown() -> None:
    assert classify(403, {ET: "AccessDeniedException"}, b'{"message":"Go away"}').cause == "unknown"


def test_message_key_is_read_case_insensitively() -> None:
    assert classify(403, {}, b'{"MESSAGE":"Missing Authentication Token"}').cause == "missing_auth_or_route"


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (403, b'{"message":"Something else entirely"}'),
        (403, b"<html>Forbidden</html>"),
        (200, b"{}"),
        (403, b"[1, 2]"),
        (401, b'{"message":"Forbidden"}'),
    ],
)
def test_anything_else_is_unknown(status: int, payload: bytes) -> None:
    assert classify(status, {}, payload).cause == "unknown"


def test_echoed_credentials_are_redacted() -> None:
    for payload in (
        body("message", INCOMPLETE),
        body(
            "message",
            "'sometoken' not a valid key=value pair (missing equal-sign) in "
            "Authorization header: 'Bearer sometoken'.",
        ),
    ):
        diagnosis = classify(403, {}, payload)
        shown = json.dumps(diagnosis.to_dict()) + diagnosis.to_text()
        assert "eyJSECRETJWT" not in shown and "sometoken" not in shown
    mismatch = classify(403, {ET: "InvalidSignatureException"}, CASES[5][3])
    assert "FwoGSECRETTOKEN" not in json.dumps(mismatch.to_dict()) + mismatch.to_text()
    assert "x-amz-security-token:<redacted>" in mismatch.details["expected_canonical_request"]


def test_to_dict_and_to_text() -> None:
    diagnosis = classify(403, {ET: "AccessDeniedException"}, body("Message", ANON_DENY))
    data = json.loads(json.dumps(diagnosis.to_dict()))
    assert data["cause"] == "explicit_deny_resource_policy"
    assert data["details"]["principal"] == "anonymous"
    assert data["decision"] is None
    text = diagnosis.to_text()
    assert text.splitlines()[0].startswith("403 explicit_deny_resource_policy: ")
    assert "Next steps:" in text


KNOWN_BODIES = [row[3] if isinstance(row[3], str) else row[3].decode() for row in CASES if row[3]]
KNOWN_MESSAGES = [
    text
    for text in (json.loads(b).get("message") or json.loads(b).get("Message") for b in KNOWN_BODIES)
    if text
]
header_names = st.sampled_from(
    ["x-amzn-ErrorType", "X-AMZN-ERRORTYPE", "www-authenticate", "apigw-requestid", "x-amz-apigw-id", "Date"]
) | st.text(max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
bodies = (
    st.binary(max_size=200)
    | st.text(max_size=200)
    | st.sampled_from(KNOWN_BODIES)
    | st.builds(
        lambda known, cut, tail: json.dumps({"message": known[:cut] + tail}),
        st.sampled_from(KNOWN_MESSAGES),
        st.integers(0, 200),
        st.text(max_size=30),
    )
    | st.builds(
        lambda key, value: json.dumps({key: value}),
        st.sampled_from(["message", "Message", "__type"]),
        json_values,
    )
    | st.none()
)


@settings(max_examples=200, deadline=None)
@given(
    status=st.integers(min_value=100, max_value=599),
    headers=st.dictionaries(header_names, st.text(max_size=60), max_size=4),
    payload=bodies,
)
def test_fuzzed_responses_never_raise(
    status: int, headers: dict[str, str], payload: bytes | str | None
) -> None:
    diagnosis = classify(status, headers, payload)
    assert diagnosis.cause in CAUSES
    json.dumps(diagnosis.to_dict())
    assert diagnosis.to_text()


# aws-amplify/amplify-js#1643: pasted without its JSON wrapper, with "User: " and the accounts hidden.
AMPLIFY_PLAIN = (
    "arn:aws:sts::xxxxx:assumed-role/.../CognitoIdentityCredentials is not authorized to perform: "
    "execute-api:Invoke on resource: arn:aws:execute-api:xxxx:********:xxxx/prod/GET/test"
)
PETS = "arn:aws:execute-api:us-west-2:********2222:a1b2c3d4e5/prod/GET/pets"
BOB = (
    "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: execute-api:Invoke "
    f"on resource: {PETS}"
)


def test_a_plain_text_paste_with_masked_accounts_is_read() -> None:
    diagnosis = classify(403, {}, AMPLIFY_PLAIN)
    assert diagnosis.cause == "no_allow"
    assert diagnosis.details["principal"] == "arn:aws:sts::xxxxx:assumed-role/.../CognitoIdentityCredentials"
    assert (diagnosis.details["stage"], diagnosis.details["method"], diagnosis.details["path"]) == (
        "prod",
        "GET",
        "/test",
    )
    # Hidden parts are unknown, not values to compare with: "xxxx" is no region, "********" has no digits.
    assert diagnosis.details["region"] is None and diagnosis.details["api_id"] is None
    assert diagnosis.details["masked_account"] is True and diagnosis.details["account_suffix"] == ""
    assert "the API owner's account ID is masked" in diagnosis.evidence


@pytest.mark.parametrize(
    ("payload", "cause"),
    [
        (json.dumps({"Message": BOB}), "no_allow"),
        (json.dumps({"message": BOB + " with an explicit deny"}), "explicit_deny"),
        (BOB, "no_allow"),
        (f"2026-11-29T10:00:00Z ERROR call failed (403): {BOB} (request id 7f1c)", "no_allow"),
        (f'2026-11-29T10:00:00Z ERROR 403 {{"Message": "{BOB}"}} after 2 attempts', "no_allow"),
        (json.dumps({"level": "error", "msg": f"upstream said: {BOB}"}), "no_allow"),
        (json.dumps({"error": {"Message": "Missing Authentication Token"}}), "missing_auth_or_route"),
        (json.dumps(json.dumps({"message": "Forbidden"})), "forbidden_generic"),
        ('"Missing Authentication Token"', "missing_auth_or_route"),
        ("Forbidden\n", "forbidden_generic"),
        ("[WARN] The security token included in the request is expired", "token_expired"),
        (
            "<ErrorResponse><Error><Code>ExpiredTokenException</Code><Message>The security token included "
            "in the request is expired</Message></Error></ErrorResponse>",
            "token_expired",
        ),
    ],
)
def test_a_message_is_read_however_it_is_wrapped(payload: str, cause: str) -> None:
    diagnosis = classify(403, {}, payload.encode())
    assert diagnosis.cause == cause
    if cause in ("no_allow", "explicit_deny"):
        assert diagnosis.details["principal"] == "arn:aws:iam::111111111111:user/bob"
        assert diagnosis.details["resource_arn"] == PETS
        assert diagnosis.details["account_suffix"] == "2222"
