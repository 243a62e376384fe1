"""The statement index: the fast pass over the statements it leaves decides exactly as matching every
element of every statement does, on random policies and requests; and it does leave few statements."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiclient.errors import PolicyError
from apiclient.policy import AccessRequest, IdentityPolicy, authorize, parse_policy
from apiclient.policy.arns import caller_of
from apiclient.policy.compiled import compiled
from apiclient.policy.context import global_keys
from apiclient.policy.evaluate import (
    ANY_POLICY,
    IDENTITY_POLICY,
    RESOURCE_POLICY,
    EvalRequest,
    evaluate_policy,
)
from apiclient.policy.matching import shorthand_base
from apiclient.policy.model import Policy
from apiclient.policy.readings import CIDR_WHITESPACE, QUESTIONS, Readings

OWNER, OTHER, API, REGION = "111111111111", "222222222222", "a1b2c3d4e5", "us-east-2"
SESSION = f"arn:aws:sts::{OTHER}:assumed-role/dev/s"

# Pieces a resource part (after the ARN's fifth colon) is made of, wildcards and colons included.
PIECES = [
    API,
    "other",
    "/",
    "prod",
    "test",
    "GET",
    "POST",
    "pets",
    "1",
    "*",
    "?",
    ":",
    "$connect",
    "@connections",
]
resource_parts = st.lists(st.sampled_from(PIECES), max_size=7).map("".join)


@st.composite
def resource_patterns(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["shorthand", "arn", "upper-arn", "short", "star", "variable"]))
    part = draw(resource_parts)
    if shape == "shorthand":
        return "execute-api:/" + part
    if shape in ("arn", "upper-arn"):
        region = draw(st.sampled_from([REGION, "*", "us-*", "US-EAST-2", "eu-west-1"]))
        account = draw(st.sampled_from([OWNER, OTHER, "*", "1111????????"]))
        head = "arn:aws:execute-api" if shape == "arn" else "ARN:AWS:Execute-API"
        return f"{head}:{region}:{account}:{part}"
    if shape == "short":
        return draw(
            st.sampled_from(["arn:aws:execute-api:*", "arn:aws:*", f"arn:aws:execute-api:{REGION}:*"])
        )
    if shape == "star":
        return "*"
    return f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/" + draw(
        st.sampled_from(["${aws:username}/*", "*/GET/${aws:PrincipalAccount}", "${aws:nokey}", "${*}"])
    )


PRINCIPALS = [
    "*",
    {"AWS": OWNER},
    {"AWS": OTHER},
    {"AWS": f"arn:aws:iam::{OTHER}:role/dev"},
    {"AWS": f"arn:aws:iam::{OTHER}:role/DEV"},
    {"AWS": SESSION},
    {"AWS": [f"arn:aws:iam::{OWNER}:role/ops", OTHER]},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
    {"AWS": f"arn:aws:iam::{OTHER}:role/team/dev"},
    {"AWS": f"arn:aws:IAM::{OTHER}:role/Dev"},
    {"AWS": [f"arn:aws:iam::{OWNER}:user/u", f"arn:aws:iam::{OWNER}:role/ops"]},
    {"Federated": "cognito-identity.amazonaws.com"},
    {"Service": "apigateway.amazonaws.com"},
]
ACTIONS = [
    "execute-api:Invoke",
    "execute-api:*",
    "*",
    "s3:GetObject",
    "EXECUTE-API:invoke",
    "execute-api:Manage*",
    "execute-api:?nvoke",
]
CONDITIONS = [
    {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}},
    {"IpAddress": {"aws:SourceIp": [" 198.51.100.0/24", "2001:db8::/32"]}},
    {"NotIpAddress": {"aws:SourceIp": " 203.0.113.0/24"}},
    {"StringEquals": {"aws:PrincipalAccount": OWNER}},
    {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
    {"StringLike": {"aws:username": "*"}},
    {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": " 198.51.100.0/24"}},
]


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    principal = draw(st.sampled_from(["Principal", "NotPrincipal", None]))
    if principal:
        statement[principal] = draw(st.sampled_from(PRINCIPALS))
    action = draw(st.sampled_from(["Action", "NotAction"]))
    statement[action] = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2))
    resource = draw(st.sampled_from(["Resource", "Resource", "NotResource", None]))
    if resource:
        statement[resource] = draw(st.lists(resource_patterns(), min_size=1, max_size=3))
    condition = draw(st.none() | st.sampled_from(CONDITIONS))
    if condition:
        statement["Condition"] = condition
    return statement


policies = st.builds(
    lambda body, version: {"Version": version, "Statement": body},
    st.lists(statements(), min_size=1, max_size=8),
    st.sampled_from(["2012-10-17", "2008-10-17"]),
)


@st.composite
def resources(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["arn", "arn", "arn", "odd"]))
    if shape == "odd":
        return draw(
            st.sampled_from(
                ["*", "not-an-arn", f"arn:aws:execute-api:{REGION}:{OWNER}", f"arn:aws:s3:::bucket/{API}/x"]
            )
        )
    region = draw(st.sampled_from([REGION, "US-EAST-2", "eu-west-1"]))
    head = draw(st.sampled_from(["arn:aws:execute-api", "ARN:aws:execute-api"]))
    return f"{head}:{region}:{OWNER}:" + draw(resource_parts)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, EvalRequest]:
    principal = draw(
        st.sampled_from(
            [
                SESSION,
                f"arn:aws:sts::{OTHER}:assumed-role/Dev/x",
                f"arn:aws:iam::{OWNER}:user/u",
                f"arn:aws:iam::{OWNER}:user/U",
                f"arn:aws:iam::{OTHER}:role/dev",
                f"arn:aws:iam::{OTHER}:root",
                "apigateway.amazonaws.com",
                None,
            ]
        )
    )
    account = principal.split(":")[4] if principal and ":" in principal else None
    caller = caller_of(principal, account)
    context = global_keys(
        caller,
        current_time=datetime(2024, 6, 1, tzinfo=timezone.utc),
        source_ip=draw(st.sampled_from(["198.51.100.7", "203.0.113.9", "2001:db8::1"])),
        source_vpce=draw(st.none() | st.just("vpce-1")),
        secure_transport=draw(st.booleans()),
    )
    if draw(st.booleans()):
        context["aws:federatedprovider"] = ("cognito-identity.amazonaws.com",)
    resource = draw(resources())
    base = draw(
        st.sampled_from(
            [
                shorthand_base(resource),
                None,
                f"arn:aws:execute-api:{REGION}:{OWNER}:{API}",
                f"arn:aws:execute-api:{REGION}:{OWNER}:other",
            ]
        )
    )
    action = draw(st.sampled_from(["execute-api:Invoke", "execute-api:ManageConnections", "s3:GetObject"]))
    kind = draw(st.sampled_from([RESOURCE_POLICY, IDENTITY_POLICY, ANY_POLICY]))
    return kind, EvalRequest(action, resource, caller, context, base, OWNER)


def _padded_cidr_reached(policy: Policy, traces: list[Any], context: dict[str, Any]) -> bool:
    """Whether the fast pass meets a padded CIDR: in a statement whose other elements all match,
    at or before its first condition that fails, with the key in the request."""
    for statement, trace in zip(policy.statements, traces, strict=True):
        if not all(e.matched for e in trace.elements if not e.element.startswith("Condition")):
            continue
        conditions = [e for e in trace.elements if e.element.startswith("Condition")]
        for condition, element in zip(statement.conditions, conditions, strict=True):
            if (
                condition.key_lower in context
                and condition.base in ("IpAddress", "NotIpAddress")
                and any(exact is None and trimmed is not None for exact, trimmed in condition.prepared)
            ):
                return True
            if not element.matched:
                break
    return False


@settings(max_examples=250, deadline=None)
@given(doc=policies, request=requests())
def test_the_indexed_pass_decides_as_matching_every_statement(
    doc: dict[str, Any], request: tuple[str, EvalRequest]
) -> None:
    kind, eval_request = request
    policy = parse_policy(doc)
    consulted: set[str] = set()
    fast = evaluate_policy(policy, eval_request, kind=kind, consulted=consulted, detail=False)
    everything: set[str] = set()
    full = evaluate_policy(policy, eval_request, kind=kind, consulted=everything, detail=True)
    assert (fast.outcome, fast.allows, fast.denies) == (full.outcome, full.allows, full.denies)
    # The open questions met: never one the full pass did not meet, and the padded CIDR exactly
    # when a statement that otherwise matches reaches it (it is reported even when it decides nothing).
    assert consulted <= everything
    assert (CIDR_WHITESPACE in consulted) == _padded_cidr_reached(
        policy, full.traces, dict(eval_request.context)
    )
    for question in QUESTIONS:
        readings = Readings().flipped(question)
        flipped_fast = evaluate_policy(policy, eval_request, kind=kind, readings=readings, detail=False)
        flipped_full = evaluate_policy(policy, eval_request, kind=kind, readings=readings, detail=True)
        assert (flipped_fast.outcome, flipped_fast.allows, flipped_fast.denies) == (
            flipped_full.outcome,
            flipped_full.allows,
            flipped_full.denies,
        )
        # authorize() tries the other reading of the questions met: each that matters must be met.
        if (flipped_full.allows, flipped_full.denies) != (full.allows, full.denies):
            assert question in consulted


def _same_verdicts(policy: Policy, kind: str, request: EvalRequest) -> None:
    """The indexed pass and the full one agree under every reading of the open questions."""
    for readings in [Readings()] + [Readings().flipped(question) for question in QUESTIONS]:
        fast = evaluate_policy(policy, request, kind=kind, readings=readings, detail=False)
        full = evaluate_policy(policy, request, kind=kind, readings=readings, detail=True)
        assert (fast.outcome, fast.allows, fast.denies) == (full.outcome, full.allows, full.denies)


def _near(value: str) -> list[str]:
    """``value`` and, for an ARN, the same ARN with its resource part in other letter cases."""
    if not value.startswith("arn:"):
        return [value] if value.isdigit() else []
    head, _, resource = value.rpartition(":")
    return [value] + [
        f"{head}:{changed}" for changed in (resource.upper(), resource.lower(), resource.title())
    ]


@st.composite
def principal_statements(draw: st.DrawFn, caller: Any) -> dict[str, Any]:
    """A statement for every action and resource, naming the caller, someone close to it, or anyone."""
    close = [
        near
        for value in (caller.arn, caller.role_arn, caller.account, f"arn:aws:iam::{caller.account}:root")
        if value
        for near in _near(value)
    ]
    named: st.SearchStrategy[Any] = st.sampled_from(PRINCIPALS)
    if close:
        named |= st.lists(st.sampled_from(close), min_size=1, max_size=2).map(lambda values: {"AWS": values})
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Deny"])),
        "Action": "*",
        "Resource": "*",
    }
    element = draw(st.sampled_from(["Principal", "Principal", "NotPrincipal", None]))
    if element:
        statement[element] = draw(named)
    return statement


@settings(max_examples=300, deadline=None)
@given(data=st.data(), request=requests())
def test_the_principal_index_decides_as_matching_every_statement(
    data: st.DataObject, request: tuple[str, EvalRequest]
) -> None:
    """Where Action and Resource match everything, the principal part of the index does all the work."""
    kind, eval_request = request
    body = data.draw(st.lists(principal_statements(eval_request.caller), min_size=1, max_size=6))
    _same_verdicts(parse_policy({"Version": "2012-10-17", "Statement": body}), kind, eval_request)


@settings(max_examples=100, deadline=None)
@given(
    doc=policies,
    identity=policies,
    method=st.sampled_from(["GET", "POST"]),
    path=st.sampled_from(["/pets", "/pets/1", "/", "/@connections/1"]),
    route=st.none() | st.just("$connect"),
    authorization=st.sampled_from(["AWS_IAM", "NONE"]),
)
def test_authorize_deciding_statements_are_the_ones_the_trace_shows_applying(
    doc: dict[str, Any],
    identity: dict[str, Any],
    method: str,
    path: str,
    route: str | None,
    authorization: str,
) -> None:
    request = AccessRequest(
        SESSION,
        OTHER,
        OWNER,
        "198.51.100.7",
        method,
        "prod",
        path,
        API,
        REGION,
        "2024-06-01T00:00:00Z",
        route_key=route,
    )
    decision = authorize(
        request, resource_policy=doc, identity_policies=[identity], authorization=authorization
    )
    applying = {trace.ref for trace in decision.trace if trace.applies}
    if decision.result == "ALLOW":
        assert set(decision.deciding) == {ref for ref in applying if ref.effect == "Allow"}
    elif decision.result == "EXPLICIT_DENY":
        assert set(decision.deciding) == {ref for ref in applying if ref.effect == "Deny"}
        assert set(decision.deciding)
    else:
        assert decision.deciding == []
        assert not {ref for ref in applying if ref.effect == "Deny"}


def _many(size: int) -> dict[str, Any]:
    """A resource policy of ``size`` statements, each for its own path; the last one for GET /pets."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": f"S{n}",
                "Effect": "Allow",
                "Principal": {"AWS": OTHER},
                "Action": "execute-api:Invoke",
                "Resource": [
                    f"execute-api:/prod/GET/{'pets' if n == size - 1 else f'res{n}'}/*",
                    f"arn:aws:execute-api:*:{OWNER}:{API}/*/GET/{'pets' if n == size - 1 else f'res{n}'}",
                ],
            }
            for n in range(size)
        ],
    }


def test_the_index_leaves_only_the_statements_that_can_match() -> None:
    policy = parse_policy(_many(1000))
    index = compiled(policy)
    resource = f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/prod/GET/pets"
    base = f"arn:aws:execute-api:{REGION}:{OWNER}:{API}"
    assert [s.sid for s in index.candidates("execute-api:Invoke", resource, base)] == ["S999"]
    assert [s.sid for s in index.candidates("execute-api:Invoke", resource + "/1", base)] == ["S999"]
    assert index.candidates("s3:GetObject", resource, base) == []
    # Built once per policy: the same index serves every request.
    assert compiled(policy) is index


def test_the_index_leaves_only_the_statements_naming_the_caller() -> None:
    doc = _many(1000)
    for number, statement in enumerate(doc["Statement"]):
        statement["Resource"] = "execute-api:/*"
        statement["Principal"] = {"AWS": f"arn:aws:iam::{OTHER}:role/{'dev' if number == 999 else number}"}
    doc["Statement"][5]["Principal"] = "*"
    doc["Statement"][6]["NotPrincipal"] = doc["Statement"][6].pop("Principal")
    doc["Statement"][7]["Principal"] = {"AWS": [f"arn:aws:iam::{OWNER}:root", OTHER]}
    index = compiled(parse_policy(doc))
    resource = f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/prod/GET/pets"
    base = f"arn:aws:execute-api:{REGION}:{OWNER}:{API}"
    found = index.candidates("execute-api:Invoke", resource, base, caller_of(SESSION, OTHER))
    assert [s.sid for s in found] == ["S5", "S6", "S7", "S999"]
    # A name that differs only in letter case is still a candidate (one reading matches it).
    found = index.candidates(
        "execute-api:Invoke", resource, base, caller_of(f"arn:aws:sts::{OTHER}:assumed-role/DEV/x", None)
    )
    assert [s.sid for s in found] == ["S5", "S6", "S7", "S999"]
    assert [s.sid for s in index.candidates("execute-api:Invoke", resource, base, caller_of(None, None))] == [
        "S5",
        "S6",
    ]
    # Without a caller (an identity policy) Principal rules nothing out.
    assert len(index.candidates("execute-api:Invoke", resource, base)) == 1000


def test_a_statement_the_index_cannot_file_is_always_a_candidate() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Not",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "*",
                "NotResource": "execute-api:/x",
            },
            {
                "Sid": "Shorthand",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "execute-api:/*",
            },
            {
                "Sid": "T",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "arn:aws:*:${aws:username}",
            },
            {
                "Sid": "Short",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "arn:aws:execute-api:*",
            },
        ],
    }
    index = compiled(parse_policy(doc))
    sids = [s.sid for s in index.candidates("execute-api:Invoke", "not-an-arn", None)]
    assert sids == ["Not", "T", "Short"]


def test_a_renamed_policy_keeps_its_index(build: Any) -> None:
    policy = parse_policy(_many(3))
    index = compiled(policy)
    renamed = policy.renamed("group Readers policy 1")
    assert renamed.name == "group Readers policy 1"
    assert compiled(renamed) is index
    decision = authorize(
        build.request(principal_arn=f"arn:aws:iam::{OTHER}:user/u"),
        resource_policy=policy,
        identity_policies=[IdentityPolicy.of_group("Readers", policy)],
    )
    assert decision.result == "ALLOW"
    assert {ref.policy for ref in decision.deciding} == {"policy", "group Readers policy 1"}


def test_a_cached_document_made_too_deep_is_still_refused() -> None:
    doc = _many(2)
    assert parse_policy(doc).statements[1].sid == "S1"
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    doc["Statement"][0]["Condition"] = {"StringEquals": {"aws:username": deep}}
    with pytest.raises(PolicyError, match="nested more than"):
        parse_policy(doc)
    # And the cache answers a dict equal to one it has seen without a second parse.
    again = json.loads(json.dumps(_many(2)))
    assert parse_policy(again) is parse_policy(again)
