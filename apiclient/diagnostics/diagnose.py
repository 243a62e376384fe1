"""``diagnose``: a classified refusal plus what the client knows about the request it sent.

Each step reads the one ``RefusedCall`` record and adds facts, evidence and hints
(``Findings``): what was sent and signed, the host's kind, the clocks, the credentials'
expiry, the caller's identity, the resource ARN against API Gateway's, and the policy
engine's verdict. ``refine`` then replaces an ambiguous cause when the evidence points to a
precise one. The ``Diagnosis`` is built once, at the end.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from apiclient.diagnostics.advice import advice_for
from apiclient.diagnostics.arn_match import target_findings
from apiclient.diagnostics.causes import CAUSE_TABLE
from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.flavour import http_api, stage_findings
from apiclient.diagnostics.forbidden import forbidden_findings
from apiclient.diagnostics.hostname import hostname_findings
from apiclient.diagnostics.identity import CallerIdentity, identity_findings, record_identity, to_identity
from apiclient.diagnostics.model import DecisionLike, Diagnosis
from apiclient.diagnostics.options import DiagnoseOptions
from apiclient.diagnostics.refine import refine
from apiclient.diagnostics.signed import signature_findings
from apiclient.diagnostics.timing import clock_findings, expiry_findings, server_date
from apiclient.diagnostics.verdict import RefusedCall

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials
    from apiclient.endpoint import Endpoint
    from apiclient.sigv4 import Signature

__all__ = ["DiagnoseOptions", "diagnose", "diagnose_call"]

_NO_OPTIONS = DiagnoseOptions()


def diagnose(
    response: Any,
    *,
    signature: Signature | None = None,
    endpoint: Endpoint | None = None,
    credentials: Credentials | None = None,
    clock_offset: float = 0.0,
    options: DiagnoseOptions | None = None,
    policy: DecisionLike | None = None,
    now: _dt.datetime | None = None,
) -> Diagnosis:
    """Classify ``response`` and add what the client knows about the request.

    What it cannot learn never raises: a failed STS or API Gateway look-up, an unreadable
    policy or a missing fact becomes a line of evidence.

    Args:
        response: the 401/403, a ``requests.Response`` or an ``httpx.Response`` (any response is
            accepted; others come back ``unknown``).
        signature: the ``Signature`` of the attempt that was refused.
        endpoint: the parsed API URL.
        credentials: the snapshot that signed it (expiry; STS and GetRestApi look-ups).
        clock_offset: seconds the client adds to its clock when signing.
        options: policies, identity and look-ups (``DiagnoseOptions``).
        policy: a policy engine ``Decision`` already computed for this request (skips evaluation).
        now: the local time the response arrived (default: now), compared with its Date.

    Raises:
        CredentialsError: ``options.identity`` is neither a ``CallerIdentity`` nor STS's answer shape.
    """
    call = RefusedCall.from_response(
        response, signature=signature, endpoint=endpoint, credentials=credentials, clock_offset=clock_offset
    )
    return _diagnose(call, options or _NO_OPTIONS, policy, now)


def diagnose_call(
    call: RefusedCall, options: DiagnoseOptions | None = None, *, now: _dt.datetime | None = None
) -> Diagnosis:
    """Diagnose a refused call the call engine recorded; its classification is reused, not redone.

    Raises:
        CredentialsError: ``options.identity`` is neither a ``CallerIdentity`` nor STS's answer shape.
    """
    return _diagnose(call, options or _NO_OPTIONS, None, now)


def _sent_findings(call: RefusedCall, found: Findings) -> None:
    """The credential-bearing headers' presence (never their values)."""
    authorization = call.request_header("Authorization") or ""
    found.details.update(
        sent_authorization=bool(authorization) or call.presigned,
        sent_api_key=call.request_header("x-api-key") is not None,
        sent_apigw_api_id=call.request_header("x-apigw-api-id") is not None,
        sent_security_token=call.request_header("X-Amz-Security-Token") is not None,
    )
    if call.presigned and not authorization:
        found.evidence.append("the request was presigned: its SigV4 signature is in the query string")
    elif not authorization:
        found.evidence.append("no Authorization header was sent: the request was not signed")
    elif not authorization.startswith("AWS4-HMAC-SHA256 "):
        found.evidence.append("the Authorization header sent is not a SigV4 signature")


def _caller(call: RefusedCall, options: DiagnoseOptions, found: Findings) -> CallerIdentity | None:
    if options.identity is not None:
        caller = to_identity(options.identity)
        record_identity(caller, "given", found)
        return caller
    if options.identify and call.credentials is not None:
        return identity_findings(
            call.credentials, sts_endpoint_url=options.sts_endpoint_url, region=call.region, found=found
        )
    return None


def _diagnose(
    call: RefusedCall, options: DiagnoseOptions, policy: DecisionLike | None, now: _dt.datetime | None
) -> Diagnosis:
    base = call.classified
    quoted = base.details
    found = Findings()
    if call.url:
        _sent_findings(call, found)
    if call.signature is not None:
        expected = quoted.get("expected_canonical_request")
        signature_findings(
            call.signature, call.endpoint, expected if isinstance(expected, str) else None, found
        )
    if call.endpoint is not None:
        hostname_findings(call.endpoint, call.request_header("x-apigw-api-id") is not None, found)
    local_now = now or _dt.datetime.now(_dt.timezone.utc)
    server = server_date(call.response_header("Date"))
    signed_at = call.signature.timestamp if call.signature else None
    clock_findings(server, local_now, signed_at, call.clock_offset, found)
    if call.credentials is not None:
        expiry_findings(call.credentials, server or local_now, found)
    caller = _caller(call, options, found)
    stage_findings(call, api_owner_account=options.api_owner_account, caller=caller, found=found)
    # HTTP APIs have no API keys, WAF or private endpoints: their Forbidden is IAM's.
    if base.cause == "forbidden_generic" and not http_api(call):
        forbidden_findings(
            api_key_sent=call.request_header("x-api-key") is not None,
            api_key_required=options.api_key_required,
            private_host=call.endpoint is not None and call.endpoint.kind in ("private", "vpce"),
            found=found,
        )
    target = call.target()
    if target is not None:
        target_findings(target, quoted, found)
    decision: DecisionLike | None = policy
    clause: str | None = None
    wants_policy = (
        options.resource_policy is not None or options.fetch_policy or bool(options.identity_policies)
    )
    if decision is None and wants_policy and not CAUSE_TABLE[base.cause].before_authorization:
        # Imported here: the policy engine loads only when a refusal is evaluated (cold start).
        from apiclient.diagnostics.evaluation import evaluate  # noqa: PLC0415

        decision, clause = evaluate(call, options, caller=caller, at=server or local_now, found=found)
    return _assemble(base, found, decision, clause)


def _assemble(
    base: Diagnosis, found: Findings, decision: DecisionLike | None, clause: str | None
) -> Diagnosis:
    cause, reason = refine(base.cause, base.status, found.hints)
    details = {**base.details, **found.details}
    summary, evidence, next_steps = base.summary, base.evidence, base.next_steps
    if cause != base.cause:
        summary, evidence, next_steps = advice_for(
            cause, base.status or 0, base.error_type, base.message, base.details
        )
    lines = list(evidence)
    if reason is not None:
        details["classified_cause"] = base.cause
        lines.append(f"refined from {base.cause}: {reason}")
    lines.extend(found.evidence)
    if clause is not None:
        summary = f"{summary} ({clause})"
    return Diagnosis(
        cause=cause,
        status=base.status,
        summary=summary,
        error_type=base.error_type,
        message=base.message,
        evidence=tuple(lines),
        next_steps=next_steps,
        details=details,
        decision=decision,
    )
