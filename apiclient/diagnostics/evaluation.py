"""The policy step of ``diagnose``: find the resource policy, rebuild the call, ask the engine.

``diagnose`` imports this module only when a refusal has a policy to evaluate, so that
``import apiclient`` does not load the policy engine (the Lambda cold start).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.identity import CallerIdentity
from apiclient.diagnostics.options import DiagnoseOptions
from apiclient.diagnostics.policy_source import fetch_resource_policy, load_policy
from apiclient.diagnostics.policy_verdict import access_request, policy_verdict, verdict_summary
from apiclient.diagnostics.verdict import RefusedCall
from apiclient.errors import PolicyError
from apiclient.policy import Decision

__all__ = ["evaluate"]


def _resource_policy(
    call: RefusedCall, options: DiagnoseOptions, found: Findings
) -> tuple[bool, dict[str, Any] | None]:
    """(available, policy) from the argument, else from GetRestApi when asked to fetch it."""
    if options.resource_policy is not None:
        try:
            policy = load_policy(options.resource_policy)
        except PolicyError as error:
            found.evidence.append(f"the resource policy given cannot be used: {error}")
            return False, None
        found.details["resource_policy_source"] = "given"
        return True, policy
    if not options.fetch_policy:
        if not options.identity_policies:
            return False, None
        # Identity policies alone still decide a same-account call (or show a cross-account gap).
        found.details["resource_policy_source"] = "none given"
        found.evidence.append(
            "no resource policy was given: the evaluation assumes the API has none "
            "(pass resource_policy= or fetch_policy=True if it has one)"
        )
        return True, None
    endpoint, region = call.endpoint, call.region
    api_id = call.quoted.get("api_id") or (endpoint.api_id if endpoint else None)
    if api_id is None or call.credentials is None or region is None:
        found.evidence.append(
            "the resource policy cannot be fetched without the API ID, region and credentials"
        )
        return False, None
    return fetch_resource_policy(
        api_id,
        credentials=call.credentials,
        region=region,
        endpoint_url=options.apigateway_endpoint_url,
        found=found,
    )


def evaluate(
    call: RefusedCall,
    options: DiagnoseOptions,
    *,
    caller: CallerIdentity | None,
    at: _dt.datetime,
    found: Findings,
) -> tuple[Decision | None, str | None]:
    """(decision, summary clause); (None, None) when no policy is available or facts are missing."""
    available, document = _resource_policy(call, options, found)
    if not available:
        return None, None
    named: list[tuple[str, Mapping[str, Any] | str]] = []
    if document is not None:
        named.append(("the resource policy", document))
    named += [(f"identity policy {n}", policy) for n, policy in enumerate(options.identity_policies, 1)]
    request = access_request(
        call,
        caller=caller,
        api_owner_account=options.api_owner_account,
        source_ip=options.source_ip,
        at=at,
        found=found,
        policies=named,
    )
    if request is None:
        return None, None
    decision = policy_verdict(
        request,
        resource_policy=document,
        identity_policies=options.identity_policies,
        authorization=options.authorization or ("NONE" if call.anonymous else "AWS_IAM"),
        cause=call.classified.cause,
        found=found,
    )
    return decision, verdict_summary(decision) if decision is not None else None
