"""Which kind of API refused the call, and what that means for its resource ARN.

A URL cannot tell a REST API from an HTTP API, and an HTTP API's ``$default`` stage has no path
segment, so ``https://{api_id}.execute-api.{region}.amazonaws.com/products/42`` is either stage
``products``, path ``/42`` or stage ``$default``, path ``/products/42``. The answer tells the kind
(HTTP APIs send ``apigw-requestid``); when the client was not told, both ARNs are possible and the
diagnosis names (and, with policies, evaluates) both ("Control access to HTTP APIs with IAM
authorization").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.verdict import RefusedCall, Target
from apiclient.endpoint import DEFAULT_STAGE, request_arn

if TYPE_CHECKING:
    from apiclient.diagnostics.identity import CallerIdentity

__all__ = ["http_api", "stage_findings", "stage_readings"]


def http_api(call: RefusedCall) -> bool:
    """The API is an HTTP API: the client said so (``stage="$default"``) or the answer shows it."""
    told = call.endpoint is not None and call.endpoint.api_type == "HTTP"
    return told or call.quoted.get("api_type") == "HTTP"


def stage_readings(call: RefusedCall) -> list[Target]:
    """The targets the call may have meant: two (first segment as the stage, then ``$default``)
    when an HTTP API answered a client that was not told the API type; else none."""
    endpoint, target = call.endpoint, call.target()
    if endpoint is None or target is None or endpoint.api_type is not None or target.stage is None:
        return []
    if call.quoted.get("api_type") != "HTTP" or endpoint.api_id is None:
        return []
    return [target, target._replace(stage=DEFAULT_STAGE, path=call.path)]


def _arn(call: RefusedCall, target: Target, account: str) -> str:
    assert call.endpoint is not None and target.stage is not None and target.path is not None
    return request_arn(
        partition=call.endpoint.partition, region=target.region or call.endpoint.region, account=account,
        api_id=call.endpoint.api_id or "", stage=target.stage, method=target.method, path=target.path,
    )  # fmt: skip


def stage_findings(
    call: RefusedCall, *, api_owner_account: str | None, caller: CallerIdentity | None, found: Findings
) -> None:
    """Name both possible resource ARNs when an HTTP API answered and the stage is uncertain."""
    readings = stage_readings(call)
    if not readings:
        return
    account = api_owner_account or (caller.account if caller is not None else None) or "{account}"
    named, default = (_arn(call, reading, account) for reading in readings)
    found.details["possible_resource_arns"] = [named, default]
    found.evidence.append(
        f"an HTTP API answered (apigw-requestid) and the client was not told its stage: the call is "
        f"either {named} ({readings[0].stage!r} as the stage) or {default} (the $default stage, which has "
        "no path segment); pass stage='$default' (--stage '$default') if the API serves its default stage"
    )
