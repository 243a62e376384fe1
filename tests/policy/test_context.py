"""Global condition keys derived from AccessRequest [AG:apigateway-resource-policies-aws-condition-keys],
[IAM:reference_policies_condition-keys], [IAM:reference_policies_variables] (principal key values)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from apiclient.errors import PolicyError
from apiclient.policy import AccessRequest, authorize
from apiclient.policy.context import request_context


def test_session_keys(build: Any) -> None:
    keys = request_context(build.request(principal_org_id="o-abc", principal_tags={"team": "blue"}))
    assert keys["aws:principalarn"] == (build.role,)  # the role, not the session [IAM keys]
    assert keys["aws:principalaccount"] == (build.other,)
    assert keys["aws:principaltype"] == ("AssumedRole",)
    assert keys["aws:principalorgid"] == ("o-abc",)
    assert keys["aws:principaltag/team"] == ("blue",)
    assert keys["aws:sourceip"] == ("198.51.100.7",)
    assert keys["aws:securetransport"] == ("true",)
    assert keys["aws:currenttime"] == ("2024-06-01T12:00:00Z",)
    assert keys["aws:epochtime"] == (str(int(datetime(2024, 6, 1, 12, tzinfo=timezone.utc).timestamp())),)
    assert "aws:username" not in keys  # only for IAM users


def test_user_and_root_keys(build: Any) -> None:
    user = request_context(build.request(principal_arn=f"arn:aws:iam::{build.other}:user/dev/Alice"))
    assert user["aws:username"] == ("Alice",)
    assert user["aws:principaltype"] == ("User",)
    root = request_context(build.request(principal_arn=f"arn:aws:iam::{build.other}:root"))
    assert root["aws:principaltype"] == ("Account",)


def test_anonymous_keys(build: Any) -> None:
    keys = request_context(build.request(principal_arn=None, principal_account=None))
    assert keys["aws:principalaccount"] == ("anonymous",)
    assert "aws:principalarn" not in keys
    assert keys["aws:principaltype"] == ("Anonymous",)


def test_vpc_endpoint_moves_source_ip(build: Any) -> None:
    # aws:SourceIp is absent through a VPC endpoint; the client's address is aws:VpcSourceIp.
    keys = request_context(build.request(source_vpce="vpce-1", source_vpc="vpc-1", endpoint_type="PRIVATE"))
    assert "aws:sourceip" not in keys
    assert keys["aws:vpcsourceip"] == ("198.51.100.7",)
    assert keys["aws:sourcevpce"] == ("vpce-1",)
    assert keys["aws:sourcevpc"] == ("vpc-1",)


def test_context_keys_add_and_override(build: Any) -> None:
    keys = request_context(build.request(context_keys={"aws:SecureTransport": False, "k:List": ["a", "b"]}))
    assert keys["aws:securetransport"] == ("false",)
    assert keys["k:list"] == ("a", "b")


def test_principal_arn_condition_matches_role_for_sessions(build: Any) -> None:
    doc = build.policy(build.allow(Condition={"ArnEquals": {"aws:PrincipalArn": build.role}}))
    assert authorize(build.request(), resource_policy=doc, identity_policies=[build.identity_allow]).allowed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("path", "pets"),
        ("method", "GET /"),
        ("source_ip", "999.1.1.1"),
        ("current_time", "yesterday"),
        ("principal_arn", "alice"),
        ("endpoint_type", "PUBLIC"),
        ("api_id", ""),
        ("context_keys", [1]),
    ],
)
def test_bad_fields_raise_policy_error_naming_the_field(build: Any, field: str, value: Any) -> None:
    with pytest.raises(PolicyError) as error:
        build.request(**{field: value})
    assert error.value.path == field


def test_time_forms(build: Any) -> None:
    naive = build.request(current_time=datetime(2024, 6, 1, 12))
    assert isinstance(naive.current_time, datetime)
    assert naive.current_time.tzinfo is not None
    assert request_context(naive)["aws:currenttime"] == ("2024-06-01T12:00:00Z",)


def test_request_is_frozen(build: Any) -> None:
    request = build.request()
    with pytest.raises(AttributeError):
        request.path = "/x"
    assert isinstance(request, AccessRequest)
    assert request.method == "GET"
    assert build.request(method="get").method == "GET"
