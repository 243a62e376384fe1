"""The policy step of ``diagnose``: find the resource policy, rebuild the call, ask the engine.

``diagnose`` imports this module only when a refusal has a policy to evaluate, so that
``import apiclient`` does not load the policy engine (the Lambda cold start). When an HTTP API
answered a client that was not told its stage, both possible resource ARNs are evaluated.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from apiclient.diagnostics.causes import Cause, decision_cause
from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.flavour import http_api, stage_readings
from apiclient.diagnostics.identity import CallerIdentity
from apiclient.diagnostics.options import DiagnoseOptions
from apiclient.diagnostics.policy_source import fetch_resource_policy, load_policy
from apiclient.diagnostics.policy_verdict import (
    access_request,
    policy_resources,
    policy_verdict,
    verdict_summary,
)
from apiclient.diagnostics.verdict import RefusedCall, Target
from apiclient.endpoint import parse_arn
from apiclient.errors import EndpointError, PolicyError
from apiclient.policy import AccessRequest, Decision, IdentityPolicy, authorize

__all__ = ["evaluate"]


def _resource_policy(
    call: RefusedCall, options: DiagnoseOptions, found: Findings
) -> tuple[bool, dict[str, Any] | None]:
    """(available, policy) from the argument, else from GetRestApi when asked to fetch it."""
    if http_api(call):
        return _http_api_policy(options, found)
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


def _http_api_policy(options: DiagnoseOptions, found: Findings) -> tuple[bool, dict[str, Any] | None]:
    """HTTP APIs have no resource policy: one given is reported, none is fetched."""
    if options.resource_policy is not None:
        found.details["resource_policy_source"] = "given"
        found.evidence.append(
            "HTTP APIs do not support resource policies: the resource policy given is not applicable, "
            "and the identity policies alone decide"
        )
        return True, None
    if options.fetch_policy:
        found.evidence.append("an HTTP API has no resource policy to fetch: the identity policies decide")
    return bool(options.identity_policies), None


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
    named: list[tuple[str, Any]] = []
    if document is not None:
        named.append(("the resource policy", document))
    named += _named_identity_policies(options)
    readings = _ordered(stage_readings(call), named)
    api_type = "HTTP" if http_api(call) else None
    requests: list[AccessRequest] = []
    choices: list[Target | None] = list(readings) or [None]
    for reading in choices:
        request = access_request(
            call,
            caller=caller,
            api_owner_account=options.api_owner_account,
            source_ip=options.source_ip,
            at=at,
            found=found,
            policies=named,
            target=reading,
            api_type=api_type,
        )
        if request is None:
            return None, None
        requests.append(request)
    authorization = options.authorization or ("NONE" if call.anonymous else "AWS_IAM")
    decision = policy_verdict(
        requests[0],
        resource_policy=document,
        identity_policies=options.identity_policies,
        authorization=authorization,
        cause=call.classified.cause,
        found=found,
    )
    if decision is None:
        return None, None
    decisions = [decision]
    for other in requests[1:]:
        alternative = authorize(
            other,
            resource_policy=document,
            identity_policies=options.identity_policies,
            authorization=authorization,
        )
        decisions.append(alternative)
    if len(decisions) > 1:
        _record_readings(readings, decisions, found)
    if api_type == "HTTP" and options.identity_policies:
        _hint_policy_cause(decisions, anonymous=call.anonymous, authorization=authorization, found=found)
    clause = verdict_summary(decision)
    if len(decisions) > 1:
        # Both readings are in the evidence; the summary names the other one's verdict only.
        clause = f"{clause or decision.result}; with stage {readings[1].stage}: {decisions[1].result}"
    return decision, clause


def _named_identity_policies(options: DiagnoseOptions) -> list[tuple[str, Any]]:
    """(label, document) of each identity policy, labelled as the policy engine will name it."""
    named: list[tuple[str, Any]] = []
    for number, item in enumerate(options.identity_policies, 1):
        if isinstance(item, IdentityPolicy):
            named.append((item.label, item.document))
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            named.append((item[0], item[1]))
        else:
            named.append((f"identity policy {number}", item))
    return named


def _ordered(readings: list[Target], named: list[tuple[str, Any]]) -> list[Target]:
    """The stage readings, the likelier first: the named stage when the policies name it in a
    Resource, else ``$default`` (an HTTP API that answered a stage-less-looking URL)."""
    if not readings:
        return readings
    stage = readings[0].stage
    mentions = any(_stage_of(text) == stage for _name, policy in named for text in policy_resources(policy))
    return readings if mentions else [readings[1], readings[0]]


def _stage_of(resource: str) -> str | None:
    """The stage an execute-api Resource names (ARN or ``execute-api:/`` shorthand), else None."""
    if resource.startswith("execute-api:/"):
        return resource[len("execute-api:/") :].split("/", 1)[0]
    try:
        return parse_arn(resource).stage
    except EndpointError:
        return None


def _record_readings(readings: list[Target], decisions: list[Decision], found: Findings) -> None:
    found.details["stage_readings"] = [
        {
            "stage": reading.stage,
            "resource": decision.resource,
            "result": decision.result,
            "fixes": [fix.to_dict() for fix in decision.fixes],
        }
        for reading, decision in zip(readings, decisions, strict=True)
    ]
    for reading, decision in zip(readings, decisions, strict=True):
        summary = verdict_summary(decision)
        found.evidence.append(
            f"local policy evaluation with stage {reading.stage} ({decision.resource}): {decision.result}"
            + (f"; {summary}" if summary else "")
        )


def _hint_policy_cause(
    decisions: list[Decision], *, anonymous: bool, authorization: str, found: Findings
) -> None:
    """An HTTP API's Forbidden says no more than "refused": the identity policies' verdict, when
    every reading agrees on it, tells an explicit Deny from a missing Allow."""
    causes: set[Cause | None] = {
        decision_cause(decision, anonymous=anonymous, authorization=authorization) for decision in decisions
    }
    if len(causes) != 1:
        return
    [cause] = causes
    if cause in ("explicit_deny", "no_allow"):
        result = decisions[0].result
        found.hint(cause, f"the identity policies given evaluate to {result} for this HTTP API call")
