"""``diagnose``: a classified refusal plus what the client knows about the request it sent.

Each step adds facts, evidence and hints (``Findings``): what was sent and signed, the
host's kind, the clocks, the credentials' expiry, the caller's identity, the resource ARN
against API Gateway's, and the policy engine's verdict. ``refine`` then replaces an
ambiguous cause when the evidence points to a precise one.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from apiclient.diagnostics.advice import advice_for
from apiclient.diagnostics.arn_match import RequestTarget, target_findings
from apiclient.diagnostics.classify import classify
from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.forbidden import forbidden_findings
from apiclient.diagnostics.hostname import hostname_findings
from apiclient.diagnostics.identity import CallerIdentity, identity_findings, record_identity, to_identity
from apiclient.diagnostics.model import Cause, DecisionLike, Diagnosis
from apiclient.diagnostics.policy_source import PolicySource
from apiclient.diagnostics.refine import refine
from apiclient.diagnostics.sent import SentRequest, sent_request
from apiclient.diagnostics.signed import endpoint_scope, signature_findings
from apiclient.diagnostics.timing import clock_findings, expiry_findings, server_date

if TYPE_CHECKING:
    import requests

    from apiclient.credentials.base import Credentials
    from apiclient.endpoint import Endpoint
    from apiclient.sigv4 import Signature

__all__ = ["DiagnoseOptions", "diagnose"]


class DiagnoseOptions(TypedDict, total=False):
    """What a caller can tell ``diagnose`` beyond the response; ``Client(diagnose_options=...)``
    passes these to every diagnosis it makes. See ``diagnose`` for each key."""

    resource_policy: PolicySource | None
    identity_policies: Iterable[Mapping[str, Any] | str]
    identity: CallerIdentity | Mapping[str, Any] | None
    identify: bool
    fetch_policy: bool
    sts_endpoint_url: str | None
    apigateway_endpoint_url: str | None
    api_owner_account: str | None
    source_ip: str | None
    api_key_required: bool | None
    authorization: str | None

# API Gateway refused these before any policy was read: a verdict would explain nothing.
_BEFORE_AUTHORIZATION: frozenset[Cause] = frozenset(
    {
        "incomplete_signature",
        "signature_mismatch",
        "clock_skew",
        "token_invalid",
        "token_expired",
        "wrong_region",
        "wrong_service",
        "authorizer_unauthorized",
    }
)
_STAGED_KINDS = frozenset({"execute-api", "private", "vpce"})


def _request_target(endpoint: Endpoint | None, sent: SentRequest | None) -> RequestTarget | None:
    if sent is None:
        return None
    if endpoint is None:
        return RequestTarget(None, None, None, sent.method, None)
    region, _service = endpoint_scope(endpoint)
    stage: str | None = None
    path: str | None = None
    if endpoint.kind in _STAGED_KINDS:
        stage, _, rest = sent.path.lstrip("/").partition("/")
        path = "/" + rest
    return RequestTarget(region, endpoint.api_id, stage or None, sent.method, path)


def diagnose(
    response: requests.Response,
    *,
    signature: Signature | None = None,
    endpoint: Endpoint | None = None,
    credentials: Credentials | None = None,
    clock_offset: float = 0.0,
    policy: DecisionLike | None = None,
    resource_policy: PolicySource | None = None,
    identity_policies: Iterable[Mapping[str, Any] | str] = (),
    identity: CallerIdentity | Mapping[str, Any] | None = None,
    identify: bool = False,
    fetch_policy: bool = False,
    sts_endpoint_url: str | None = None,
    apigateway_endpoint_url: str | None = None,
    api_owner_account: str | None = None,
    source_ip: str | None = None,
    api_key_required: bool | None = None,
    authorization: str | None = None,
    now: _dt.datetime | None = None,
) -> Diagnosis:
    """Classify ``response`` and add what the client knows about the request.

    What it cannot learn never raises: a failed STS or API Gateway look-up, an unreadable
    policy or a missing fact becomes a line of evidence.

    Args:
        response: the 401/403 (any response is accepted; others come back ``unknown``).
        signature: the ``Signature`` of the attempt that was refused.
        endpoint: the parsed API URL.
        credentials: the snapshot that signed it (expiry; STS and GetRestApi look-ups).
        clock_offset: seconds the client adds to its clock when signing.
        policy: a policy engine ``Decision`` already computed for this request (skips evaluation).
        resource_policy: the API's resource policy: a dict, JSON text or a JSON file's path.
        identity_policies: the caller's identity policies (dicts or JSON text).
        identity: the caller, if known: a ``CallerIdentity`` or STS's ``{"Arn", "Account"}``.
        identify: ask STS GetCallerIdentity who signed (once per access key; only when
            ``identity`` is not given).
        fetch_policy: fetch the resource policy with ``apigateway:GET`` (GetRestApi) when none is given.
        sts_endpoint_url, apigateway_endpoint_url: endpoints for those look-ups (e.g. a local gateway).
        api_owner_account: the API owner's account, which API Gateway masks in its messages.
        source_ip: the caller's public address, for aws:SourceIp conditions.
        api_key_required: whether the method needs an API key (None: unknown).
        authorization: the method's authorization type; None infers NONE for an unsigned call
            and AWS_IAM otherwise.
        now: the local time the response arrived (default: now), compared with its Date.

    Raises:
        CredentialsError: ``identity`` is neither a ``CallerIdentity`` nor STS's answer shape.
    """
    base = classify(response.status_code, response.headers, response.content)
    quoted = base.details
    found = Findings()
    sent = sent_request(response)
    if sent is not None:
        sent.record(found)
    if signature is not None:
        expected = quoted.get("expected_canonical_request")
        signature_findings(signature, endpoint, expected if isinstance(expected, str) else None, found)
    if endpoint is not None:
        hostname_findings(endpoint, sent is not None and sent.apigw_api_id, found)
    local_now = now or _dt.datetime.now(_dt.timezone.utc)
    server = server_date(response.headers)
    clock_findings(server, local_now, signature.timestamp if signature else None, clock_offset, found)
    if credentials is not None:
        expiry_findings(credentials, server or local_now, found)
    region = endpoint_scope(endpoint)[0] if endpoint is not None else quoted.get("region")
    caller: CallerIdentity | None = None
    if identity is not None:
        caller = to_identity(identity)
        record_identity(caller, "given", found)
    elif identify and credentials is not None:
        caller = identity_findings(credentials, sts_endpoint_url=sts_endpoint_url, region=region, found=found)
    if base.cause == "forbidden_generic":
        forbidden_findings(
            api_key_sent=sent is not None and sent.api_key,
            api_key_required=api_key_required,
            private_host=endpoint is not None and endpoint.kind in ("private", "vpce"),
            found=found,
        )
    target = _request_target(endpoint, sent)
    if target is not None:
        target_findings(target, quoted, found)
    decision: DecisionLike | None = policy
    clause: str | None = None
    wants_policy = resource_policy is not None or fetch_policy
    if decision is None and wants_policy and base.cause not in _BEFORE_AUTHORIZATION:
        # Imported here: the policy engine loads only when a refusal is evaluated (cold start).
        from apiclient.diagnostics.evaluation import PolicyInputs, Refused, evaluate  # noqa: PLC0415

        inputs = PolicyInputs(
            resource_policy=resource_policy,
            identity_policies=identity_policies,
            fetch=fetch_policy,
            apigateway_endpoint_url=apigateway_endpoint_url,
            api_owner_account=api_owner_account,
            source_ip=source_ip,
            authorization=authorization,
        )
        refused = Refused(
            quoted=quoted,
            cause=base.cause,
            target=target,
            caller=caller,
            anonymous=bool(quoted.get("anonymous")) or (sent is not None and not sent.authorization),
            endpoint=endpoint,
            credentials=credentials,
            region=region,
            at=server or local_now,
        )
        decision, clause = evaluate(inputs, refused, found)
    return _assemble(base, found, decision, clause)


def _assemble(
    base: Diagnosis, found: Findings, decision: DecisionLike | None, clause: str | None
) -> Diagnosis:
    cause, reason = refine(base.cause, base.status, found.hints)
    details = {**base.details, **found.details}
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
