"""explain() names the deciding statement, the reason and the smallest fix; to_dict() is JSON-ready."""

from __future__ import annotations

import json
from typing import Any

from apiclient.policy import authorize


def test_explicit_deny_names_statement_and_condition(build: Any) -> None:
    doc = build.policy(
        build.allow(),
        {**build.deny(Condition={"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}), "Sid": "BlockList"},
    )
    decision = authorize(build.request(), resource_policy=doc, identity_policies=[build.identity_allow])
    text = decision.explain()
    assert text.startswith("DENIED (explicit deny)")
    assert "resource policy Statement[1] (Sid 'BlockList')" in text
    assert "aws:SourceIp 198.51.100.7 is in 198.51.100.0/24" in text
    assert decision.fixes[0].where == f"resource policy in account {build.owner}"
    assert [ref.sid for ref in decision.deciding] == ["BlockList"]


def test_implicit_deny_proposes_adding_the_callers_ip(build: Any) -> None:
    doc = build.policy(
        {**build.allow(Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}), "Sid": "Office"}
    )
    decision = authorize(build.request(), resource_policy=doc, identity_policies=[build.identity_allow])
    assert decision.result == "IMPLICIT_DENY"
    text = decision.explain()
    assert "aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24" in text
    assert "Smallest fix:" in text
    fix = decision.fixes[0]
    assert fix.where == f"resource policy in account {build.owner}"
    assert fix.statement is not None
    assert fix.statement["Condition"]["IpAddress"]["aws:SourceIp"] == ["203.0.113.0/24", "198.51.100.7/32"]
    fixed = build.policy(fix.statement)
    assert authorize(build.request(), resource_policy=fixed, identity_policies=[build.identity_allow]).allowed


def test_cross_account_missing_identity_allow_goes_to_the_callers_account(build: Any) -> None:
    decision = authorize(build.request(), resource_policy=build.policy(build.allow()))
    assert decision.result == "IMPLICIT_DENY"
    [fix] = decision.fixes
    assert fix.where == f"identity policy of {build.role} in account {build.other}"
    assert fix.statement == {
        "Effect": "Allow",
        "Action": "execute-api:Invoke",
        "Resource": build.request().resource_arn,
    }
    # The proposed statement really fixes it.
    assert authorize(
        build.request(),
        resource_policy=build.policy(build.allow()),
        identity_policies=[build.identity(fix.statement)],
    ).allowed


def test_cross_account_both_sides_silent_needs_both_fixes(build: Any) -> None:
    silent = build.policy(build.allow(Resource="execute-api:/test/*"))
    decision = authorize(build.request(), resource_policy=silent)
    assert decision.fixes_all_required
    assert {fix.where.split(" ")[0] for fix in decision.fixes} == {"resource", "identity"}
    assert "all of these are needed" in decision.explain()
    resource_fix = next(f for f in decision.fixes if f.where.startswith("resource"))
    assert resource_fix.statement is not None
    identity_fix = next(f for f in decision.fixes if f.where.startswith("identity"))
    assert identity_fix.statement is not None
    fixed = authorize(
        build.request(),
        resource_policy=build.policy(resource_fix.statement),
        identity_policies=[build.identity(identity_fix.statement)],
    )
    assert fixed.allowed


def test_principal_near_miss_adds_the_role_not_the_session(build: Any) -> None:
    doc = build.policy(build.allow(Principal={"AWS": [f"arn:aws:iam::{build.other}:role/tester"]}))
    decision = authorize(build.request(), resource_policy=doc, identity_policies=[build.identity_allow])
    fix = decision.fixes[0]
    assert fix.statement is not None
    assert fix.statement["Principal"]["AWS"][-1] == build.role


def test_allow_mentions_what_is_not_evaluated(build: Any) -> None:
    decision = authorize(build.same_account(), resource_policy=build.policy(build.allow()))
    assert decision.allowed
    assert "SCPs" in decision.explain()
    assert decision.fixes == []


def test_to_dict_is_json_ready(build: Any) -> None:
    decision = authorize(build.request(), resource_policy=build.policy(build.allow(), build.deny()))
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["result"] == "EXPLICIT_DENY"
    assert data["deciding"] == [{"policy": "resource policy", "index": 1, "sid": None, "effect": "Deny"}]
    assert data["trace"][0]["elements"][0]["element"] == "Principal"
    assert data["allowed"] is False


def test_missing_keys_are_reported(build: Any) -> None:
    doc = build.policy(build.allow(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}))
    decision = authorize(build.same_account(), resource_policy=doc)
    assert decision.missing_keys == ["aws:SourceVpce"]
    assert "aws:SourceVpce" in decision.explain()


def test_trace_covers_every_statement_even_after_a_deny(build: Any) -> None:
    doc = build.policy(build.deny(), build.allow(), build.allow(Action="s3:*"))
    decision = authorize(build.same_account(), resource_policy=doc)
    assert [trace.ref.index for trace in decision.trace] == [0, 1, 2]
    assert [trace.applies for trace in decision.trace] == [True, True, False]
    third = decision.trace[2]
    assert [e.element for e in third.elements] == ["Principal", "Action", "Resource"]


def test_private_api_without_policy_gets_a_vpce_scoped_grant(build: Any) -> None:
    # [AG:apigateway-private-apis] "Until your API has a resource policy that grants access ... all API calls
    # will fail."
    request = build.request(endpoint_type="PRIVATE", source_vpce="vpce-0abc")
    decision = authorize(request, resource_policy=None, authorization="NONE")
    assert decision.result == "IMPLICIT_DENY"
    [fix] = decision.fixes
    assert fix.statement is not None
    assert fix.statement["Condition"] == {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}
    assert authorize(request, resource_policy=build.policy(fix.statement), authorization="NONE").allowed
