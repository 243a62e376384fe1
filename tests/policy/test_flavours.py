"""WebSocket and HTTP APIs in the policy engine: ManageConnections as its own action, route ARNs,
HTTP APIs without resource policies, the ``$default`` stage, and labelled (group) identity policies."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.errors import PolicyError
from apiclient.policy import ACTIONS, AccessRequest, IdentityPolicy, action_for, authorize, lint

OWNER = "111122223333"
OTHER = "444455556666"
API = "w5s0ck3t01"
ARN = f"arn:aws:execute-api:us-east-1:{OWNER}:{API}"
USER = f"arn:aws:iam::{OWNER}:user/backend"
MANAGE = "execute-api:ManageConnections"
INVOKE = "execute-api:Invoke"


def request(**overrides: Any) -> AccessRequest:
    fields: dict[str, Any] = {
        "principal_arn": USER, "principal_account": OWNER, "api_owner_account": OWNER,
        "source_ip": "198.51.100.7", "method": "POST", "stage": "prod",
        "path": "/@connections/Y6yN1cDvIAMCJBQ=",
        "api_id": API, "region": "us-east-1", "current_time": "2026-11-29T12:00:00Z",
    }  # fmt: skip
    fields.update(overrides)
    return AccessRequest(**fields)


def identity(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


# The example policy of AWS's page "Control access to WebSocket APIs with IAM authorization".
AWS_EXAMPLE = identity(
    allow(INVOKE, f"{ARN}/prod/*"),
    {"Effect": "Deny", "Action": INVOKE, "Resource": f"{ARN}/prod/secret"},
    {"Effect": "Deny", "Action": MANAGE, "Resource": f"{ARN}/*"},
)


# --- execute-api:ManageConnections -------------------------------------------------------------


def test_manage_connections_is_evaluated_as_its_own_action() -> None:
    policy = identity(allow(MANAGE, f"{ARN}/prod/POST/@connections/*"))
    managed = authorize(request(action=MANAGE), resource_policy=None, identity_policies=[policy])
    assert managed.result == "ALLOW"
    assert managed.action == MANAGE
    assert f"{MANAGE} on {ARN}/prod/POST/@connections/Y6yN1cDvIAMCJBQ=" in managed.explain()
    invoked = authorize(request(), resource_policy=None, identity_policies=[policy])
    assert invoked.result == "IMPLICIT_DENY"
    assert "authorized as execute-api:ManageConnections" in invoked.explain()


def test_a_fix_for_connections_proposes_manage_connections_never_invoke() -> None:
    invoke_only = identity(allow(INVOKE, "*"))
    decision = authorize(request(action=MANAGE), resource_policy=None, identity_policies=[invoke_only])
    assert decision.result == "IMPLICIT_DENY"
    first = decision.fixes[0]
    assert first.description == f"add {MANAGE} to the Action of identity policy 1 Statement[0]"
    assert first.statement is not None and first.statement["Action"] == [INVOKE, MANAGE]
    bare = authorize(request(action=MANAGE), resource_policy=None, identity_policies=[])
    for fix in bare.fixes:
        assert fix.statement is not None and fix.statement["Action"] == MANAGE, fix
    assert all(INVOKE not in fix.description for fix in [*decision.fixes, *bare.fixes])


def test_the_aws_example_denies_manage_connections_everywhere() -> None:
    decision = authorize(request(action=MANAGE), resource_policy=None, identity_policies=[AWS_EXAMPLE])
    assert decision.result == "EXPLICIT_DENY"
    assert [str(ref) for ref in decision.deciding] == ["identity policy 1 Statement[2]"]


@pytest.mark.parametrize(
    ("target", "action"),
    [
        ("/@connections/abc=", MANAGE),
        ("/@connections", MANAGE),
        ("/%40connections/abc%3D", MANAGE),
        ("/products/@connections", INVOKE),
        ("/connections/abc", INVOKE),
        ("/", INVOKE),
        (f"{ARN}/prod/POST/@connections/abc=", MANAGE),
        (f"{ARN}/prod/GET/pets", INVOKE),
        (f"{ARN}/prod/$connect", INVOKE),
    ],
)
def test_action_for_infers_the_action_from_a_path_or_arn(target: str, action: str) -> None:
    assert action_for(target) == action


def test_action_for_and_action_refuse_bad_input() -> None:
    assert ACTIONS == (INVOKE, MANAGE)
    with pytest.raises(PolicyError, match="starting with '/'"):
        action_for("pets")
    with pytest.raises(PolicyError, match="execute-api:Invoke or execute-api:ManageConnections"):
        request(action="execute-api:InvokeAll")
    assert request(action="EXECUTE-API:manageconnections").action == MANAGE


# --- WebSocket routes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route_key", "result"),
    [("$connect", "ALLOW"), ("$default", "ALLOW"), ("sendmessage", "ALLOW"), ("secret", "EXPLICIT_DENY")],
)
def test_route_arns_are_api_stage_route_key(route_key: str, result: str) -> None:
    call = request(method="GET", path="/", route_key=route_key)
    assert call.resource_arn == f"{ARN}/prod/{route_key}"
    assert call.api_type == "WEBSOCKET"
    decision = authorize(call, resource_policy=None, identity_policies=[AWS_EXAMPLE])
    assert decision.result == result
    assert decision.resource == f"{ARN}/prod/{route_key}"
    assert f"WebSocket route {route_key}" in decision.explain()


def test_a_route_grant_names_the_route_not_a_method() -> None:
    connect_only = identity(allow(INVOKE, f"{ARN}/prod/$connect"))
    assert authorize(
        request(method="GET", path="/", route_key="$connect"),
        resource_policy=None,
        identity_policies=[connect_only],
    ).allowed
    message = request(method="GET", path="/", route_key="sendmessage")
    denied = authorize(message, resource_policy=None, identity_policies=[connect_only])
    assert denied.result == "IMPLICIT_DENY"
    assert (
        denied.fixes[0].description
        == f"add {ARN}/prod/sendmessage to the Resource of identity policy 1 Statement[0]"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"route_key": "$connect", "action": MANAGE}, "route_key"),
        ({"route_key": ""}, "route_key"),
        ({"route_key": "$connect", "api_type": "HTTP"}, "route_key"),
        ({"action": MANAGE, "api_type": "REST"}, "action"),
        ({"api_type": "SOAP"}, "api_type"),
        ({"api_type": "HTTP", "endpoint_type": "PRIVATE"}, "endpoint_type"),
    ],
)
def test_flavour_mismatches_are_refused_with_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(PolicyError) as raised:
        request(**overrides)
    assert raised.value.path == field


# --- HTTP APIs and the $default stage ------------------------------------------------------------

DENY_EVERYONE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "execute-api:*", "Resource": "*"}],
}
ALLOW_EVERYONE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}],
}


def http(**overrides: Any) -> AccessRequest:
    fields: dict[str, Any] = {
        "method": "GET",
        "stage": "$default",
        "path": "/products/42",
        "api_type": "HTTP",
    }
    return request(**{**fields, **overrides})


def test_a_resource_policy_given_for_an_http_api_is_not_applicable() -> None:
    reader = identity(allow(INVOKE, f"{ARN}/$default/GET/*"))
    decision = authorize(http(), resource_policy=DENY_EVERYONE, identity_policies=[reader])
    assert decision.result == "ALLOW"  # the Deny is never evaluated
    assert any("HTTP APIs do not support resource policies" in step for step in decision.steps)
    assert all(trace.ref.policy != "resource policy" for trace in decision.trace)
    assert [warning.code for warning in decision.lint] == ["resource-policy-not-applicable"]
    # The same documents on a REST API: the resource policy's Deny wins.
    rest = authorize(http(api_type="REST"), resource_policy=DENY_EVERYONE, identity_policies=[reader])
    assert rest.result == "EXPLICIT_DENY"


def test_on_an_http_api_identity_policies_alone_decide_and_fixes_go_there() -> None:
    decision = authorize(http(), resource_policy=ALLOW_EVERYONE, identity_policies=[])
    assert decision.result == "IMPLICIT_DENY"
    assert [fix.where for fix in decision.fixes] == [f"identity policy of {USER} in account {OWNER}"]
    assert "resource policy" not in decision.explain().split("Why:", 1)[1]


def test_a_cross_account_caller_cannot_be_allowed_on_an_http_api() -> None:
    stranger = f"arn:aws:iam::{OTHER}:user/partner"
    call = http(principal_arn=stranger, principal_account=OTHER)
    decision = authorize(call, resource_policy=None, identity_policies=[identity(allow(INVOKE, "*"))])
    assert decision.result == "IMPLICIT_DENY"
    [fix] = decision.fixes
    assert fix.where == f"account {OWNER} (the API owner)"
    assert "create a role in account" in fix.description
    assert fix.statement == {
        "Effect": "Allow",
        "Action": INVOKE,
        "Resource": f"{ARN}/$default/GET/products/42",
    }


@pytest.mark.parametrize(
    "resource",
    [
        f"{ARN}/$default/GET/products/*",
        f"{ARN}/*/GET/products/*",
        f"{ARN}/$default/*/*",
        "arn:aws:execute-api:*:*:*/$default/GET/*",
    ],
)
def test_default_stage_arns_match_in_identity_policies(resource: str) -> None:
    call = http()
    assert call.resource_arn == f"{ARN}/$default/GET/products/42"
    decision = authorize(call, resource_policy=None, identity_policies=[identity(allow(INVOKE, resource))])
    assert decision.allowed, decision.explain()


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        ("execute-api:/$default/GET/products/*", True),
        ("execute-api:/*/GET/products/*", True),
        ("execute-api:/prod/GET/products/*", False),
        ("execute-api:/$default/POST/*", False),
    ],
)
def test_default_stage_shorthand_in_a_resource_policy(resource: str, allowed: bool) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": INVOKE, "Resource": resource}],
    }
    call = request(method="GET", stage="$default", path="/products/42")  # API type not known
    assert authorize(call, resource_policy=policy, identity_policies=[]).allowed is allowed


# --- labelled identity policies (IAM groups) -------------------------------------------------------

READ = identity(allow(INVOKE, f"{ARN}/$default/GET/*"))


def test_labelled_policies_are_named_in_traces_and_deciding_statements() -> None:
    decision = authorize(
        http(),
        resource_policy=None,
        identity_policies=[
            identity(),
            IdentityPolicy.of_group("ReadOnly-Group", READ),
            ("user inline", READ),
        ],
    )
    assert decision.allowed
    assert [str(ref) for ref in decision.deciding] == [
        "group ReadOnly-Group policy 1 Statement[0]",
        "user inline Statement[0]",
    ]
    assert {trace.ref.policy for trace in decision.trace} == {"group ReadOnly-Group policy 1", "user inline"}
    assert "group ReadOnly-Group policy 1 Statement[0] (Allow)" in decision.explain()


def test_plain_policies_keep_their_numbering_beside_labelled_ones() -> None:
    deny = identity({"Effect": "Deny", "Action": INVOKE, "Resource": "*"})
    decision = authorize(
        http(), resource_policy=None, identity_policies=[IdentityPolicy(READ, "managed ReadOnly"), deny]
    )
    assert [str(ref) for ref in decision.deciding] == ["identity policy 2 Statement[0]"]


def test_a_fix_to_a_group_policy_says_the_group_shares_it() -> None:
    decision = authorize(
        http(method="POST"),
        resource_policy=None,
        identity_policies=[IdentityPolicy.of_group("ReadOnly-Group", READ)],
    )
    fix = decision.fixes[0]
    assert fix.description == (
        f"add {ARN}/$default/POST/products/42 to the Resource of group ReadOnly-Group policy 1 Statement[0]"
    )
    assert fix.where == f"group ReadOnly-Group in account {OWNER} (shared by every member)"
    # A labelled policy that is not a group's is the caller's own: its side's place.
    own = authorize(http(method="POST"), resource_policy=None, identity_policies=[("user inline", READ)])
    assert own.fixes[0].where == f"identity policy of {USER} in account {OWNER}"


@pytest.mark.parametrize(
    "policies",
    [
        [("only a label",)],
        [(42, READ)],
        [("  ", READ)],
        READ,
    ],
)
def test_malformed_labelled_policies_are_refused(policies: Any) -> None:
    with pytest.raises(PolicyError, match=r"label|pair|list of policies"):
        authorize(http(), resource_policy=None, identity_policies=policies)


def test_an_identity_policy_needs_a_label() -> None:
    with pytest.raises(PolicyError, match="label"):
        IdentityPolicy(READ, "")


@pytest.mark.parametrize(
    ("suffix", "warned"), [("/prod/$connect", False), ("/prod/sendmessage", False), ("/prod/GET", True)]
)
def test_lint_knows_route_arns_are_whole(suffix: str, warned: bool) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": INVOKE, "Resource": ARN + suffix}],
    }
    assert ("never-applies" in [warning.code for warning in lint(policy)]) is warned
