"""THE cause table: the refusal vocabulary and everything keyed by a cause.

A cause is what API Gateway's 401/403 means (see "Troubleshoot 403 errors" and
"Gateway response types for API Gateway" in the API Gateway developer guide). Each row
holds its family, its advice (summary and next steps), the causes client-side evidence
may refine it into, whether API Gateway refused before reading any policy, the policy
``Decision`` result it stands for, and what a client should do once when it is refused so.

Adding a cause: a row here and a rule in ``classify`` (and the local gateway if it should
produce it). Nothing else names causes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple, get_args

if TYPE_CHECKING:
    from apiclient.policy import Decision

__all__ = [
    "CAUSES",
    "CAUSE_TABLE",
    "Cause",
    "CauseInfo",
    "Family",
    "OnRefusal",
    "decision_cause",
]

Cause = Literal[
    "missing_auth_or_route",
    "incomplete_signature",
    "signature_mismatch",
    "clock_skew",
    "token_invalid",
    "token_expired",
    "wrong_region",
    "wrong_service",
    "explicit_deny",
    "explicit_deny_resource_policy",
    "no_allow",
    "authorizer_unauthorized",
    "authorizer_deny",
    "authorizer_no_allow",
    "forbidden_generic",
    "api_key",
    "waf",
    "private_api_vpce",
    "connection_gone",
    "unknown",
]

CAUSES: frozenset[str] = frozenset(get_args(Cause))

# route: no method (or WebSocket connection) was reached; signature: the SigV4 signature or its
# scope; credentials: the key or token itself; policy: IAM policy evaluation; authorizer: a Lambda,
# Cognito or JWT authorizer; gateway: API keys, WAF and endpoint types; unknown: none of these.
Family = Literal["route", "signature", "credentials", "policy", "authorizer", "gateway", "unknown"]

# What a client does once, then re-sends, when refused for this cause.
OnRefusal = Literal["refresh_credentials", "correct_clock"]

PolicyResult = Literal["EXPLICIT_DENY", "IMPLICIT_DENY"]


class CauseInfo(NamedTuple):
    """Everything keyed by one cause.

    Attributes:
        family: the group the cause belongs to (see ``Family``).
        summary: one line: what went wrong and what to change.
        next_steps: what to check, in order.
        refinements: causes client-side evidence may replace this one with, strongest first.
        before_authorization: API Gateway refused before reading any policy, so a local
            policy evaluation would explain nothing.
        policy_result: the ``Decision.result`` this cause stands for, when it is a policy verdict.
        on_refusal: what a client does once before re-sending, or None.
        http_api: (summary, next steps) in place of the REST ones when an HTTP API answered
            (``apigw-requestid``): HTTP APIs have no API keys, WAF, private endpoints or
            resource policies, and answer an unknown route with 404.
    """

    family: Family
    summary: str
    next_steps: tuple[str, ...]
    refinements: tuple[Cause, ...] = ()
    before_authorization: bool = False
    policy_result: PolicyResult | None = None
    on_refusal: OnRefusal | None = None
    http_api: tuple[str, tuple[str, ...]] | None = None


_TABLE: dict[Cause, CauseInfo] = {
    "missing_auth_or_route": CauseInfo(
        "route",
        "No route matched, or the request was not signed: check the path, stage and method, then sign it.",
        (
            "Check the stage name, the path and the HTTP method against the deployed API "
            "(a change is live only after a deployment).",
            "With a custom domain, include the base path mapping in the URL.",
            "If the method uses AWS_IAM, make sure the request carries a SigV4 Authorization header.",
        ),
        http_api=(
            "No route of this HTTP API matched: check the stage, the path and the method.",
            (
                "An HTTP API's $default stage has no path segment: call https://{api_id}.execute-api."
                "{region}.amazonaws.com/{path} (stage='$default'), a named stage as /{stage}/{path}.",
                "Check the route exists for this method (or an ANY route) and that the stage is deployed "
                "(auto-deploy, or a deployment after the change).",
            ),
        ),
    ),
    "incomplete_signature": CauseInfo(
        "signature",
        "The Authorization header is not a SigV4 signature: sign with SigV4 (or the route does not exist).",
        (
            "Use SigV4 on AWS_IAM methods; a Bearer/JWT token belongs to a Cognito or JWT authorizer.",
            "Check the access key ID for stray whitespace or newlines.",
            "Check the route exists: API Gateway answers this for undeployed routes too (aws/chalice#828).",
        ),
        before_authorization=True,
    ),
    "signature_mismatch": CauseInfo(
        "signature",
        "The signature does not match API Gateway's: check the secret key and what was signed.",
        (
            "Check that the secret access key belongs to the access key ID.",
            "Compare the canonical request with API Gateway's (path encoding, query, signed headers, "
            "body hash); a proxy that rewrites headers or the path breaks the signature.",
        ),
        # API Gateway words scope and skew problems their own way, but a customized gateway
        # response hides them behind this one.
        refinements=("wrong_region", "wrong_service", "clock_skew"),
        before_authorization=True,
    ),
    "clock_skew": CauseInfo(
        "signature",
        "The signing time is more than 5 minutes off API Gateway's clock: fix the clock and re-sign.",
        (
            "Synchronise the system clock (NTP / chrony).",
            "Do not reuse a signed request: sign each attempt afresh.",
        ),
        before_authorization=True,
        on_refusal="correct_clock",
    ),
    "token_invalid": CauseInfo(
        "credentials",
        "The credentials were refused as invalid: use a valid access key (and its session token).",
        (
            "Check the access key ID is active and belongs to the account you expect.",
            "Temporary credentials (ASIA...) need their session token: send X-Amz-Security-Token.",
        ),
        refinements=("token_expired",),
        before_authorization=True,
        on_refusal="refresh_credentials",
    ),
    "token_expired": CauseInfo(
        "credentials",
        "The temporary credentials have expired: refresh them and retry.",
        ("Refresh or re-assume the role; long-running callers should use a refreshing provider.",),
        before_authorization=True,
        on_refusal="refresh_credentials",
    ),
    "wrong_region": CauseInfo(
        "signature",
        "The signature is scoped to the wrong region: sign for the API's region.",
        (
            "Pass region= (a custom domain's host does not name the region).",
            "Sign with the service name 'execute-api'.",
        ),
        before_authorization=True,
    ),
    "wrong_service": CauseInfo(
        "signature",
        "The signature is scoped to the wrong service: sign for 'execute-api'.",
        ("Sign with service 'execute-api' (not 'apigateway' or a name taken from the host).",),
        before_authorization=True,
    ),
    "explicit_deny": CauseInfo(
        "policy",
        "A Deny statement matched this caller: find and narrow the policy that denies.",
        (
            "The message does not say which policy denied: check the caller's identity policies, "
            "permission boundaries and SCPs, the API's resource policy and any VPC endpoint policy.",
            "Evaluate the policies locally: apiclient explain.",
        ),
        policy_result="EXPLICIT_DENY",
        http_api=(
            "A Deny statement matched this caller: find and narrow the identity policy that denies.",
            (
                "HTTP APIs have no resource policies: the Deny is in the caller's identity policies "
                "(its user, role or groups), a permission boundary or an SCP.",
                "Evaluate the policies locally: apiclient explain.",
            ),
        ),
    ),
    "explicit_deny_resource_policy": CauseInfo(
        "policy",
        "The API's resource policy denies this unsigned caller: sign the request or change the Deny.",
        (
            "An anonymous caller can only be denied by the resource policy: read its Deny statements "
            "(source IP, VPC endpoint, conditions).",
            "If the method should use IAM, sign the request with SigV4.",
        ),
        policy_result="EXPLICIT_DENY",
    ),
    "no_allow": CauseInfo(
        "policy",
        "No policy allows this call: add an Allow for execute-api:Invoke on the resource.",
        (
            "Same account: an Allow in the identity policy or the resource policy is enough.",
            "Cross-account: both the caller's identity policy and the API's resource policy must allow it.",
            "Check that the resource ARN (stage, method, path) is covered by the Allow.",
        ),
        policy_result="IMPLICIT_DENY",
        http_api=(
            "No identity policy allows this call: add an Allow for execute-api:Invoke on the route's ARN.",
            (
                "HTTP APIs have no resource policies: the Allow belongs in the caller's identity policy "
                "(its user, role or one of its groups).",
                "Check that the resource ARN (stage, method, path) is covered; the default stage is "
                "$default.",
                "A caller from another account cannot be granted access: call as a role in the API "
                "owner's account.",
            ),
        ),
    ),
    "authorizer_unauthorized": CauseInfo(
        "authorizer",
        "The authorizer did not authenticate the caller: send a valid token in the identity source.",
        (
            "Check the identity source header (e.g. Authorization) is present and the token is valid.",
            "For a JWT authorizer, www-authenticate names the failed claim (aud, iss, scope, exp).",
        ),
        before_authorization=True,
    ),
    "authorizer_deny": CauseInfo(
        "authorizer",
        "The Lambda authorizer returned an explicit Deny for this method.",
        ("Check the authorizer's policy for this caller and method, including its cached policy.",),
    ),
    "authorizer_no_allow": CauseInfo(
        "authorizer",
        "The Lambda authorizer's policy does not allow this method: widen its Allow.",
        (
            "Check the returned policy's Resource covers this method ARN.",
            "With authorizer caching, a policy cached for another method is reused: allow every method "
            "the token may call or turn caching off.",
        ),
    ),
    "forbidden_generic": CauseInfo(
        "gateway",
        "API Gateway refused the call with a generic Forbidden: check the API key, WAF and endpoint type.",
        (
            "If the method requires an API key, send x-api-key with a key in a usage plan for this stage.",
            "Check AWS WAF logs for a block.",
            "For a private API, call through its VPC endpoint with x-apigw-api-id or the right Host.",
        ),
        # The policy causes refine an HTTP API's Forbidden, which is all its IAM refusals say.
        refinements=("private_api_vpce", "api_key", "waf", "explicit_deny", "no_allow"),
        http_api=(
            "The HTTP API refused the call (Forbidden): the caller's identity policies do not allow "
            "execute-api:Invoke on the route's ARN, or an authorizer said no.",
            (
                "HTTP APIs have no resource policies: grant execute-api:Invoke on "
                "arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{METHOD}/{path} in the caller's "
                "identity policy (its user, role or group); the default stage is $default.",
                "A caller from another account cannot be granted access: call as a role in the API "
                "owner's account.",
                "Evaluate the policies locally: apiclient explain, or diagnose with identity_policies=.",
            ),
        ),
    ),
    "api_key": CauseInfo(
        "gateway",
        "The API key is missing or not valid for this stage: send an x-api-key from its usage plan.",
        ("Add the key to a usage plan that includes this API stage.",),
    ),
    "waf": CauseInfo(
        "gateway",
        "AWS WAF blocked the request.",
        ("Check the web ACL's sampled requests and logs for the matching rule.",),
    ),
    "private_api_vpce": CauseInfo(
        "gateway",
        "The private API was not reached through an allowed VPC endpoint.",
        ("Call through the VPC endpoint and check the resource policy's aws:SourceVpce condition.",),
    ),
    "connection_gone": CauseInfo(
        "route",
        "The WebSocket connection no longer exists (410 GoneException): stop sending to it.",
        (
            "The client disconnected or its connection expired: remove its connection ID from your store.",
            "Treat GoneException from the @connections API as the end of that connection, not as an "
            "error to retry.",
        ),
    ),
    "unknown": CauseInfo(
        "unknown",
        "The response does not match a known API Gateway refusal.",
        ("Check the response body and the API's gateway responses, which may be customized.",),
        refinements=("wrong_region", "wrong_service", "clock_skew", "token_expired"),
    ),
}

CAUSE_TABLE: Mapping[Cause, CauseInfo] = MappingProxyType(_TABLE)


def decision_cause(decision: Decision, *, anonymous: bool, authorization: str = "AWS_IAM") -> Cause | None:
    """The cause API Gateway's answer would give for a policy ``decision``; None when it allows.

    Args:
        decision: the policy engine's decision for the call.
        anonymous: the call was not signed.
        authorization: the method's authorization type.
    """
    if decision.allowed:
        return None
    if anonymous and authorization == "AWS_IAM":
        # An unsigned call to an AWS_IAM method is refused before any policy is read.
        return "missing_auth_or_route"
    if decision.result == "EXPLICIT_DENY":
        # With an anonymous caller only the resource policy can deny.
        return "explicit_deny_resource_policy" if anonymous else "explicit_deny"
    return "no_allow"
