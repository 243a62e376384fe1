"""diagnose() on real refusals from the local gateway, with identity from the gateway's STS.

Each expectation has an independent source: the scenario file (who may do what), the
offsets and scopes the test itself signs with, and the gateway's own access log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path

import pytest
from diagnose_helpers import Send, assert_no_secrets, send_through, signature_of

from apiclient import Credentials
from apiclient.diagnostics import DiagnoseOptions, diagnose
from apiclient.endpoint import Endpoint, parse_url
from apiclient.errors import AccessDenied
from apiclient.gateway import Gateway
from apiclient.session import Client

OWNER = "222222222222"
TEAM_A = "111111111111"
FLAGGED_IP = "198.51.100.7"
WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGSECRETEXAMPLE"


def resource_policy(gateway: Gateway) -> dict[str, object]:
    policy = gateway.config.apis[0].resource_policy
    assert policy is not None
    return dict(policy)


def user_policies(gateway: Gateway, name: str) -> list[dict[str, object]]:
    user = next(user for user in gateway.config.users if user.name == name)
    return [dict(policy) for policy in user.policies]


def test_wrong_secret(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    right = gateway.credentials_for("reader")
    wrong = Credentials(right.access_key, WRONG_SECRET)
    response = send(wrong, "/products")
    diagnosis = diagnose(
        response,
        signature=signature_of(response),
        endpoint=endpoint,
        credentials=wrong,
        options=DiagnoseOptions(identify=True, sts_endpoint_url=gateway.sts_url),
    )
    assert diagnosis.cause == "signature_mismatch"
    # STS, asked with the same pair, refuses the secret too: the key pair is wrong, not the canonicalization.
    assert diagnosis.details["identity_error"].startswith("SignatureDoesNotMatch")
    assert diagnosis.details["signed_access_key"] == right.access_key
    assert diagnosis.details["canonical_request"].startswith("GET\n/prod/products\n")
    assert_no_secrets(diagnosis, WRONG_SECRET, right.secret_key)


def test_skewed_clock(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    credentials = gateway.credentials_for("reader")
    skew = dt.timedelta(minutes=-10)
    response = send(credentials, "/products", clock=lambda: dt.datetime.now(dt.timezone.utc) + skew)
    diagnosis = diagnose(
        response,
        signature=signature_of(response),
        endpoint=endpoint,
        credentials=credentials,
    )
    assert diagnosis.cause == "clock_skew"
    assert abs(diagnosis.details["signing_skew_seconds"] - skew.total_seconds()) <= 5
    # The local clock itself is right: only the signing clock was off.
    assert abs(diagnosis.details["local_clock_skew_seconds"]) <= 5
    assert any("outside its 5-minute window" in line for line in diagnosis.evidence)


def test_wrong_region_scope(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    credentials = gateway.credentials_for("reader")
    response = send(credentials, "/products", region="us-east-1")
    diagnosis = diagnose(
        response,
        signature=signature_of(response),
        endpoint=endpoint,
    )
    assert diagnosis.cause == "wrong_region"
    assert "signed for region us-east-1 but the URL is in us-west-2" in diagnosis.evidence


def test_a_client_given_the_wrong_region_is_judged_by_its_host(gateway: Gateway, api_url: str) -> None:
    client = Client(
        api_url,
        credentials=gateway.credentials_for("reader"),
        region="eu-west-1",
        connect_to=f"127.0.0.1:{gateway.port}",
        allow_http=True,
    )
    with client, pytest.raises(AccessDenied) as refused:
        client.get("/products")
    assert refused.value.diagnosis.cause == "wrong_region"
    assert "signed for region eu-west-1 but the URL is in us-west-2" in refused.value.diagnosis.evidence
    assert str(refused.value) == refused.value.diagnosis.summary
    assert "\n" not in str(refused.value)


def test_wrong_service(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    response = send(gateway.credentials_for("reader"), "/products", service="apigateway")
    diagnosis = diagnose(
        response,
        signature=signature_of(response),
        endpoint=endpoint,
    )
    assert diagnosis.cause == "wrong_service"
    assert "signed for service apigateway but the URL expects execute-api" in diagnosis.evidence


def test_unsigned_call(send: Send, endpoint: Endpoint) -> None:
    diagnosis = diagnose(send(None, "/products"), endpoint=endpoint)
    assert diagnosis.cause == "missing_auth_or_route"
    assert diagnosis.details["sent_authorization"] is False
    assert "no Authorization header was sent: the request was not signed" in diagnosis.evidence


def test_unsigned_call_from_the_flagged_range_names_the_deny(
    gateway: Gateway, send: Send, endpoint: Endpoint
) -> None:
    response = send(None, "/status", headers={"X-Forwarded-For": FLAGGED_IP})
    options = DiagnoseOptions(
        resource_policy=resource_policy(gateway), source_ip=FLAGGED_IP, api_owner_account=OWNER
    )
    diagnosis = diagnose(response, endpoint=endpoint, options=options)
    assert diagnosis.cause == "explicit_deny_resource_policy"
    assert diagnosis.details["policy_verdict"]["result"] == "EXPLICIT_DENY"
    assert diagnosis.to_dict()["deciding"] == [
        {"policy": "resource policy", "index": 2, "sid": "BlockFlaggedRange"}
    ]


def test_cross_account_call_lacking_an_identity_policy(
    gateway: Gateway, send: Send, endpoint: Endpoint
) -> None:
    intern = gateway.credentials_for("team-a-intern")
    response = send(intern, "/products")
    diagnosis = diagnose(
        response,
        signature=signature_of(response),
        endpoint=endpoint,
        credentials=intern,
        options=DiagnoseOptions(
            identify=True,
            sts_endpoint_url=gateway.sts_url,
            resource_policy=json.dumps(resource_policy(gateway)),
            identity_policies=user_policies(gateway, "team-a-intern"),
            api_owner_account=OWNER,
            source_ip="127.0.0.1",
        ),
    )
    assert diagnosis.cause == "no_allow"
    assert diagnosis.details["caller"]["arn"] == f"arn:aws:iam::{TEAM_A}:user/team-a-intern"
    data = diagnosis.to_dict()
    assert data["decision"]["result"] == "IMPLICIT_DENY"
    assert data["deciding"] == []
    fix = data["fixes"][0]
    assert fix["where"].startswith("identity policy of") and f"account {TEAM_A}" in fix["where"]
    resource = f"arn:aws:execute-api:us-west-2:{OWNER}:a1b2c3d4e5/prod/GET/products"
    assert fix["statement"]["Resource"] == resource
    assert f"account {TEAM_A}" in diagnosis.summary
    assert "the resource ARN in the message is the one the request meant" in diagnosis.evidence
    assert_no_secrets(diagnosis, intern.secret_key)


def test_a_masked_owner_that_is_not_the_callers_stops_the_evaluation(
    gateway: Gateway, send: Send, endpoint: Endpoint
) -> None:
    response = send(gateway.credentials_for("team-a-intern"), "/products")
    diagnosis = diagnose(
        response,
        endpoint=endpoint,
        options=DiagnoseOptions(
            identity={"Arn": f"arn:aws:iam::{TEAM_A}:user/team-a-intern", "Account": TEAM_A},
            resource_policy=resource_policy(gateway),
        ),
    )
    assert diagnosis.decision is None
    assert f"the masked owner account (…2222) is not the caller's account {TEAM_A}" in diagnosis.evidence
    assert any("without the API owner's account" in line for line in diagnosis.evidence)


def test_explicit_deny_by_ip_range_names_the_statement(
    gateway: Gateway, send: Send, endpoint: Endpoint, tmp_path: Path
) -> None:
    reader = gateway.credentials_for("reader")
    response = send(reader, "/products", headers={"X-Forwarded-For": FLAGGED_IP})
    policy_file = tmp_path / "resource-policy.json"
    policy_file.write_text(json.dumps(resource_policy(gateway)), encoding="utf-8")
    diagnosis = diagnose(
        response,
        signature=signature_of(response),
        endpoint=endpoint,
        credentials=reader,
        options=DiagnoseOptions(
            identify=True,
            sts_endpoint_url=gateway.sts_url,
            resource_policy=str(policy_file),
            identity_policies=user_policies(gateway, "reader"),
            source_ip=FLAGGED_IP,
        ),
    )
    assert diagnosis.cause == "explicit_deny"
    # The owner account, masked in the message, is recovered from the caller's by its last four digits.
    matched = f"the masked owner account (…2222) matches the caller's account {OWNER} on its last four digits"
    assert matched in diagnosis.evidence
    data = diagnosis.to_dict()
    assert data["deciding"] == [{"policy": "resource policy", "index": 2, "sid": "BlockFlaggedRange"}]
    assert data["fixes"][0]["where"] == f"resource policy in account {OWNER}"
    assert "Sid 'BlockFlaggedRange'" in diagnosis.summary
    assert "Deciding statement:" in diagnosis.to_text()
    assert_no_secrets(diagnosis, reader.secret_key)


def test_api_key_missing(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    response = send(gateway.credentials_for("admin"), "/reports")
    unknown = diagnose(response, endpoint=endpoint)
    assert unknown.cause == "forbidden_generic"
    assert "no x-api-key header was sent" in unknown.evidence
    known = diagnose(response, endpoint=endpoint, options=DiagnoseOptions(api_key_required=True))
    assert known.cause == "api_key"
    assert known.details["classified_cause"] == "forbidden_generic"
    refined = "refined from forbidden_generic: the method requires an API key and none was sent"
    assert refined in known.evidence


def test_api_key_ruled_out_leaves_waf(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    response = send(gateway.credentials_for("admin"), "/reports", headers={"x-api-key": "EXAMPLEwrongkey"})
    signature = signature_of(response)
    sent_wrong_key = diagnose(
        response, signature=signature, endpoint=endpoint, options=DiagnoseOptions(api_key_required=True)
    )
    # The key was signed, so the canonical request names it, masked.
    assert "x-api-key:<redacted>" in sent_wrong_key.details["canonical_request"]
    assert sent_wrong_key.cause == "api_key"
    assert "an x-api-key header was sent" in sent_wrong_key.evidence
    assert (
        diagnose(response, endpoint=endpoint, options=DiagnoseOptions(api_key_required=False)).cause == "waf"
    )
    assert_no_secrets(sent_wrong_key, "EXAMPLEwrongkey")


def test_a_vpc_endpoint_host_without_the_api_id_header(gateway: Gateway) -> None:
    url = "http://vpce-0123456789abcdef0-a1b2c3d4.execute-api.us-west-2.vpce.amazonaws.com/prod/reports"
    response = send_through(gateway, url, gateway.credentials_for("admin"))
    diagnosis = diagnose(response, endpoint=parse_url(url))
    assert diagnosis.cause == "private_api_vpce"
    assert diagnosis.details["endpoint_kind"] == "vpce"
    assert any("no x-apigw-api-id header was sent" in line for line in diagnosis.evidence)


def test_identity_is_asked_once_per_access_key(
    gateway: Gateway, send: Send, endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    # A fresh role session: an access key no earlier test has cached.
    session = gateway.credentials_for("partner-integration")
    response = send(session, "/products/7", method="DELETE")
    assert response.status_code == 403
    signature = signature_of(response)

    def sts_calls() -> int:
        return sum(1 for record in gateway.access_log if record.get("service") == "sts")

    before = sts_calls()
    caplog.set_level(logging.DEBUG)
    options = DiagnoseOptions(identify=True, sts_endpoint_url=gateway.sts_url)
    first, second = (
        diagnose(response, signature=signature, credentials=session, endpoint=endpoint, options=options)
        for _ in range(2)
    )
    assert sts_calls() == before + 1
    assert first.details["caller"] == second.details["caller"]
    role_session = f"arn:aws:sts::{OWNER}:assumed-role/partner-integration/"
    assert first.details["caller"]["arn"].startswith(role_session)
    assert_no_secrets(first, session.secret_key, session.token)
    # botocore's DEBUG logs of the STS call are masked too.
    assert "botocore" in caplog.text
    assert session.secret_key not in caplog.text and str(session.token) not in caplog.text


def test_an_unreachable_sts_is_evidence(send: Send, gateway: Gateway) -> None:
    credentials = Credentials("AKIDEXAMPLENOSTS0001", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    response = send(credentials, "/products")
    diagnosis = diagnose(
        response,
        credentials=credentials,
        options=DiagnoseOptions(identify=True, sts_endpoint_url="http://127.0.0.1:9/sts"),
    )
    assert diagnosis.cause == "token_invalid"
    assert "caller" not in diagnosis.details
    failed = "STS GetCallerIdentity for AKIDEXAMPLENOSTS0001 failed"
    assert any(line.startswith(failed) for line in diagnosis.evidence)


def test_an_unknown_key_is_unknown_to_sts_too(send: Send, gateway: Gateway) -> None:
    credentials = Credentials("AKIDEXAMPLEUNKNOWN01", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    response = send(credentials, "/products")
    diagnosis = diagnose(
        response,
        credentials=credentials,
        options=DiagnoseOptions(identify=True, sts_endpoint_url=gateway.sts_url),
    )
    assert diagnosis.cause == "token_invalid"
    assert diagnosis.details["identity_error"].startswith("InvalidClientTokenId")


def test_expired_session_credentials() -> None:
    from apiclient.gateway import running, sample_config  # noqa: PLC0415

    with running(sample_config(), credential_lifetime=1) as short:
        session = short.credentials_for("partner-integration")
        assert session.expiry is not None
        url = f"http://{short.host_for()}/prod/products"
        time.sleep(max(0.0, (session.expiry - dt.datetime.now(dt.timezone.utc)).total_seconds()) + 0.05)
        response = send_through(short, url, session)
    diagnosis = diagnose(response, credentials=session, endpoint=parse_url(url))
    assert diagnosis.cause == "token_expired"
    assert f"the credentials expired at {session.expiry.isoformat()}" in diagnosis.evidence
    assert_no_secrets(diagnosis, session.secret_key, session.token)


def test_credentials_about_to_expire_are_named(send: Send, gateway: Gateway) -> None:
    reader = gateway.credentials_for("reader")
    expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)
    soon = Credentials(reader.access_key, reader.secret_key, expiry=expiry)
    diagnosis = diagnose(send(soon, "/reports"), credentials=soon)
    # Measured from the response's Date header, which has one-second resolution (RFC 9110 5.6.7):
    # up to a second earlier than the true time, so up to 121 s may be left.
    assert 100 <= diagnosis.details["credentials_seconds_left"] <= 121
    assert any(line.startswith("the credentials expire in") for line in diagnosis.evidence)


def test_access_denied_from_the_client_is_one_line(gateway: Gateway, api_url: str) -> None:
    intern = gateway.credentials_for("team-a-intern")
    client = Client(api_url, credentials=intern, connect_to=f"127.0.0.1:{gateway.port}", allow_http=True)
    with client, pytest.raises(AccessDenied) as refused:
        client.get("/products")
    error = refused.value
    assert error.diagnosis.cause == "no_allow"
    assert str(error) == error.diagnosis.summary and "\n" not in str(error)
    assert error.diagnosis.details["signed_access_key"] == intern.access_key
    assert_no_secrets(error.diagnosis, intern.secret_key)
    assert intern.secret_key not in str(error)


def test_identity_policies_alone_are_evaluated(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    reader = gateway.credentials_for("reader")
    response = send(reader, "/products", method="POST")
    options = DiagnoseOptions(
        identity_policies=user_policies(gateway, "reader"),
        identity={"Arn": f"arn:aws:iam::{OWNER}:user/staff/reader", "Account": OWNER},
    )
    diagnosis = diagnose(response, endpoint=endpoint, options=options)
    assert diagnosis.decision is not None
    assert diagnosis.details["policy_verdict"]["result"] == "IMPLICIT_DENY"
    assert diagnosis.details["resource_policy_source"] == "none given"
    assert any(line.startswith("no resource policy was given") for line in diagnosis.evidence)
    assert "ReadProductList" in diagnosis.summary


def test_the_owner_account_is_read_from_the_policies_arns(
    gateway: Gateway, send: Send, endpoint: Endpoint
) -> None:
    # API Gateway masks the owner's account ("********2222"); the caller's account is another one.
    intern = f"arn:aws:iam::{TEAM_A}:user/team-a-intern"
    grant = {
        "Sid": "TeamAAccount",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{TEAM_A}:root"},
        "Action": "execute-api:Invoke",
        "Resource": f"arn:aws:execute-api:us-west-2:{OWNER}:a1b2c3d4e5/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [grant]}
    response = send(gateway.credentials_for("team-a-intern"), "/products")
    options = DiagnoseOptions(resource_policy=policy, identity={"Arn": intern, "Account": TEAM_A})
    diagnosis = diagnose(response, endpoint=endpoint, options=options)
    assert (
        f"the API owner's account {OWNER} is read from the resource policy's Resource ARNs"
        in diagnosis.evidence
    )
    assert diagnosis.details["policy_verdict"]["result"] == "IMPLICIT_DENY"
    assert diagnosis.to_dict()["fixes"][0]["where"] == f"identity policy of {intern} in account {TEAM_A}"
