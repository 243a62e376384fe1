"""The words of a diagnosis: a one-line summary and next steps for each cause.

The causes and their meanings are those of ``../shared/reference/apigateway-errors.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiclient.diagnostics.model import Cause

__all__ = ["advice_for"]

_FORBIDDEN_CANDIDATES = (
    "REST APIs send this same body for several causes (errors.md observation 6): a missing or invalid "
    "API key or one not in a usage plan for the stage, an AWS WAF block, a public API called through a "
    "VPC endpoint with private DNS, a private API reached without x-apigw-api-id or the right Host, "
    "or a disabled default execute-api endpoint."
)
_HTTP_API_FORBIDDEN = (
    "HTTP APIs have no API keys, WAF or resource policies: an AWS_IAM route refuses a caller whose "
    "identity policy lacks execute-api:Invoke on the route ARN, or a Lambda authorizer said no."
)

# cause -> (summary, next steps)
_ADVICE: dict[Cause, tuple[str, tuple[str, ...]]] = {
    "missing_auth_or_route": (
        "No route matched, or the request was not signed: check the path, stage and method, then sign it.",
        (
            "Check the stage name, the path and the HTTP method against the deployed API "
            "(a change is live only after a deployment).",
            "With a custom domain, include the base path mapping in the URL.",
            "If the method uses AWS_IAM, make sure the request carries a SigV4 Authorization header.",
        ),
    ),
    "incomplete_signature": (
        "The Authorization header is not a SigV4 signature: sign with SigV4 (or the route does not exist).",
        (
            "Use SigV4 on AWS_IAM methods; a Bearer/JWT token belongs to a Cognito or JWT authorizer.",
            "Check the access key ID for stray whitespace or newlines.",
            "Check the route exists: API Gateway answers this for undeployed routes too (aws/chalice#828).",
        ),
    ),
    "signature_mismatch": (
        "The signature does not match API Gateway's: check the secret key and what was signed.",
        (
            "Check that the secret access key belongs to the access key ID.",
            "Compare the canonical request with API Gateway's (path encoding, query, signed headers, "
            "body hash); a proxy that rewrites headers or the path breaks the signature.",
        ),
    ),
    "clock_skew": (
        "The signing time is more than 5 minutes off API Gateway's clock: fix the clock and re-sign.",
        (
            "Synchronise the system clock (NTP / chrony).",
            "Do not reuse a signed request: sign each attempt afresh.",
        ),
    ),
    "token_invalid": (
        "The credentials were refused as invalid: use a valid access key (and its session token).",
        (
            "Check the access key ID is active and belongs to the account you expect.",
            "Temporary credentials (ASIA...) need their session token: send X-Amz-Security-Token.",
        ),
    ),
    "token_expired": (
        "The temporary credentials have expired: refresh them and retry.",
        ("Refresh or re-assume the role; long-running callers should use a refreshing provider.",),
    ),
    "wrong_region": (
        "The signature is scoped to the wrong region: sign for the API's region.",
        (
            "Pass region= (a custom domain's host does not name the region).",
            "Sign with the service name 'execute-api'.",
        ),
    ),
    "wrong_service": (
        "The signature is scoped to the wrong service: sign for 'execute-api'.",
        ("Sign with service 'execute-api' (not 'apigateway' or a name taken from the host).",),
    ),
    "explicit_deny": (
        "A Deny statement matched this caller: find and narrow the policy that denies.",
        (
            "The message does not say which policy denied: check the caller's identity policies, "
            "permission boundaries and SCPs, the API's resource policy and any VPC endpoint policy.",
            "Evaluate the policies locally: apiclient explain.",
        ),
    ),
    "explicit_deny_resource_policy": (
        "The API's resource policy denies this unsigned caller: sign the request or change the Deny.",
        (
            "An anonymous caller can only be denied by the resource policy: read its Deny statements "
            "(source IP, VPC endpoint, conditions).",
            "If the method should use IAM, sign the request with SigV4.",
        ),
    ),
    "no_allow": (
        "No policy allows this call: add an Allow for execute-api:Invoke on the resource.",
        (
            "Same account: an Allow in the identity policy or the resource policy is enough.",
            "Cross-account: both the caller's identity policy and the API's resource policy must allow it.",
            "Check that the resource ARN (stage, method, path) is covered by the Allow.",
        ),
    ),
    "authorizer_unauthorized": (
        "The authorizer did not authenticate the caller: send a valid token in the identity source.",
        (
            "Check the identity source header (e.g. Authorization) is present and the token is valid.",
            "For a JWT authorizer, www-authenticate names the failed claim (aud, iss, scope, exp).",
        ),
    ),
    "authorizer_deny": (
        "The Lambda authorizer returned an explicit Deny for this method.",
        ("Check the authorizer's policy for this caller and method, including its cached policy.",),
    ),
    "authorizer_no_allow": (
        "The Lambda authorizer's policy does not allow this method: widen its Allow.",
        (
            "Check the returned policy's Resource covers this method ARN.",
            "With authorizer caching, a policy cached for another method is reused: allow every method "
            "the token may call or turn caching off.",
        ),
    ),
    "forbidden_generic": (
        "API Gateway refused the call with a generic Forbidden: check the API key, WAF and endpoint type.",
        (
            "If the method requires an API key, send x-api-key with a key in a usage plan for this stage.",
            "Check AWS WAF logs for a block.",
            "For a private API, call through its VPC endpoint with x-apigw-api-id or the right Host.",
        ),
    ),
    "api_key": (
        "The API key is missing or not valid for this stage: send an x-api-key from its usage plan.",
        ("Add the key to a usage plan that includes this API stage.",),
    ),
    "waf": (
        "AWS WAF blocked the request.",
        ("Check the web ACL's sampled requests and logs for the matching rule.",),
    ),
    "private_api_vpce": (
        "The private API was not reached through an allowed VPC endpoint.",
        ("Call through the VPC endpoint and check the resource policy's aws:SourceVpce condition.",),
    ),
    "unknown": (
        "The response does not match a known API Gateway refusal.",
        ("Check the response body and the API's gateway responses, which may be customized.",),
    ),
}


def _evidence(
    cause: Cause, status: int, error_type: str | None, message: str | None, details: Mapping[str, Any]
) -> tuple[str, ...]:
    seen = [f"HTTP {status}" + (f", x-amzn-ErrorType {error_type}" if error_type else "")]
    if message is not None:
        seen.append(f"message: {message}")
    if "clock_skew_seconds" in details:
        seen.append(
            f"signed at {details['signed_at']}, API Gateway's time {details['server_time']} "
            f"({details['clock_skew_seconds']:+.0f} s)"
        )
    if "principal" in details:
        seen.append(f"principal: {details['principal']}; resource: {details['resource_arn']}")
    if details.get("masked_account"):
        seen.append(f"the API owner's account ID is masked (ends in {details['account_suffix']})")
    if "signed_region" in details:
        seen.append(f"the credential scope named region {details['signed_region']!r}")
    if "expected_service" in details:
        seen.append(f"API Gateway expects service {details['expected_service']!r}")
    if "www_authenticate" in details:
        seen.append(f"www-authenticate: {details['www_authenticate']}")
    if cause == "forbidden_generic":
        seen.append(_HTTP_API_FORBIDDEN if details.get("api_type") == "HTTP" else _FORBIDDEN_CANDIDATES)
    return tuple(seen)


def advice_for(
    cause: Cause, status: int, error_type: str | None, message: str | None, details: Mapping[str, Any]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(summary, evidence, next steps) for a classified response."""
    summary, next_steps = _ADVICE[cause]
    if cause == "unknown" and (error_type or message):
        seen = error_type or repr((message or "")[:80])
        summary = f"{summary} ({seen})"
    return summary, _evidence(cause, status, error_type, message, details), next_steps
