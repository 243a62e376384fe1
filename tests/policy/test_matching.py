"""Principal, Action and Resource matching [IAM:reference_policies_elements_*], cited per case."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import authorize, evaluate

OWNER, OTHER = "111111111111", "222222222222"
RESOURCE = f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/prod/GET/pets"


def allowed(
    statement: dict[str, Any],
    *,
    action: str = "execute-api:Invoke",
    resource: str = RESOURCE,
    principal: str | None = f"arn:aws:sts::{OTHER}:assumed-role/developer/alice",
) -> bool:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}
    return evaluate(doc, action=action, resource=resource, principal_arn=principal).allowed


def with_resource(pattern: str) -> dict[str, Any]:
    return {"Action": "execute-api:Invoke", "Resource": pattern}


RESOURCE_CASES = [
    ("RES-star-everything", "*", True),
    ("RES-star-crosses-slash", f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/*", True),
    ("RES-star-in-middle", f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/*/GET/pets", True),
    ("RES-question-one-char", f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/pro?/GET/pets", True),
    ("PS-no-trailing-star-exact", f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/prod/GET/pet", False),
    (
        "PS-pets-star-does-not-match-pets",
        f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/prod/GET/pets/*",
        False,
    ),
    ("PS-path-case-sensitive", f"arn:aws:execute-api:us-east-2:{OWNER}:a1b2c3d4e5/prod/GET/Pets", False),
    ("PS-prefix-case-insensitive", f"ARN:AWS:Execute-API:US-EAST-2:{OWNER}:a1b2c3d4e5/prod/GET/pets", True),
    ("AG-region-may-be-star", f"arn:aws:execute-api:*:{OWNER}:a1b2c3d4e5/*", True),
    ("PS-cross-account-must-name-owner", f"arn:aws:execute-api:*:{OTHER}:a1b2c3d4e5/*", False),
    ("RES-star-in-segment-stays-in-segment", "arn:aws:execute-api:*:a1b2c3d4e5/*", False),
    ("RES-truncated-pattern-last-star-covers-rest", "arn:aws:execute-api:*", True),
]


@pytest.mark.parametrize(
    ("pattern", "expected"), [c[1:] for c in RESOURCE_CASES], ids=[c[0] for c in RESOURCE_CASES]
)
def test_resource_patterns(pattern: str, expected: bool) -> None:
    assert allowed(with_resource(pattern)) is expected


def test_not_resource_matches_everything_else() -> None:
    # [IAM:reference_policies_elements_notresource]
    assert allowed({"Action": "execute-api:Invoke", "NotResource": "arn:aws:execute-api:*:*:*/*/POST/*"})
    assert not allowed({"Action": "execute-api:Invoke", "NotResource": "arn:aws:execute-api:*:*:*/*/GET/*"})


ACTION_CASES = [
    (
        "ACT-case-insensitive (iam:ListAccessKeys = IAM:listaccesskeys)",
        "IAM:listaccesskeys",
        "iam:ListAccessKeys",
        True,
    ),
    ("PS-execute-api-star-covers-Invoke", "execute-api:*", "execute-api:Invoke", True),
    ("PS-execute-api-star-covers-ManageConnections", "execute-api:*", "execute-api:ManageConnections", True),
    ("ACT-wildcard-prefix", "execute-api:Inv*", "execute-api:Invoke", True),
    ("ACT-other-action", "execute-api:InvalidateCache", "execute-api:Invoke", False),
]


@pytest.mark.parametrize(
    ("pattern", "action", "expected"), [c[1:] for c in ACTION_CASES], ids=[c[0] for c in ACTION_CASES]
)
def test_action_patterns(pattern: str, action: str, expected: bool) -> None:
    assert allowed({"Action": pattern, "Resource": "*"}, action=action) is expected


def test_not_action_allow_grants_everything_else() -> None:
    # [IAM:reference_policies_elements_notaction]
    assert allowed({"NotAction": "execute-api:InvalidateCache", "Resource": "*"})
    assert not allowed({"NotAction": "execute-api:*", "Resource": "*"})


SESSION = f"arn:aws:sts::{OTHER}:assumed-role/developer/alice"
PRINCIPAL_CASES = [
    ("PRIN-star-string", "*", SESSION, True),
    ("PRIN-AWS-star", {"AWS": "*"}, SESSION, True),
    ("PRIN-star-includes-anonymous", "*", None, True),
    ("PRIN-account-id", {"AWS": OTHER}, SESSION, True),
    ("PRIN-account-root-arn-same-as-id", {"AWS": f"arn:aws:iam::{OTHER}:root"}, SESSION, True),
    ("PRIN-account-other", {"AWS": OWNER}, SESSION, False),
    ("PRIN-account-not-anonymous", {"AWS": OTHER}, None, False),
    ("PRIN-role-covers-its-sessions", {"AWS": f"arn:aws:iam::{OTHER}:role/developer"}, SESSION, True),
    (
        "PRIN-role-with-path-covers-sessions",
        {"AWS": f"arn:aws:iam::{OTHER}:role/team/developer"},
        SESSION,
        True,
    ),
    ("PRIN-role-other-account", {"AWS": f"arn:aws:iam::{OWNER}:role/developer"}, SESSION, False),
    ("PRIN-session-arn-exact", {"AWS": SESSION}, SESSION, True),
    (
        "PRIN-session-arn-other-session",
        {"AWS": f"arn:aws:sts::{OTHER}:assumed-role/developer/bob"},
        SESSION,
        False,
    ),
    (
        "PRIN-user-with-path",
        {"AWS": f"arn:aws:iam::{OTHER}:user/division/Alice"},
        f"arn:aws:iam::{OTHER}:user/division/Alice",
        True,
    ),
    (
        "PRIN-user-name-case-sensitive",
        {"AWS": f"arn:aws:iam::{OTHER}:user/alice"},
        f"arn:aws:iam::{OTHER}:user/Alice",
        False,
    ),
    (
        "PRIN-list-any-entry",
        {"AWS": [f"arn:aws:iam::{OWNER}:role/x", f"arn:aws:iam::{OTHER}:role/developer"]},
        SESSION,
        True,
    ),
    (
        "PRIN-federated-user",
        {"AWS": f"arn:aws:sts::{OTHER}:federated-user/carol"},
        f"arn:aws:sts::{OTHER}:federated-user/carol",
        True,
    ),
]


@pytest.mark.parametrize(
    ("principal", "caller", "expected"), [c[1:] for c in PRINCIPAL_CASES], ids=[c[0] for c in PRINCIPAL_CASES]
)
def test_principals(principal: Any, caller: str | None, expected: bool) -> None:
    # [IAM:reference_policies_elements_principal]
    assert allowed({"Principal": principal, "Action": "*", "Resource": "*"}, principal=caller) is expected


def test_service_and_canonical_user_principals() -> None:
    assert allowed(
        {"Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"},
        action="sts:AssumeRole",
        principal="lambda.amazonaws.com",
    )
    assert not allowed(
        {"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"},
        action="sts:AssumeRole",
        principal="lambda.amazonaws.com",
    )


def test_not_principal_deny_exempts_fully_listed_session(build: Any) -> None:
    # [IAM:reference_policies_elements_notprincipal]: list session, role and account.
    listed = [build.session, build.role, f"arn:aws:iam::{build.other}:root"]
    resource_policy = build.policy(
        build.allow(), build.deny(Principal=None) | {"NotPrincipal": {"AWS": listed}}
    )
    resource_policy["Statement"][1].pop("Principal")
    exempt = authorize(
        build.request(), resource_policy=resource_policy, identity_policies=[build.identity_allow]
    )
    assert exempt.result == "ALLOW"
    other = authorize(
        build.request(principal_arn=f"arn:aws:sts::{build.other}:assumed-role/tester/x"),
        resource_policy=resource_policy,
        identity_policies=[build.identity_allow],
    )
    assert other.result == "EXPLICIT_DENY"


def test_shorthand_needs_the_resource_policy(build: Any) -> None:
    # [AG:apigateway-resource-policies-examples]: only an API's resource policy expands the shorthand.
    identity = build.identity(
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
    )
    decision = authorize(build.same_account(), resource_policy=None, identity_policies=[identity])
    assert decision.result == "IMPLICIT_DENY"
    assert any(w.code == "shorthand-outside-resource-policy" for w in decision.lint)


def test_shorthand_expands_with_api_region_account(build: Any) -> None:
    shorthand = build.policy(build.allow(Resource="execute-api:/prod/GET/pets"))
    assert authorize(build.same_account(), resource_policy=shorthand).result == "ALLOW"
    elsewhere = build.same_account(api_id="zzzzzzzzzz")
    assert authorize(elsewhere, resource_policy=shorthand).result == "ALLOW"  # its own API, its own expansion
    full = build.policy(
        build.allow(Resource=f"arn:aws:execute-api:{build.region}:{build.owner}:{build.api}/*")
    )
    assert authorize(elsewhere, resource_policy=full).result == "IMPLICIT_DENY"


def test_unresolved_variable_in_resource_matches_nothing() -> None:
    # [IAM:reference_policies_variables] "will not match any resource".
    statement = {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"}
    assert not allowed(statement, action="s3:GetObject", resource="arn:aws:s3:::bucket/x/y")
    statement["Resource"] = "arn:aws:s3:::bucket/${aws:username}/*"
    assert allowed(
        statement,
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket/Alice/y",
        principal=f"arn:aws:iam::{OTHER}:user/Alice",
    )
    assert not allowed(
        statement,
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket/Bob/y",
        principal=f"arn:aws:iam::{OTHER}:user/Alice",
    )
    statement["Resource"] = "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}"
    assert allowed(statement, action="s3:GetObject", resource="arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide")
