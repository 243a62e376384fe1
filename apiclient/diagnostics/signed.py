"""What was signed: the scope against the endpoint's, our canonical request against API Gateway's.

A scope naming another region or service than the host does is refused by API Gateway with
"Credential should be scoped to ..." (AWS General Reference, "Troubleshoot Signature Version 4
errors"); the comparison here names it even when a customized gateway response hides that text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apiclient._redact import redact_canonical_request
from apiclient.diagnostics.findings import Findings
from apiclient.endpoint import Endpoint, parse_url
from apiclient.errors import EndpointError

if TYPE_CHECKING:
    from apiclient.sigv4 import Signature

__all__ = ["endpoint_scope", "signature_findings"]


def endpoint_scope(endpoint: Endpoint) -> tuple[str, str]:
    """The region and service the API's host itself names, else those the Endpoint was given.

    A Client built with ``region=`` overrides what an AWS host says; API Gateway judges the
    scope against the host's region, so that is the one to compare with.
    """
    try:
        own = parse_url(f"{endpoint.scheme}://{endpoint.host}/")
    except EndpointError:  # a custom domain or loopback host names no region
        return endpoint.region, endpoint.service
    if own.kind in ("execute-api", "private", "vpce", "lambda-url"):
        return own.region, own.service
    return endpoint.region, endpoint.service


def _first_difference(ours: str, theirs: str) -> str | None:
    ours_lines, their_lines = ours.split("\n"), theirs.split("\n")
    for number, (mine, expected) in enumerate(zip(ours_lines, their_lines, strict=False), 1):
        if mine != expected:
            return f"line {number}: we signed {mine!r}, API Gateway expected {expected!r}"
    if len(ours_lines) != len(their_lines):
        return f"we signed {len(ours_lines)} lines, API Gateway expected {len(their_lines)}"
    return None


def signature_findings(
    signature: Signature, endpoint: Endpoint | None, expected_canonical: str | None, found: Findings
) -> None:
    """Record the scope, signed headers and canonical request; compare them with what was expected."""
    canonical = redact_canonical_request(signature.canonical_request)
    found.details.update(
        signed_access_key=signature.access_key,
        signed_region_scope=signature.region,
        signed_service=signature.service,
        credential_scope=signature.scope,
        signed_headers=signature.signed_headers,
        signed_at_client=signature.timestamp,
        canonical_request=canonical,
    )
    found.evidence.append(
        f"signed with {signature.access_key} for {signature.region}/{signature.service} at "
        f"{signature.timestamp}; signed headers {signature.signed_headers}"
    )
    if endpoint is not None:
        region, service = endpoint_scope(endpoint)
        if signature.region != region:
            found.evidence.append(f"signed for region {signature.region} but the URL is in {region}")
            found.hint("wrong_region", f"the scope names {signature.region}, the API is in {region}")
        if signature.service != service:
            found.evidence.append(f"signed for service {signature.service} but the URL expects {service}")
            found.hint("wrong_service", f"the credential scope names {signature.service}, not {service}")
    if expected_canonical is not None:
        difference = _first_difference(canonical, expected_canonical)
        if difference is None:
            found.evidence.append(
                "our canonical request is the one API Gateway expected: the secret key does not "
                "belong to the access key ID"
            )
        else:
            found.evidence.append(f"the canonical requests differ at {difference}")
