"""The policy engine's verdict on the refused call, built from the ``RefusedCall`` record.

The ``AccessRequest`` is made from the principal (STS or the message), the API owner's account,
the method, stage and path (preferably as API Gateway quoted them), the action (as quoted, else
``execute-api:ManageConnections`` for an ``@connections`` path), a WebSocket route key (quoted,
or ``$connect`` for a refused ``wss://`` handshake), the API type, and the source IP when given;
``apiclient.policy.authorize`` then decides it as API Gateway would.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from apiclient.diagnostics.arn_match import owner_account
from apiclient.diagnostics.causes import CAUSE_TABLE, Cause
from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.identity import CallerIdentity
from apiclient.diagnostics.verdict import RefusedCall, Target
from apiclient.errors import PolicyError
from apiclient.policy import ACTIONS, AccessRequest, Decision, action_for, authorize
from apiclient.policy.identity import IdentityPolicyInput

__all__ = ["access_request", "policy_resources", "policy_verdict", "verdict_summary"]


def access_request(
    call: RefusedCall,
    *,
    caller: CallerIdentity | None,
    api_owner_account: str | None,
    source_ip: str | None,
    at: _dt.datetime,
    found: Findings,
    policies: Sequence[tuple[str, Any]] = (),
    target: Target | None = None,
    api_type: str | None = None,
) -> AccessRequest | None:
    """The engine's request for ``call``: API Gateway's quoted ARN first, then the URL.

    The API owner's account, which API Gateway masks, comes from ``api_owner_account``, else the
    caller's own when it matches the mask, else the execute-api ARNs the ``(name, policy)`` pairs
    name for this API. ``target`` replaces what the URL says was called (one reading of an HTTP
    API's stage); ``api_type="HTTP"`` makes identity policies alone decide. None, with the missing
    facts or the problem as evidence, when the call cannot be evaluated.
    """
    quoted, endpoint = call.quoted, call.endpoint
    target = target if target is not None else call.target()

    def pick(part: str) -> Any:
        return quoted.get(part) or (getattr(target, part) if target is not None else None)

    api_id, region, stage, path = pick("api_id"), pick("region"), pick("stage"), pick("path")
    caller_account = caller.account if caller else quoted.get("principal_account")
    owner = (
        api_owner_account
        or owner_account(quoted, {"the caller's account": caller_account}, found)
        or _owner_in_policies(policies, api_id, quoted.get("account_suffix"), found)
    )
    anonymous = call.anonymous
    principal = None if anonymous else (caller.arn if caller else quoted.get("principal"))
    needed = {
        "the API owner's account (pass api_owner_account=)": owner,
        "the API ID": api_id,
        "the region": region,
        "the stage": stage,
        "the resource path": path,
    }
    if not anonymous:
        needed["the caller's identity (pass identity= or identify=True)"] = principal
    missing = [name for name, value in needed.items() if value is None]
    if missing or owner is None:
        found.evidence.append("the policies cannot be evaluated locally without " + ", ".join(missing))
        return None
    private = endpoint is not None and endpoint.kind in ("private", "vpce")
    method = str(pick("method") or "GET")
    route_key = quoted.get("route_key")
    if route_key is None and endpoint is not None and endpoint.api_type == "WEBSOCKET" and path == "/":
        route_key = "$connect"  # a wss:// URL's handshake is the $connect route
    action = quoted.get("action")
    if action not in ACTIONS:
        action = "execute-api:Invoke" if route_key or api_type == "HTTP" else action_for(path)
    try:
        return AccessRequest(
            principal_arn=principal,
            principal_account=None if anonymous else caller_account,
            api_owner_account=owner,
            source_ip=source_ip,
            method=method,
            stage=stage,
            path=path,
            api_id=api_id,
            region=region,
            current_time=at,
            endpoint_type="PRIVATE" if private else "REGIONAL",
            source_vpce=endpoint.vpce_id if endpoint is not None else None,
            partition=endpoint.partition if endpoint is not None else "aws",
            action=action,
            route_key=route_key,
            api_type=api_type,
        )
    except PolicyError as error:
        found.evidence.append(f"the call cannot be evaluated locally: {error}")
        return None


_API_ARN = re.compile(r"^arn:[^:]+:execute-api:[^:]*:(?P<account>\d{12}):(?P<api_id>[^/]+)")


def policy_resources(policy: Any) -> list[str]:
    """Every Resource string of a policy document (JSON text is read; anything unreadable gives none)."""
    document: Any = getattr(policy, "source", policy)  # a parsed Policy keeps its document
    if isinstance(policy, str):
        try:
            document = json.loads(policy)
        except ValueError:
            return []
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    if isinstance(statements, Mapping):
        statements = [statements]
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        value = statement.get("Resource") if isinstance(statement, Mapping) else None
        found += [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str)]
    return found


def _owner_in_policies(
    policies: Sequence[tuple[str, Any]],
    api_id: str | None,
    suffix: str | None,
    found: Findings,
) -> str | None:
    """The one account the policies' execute-api ARNs for this API name (matching the mask's digits)."""
    for name, policy in policies:
        accounts = {
            match["account"]
            for resource in policy_resources(policy)
            if (match := _API_ARN.match(resource)) is not None and match["api_id"] in (api_id, "*")
        }
        if suffix:
            accounts = {account for account in accounts if account.endswith(suffix)}
        if len(accounts) == 1:
            [account] = accounts
            found.evidence.append(f"the API owner's account {account} is read from {name}'s Resource ARNs")
            return account
    return None


def _record(decision: Decision, cause: Cause, identity_policies_given: bool, found: Findings) -> None:
    found.details["policy_verdict"] = {
        "result": decision.result,
        "resource": decision.resource,
        "principal": decision.principal,
        "deciding": [{"policy": r.policy, "index": r.index, "sid": r.sid} for r in decision.deciding],
        "fixes": [fix.to_dict() for fix in decision.fixes],
        "fixes_all_required": decision.fixes_all_required,
        "missing_keys": list(decision.missing_keys),
        "reading_warnings": [warning.to_dict() for warning in decision.reading_warnings],
    }
    deciding = ", ".join(str(ref) for ref in decision.deciding)
    found.evidence.append(
        f"local policy evaluation: {decision.result}" + (f", decided by {deciding}" if deciding else "")
    )
    if not identity_policies_given and decision.principal is not None:
        found.evidence.append(
            "no identity policies were given: the evaluation assumes the caller's own policies grant nothing"
        )
    found.evidence += [f"undocumented AWS behaviour: {warning}" for warning in decision.reading_warnings]
    warned = {warning.question for warning in decision.reading_warnings}
    found.evidence += [
        f"undocumented AWS behaviour: {other.question} This evaluation assumes {other.primary}; if "
        f"instead {other.alternative}, the result would be {other.result_if_alternative}"
        for other in decision.alternatives
        if other.question not in warned
    ]
    expected = CAUSE_TABLE[cause].policy_result
    if decision.allowed:
        found.evidence.append(
            "the policies evaluated allow the call: what refused it was not evaluated here "
            "(identity policies not given, permission boundaries, SCPs, a VPC endpoint policy)"
        )
    elif expected is not None and decision.result != expected:
        found.evidence.append(
            f"API Gateway's message means {expected} but the local evaluation gives {decision.result}: "
            "a policy not evaluated here also applies"
        )


def policy_verdict(
    request: AccessRequest,
    *,
    resource_policy: Mapping[str, Any] | None,
    identity_policies: Iterable[IdentityPolicyInput],
    authorization: str,
    cause: Cause,
    found: Findings,
) -> Decision | None:
    """Evaluate the request against the policies; None (with the reason as evidence) when it cannot be.

    ``identity_policies`` may be labelled (``IdentityPolicy``, ``(label, policy)``) so that the
    evidence names the group policy that decided.
    """
    identity = list(identity_policies)
    try:
        decision = authorize(
            request, resource_policy=resource_policy, identity_policies=identity, authorization=authorization
        )
    except PolicyError as error:
        found.evidence.append(f"the policies cannot be evaluated: {error}")
        return None
    _record(decision, cause, bool(identity), found)
    return decision


def verdict_summary(decision: Decision) -> str | None:
    """A clause for the one-line summary: the deciding statement, else the smallest fix."""
    if decision.deciding:
        return "decided by " + ", ".join(str(ref) for ref in decision.deciding)
    if decision.fixes:
        fix = decision.fixes[0]
        if fix.groups > 1:
            # One change from every group is needed: say so rather than offer the first as enough.
            return f"fix: {fix.groups} changes are needed, the first: {fix.where}: {fix.description}"
        return f"fix: {fix.where}: {fix.description}"
    return None
