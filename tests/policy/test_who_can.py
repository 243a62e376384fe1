"""who_can(): principals and exact source-IP CIDR sets per method and path.

The CIDR sets are checked against authorize() itself: addresses inside them are allowed, outside refused.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from apiclient.policy import authorize, who_can

API, REGION, OWNER = "a1b2c3d4e5", "us-east-2", "111111111111"


def ask(doc: dict[str, Any] | None, method: str = "GET", path: str = "/pets", **options: Any) -> Any:
    return who_can(
        method, path, resource_policy=doc, api_id=API, region=REGION, api_owner_account=OWNER, **options
    )


def test_allow_list_with_deny_carve_out(build: Any) -> None:
    # KC allow-list [PS example 5] plus an IP block-list [AG examples], combined.
    doc = build.policy(
        build.allow(Resource="execute-api:/*/*/*"),
        build.deny(Condition={"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}),
        build.deny(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.128/25"}}),
    )
    answer = ask(doc, authorization="NONE")
    [grant] = answer.grants
    assert grant.principals == ("*",)
    assert grant.source_cidrs == ("203.0.113.0/25", "2001:db8::/32")
    for address, inside in (
        ("203.0.113.5", True),
        ("203.0.113.200", False),
        ("198.51.100.7", False),
        ("2001:db8::9", True),
        ("2001:db9::1", False),
    ):
        decision = authorize(
            build.same_account(source_ip=address, stage="*"), resource_policy=doc, authorization="NONE"
        )
        assert decision.allowed is inside, address
        assert (
            any(ipaddress.ip_address(address) in ipaddress.ip_network(c) for c in grant.source_cidrs)
            is inside
        )


def test_principals_and_open_conditions(build: Any) -> None:
    role = f"arn:aws:iam::{build.other}:role/developer"
    doc = build.policy(
        build.allow(
            Principal={"AWS": [role]},
            Resource="execute-api:/*/GET/pets",
            Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
        ),
        build.allow(Principal={"AWS": [OWNER]}, Resource="execute-api:/*/POST/pets"),
    )
    [grant] = ask(doc).grants
    assert grant.principals == (role,)
    assert grant.source_cidrs == ("0.0.0.0/0", "::/0")
    assert grant.open_conditions == ("StringEquals aws:PrincipalOrgID o-1",)
    assert grant.also_needs is not None  # cross-account callers need their own identity allow
    [post] = ask(doc, "POST").grants
    assert post.principals == (OWNER,)
    assert post.also_needs is None


def test_none_authorization_only_counts_everyone(build: Any) -> None:
    doc = build.policy(build.allow(Principal={"AWS": OWNER}))
    assert ask(doc, authorization="NONE").grants == ()


def test_conditional_deny_is_reported_not_folded(build: Any) -> None:
    doc = build.policy(build.allow(), build.deny(Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}))
    answer = ask(doc)
    assert answer.denied_cidrs == ()
    assert "StringNotEquals aws:SourceVpce vpce-1" in answer.conditional_denies[0]


def test_no_resource_policy(build: Any) -> None:
    assert ask(None, authorization="NONE").grants[0].principals == ("*",)
    assert ask(None).grants == ()
    assert "identity policies decide" in ask(None).notes[0]


def test_identity_policies_are_listed(build: Any) -> None:
    answer = who_can(
        "GET",
        "/pets",
        resource_policy=build.policy(build.allow(Resource="execute-api:/x/*")),
        identity_policies=[build.identity_allow],
        api_id=API,
        region=REGION,
        api_owner_account=OWNER,
    )
    assert [grant.principals for grant in answer.grants] == [("the holder of identity policy 1",)]
    assert answer.to_dict()["grants"][0]["source_cidrs"] == ["0.0.0.0/0", "::/0"]
