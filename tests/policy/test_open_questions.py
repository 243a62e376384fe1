"""Questions AWS leaves undocumented are answered with both readings, never a silent guess.

[AG:x] is https://docs.aws.amazon.com/apigateway/latest/developerguide/x.html, [IAM:x] is https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html.
"""

from __future__ import annotations

from typing import Any

from apiclient.policy import authorize, lint


def test_account_principal_in_own_account_shows_both_readings(build: Any) -> None:
    # [IAM:reference_policies_elements_principal]: an account principal delegates; API Gateway is silent.
    account_grant = build.policy(build.allow(Principal={"AWS": build.owner}))
    decision = authorize(build.same_account(), resource_policy=account_grant)
    assert decision.result == "ALLOW"
    [alternative] = decision.alternatives
    assert alternative.result_if_alternative == "IMPLICIT_DENY"
    assert "delegates" in alternative.alternative
    assert "Undocumented AWS behaviour" in decision.explain()


def test_account_principal_question_is_silent_when_it_cannot_matter(build: Any) -> None:
    account_grant = build.policy(build.allow(Principal={"AWS": build.owner}))
    decision = authorize(
        build.same_account(), resource_policy=account_grant, identity_policies=[build.identity_allow]
    )
    assert decision.result == "ALLOW"
    assert decision.alternatives == []


def test_not_principal_partial_list_shows_both_readings(build: Any) -> None:
    # [IAM:reference_policies_elements_notprincipal]: listing only some of session, role, account: undefined.
    deny_others = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [build.role]},
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    doc = build.policy(build.allow(), deny_others)
    decision = authorize(build.request(), resource_policy=doc, identity_policies=[build.identity_allow])
    assert decision.result == "ALLOW"
    assert [a.result_if_alternative for a in decision.alternatives] == ["EXPLICIT_DENY"]
    assert "does not document" in " ".join(e.reason for t in decision.trace for e in t.elements)
    assert any(w.code == "notprincipal-partial" for w in decision.lint)


def test_cidr_with_whitespace_shows_both_readings_and_lints(build: Any) -> None:
    # [IAM:reference_policies_elements_condition_operators] wants standard CIDR: lint, and show both readings.
    padded = build.policy(build.allow(Condition={"IpAddress": {"aws:SourceIp": [" 198.51.100.0/24"]}}))
    decision = authorize(build.request(), resource_policy=padded, authorization="NONE")
    assert decision.result == "ALLOW"
    assert [a.result_if_alternative for a in decision.alternatives] == ["IMPLICIT_DENY"]
    assert [w.code for w in lint(padded)] == ["cidr-whitespace"]


def test_cidr_whitespace_in_not_ip_deny_fails_open_in_the_alternative(build: Any) -> None:
    # iam-simulate's reading (github.com/cloud-copilot/iam-simulate) makes a NotIpAddress Deny never apply.
    doc = build.policy(
        build.allow(), build.deny(Condition={"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24 "]}})
    )
    decision = authorize(build.request(), resource_policy=doc, authorization="NONE")
    assert decision.result == "EXPLICIT_DENY"
    assert [a.result_if_alternative for a in decision.alternatives] == ["ALLOW"]


def test_cognito_silent_resource_policy_shows_table_a_reading(build: Any) -> None:
    # [AG:apigateway-authorization-flow]: the Cognito text wants an explicit allow; Table A would allow.
    silent = build.policy(build.allow(Resource="execute-api:/other/*"))
    decision = authorize(build.request(), resource_policy=silent, authorization="COGNITO_USER_POOLS")
    assert decision.result == "IMPLICIT_DENY"
    assert [a.result_if_alternative for a in decision.alternatives] == ["ALLOW"]


def test_principal_name_case_shows_both_readings(build: Any) -> None:
    # [IAM:reference_policies_elements_principal]: user names are case-sensitive; API Gateway's is unknown.
    doc = build.policy(build.allow(Principal={"AWS": f"arn:aws:iam::{build.other}:user/alice"}))
    caller = f"arn:aws:iam::{build.other}:user/Alice"
    decision = authorize(
        build.request(principal_arn=caller), resource_policy=doc, identity_policies=[build.identity_allow]
    )
    assert decision.result == "IMPLICIT_DENY"
    assert [a.result_if_alternative for a in decision.alternatives] == ["ALLOW"]
    assert "only in letter case" in decision.explain()
