"""The policy engine's verdict on the refused call, built from what the diagnosis knows.

The request is rebuilt from the principal (STS or the message), the API owner's account,
the method, stage and path (preferably as API Gateway quoted them), and the source IP when
given; ``apiclient.policy.authorize`` then decides it as API Gateway would.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from apiclient.diagnostics.findings import Findings
from apiclient.errors import PolicyError
from apiclient.policy import EXPLICIT_DENY, IMPLICIT_DENY, AccessRequest, Decision, authorize

__all__ = ["KnownCall", "policy_verdict", "verdict_summary"]

# What API Gateway's message says, as the verdict the local evaluation should reach.
_EXPECTED = {
    "explicit_deny": EXPLICIT_DENY,
    "explicit_deny_resource_policy": EXPLICIT_DENY,
    "no_allow": IMPLICIT_DENY,
}


@dataclass(frozen=True)
class KnownCall:
    """The refused call as far as the client knows it (None: unknown; ``anonymous``: unsigned)."""

    anonymous: bool
    principal_arn: str | None
    principal_account: str | None
    api_owner_account: str | None
    api_id: str | None
    region: str | None
    stage: str | None
    method: str
    path: str | None
    source_ip: str | None
    current_time: _dt.datetime
    partition: str = "aws"
    endpoint_type: str = "REGIONAL"
    source_vpce: str | None = None

    def missing(self) -> list[str]:
        """The facts the evaluation needs but the diagnosis does not have."""
        needed = {
            "the API owner's account (pass api_owner_account=)": self.api_owner_account,
            "the API ID": self.api_id,
            "the region": self.region,
            "the stage": self.stage,
            "the resource path": self.path,
        }
        if not self.anonymous:
            needed["the caller's identity (pass identity= or identify=True)"] = self.principal_arn
        return [name for name, value in needed.items() if value is None]

    def access_request(self) -> AccessRequest:
        """The engine's request; call only when ``missing()`` is empty."""
        assert self.api_owner_account and self.api_id and self.region and self.stage and self.path
        return AccessRequest(
            principal_arn=None if self.anonymous else self.principal_arn,
            principal_account=None if self.anonymous else self.principal_account,
            api_owner_account=self.api_owner_account,
            source_ip=self.source_ip,
            method=self.method,
            stage=self.stage,
            path=self.path,
            api_id=self.api_id,
            region=self.region,
            current_time=self.current_time,
            endpoint_type=self.endpoint_type,
            source_vpce=self.source_vpce,
            partition=self.partition,
        )


def _record(decision: Decision, cause: str, identity_policies_given: bool, found: Findings) -> None:
    found.details["policy_verdict"] = {
        "result": decision.result,
        "resource": decision.resource,
        "principal": decision.principal,
        "deciding": [{"policy": r.policy, "index": r.index, "sid": r.sid} for r in decision.deciding],
        "fixes": [fix.to_dict() for fix in decision.fixes],
        "missing_keys": list(decision.missing_keys),
    }
    deciding = ", ".join(str(ref) for ref in decision.deciding)
    found.evidence.append(
        f"local policy evaluation: {decision.result}" + (f", decided by {deciding}" if deciding else "")
    )
    if not identity_policies_given and decision.principal is not None:
        found.evidence.append(
            "no identity policies were given: the evaluation assumes the caller's own policies grant nothing"
        )
    expected = _EXPECTED.get(cause)
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
    call: KnownCall,
    *,
    resource_policy: Mapping[str, Any] | None,
    identity_policies: Iterable[Mapping[str, Any] | str],
    authorization: str,
    cause: str,
    found: Findings,
) -> Decision | None:
    """Evaluate the call against the policies; None (with the reason as evidence) when it cannot be."""
    missing = call.missing()
    if missing:
        found.evidence.append("the policies cannot be evaluated locally without " + ", ".join(missing))
        return None
    identity = list(identity_policies)
    try:
        decision = authorize(
            call.access_request(),
            resource_policy=resource_policy,
            identity_policies=identity,
            authorization=authorization,
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
        return f"fix: {fix.where}: {fix.description}"
    return None
