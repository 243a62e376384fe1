"""HTTP API and WebSocket API answers: classified, and diagnosed with what the client knows.

The responses are API Gateway's as recorded in its documentation and public reports (HTTP APIs:
``apigw-requestid``, no ``x-amzn-ErrorType``, ``{"message":"Forbidden"}`` / ``{"message":"Not
Found"}``; the @connections API: 410 ``GoneException``), recorded with ``RefusedCall.build``.
"""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.diagnostics import (
    CAUSE_TABLE,
    CAUSES,
    DiagnoseOptions,
    Diagnosis,
    RefusedCall,
    classify,
    diagnose_call,
)
from apiclient.endpoint import parse_url
from apiclient.policy import IdentityPolicy

ACCOUNT = "123456789012"
API_ID = "abc123def4"
HOST = f"{API_ID}.execute-api.us-east-1.amazonaws.com"
API = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{API_ID}"
JOHN = f"arn:aws:iam::{ACCOUNT}:user/john-readonly"
SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/execute-api/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123abcd"
}
HTTP_FORBIDDEN: tuple[int, dict[str, str], str] = (
    403,
    {"apigw-requestid": "Zx1=", "Content-Type": "application/json"},
    '{"message":"Forbidden"}',
)
REST_FORBIDDEN: tuple[int, dict[str, str], str] = (
    403,
    {"x-amz-apigw-id": "abc=", "x-amzn-ErrorType": "ForbiddenException"},
    '{"message":"Forbidden"}',
)
READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": [f"{API}/*/GET/products", f"{API}/*/GET/products/*"],
        }
    ],
}


def refused(
    method: str, url: str, answer: tuple[int, dict[str, str], str], *, stage: str | None = None
) -> RefusedCall:
    status, headers, body = answer
    return RefusedCall.build(
        method=method,
        url=url,
        request_headers=SIGNED,
        status=status,
        response_headers=headers,
        body=body,
        endpoint=parse_url(url, stage=stage),
    )


def john(**extra: Any) -> DiagnoseOptions:
    options: dict[str, Any] = {
        "identity": {"Arn": JOHN, "Account": ACCOUNT},
        "identity_policies": [IdentityPolicy.of_group("ReadOnly-Group", READ_ONLY)],
        "api_owner_account": ACCOUNT,
    }
    return DiagnoseOptions(**{**options, **extra})


def evidence(diagnosis: Diagnosis) -> str:
    return "\n".join(diagnosis.evidence)


# --- classify ----------------------------------------------------------------------------------


def test_an_http_apis_forbidden_gets_http_api_advice() -> None:
    http = classify(*HTTP_FORBIDDEN)
    assert (http.cause, http.details["api_type"], http.error_type) == ("forbidden_generic", "HTTP", None)
    assert http.summary.startswith("The HTTP API refused the call")
    assert not any("API key" in step or "WAF" in step for step in http.next_steps)
    assert any("$default" in step for step in http.next_steps)
    rest = classify(*REST_FORBIDDEN)
    assert rest.summary == CAUSE_TABLE["forbidden_generic"].summary  # REST keeps its advice


def test_an_http_apis_not_found_names_the_default_stage() -> None:
    diagnosis = classify(404, {"apigw-requestid": "Zx1="}, b'{"message":"Not Found"}')
    assert diagnosis.cause == "missing_auth_or_route"
    assert "HTTP API" in diagnosis.summary
    assert any("stage='$default'" in step for step in diagnosis.next_steps)


def test_a_refused_connect_handshake_quotes_a_route_arn() -> None:
    message = (
        f"User: {JOHN} is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********9012:{API_ID}/prod/$connect"
    )
    diagnosis = classify(403, {"x-amzn-ErrorType": "AccessDeniedException"}, f'{{"Message":"{message}"}}')
    assert diagnosis.cause == "no_allow"
    assert diagnosis.details["route_key"] == "$connect"
    assert diagnosis.details["stage"] == "prod"
    assert "method" not in diagnosis.details and "path" not in diagnosis.details
    assert "the resource is WebSocket route $connect of stage prod" in diagnosis.evidence


def test_a_refused_connections_call_advises_manage_connections() -> None:
    message = (
        f"User: {JOHN} is not authorized to perform: execute-api:ManageConnections on resource: "
        f"arn:aws:execute-api:us-east-1:********9012:{API_ID}/prod/POST/@connections/Y6yN1cDvIAMCJBQ="
    )
    diagnosis = classify(403, {"x-amzn-ErrorType": "AccessDeniedException"}, f'{{"Message":"{message}"}}')
    assert diagnosis.cause == "no_allow"
    assert diagnosis.details["path"] == "/@connections/Y6yN1cDvIAMCJBQ="
    assert "execute-api:ManageConnections" in diagnosis.summary
    assert "execute-api:Invoke" not in diagnosis.summary


def test_a_gone_connection_is_its_own_cause() -> None:
    assert "connection_gone" in CAUSES
    diagnosis = classify(410, {"x-amzn-ErrorType": "GoneException", "x-amz-apigw-id": "abc="}, b"")
    assert diagnosis.cause == "connection_gone"
    assert "no longer exists" in diagnosis.summary
    assert CAUSE_TABLE["connection_gone"].on_refusal is None  # never re-sent
    # A 410 without API Gateway's error type is an integration's answer: no guess.
    assert classify(410, {}, b"gone").cause == "unknown"


# --- diagnose: the stage an HTTP API's URL may mean -----------------------------------------------


def test_both_possible_arns_are_named_when_the_stage_was_not_told() -> None:
    call = refused("GET", f"https://{HOST}/products/42", HTTP_FORBIDDEN)
    diagnosis = diagnose_call(call, DiagnoseOptions(api_owner_account=ACCOUNT))
    named, default = f"{API}/products/GET/42", f"{API}/$default/GET/products/42"
    assert diagnosis.details["possible_resource_arns"] == [named, default]
    text = evidence(diagnosis)
    assert named in text and default in text and "stage='$default'" in text
    assert diagnosis.decision is None  # nothing to evaluate without policies


def test_both_possible_arns_are_evaluated_with_policies() -> None:
    call = refused("POST", f"https://{HOST}/products", HTTP_FORBIDDEN)
    diagnosis = diagnose_call(call, john())
    readings = diagnosis.details["stage_readings"]
    assert [(r["stage"], r["resource"], r["result"]) for r in readings] == [
        ("$default", f"{API}/$default/POST/products", "IMPLICIT_DENY"),  # the likelier reading first
        ("products", f"{API}/products/POST/", "IMPLICIT_DENY"),
    ]
    assert diagnosis.cause == "no_allow"  # refined: the identity policies allow nothing here
    assert diagnosis.details["classified_cause"] == "forbidden_generic"
    assert diagnosis.summary.startswith("No identity policy allows this call")
    assert "group ReadOnly-Group policy 1 Statement[0]" in diagnosis.summary
    assert "with stage products: IMPLICIT_DENY" in diagnosis.summary
    assert diagnosis.to_dict()["fixes"][0]["description"] == (
        f"add {API}/$default/POST/products to the Resource of group ReadOnly-Group policy 1 Statement[0]"
    )


def test_the_named_stage_comes_first_when_the_policies_name_it() -> None:
    v1_reader = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{API}/v1/GET/*"}],
    }
    call = refused("GET", f"https://{HOST}/v1/products", HTTP_FORBIDDEN)
    diagnosis = diagnose_call(call, john(identity_policies=[v1_reader]))
    assert [r["stage"] for r in diagnosis.details["stage_readings"]] == ["v1", "$default"]
    assert [r["result"] for r in diagnosis.details["stage_readings"]] == ["ALLOW", "IMPLICIT_DENY"]
    assert diagnosis.cause == "forbidden_generic"  # the readings disagree: no refinement


def test_a_told_default_stage_is_evaluated_once() -> None:
    call = refused("GET", f"https://{HOST}/orders", HTTP_FORBIDDEN, stage="$default")
    diagnosis = diagnose_call(call, john())
    assert "possible_resource_arns" not in diagnosis.details
    assert "stage_readings" not in diagnosis.details
    assert diagnosis.details["policy_verdict"]["resource"] == f"{API}/$default/GET/orders"
    assert diagnosis.cause == "no_allow"


def test_an_identity_deny_refines_an_http_forbidden_to_explicit_deny() -> None:
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "execute-api:*", "Resource": f"{API}/*"}],
    }
    call = refused("GET", f"https://{HOST}/products", HTTP_FORBIDDEN, stage="$default")
    diagnosis = diagnose_call(call, john(identity_policies=[READ_ONLY, ("user john-readonly inline", deny)]))
    assert diagnosis.cause == "explicit_deny"
    assert "user john-readonly inline Statement[0]" in diagnosis.summary
    assert any("identity policies" in step for step in diagnosis.next_steps)


def test_a_resource_policy_given_for_an_http_api_is_reported_not_applicable() -> None:
    allow_all = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}],
    }
    call = refused("POST", f"https://{HOST}/products", HTTP_FORBIDDEN, stage="$default")
    diagnosis = diagnose_call(call, john(resource_policy=allow_all))
    assert "HTTP APIs do not support resource policies" in evidence(diagnosis)
    assert diagnosis.details["policy_verdict"]["result"] == "IMPLICIT_DENY"
    # Nor is one fetched (GetRestApi knows REST APIs only), nor an API key or WAF suspected.
    fetched = diagnose_call(call, john(fetch_policy=True, api_key_required=False))
    assert "no resource policy to fetch" in evidence(fetched)
    assert "x-api-key" not in evidence(fetched) and fetched.cause == "no_allow"


def test_a_rest_forbidden_is_not_taken_for_a_policy_refusal() -> None:
    call = refused("POST", f"https://{HOST}/prod/products", REST_FORBIDDEN)
    diagnosis = diagnose_call(call, john(api_key_required=True))
    assert diagnosis.cause == "api_key"
    assert "possible_resource_arns" not in diagnosis.details


# --- diagnose: WebSocket APIs --------------------------------------------------------------------


def test_a_refused_connections_call_is_evaluated_as_manage_connections() -> None:
    invoke_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{API}/*"}],
    }
    call = refused(
        "POST",
        f"https://{HOST}/prod/@connections/Y6yN1cDvIAMCJBQ=",
        (
            403,
            {"x-amz-apigw-id": "abc=", "x-amzn-ErrorType": "ForbiddenException"},
            '{"message":"Forbidden"}',
        ),
    )
    diagnosis = diagnose_call(call, john(identity_policies=[invoke_only]))
    verdict = diagnosis.to_dict()["decision"]
    assert verdict["action"] == "execute-api:ManageConnections"
    assert verdict["resource"] == f"{API}/prod/POST/@connections/Y6yN1cDvIAMCJBQ="
    first = diagnosis.to_dict()["fixes"][0]
    assert (
        first["description"]
        == "add execute-api:ManageConnections to the Action of identity policy 1 Statement[0]"
    )


@pytest.mark.parametrize("quoted", [True, False])
def test_a_refused_handshake_is_evaluated_on_the_connect_route(quoted: bool) -> None:
    message = (
        f"User: {JOHN} is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********9012:{API_ID}/prod/$connect"
    )
    body = f'{{"Message":"{message}"}}' if quoted else '{"message":"Forbidden"}'
    headers = {"x-amzn-ErrorType": "AccessDeniedException" if quoted else "ForbiddenException"}
    call = refused("GET", f"wss://{HOST}/prod", (403, headers, body))
    routes = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{API}/prod/sendmessage"}
    ]}  # fmt: skip
    diagnosis = diagnose_call(call, john(identity_policies=[routes]))
    verdict = diagnosis.to_dict()["decision"]
    assert verdict["resource"] == f"{API}/prod/$connect"
    assert verdict["result"] == "IMPLICIT_DENY"
    assert diagnosis.to_dict()["fixes"][0]["description"] == (
        f"add {API}/prod/$connect to the Resource of identity policy 1 Statement[0]"
    )
