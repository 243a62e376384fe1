"""boto3 pointed at the gateway's STS: role assumption, refusals worded as STS words them, session use."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from gateway_helpers import REGION, Key, send, signed, user_key

from apiclient.gateway import Gateway, GatewayConfig, running

PARTNER_ROLE = "arn:aws:iam::222222222222:role/partner-integration"
ADMIN_ROLE = "arn:aws:iam::222222222222:role/admin-mfa"
CI_ROLE = "arn:aws:iam::222222222222:role/ci-deployer"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"
MFA = {"SerialNumber": "arn:aws:iam::222222222222:mfa/admin", "TokenCode": "123456"}


def sts(gw: Gateway, key: Key | None) -> Any:
    if key is None:
        return boto3.client(
            "sts", endpoint_url=gw.sts_url, region_name=REGION, config=Config(signature_version=UNSIGNED)
        )
    return boto3.client(
        "sts",
        endpoint_url=gw.sts_url,
        region_name=REGION,
        aws_access_key_id=key.access_key,
        aws_secret_access_key=key.secret_key,
        aws_session_token=key.token,
    )


def error_of(call: Any, **kwargs: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


@pytest.fixture(scope="module")
def partner(gw: Gateway, config: GatewayConfig) -> Iterator[Any]:
    yield sts(gw, user_key(config, "integrator"))


def test_get_caller_identity(partner: Any) -> None:
    identity = partner.get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::333333333333:user/integrator"
    assert identity["Account"] == "333333333333"
    assert identity["UserId"].startswith("AIDA")


def test_assume_role_with_external_id_and_use_the_session(gw: Gateway, partner: Any) -> None:
    answer = partner.assume_role(RoleArn=PARTNER_ROLE, RoleSessionName="nightly", ExternalId=EXTERNAL_ID)
    session_arn = "arn:aws:sts::222222222222:assumed-role/partner-integration/nightly"
    assert answer["AssumedRoleUser"]["Arn"] == session_arn
    creds = answer["Credentials"]
    key = Key(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert sts(gw, key).get_caller_identity()["Arn"] == session_arn
    with requests.Session() as http:
        # The session's policies are the role's: it may read products but not create them.
        assert send(http, signed("GET", gw.api_url() + "/products/9", key)).status_code == 200
        refused = send(http, signed("POST", gw.api_url() + "/products", key, body=b"{}"))
    assert refused.status_code == 403
    assert refused.json()["Message"].startswith(f"User: {session_arn} is not authorized")


@pytest.mark.parametrize("external_id", [None, "EXAMPLE-wrong-id"])
def test_trust_policy_refuses_wrong_or_missing_external_id(partner: Any, external_id: str | None) -> None:
    extra = {"ExternalId": external_id} if external_id else {}
    status, code, message = error_of(partner.assume_role, RoleArn=PARTNER_ROLE, RoleSessionName="s1", **extra)
    assert (status, code) == (403, "AccessDenied")
    assert message == (
        "User: arn:aws:iam::333333333333:user/integrator is not authorized to perform: sts:AssumeRole "
        f"on resource: {PARTNER_ROLE}"
    )


def test_cross_account_caller_without_identity_allow_is_refused(gw: Gateway, config: GatewayConfig) -> None:
    status, code, _ = error_of(
        sts(gw, user_key(config, "team-a-tester")).assume_role,
        RoleArn=PARTNER_ROLE,
        RoleSessionName="s1",
        ExternalId=EXTERNAL_ID,
    )
    assert (status, code) == (403, "AccessDenied")


def test_mfa_condition(gw: Gateway, config: GatewayConfig) -> None:
    admin = sts(gw, user_key(config, "admin"))
    assert error_of(admin.assume_role, RoleArn=ADMIN_ROLE, RoleSessionName="a1")[1] == "AccessDenied"
    answer = admin.assume_role(RoleArn=ADMIN_ROLE, RoleSessionName="a1", **MFA)
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::222222222222:assumed-role/admin-mfa/a1"
    bad_code = {**MFA, "TokenCode": "12ab56"}
    assert error_of(admin.assume_role, RoleArn=ADMIN_ROLE, RoleSessionName="a1", **bad_code)[:2] == (
        403,
        "AccessDenied",
    )


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        (7201, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
        (
            899,
            "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value greater than or equal to 900",
        ),
    ],
)
def test_duration_limits(gw: Gateway, config: GatewayConfig, duration: int, message: str) -> None:
    # botocore validates the 900-second floor itself; without its check the server's answer shows.
    client = boto3.client(
        "sts",
        endpoint_url=gw.sts_url,
        region_name=REGION,
        aws_access_key_id=user_key(config, "admin").access_key,
        aws_secret_access_key=user_key(config, "admin").secret_key,
        config=Config(parameter_validation=False),
    )
    assert error_of(
        client.assume_role, RoleArn=ADMIN_ROLE, RoleSessionName="a1", DurationSeconds=duration, **MFA
    ) == (400, "ValidationError", message)


def test_duration_within_limit_sets_expiration(gw: Gateway, config: GatewayConfig) -> None:
    admin = sts(gw, user_key(config, "admin"))
    answer = admin.assume_role(RoleArn=ADMIN_ROLE, RoleSessionName="a1", DurationSeconds=7200, **MFA)
    assert 7199 <= _lifetime(answer) <= 7201


def test_web_identity(gw: Gateway) -> None:
    anonymous = sts(gw, None)
    answer = anonymous.assume_role_with_web_identity(
        RoleArn=CI_ROLE, RoleSessionName="ci", WebIdentityToken="EXAMPLE-oidc-token-for-ci"
    )
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::222222222222:assumed-role/ci-deployer/ci"
    assert answer["SubjectFromWebIdentityToken"] == "repo:example/products:ref:refs/heads/main"
    status, code, _ = error_of(
        anonymous.assume_role_with_web_identity,
        RoleArn=CI_ROLE,
        RoleSessionName="ci",
        WebIdentityToken="EXAMPLE-forged-token",
    )
    assert (status, code) == (400, "InvalidIdentityToken")


def test_web_identity_refused_by_trust_policy(gw: Gateway) -> None:
    status, code, message = error_of(
        sts(gw, None).assume_role_with_web_identity,
        RoleArn=PARTNER_ROLE,
        RoleSessionName="ci",
        WebIdentityToken="EXAMPLE-oidc-token-for-ci",
    )
    assert (status, code, message) == (
        403,
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            Key("AKIAEXAMPLEUNKNOWN01", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
        ),
        (
            Key("AKIAEXAMPLEPARTNER01", "wrong-secret-EXAMPLE"),
            (
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your "
                "AWS Secret Access Key and signing method. Consult the service documentation for details.",
            ),
        ),
    ],
)
def test_sts_signature_errors(gw: Gateway, key: Key, expected: tuple[int, str, str]) -> None:
    assert error_of(sts(gw, key).get_caller_identity) == expected


def test_expired_session_is_refused_by_sts(config: GatewayConfig) -> None:
    with running(config, credential_lifetime=1) as short:
        creds = short.credentials_for("partner-integration")
        time.sleep(1.1)
        key = Key(creds.access_key, creds.secret_key, creds.token)
        # Real STS answers ExpiredToken with HTTP 403 (this test asserted 400 before).
        assert error_of(sts(short, key).get_caller_identity) == (
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        )


def test_credential_lifetime_applies_to_assumed_roles(config: GatewayConfig) -> None:
    with running(config, credential_lifetime=30) as short:
        answer = sts(short, user_key(config, "integrator")).assume_role(
            RoleArn=PARTNER_ROLE, RoleSessionName="s1", ExternalId=EXTERNAL_ID, DurationSeconds=3600
        )
    assert 29 <= _lifetime(answer) <= 31


def _lifetime(answer: Any) -> float:
    """Seconds from the answer's Date to the Expiration botocore parsed out of the XML."""
    sent = email.utils.parsedate_to_datetime(answer["ResponseMetadata"]["HTTPHeaders"]["date"])
    return float((answer["Credentials"]["Expiration"] - sent).total_seconds())


def test_unknown_role_is_refused_like_a_forbidden_one(partner: Any) -> None:
    ghost = "arn:aws:iam::222222222222:role/EXAMPLE-no-such-role"
    assert error_of(partner.assume_role, RoleArn=ghost, RoleSessionName="s1") == (
        403,
        "AccessDenied",
        f"User: arn:aws:iam::333333333333:user/integrator is not authorized to perform: sts:AssumeRole "
        f"on resource: {ghost}",
    )
