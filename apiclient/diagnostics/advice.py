"""The words of a diagnosis: the cause table's summary and next steps, and the evidence read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiclient.diagnostics.causes import CAUSE_TABLE, Cause

__all__ = ["advice_for"]

_INVOKE = "execute-api:Invoke"
_FORBIDDEN_CANDIDATES = (
    "REST APIs send this same body for several causes: a missing or invalid "
    "API key or one not in a usage plan for the stage, an AWS WAF block, a public API called through a "
    "VPC endpoint with private DNS, a private API reached without x-apigw-api-id or the right Host, "
    "or a disabled default execute-api endpoint."
)
_HTTP_API_FORBIDDEN = (
    "HTTP APIs have no API keys, WAF or resource policies: an AWS_IAM route refuses a caller whose "
    "identity policy lacks execute-api:Invoke on the route ARN, or a Lambda authorizer said no."
)


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
    if "route_key" in details:
        seen.append(f"the resource is WebSocket route {details['route_key']} of stage {details.get('stage')}")
    if details.get("masked_account"):
        suffix = details.get("account_suffix")
        seen.append("the API owner's account ID is masked" + (f" (ends in {suffix})" if suffix else ""))
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
    info = CAUSE_TABLE[cause]
    summary, next_steps = info.summary, info.next_steps
    if info.http_api is not None and details.get("api_type") == "HTTP":
        summary, next_steps = info.http_api
    action = details.get("action")
    if isinstance(action, str) and action.startswith("execute-api:") and action != _INVOKE:
        # The table's advice names the usual action; the message named another (ManageConnections).
        summary = summary.replace(_INVOKE, action)
        next_steps = tuple(step.replace(_INVOKE, action) for step in next_steps)
    if cause == "unknown" and (error_type or message):
        seen = error_type or repr((message or "")[:80])
        summary = f"{summary} ({seen})"
    return summary, _evidence(cause, status, error_type, message, details), next_steps
