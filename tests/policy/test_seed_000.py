"""Account B's Movies API as a new user rebuilds it from the docs: a cross-account grant to a user and
account A's root, an allow-list statement with the published padded CIDR " 203.0.113.0/24", and
its GET-only variant. Every fix offered is checked by applying it, alone or together as it says.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from apiclient.policy import AccessRequest, Decision, Fix, authorize, evaluate, who_can

OWNER = "222222222222"  # account B, which owns the Movies API
ACCOUNT_A = "111111111111"
MALLORY = "arn:aws:iam::999900001111:user/mallory"  # in no listed account
API = f"arn:aws:execute-api:us-east-1:{OWNER}:m0v1e5api0"
PADDED = " 203.0.113.0/24"
INVOKE_ANYTHING = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}


def allow_list(resource: str = f"{API}/*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": [f"arn:aws:iam::{ACCOUNT_A}:user/alice", f"arn:aws:iam::{ACCOUNT_A}:root"]
                },
                "Action": "execute-api:Invoke",
                "Resource": resource,
            },
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": resource,
                "Condition": {"IpAddress": {"aws:SourceIp": PADDED}},
            },
        ],
    }


VARIANTS = {"allow-list": allow_list(), "GET only": allow_list(f"{API}/*/GET/*")}


def request(source_ip: str, principal: str = MALLORY) -> AccessRequest:
    return AccessRequest(
        principal_arn=principal, principal_account=principal.split(":")[4], api_owner_account=OWNER,
        source_ip=source_ip, method="GET", stage="prod", path="/movies", api_id="m0v1e5api0",
        region="us-east-1", current_time="2026-11-29T12:00:00Z",
    )  # fmt: skip


def applied(policy: dict[str, Any], fix: Fix) -> dict[str, Any]:
    """``policy`` with the statement the fix edits replaced by the fix's statement."""
    assert fix.statement is not None
    index = int(fix.description.split("Statement[")[1].split("]")[0])
    patched = copy.deepcopy(policy)
    patched["Statement"][index] = fix.statement
    return patched


@pytest.mark.parametrize("variant", VARIANTS)
def test_alternative_fixes_are_alternatives(variant: str) -> None:
    policy = VARIANTS[variant]
    decision = authorize(request("198.51.100.9"), resource_policy=policy, identity_policies=[INVOKE_ANYTHING])
    assert decision.result == "IMPLICIT_DENY"
    assert len(decision.fixes) == 2
    assert not decision.fixes_all_required
    assert decision.to_dict()["fix_groups"] == [[0, 1]]
    assert [fix.to_dict()["changes_needed"] for fix in decision.fixes] == [1, 1]
    text = decision.explain()
    assert "all of these are needed" not in text and "Smallest fix:" in text
    # Each edit alone turns the verdict, as "or" promises.
    for fix in decision.fixes:
        after = authorize(
            request("198.51.100.9"), resource_policy=applied(policy, fix), identity_policies=[INVOKE_ANYTHING]
        )
        assert after.allowed, fix.description


def test_a_fix_needing_two_changes_says_so() -> None:
    policy = allow_list()
    decision = authorize(request("198.51.100.9"), resource_policy=policy)
    assert not decision.fixes_all_required
    groups = decision.fix_groups
    assert [len(group) for group in groups] == [2, 1]
    assert decision.to_dict()["fix_groups"] == [[0, 1], [2]]
    assert all(fix.to_dict()["changes_needed"] == 2 for fix in decision.fixes)
    assert "Fix (2 changes, all needed" in decision.explain()
    [identity_fix] = groups[1]
    assert identity_fix.where.startswith("identity policy of " + MALLORY)
    identity = {"Version": "2012-10-17", "Statement": [identity_fix.statement]}
    for resource_fix in groups[0]:
        patched = applied(policy, resource_fix)
        alone = authorize(request("198.51.100.9"), resource_policy=patched)
        assert not alone.allowed  # one change is not enough...
        both = authorize(request("198.51.100.9"), resource_policy=patched, identity_policies=[identity])
        assert both.allowed  # ...one from each group is


def test_every_matching_deny_is_a_change_of_its_own() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": f"{API}/*"}
    policy = {"Version": "2012-10-17", "Statement": [deny, {**deny, "Sid": "Again"}]}
    decision = authorize(request("203.0.113.5", f"arn:aws:iam::{OWNER}:user/bob"), resource_policy=policy)
    assert decision.result == "EXPLICIT_DENY"
    assert decision.fixes_all_required and decision.to_dict()["fix_groups"] == [[0], [1]]


def test_why_names_the_missing_identity_policy() -> None:
    # The resource policy allows account A's root; the caller's own account says nothing.
    caller = f"arn:aws:iam::{ACCOUNT_A}:user/intern"
    decision = authorize(request("198.51.100.9", caller), resource_policy=allow_list())
    assert decision.result == "IMPLICIT_DENY"
    text = decision.explain()
    assert "The resource policy allows the call." in text
    why = [line for line in text.splitlines() if line.startswith("Why")]
    assert why == [
        f"Why: no identity policy was given for {caller}: nothing on the caller's side allows the call "
        "(the other side allows it; a cross-account call needs both)."
    ]
    assert "resource policy Statement[1]: aws:SourceIp" not in text  # not an unrelated statement
    [fix] = decision.fixes
    assert fix.where == f"identity policy of {caller} in account {ACCOUNT_A}"


def test_why_lists_the_identity_policies_near_misses_when_they_lack_the_allow() -> None:
    caller = f"arn:aws:iam::{ACCOUNT_A}:user/intern"
    posts_only = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PostOnly", "Effect": "Allow", "Action": "execute-api:Invoke",
                       "Resource": f"{API}/*/POST/*"}],
    }  # fmt: skip
    decision = authorize(
        request("198.51.100.9", caller), resource_policy=allow_list(), identity_policies=[posts_only]
    )
    text = decision.explain()
    assert "Why: no Allow statement in the identity policies applies (the other side allows it" in text
    assert "identity policy 1 Statement[0] (Sid 'PostOnly')" in text
    assert "resource policy Statement[" not in text.split("Why")[1].split("Smallest fix")[0]


def test_a_padded_cidr_is_read_one_way_and_both_outcomes_are_said() -> None:
    # Inside the range, an unlisted account: allowed if AWS trims the value, refused if it does not.
    decision = authorize(
        request("203.0.113.5"), resource_policy=allow_list(), identity_policies=[INVOKE_ANYTHING]
    )
    assert decision.allowed
    [warning] = decision.reading_warnings
    assert warning.where == ("resource policy Statement[1] IpAddress aws:SourceIp ' 203.0.113.0/24'",)
    assert (warning.result, warning.result_if_alternative) == ("ALLOW", "IMPLICIT_DENY")
    text = decision.explain()
    assert text.count("How does AWS read a CIDR with surrounding whitespace?") == 1
    assert "resource policy Statement[1] IpAddress aws:SourceIp ' 203.0.113.0/24'" in text
    assert json.loads(json.dumps(decision.to_dict()))["reading_warnings"][0]["result_if_alternative"] == (
        "IMPLICIT_DENY"
    )
    # Outside the range both readings refuse: the warning still says so.
    outside = authorize(
        request("198.51.100.9"), resource_policy=allow_list(), identity_policies=[INVOKE_ANYTHING]
    )
    [same] = outside.reading_warnings
    assert same.result == same.result_if_alternative == "IMPLICIT_DENY"
    assert "(the same outcome)" in str(same)


def test_a_single_policy_evaluation_warns_too() -> None:
    decision: Decision = evaluate(
        allow_list(),
        action="execute-api:Invoke",
        resource=f"{API}/prod/GET/movies",
        principal_arn=MALLORY,
        source_ip="203.0.113.5",
    )
    [warning] = decision.reading_warnings
    assert warning.result != warning.result_if_alternative


def test_fixes_remove_the_padding() -> None:
    decision = authorize(
        request("198.51.100.9"), resource_policy=allow_list(), identity_policies=[INVOKE_ANYTHING]
    )
    ip_fix = next(fix for fix in decision.fixes if "aws:SourceIp" in fix.description)
    assert ip_fix.statement is not None
    assert ip_fix.statement["Condition"]["IpAddress"]["aws:SourceIp"] == ["203.0.113.0/24", "198.51.100.9/32"]
    assert "the whitespace around ' 203.0.113.0/24' is removed" in ip_fix.description
    after = authorize(
        request("198.51.100.9"),
        resource_policy=applied(allow_list(), ip_fix),
        identity_policies=[INVOKE_ANYTHING],
    )
    assert after.allowed and after.reading_warnings == []


def test_who_can_says_both_readings_of_a_padded_cidr() -> None:
    answer = who_can(
        "GET", "/movies", resource_policy=allow_list(), api_id="m0v1e5api0", region="us-east-1",
        api_owner_account=OWNER, stage="prod",
    )  # fmt: skip
    [note] = [note for note in answer.notes if "whitespace" in note]
    assert note.startswith(
        "resource policy Statement[1]: the CIDR ' 203.0.113.0/24' has surrounding whitespace"
    )
    assert "admits callers from 203.0.113.0/24" in note and "admits no caller" in note
