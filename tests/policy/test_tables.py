"""API Gateway's outcome Tables A and B, every row [AG:apigateway-authorization-flow]."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import authorize

# (IAM policy or authorizer, resource policy, Table A: same account, Table B: cross account),
# verbatim from the page's two tables.
ROWS = [
    ("Allow", "Allow", "ALLOW", "ALLOW"),
    ("Allow", "Neither", "ALLOW", "IMPLICIT_DENY"),
    ("Allow", "Deny", "EXPLICIT_DENY", "EXPLICIT_DENY"),
    ("Neither", "Allow", "ALLOW", "IMPLICIT_DENY"),
    ("Neither", "Neither", "IMPLICIT_DENY", "IMPLICIT_DENY"),
    ("Neither", "Deny", "EXPLICIT_DENY", "EXPLICIT_DENY"),
    ("Deny", "Allow", "EXPLICIT_DENY", "EXPLICIT_DENY"),
    ("Deny", "Neither", "EXPLICIT_DENY", "EXPLICIT_DENY"),
    ("Deny", "Deny", "EXPLICIT_DENY", "EXPLICIT_DENY"),
]
IDS = [f"{row[0]}-{row[1]}" for row in ROWS]


def resource_policy(build: Any, verdict: str) -> dict[str, Any]:
    policies: dict[str, dict[str, Any]] = {
        "Allow": build.policy(build.allow()),
        "Neither": build.policy(build.allow(Resource="execute-api:/other-stage/*")),
        "Deny": build.policy(build.allow(), build.deny()),
    }
    return policies[verdict]


def identity_policy(build: Any, verdict: str) -> dict[str, Any]:
    policies: dict[str, dict[str, Any]] = {
        "Allow": build.identity_allow,
        "Neither": build.identity({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        "Deny": build.identity({"Effect": "Deny", "Action": "execute-api:*", "Resource": "*"}),
    }
    return policies[verdict]


@pytest.mark.parametrize(("iam", "resource", "same", "cross"), ROWS, ids=IDS)
def test_iam_authorization_follows_tables_a_and_b(
    build: Any, iam: str, resource: str, same: str, cross: str
) -> None:
    for request, expected, table in ((build.same_account(), same, "A"), (build.request(), cross, "B")):
        decision = authorize(
            request,
            resource_policy=resource_policy(build, resource),
            identity_policies=[identity_policy(build, iam)],
        )
        assert decision.result == expected, f"Table {table}: {decision.explain()}"
        assert f"Table {table}" in decision.explain()


@pytest.mark.parametrize(("authorizer", "resource", "same", "cross"), ROWS, ids=IDS)
def test_lambda_authorizer_uses_table_a(
    build: Any, authorizer: str, resource: str, same: str, cross: str
) -> None:
    # "... evaluated in conjunction with the resource policy. The result is determined based on Table A".
    word = {"Allow": "ALLOW", "Neither": "NONE", "Deny": "DENY"}[authorizer]
    decision = authorize(
        build.request(),
        resource_policy=resource_policy(build, resource),
        authorization="CUSTOM",
        authorizer_result=word,
    )
    assert decision.result == same, decision.explain()


def test_lambda_authorizer_policy_document_is_evaluated(build: Any) -> None:
    granted = build.identity(
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": build.request().resource_arn}
    )
    decision = authorize(
        build.request(), resource_policy=None, authorization="CUSTOM", authorizer_result=granted
    )
    assert decision.result == "ALLOW"
    assert decision.deciding[0].policy == "authorizer policy"
    refused = authorize(
        build.request(path="/owners"), resource_policy=None, authorization="CUSTOM", authorizer_result=granted
    )
    assert refused.result == "IMPLICIT_DENY"
