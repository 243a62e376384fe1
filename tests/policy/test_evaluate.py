"""evaluate(): one policy, any action, e.g. sts:AssumeRole against a role trust policy."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.errors import PolicyError
from apiclient.policy import evaluate

ROLE = "arn:aws:iam::111111111111:role/integrator"
PARTNER = "arn:aws:iam::222222222222:user/partner"
# The SaaS third-party pattern: trust another account with an external ID and MFA
# [IAM:reference_policies_condition-keys sts:ExternalId, aws:MultiFactorAuthPresent].
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Partner",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"sts:ExternalId": "Unique-EXAMPLE-42"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
        }
    ],
}


def assume(keys: dict[str, Any], principal: str | None = PARTNER) -> Any:
    return evaluate(
        TRUST,
        action="sts:AssumeRole",
        resource=ROLE,
        principal_arn=principal,
        principal_account="222222222222" if principal else None,
        context_keys=keys,
        policy_name="trust policy",
    )


def test_trust_policy_allows_with_external_id_and_mfa() -> None:
    decision = assume({"sts:ExternalId": "Unique-EXAMPLE-42", "aws:MultiFactorAuthPresent": True})
    assert decision.result == "ALLOW"
    assert [ref.sid for ref in decision.deciding] == ["Partner"]


def test_wrong_external_id_is_explained() -> None:
    decision = assume({"sts:ExternalId": "wrong", "aws:MultiFactorAuthPresent": "true"})
    assert decision.result == "IMPLICIT_DENY"
    assert "sts:ExternalId wrong does not equal Unique-EXAMPLE-42" in decision.explain()


def test_missing_mfa_is_a_missing_key() -> None:
    decision = assume({"sts:ExternalId": "Unique-EXAMPLE-42"})
    assert decision.result == "IMPLICIT_DENY"
    assert decision.missing_keys == ["aws:MultiFactorAuthPresent"]


def test_other_account_and_anonymous_are_refused() -> None:
    keys = {"sts:ExternalId": "Unique-EXAMPLE-42", "aws:MultiFactorAuthPresent": "true"}
    other = evaluate(
        TRUST,
        action="sts:AssumeRole",
        resource=ROLE,
        principal_arn="arn:aws:iam::333333333333:user/x",
        context_keys=keys,
    )
    assert other.result == "IMPLICIT_DENY"
    assert assume(keys, principal=None).result == "IMPLICIT_DENY"


def test_deny_in_trust_policy_is_explicit() -> None:
    doc = {
        **TRUST,
        "Statement": [
            *TRUST["Statement"],
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sts:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
    decision = evaluate(
        doc,
        action="sts:AssumeRole",
        resource=ROLE,
        principal_arn=PARTNER,
        context_keys={"aws:SecureTransport": False},
    )
    assert decision.result == "EXPLICIT_DENY"


def test_shorthand_in_evaluate_expands_from_the_resource() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/GET/*",
            }
        ],
    }
    resource = "arn:aws:execute-api:us-east-1:111111111111:abc/prod/GET/pets"
    assert evaluate(doc, action="execute-api:Invoke", resource=resource, principal_arn=None).allowed
    assert not evaluate(
        doc, action="execute-api:Invoke", resource=resource.replace("GET", "PUT"), principal_arn=None
    ).allowed


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("action", {"action": ""}),
        ("current_time", {"current_time": "not a time"}),
        ("context_keys.k", {"context_keys": {"k": object()}}),
    ],
)
def test_bad_arguments(field: str, kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "action": "sts:AssumeRole",
        "resource": ROLE,
        "principal_arn": PARTNER,
        **kwargs,
    }
    with pytest.raises(PolicyError) as error:
        evaluate(TRUST, **arguments)
    assert error.value.path == field
