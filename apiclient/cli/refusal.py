"""A refusal's diagnosis completed by the policy engine, for ``invoke --policy`` and ``demo``."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any

from apiclient.diagnostics import Diagnosis
from apiclient.policy import AccessRequest, Decision, authorize

__all__ = ["POLICY_CAUSES", "deciding_statements", "explain_refusal"]

# The causes that an IAM policy evaluation decides (the "not authorized to perform" messages).
POLICY_CAUSES = frozenset({"no_allow", "explicit_deny", "explicit_deny_resource_policy"})
_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")
# The resource ARN quoted in API Gateway's message, the owner masked to its last four digits.
_RESOURCE_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):execute-api:(?P<region>[a-z0-9-]+):(?P<account>[*\d]+):"
    r"(?P<api_id>[a-z0-9]+)/(?P<stage>[^/]+)/(?P<method>[A-Z]+)(?P<path>/.*)?"
)


def _unmasked_owner(account: str, policy_texts: Sequence[str]) -> str | None:
    """The API owner, which API Gateway masks to its last four digits (errors.md observation 2).

    The one account in the policies that ends with those digits is taken.
    """
    if "*" not in account:
        return account
    suffix = account.lstrip("*")
    candidates = {account for text in policy_texts for account in _ACCOUNT.findall(text)}
    matching = sorted(account for account in candidates if suffix and account.endswith(suffix))
    return matching[0] if len(matching) == 1 else None


def explain_refusal(
    diagnosis: Diagnosis,
    *,
    resource_policy: str | None,
    identity_policies: Sequence[str] = (),
    source_ip: str | None = None,
    api_owner_account: str | None = None,
    current_time: _dt.datetime | None = None,
) -> Diagnosis:
    """``diagnosis`` with the policy engine's decision for the refused request attached.

    The request (principal and the resource ARN) is read from API Gateway's message; a diagnosis
    whose cause is not a policy decision, or that lacks those facts, is returned as is.
    """
    details = diagnosis.details
    resource = _RESOURCE_ARN.fullmatch(str(details.get("resource_arn", "")))
    if diagnosis.cause not in POLICY_CAUSES or resource is None:
        return diagnosis
    texts = [t for t in (resource_policy, *identity_policies) if t]
    principal_account = details.get("principal_account")
    owner = api_owner_account or _unmasked_owner(resource["account"], texts) or principal_account
    if owner is None:
        return diagnosis
    request = AccessRequest(
        principal_arn=None if details.get("anonymous") else details.get("principal"),
        principal_account=principal_account,
        api_owner_account=str(owner),
        source_ip=source_ip,
        method=resource["method"],
        stage=resource["stage"],
        path=resource["path"] or "/",
        api_id=resource["api_id"],
        region=resource["region"],
        current_time=current_time or _dt.datetime.now(_dt.timezone.utc),
        partition=resource["partition"],
    )
    decision = authorize(request, resource_policy=resource_policy, identity_policies=list(identity_policies))
    return dataclasses.replace(diagnosis, decision=decision)


def deciding_statements(decision: Decision) -> list[dict[str, Any]]:
    """The statements behind a decision (``role: "deciding"``), or what stands in for them.

    An implicit deny has no deciding statement, so it gets the Allow statements that did apply on
    one side (``"applied_allow"``: cross account, Table B needs both) and those that came nearest
    to applying (``"closest_allow"``, with why not).
    """
    if decision.deciding:
        return [{**ref.to_dict(), "role": "deciding"} for ref in decision.deciding]
    allows = [t for t in decision.trace if t.ref.effect == "Allow"]
    applied = [{**t.ref.to_dict(), "role": "applied_allow"} for t in allows if t.applies]
    misses = sorted((t for t in allows if not t.applies), key=lambda trace: len(trace.failed))
    closest = [
        {**t.ref.to_dict(), "role": "closest_allow", "why_not": [e.reason for e in t.failed]}
        for t in misses[:3]
    ]
    return applied + closest
