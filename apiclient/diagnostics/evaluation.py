"""The policy step of ``diagnose``: find the resource policy, rebuild the call, ask the engine.

``diagnose`` imports this module only when a refusal has a policy to evaluate, so that
``import apiclient`` does not load the policy engine (the Lambda cold start).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apiclient.diagnostics.arn_match import RequestTarget, owner_account
from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.identity import CallerIdentity
from apiclient.diagnostics.policy_source import PolicySource, fetch_resource_policy, load_policy
from apiclient.diagnostics.policy_verdict import KnownCall, policy_verdict, verdict_summary
from apiclient.errors import PolicyError
from apiclient.policy import Decision

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials
    from apiclient.endpoint import Endpoint

__all__ = ["PolicyInputs", "Refused", "evaluate"]


@dataclass(frozen=True)
class PolicyInputs:
    """What the caller of ``diagnose`` supplied for the policy evaluation."""

    resource_policy: PolicySource | None
    identity_policies: Iterable[Mapping[str, Any] | str]
    fetch: bool
    apigateway_endpoint_url: str | None
    api_owner_account: str | None
    source_ip: str | None
    authorization: str | None


@dataclass(frozen=True)
class Refused:
    """What ``diagnose`` learned of the refused call before the policy step."""

    quoted: Mapping[str, Any]
    cause: str
    target: RequestTarget | None
    caller: CallerIdentity | None
    anonymous: bool
    endpoint: Endpoint | None
    credentials: Credentials | None
    region: str | None
    at: _dt.datetime


def _resource_policy(
    inputs: PolicyInputs, refused: Refused, found: Findings
) -> tuple[bool, dict[str, Any] | None]:
    """(available, policy) from the argument, else from GetRestApi when asked to fetch it."""
    if inputs.resource_policy is not None:
        try:
            policy = load_policy(inputs.resource_policy)
        except PolicyError as error:
            found.evidence.append(f"the resource policy given cannot be used: {error}")
            return False, None
        found.details["resource_policy_source"] = "given"
        return True, policy
    if not inputs.fetch:
        return False, None
    endpoint = refused.endpoint
    api_id = refused.quoted.get("api_id") or (endpoint.api_id if endpoint else None)
    if api_id is None or refused.credentials is None or refused.region is None:
        found.evidence.append(
            "the resource policy cannot be fetched without the API ID, region and credentials"
        )
        return False, None
    return fetch_resource_policy(
        api_id,
        credentials=refused.credentials,
        region=refused.region,
        endpoint_url=inputs.apigateway_endpoint_url,
        found=found,
    )


def _known_call(inputs: PolicyInputs, refused: Refused, found: Findings) -> KnownCall:
    """The call as the policy engine needs it: API Gateway's quoted ARN first, then the URL."""
    quoted, caller, target, endpoint = refused.quoted, refused.caller, refused.target, refused.endpoint
    caller_account = caller.account if caller else quoted.get("principal_account")
    owner = inputs.api_owner_account or owner_account(quoted, {"the caller's account": caller_account}, found)

    def pick(part: str) -> Any:
        return quoted.get(part) or (getattr(target, part) if target is not None else None)

    principal = caller.arn if caller else (None if quoted.get("anonymous") else quoted.get("principal"))
    private = endpoint is not None and endpoint.kind in ("private", "vpce")
    return KnownCall(
        anonymous=refused.anonymous,
        principal_arn=principal,
        principal_account=caller_account,
        api_owner_account=owner,
        api_id=pick("api_id"),
        region=pick("region"),
        stage=pick("stage"),
        method=str(pick("method") or "GET"),
        path=pick("path"),
        source_ip=inputs.source_ip,
        current_time=refused.at,
        partition=endpoint.partition if endpoint is not None else "aws",
        endpoint_type="PRIVATE" if private else "REGIONAL",
        source_vpce=endpoint.vpce_id if endpoint is not None else None,
    )


def evaluate(inputs: PolicyInputs, refused: Refused, found: Findings) -> tuple[Decision | None, str | None]:
    """(decision, summary clause); (None, None) when no policy is available or facts are missing."""
    available, document = _resource_policy(inputs, refused, found)
    if not available:
        return None, None
    anonymous = refused.anonymous
    decision = policy_verdict(
        _known_call(inputs, refused, found),
        resource_policy=document,
        identity_policies=inputs.identity_policies,
        authorization=inputs.authorization or ("NONE" if anonymous else "AWS_IAM"),
        cause=refused.cause,
        found=found,
    )
    return decision, verdict_summary(decision) if decision is not None else None
