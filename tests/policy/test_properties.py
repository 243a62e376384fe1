"""Properties of the engine: statement order never matters; adding a Deny never turns a
refusal into an Allow; the execute-api:/ shorthand and the full ARN agree."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apiclient.policy import AccessRequest, authorize

OWNER, OTHER, API, REGION = "111111111111", "222222222222", "a1b2c3d4e5", "us-east-2"
PRINCIPALS = [
    "*",
    {"AWS": OWNER},
    {"AWS": OTHER},
    {"AWS": f"arn:aws:iam::{OTHER}:role/dev"},
    {"AWS": f"arn:aws:sts::{OTHER}:assumed-role/dev/s"},
    {"AWS": f"arn:aws:iam::{OWNER}:role/ops"},
]
ACTIONS = ["execute-api:Invoke", "execute-api:*", "*", "s3:GetObject", "EXECUTE-API:invoke"]
SUFFIXES = [
    "*",
    "prod/*",
    "prod/GET/pets",
    "*/GET/*",
    "*/POST/*",
    "prod/GET/pets/*",
    "*/*/pets",
    "pro?/GET/*",
]
CONDITIONS = [
    {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}},
    {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}},
    {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
    {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
    {"Bool": {"aws:SecureTransport": "false"}},
    {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:role/*"}},
    {"StringEquals": {"aws:PrincipalAccount": OWNER}},
]

suffixes = st.sampled_from(SUFFIXES)


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Principal": draw(st.sampled_from(PRINCIPALS)),
        "Action": draw(st.sampled_from(ACTIONS)),
        "Resource": "execute-api:/" + draw(suffixes),
    }
    condition = draw(st.none() | st.sampled_from(CONDITIONS))
    if condition:
        statement["Condition"] = condition
    return statement


@st.composite
def requests(draw: st.DrawFn) -> AccessRequest:
    principal = draw(
        st.sampled_from(
            [
                f"arn:aws:sts::{OTHER}:assumed-role/dev/s",
                f"arn:aws:sts::{OWNER}:assumed-role/ops/t",
                f"arn:aws:iam::{OWNER}:user/u",
                None,
            ]
        )
    )
    account = principal.split(":")[4] if principal else None
    vpce = draw(st.none() | st.just("vpce-1"))
    return AccessRequest(
        principal,
        account,
        OWNER,
        draw(st.sampled_from(["198.51.100.7", "203.0.113.9", "2001:db8::1"])),
        draw(st.sampled_from(["GET", "POST"])),
        draw(st.sampled_from(["prod", "test"])),
        draw(st.sampled_from(["/pets", "/pets/1", "/"])),
        API,
        REGION,
        "2024-06-01T00:00:00Z",
        source_vpce=vpce,
        secure_transport=draw(st.booleans()),
    )


authorizations = st.sampled_from(["AWS_IAM", "NONE", "CUSTOM"])
IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:*", "Resource": "*"}],
}


def decide(request: AccessRequest, statements_: list[dict[str, Any]], authorization: str) -> str:
    doc = {"Version": "2012-10-17", "Statement": statements_}
    return authorize(
        request,
        resource_policy=doc,
        identity_policies=[IDENTITY],
        authorization=authorization,
        authorizer_result="ALLOW" if authorization == "CUSTOM" else None,
    ).result


@settings(max_examples=100, deadline=None)
@given(
    request=requests(),
    body=st.lists(statements(), min_size=1, max_size=6),
    order=st.randoms(),
    authorization=authorizations,
)
def test_statement_order_never_matters(
    request: AccessRequest, body: list[dict[str, Any]], order: Any, authorization: str
) -> None:
    shuffled = list(body)
    order.shuffle(shuffled)
    assert decide(request, body, authorization) == decide(request, shuffled, authorization)


@settings(max_examples=100, deadline=None)
@given(
    request=requests(),
    body=st.lists(statements(), min_size=1, max_size=5),
    extra=statements("Deny"),
    authorization=authorizations,
)
def test_adding_a_deny_never_turns_a_refusal_into_an_allow(
    request: AccessRequest, body: list[dict[str, Any]], extra: dict[str, Any], authorization: str
) -> None:
    before = decide(request, body, authorization)
    after = decide(request, [*body, extra], authorization)
    if before != "ALLOW":
        assert after != "ALLOW"
    if before == "EXPLICIT_DENY":
        assert after == "EXPLICIT_DENY"


@settings(max_examples=100, deadline=None)
@given(request=requests(), body=st.lists(statements(), min_size=1, max_size=4), authorization=authorizations)
def test_shorthand_and_full_arn_agree(
    request: AccessRequest, body: list[dict[str, Any]], authorization: str
) -> None:
    full = [
        {
            **s,
            "Resource": s["Resource"].replace(
                "execute-api:/", f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/"
            ),
        }
        for s in body
    ]
    assert decide(request, body, authorization) == decide(request, full, authorization)


@settings(max_examples=100, deadline=None)
@given(request=requests(), body=st.lists(statements(), min_size=1, max_size=6), authorization=authorizations)
def test_fast_verdict_agrees_with_the_full_trace(
    request: AccessRequest, body: list[dict[str, Any]], authorization: str
) -> None:
    """authorize() decides with a short-circuiting pass; the trace is a second, exhaustive one."""
    decision = authorize(
        request,
        resource_policy={"Version": "2012-10-17", "Statement": body},
        identity_policies=[IDENTITY],
        authorization=authorization,
        authorizer_result="ALLOW" if authorization == "CUSTOM" else None,
    )
    applying = {trace.ref for trace in decision.trace if trace.applies}
    assert set(decision.deciding) <= applying
    if decision.result == "EXPLICIT_DENY":
        assert set(decision.deciding) == {ref for ref in applying if ref.effect == "Deny"}
    if decision.result == "IMPLICIT_DENY":
        assert decision.deciding == []
