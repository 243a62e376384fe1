"""Narrowing API Gateway's generic ``{"message":"Forbidden"}``.

The body is shared by a missing or invalid API key, an AWS WAF block, a private API reached
the wrong way and a disabled default endpoint (KC403, "How do I troubleshoot 403 errors from
API Gateway?"); the request context tells them apart: was x-api-key sent, does the method need
one, which kind of host was called.
"""

from __future__ import annotations

from apiclient.diagnostics.findings import Findings

__all__ = ["forbidden_findings"]


def forbidden_findings(
    *, api_key_sent: bool, api_key_required: bool | None, private_host: bool, found: Findings
) -> None:
    """Record the API-key evidence and the Forbidden cause it points to."""
    found.evidence.append("an x-api-key header was sent" if api_key_sent else "no x-api-key header was sent")
    if api_key_required:
        found.hint(
            "api_key",
            "the method requires an API key and "
            + ("the one sent is not valid for this stage" if api_key_sent else "none was sent"),
        )
    elif api_key_required is False:
        found.evidence.append("the method requires no API key, so the key is not the cause")
        if not private_host:
            found.hint(
                "waf",
                "with the API key ruled out and a public host, an AWS WAF block (or a disabled "
                "default execute-api endpoint) is what remains",
            )
