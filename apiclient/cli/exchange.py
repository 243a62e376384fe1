"""How ``invoke`` shows an HTTP exchange (curl's ``-v`` and ``-i`` forms, or JSON), secrets masked."""

from __future__ import annotations

from typing import Any

import requests

from apiclient._redact import redact_headers, redact_url

__all__ = ["request_lines", "response_dict", "response_head"]


def request_lines(request: requests.PreparedRequest) -> list[str]:
    """The request as curl -v shows it, every secret masked."""
    lines = [f"> {request.method} {redact_url(request.url or '')}"]
    lines.extend(f"> {name}: {value}" for name, value in redact_headers(request.headers).items())
    signature = getattr(request, "apiclient_signature", None)
    if signature is not None:
        lines.append("* canonical request (secrets masked):")
        lines.extend(f"*   {line}" for line in signature.canonical_request.splitlines())
        lines.append("* string to sign:")
        lines.extend(f"*   {line}" for line in signature.string_to_sign.splitlines())
    return lines


def response_head(response: requests.Response) -> list[str]:
    """The status line and headers, as ``-i`` shows them."""
    lines = [f"HTTP {response.status_code} {response.reason or ''}".rstrip()]
    lines.extend(f"{name}: {value}" for name, value in redact_headers(response.headers).items())
    return lines


def _body_data(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def response_dict(response: requests.Response, verbose: bool) -> dict[str, Any]:
    """The exchange as JSON: status, headers, body (parsed when JSON), and with ``verbose`` the request."""
    data: dict[str, Any] = {
        "status": response.status_code,
        "headers": redact_headers(response.headers),
        "body": _body_data(response),
    }
    if verbose and response.request is not None:
        data["request"] = {
            "method": response.request.method,
            "url": redact_url(response.request.url or ""),
            "headers": redact_headers(response.request.headers),
        }
    return data
