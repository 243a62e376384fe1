"""``diagnose``: a classified refusal plus what the client knows about the request it sent.

A first version: the signature, the endpoint, the clock offset, the credentials' expiry and
an already computed policy ``Decision``. Issue 5 enriches it with the policy engine and the
caller's STS identity; keep the keyword arguments so callers need not change.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from apiclient.diagnostics.classify import classify
from apiclient.diagnostics.model import DecisionLike, Diagnosis

if TYPE_CHECKING:
    import requests

    from apiclient.credentials._model import Credentials
    from apiclient.endpoint import Endpoint
    from apiclient.sigv4 import Signature

__all__ = ["diagnose"]


def _response_time(response: requests.Response) -> _dt.datetime:
    try:
        return parsedate_to_datetime(response.headers["Date"]).astimezone(_dt.timezone.utc)
    except (KeyError, TypeError, ValueError, IndexError):
        return _dt.datetime.now(_dt.timezone.utc)


def _signature_facts(signature: Signature) -> tuple[dict[str, Any], list[str]]:
    details = {
        "signed_access_key": signature.access_key,
        "signed_region_scope": signature.region,
        "signed_service": signature.service,
        "credential_scope": signature.scope,
        "signed_headers": signature.signed_headers,
        "signed_at_client": signature.timestamp,
        "canonical_request": signature.canonical_request,
    }
    evidence = [
        f"signed with {signature.access_key} for {signature.region}/{signature.service} at "
        f"{signature.timestamp}; signed headers {signature.signed_headers}"
    ]
    return details, evidence


def _endpoint_facts(endpoint: Endpoint, signature: Signature | None) -> tuple[dict[str, Any], list[str]]:
    details = {
        "endpoint_kind": endpoint.kind,
        "endpoint_region": endpoint.region,
        "endpoint_service": endpoint.service,
        "api_id": endpoint.api_id,
        "stage": endpoint.stage,
    }
    evidence = []
    if signature is not None and signature.region != endpoint.region:
        evidence.append(f"signed for region {signature.region} but the URL is in {endpoint.region}")
    if signature is not None and signature.service != endpoint.service:
        evidence.append(f"signed for service {signature.service} but the URL expects {endpoint.service}")
    return details, evidence


def _credential_facts(credentials: Credentials, at: _dt.datetime) -> tuple[dict[str, Any], list[str]]:
    details: dict[str, Any] = {"credentials_temporary": credentials.is_temporary}
    evidence = []
    if credentials.expiry is not None:
        details["credentials_expiry"] = credentials.expiry.isoformat()
        left = credentials.seconds_left(at)
        if left is not None and left <= 0:
            evidence.append(f"the credentials expired at {credentials.expiry.isoformat()}")
    return details, evidence


def diagnose(
    response: requests.Response,
    *,
    signature: Signature | None = None,
    endpoint: Endpoint | None = None,
    credentials: Credentials | None = None,
    clock_offset: float = 0.0,
    policy: DecisionLike | None = None,
) -> Diagnosis:
    """Classify ``response`` and add what the client knows about the request.

    Args:
        response: the 401/403 (any response is accepted; others come back ``unknown``).
        signature: the ``Signature`` of the attempt that was refused.
        endpoint: the parsed API URL.
        credentials: the snapshot that signed it (only its expiry and kind are read).
        clock_offset: seconds the client adds to its clock when signing.
        policy: a policy engine ``Decision`` already computed for this request.
    """
    base = classify(response.status_code, response.headers, response.content)
    details = dict(base.details)
    evidence = list(base.evidence)
    facts: list[tuple[dict[str, Any], list[str]]] = []
    if signature is not None:
        facts.append(_signature_facts(signature))
    if endpoint is not None:
        facts.append(_endpoint_facts(endpoint, signature))
    if credentials is not None:
        facts.append(_credential_facts(credentials, _response_time(response)))
    for more_details, more_evidence in facts:
        details.update(more_details)
        evidence.extend(more_evidence)
    if clock_offset:
        details["clock_offset_seconds"] = clock_offset
        evidence.append(f"the client corrects its clock by {clock_offset:+.0f} s")
    sent = response.request.headers if response.request is not None else {}
    if base.cause == "forbidden_generic" and "x-api-key" not in sent:
        evidence.append("no x-api-key header was sent")
    return dataclasses.replace(base, details=details, evidence=tuple(evidence), decision=policy)
