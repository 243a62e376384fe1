"""Building the next hop of a redirect, without ever carrying a credential to another origin.

requests' own redirect handling strips only ``Authorization`` and never re-signs (DESIGN.md,
"Style to follow"), so the Client follows redirects itself: a same-origin hop is re-signed
by the caller; a cross-origin hop loses every credential header here.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests

__all__ = ["REDIRECT_STATUSES", "next_hop", "origin", "strip_credentials"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Headers that describe the body, dropped when a redirect turns the request into a GET.
_BODY_HEADERS = ("Content-Type", "Content-Length", "Transfer-Encoding", "X-Amz-Content-SHA256")
_CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "proxy-authorization"})

Origin = tuple[str, str, int | None]


def origin(url: str) -> Origin:
    """(scheme, host, port) with the scheme's default port filled in (RFC 6454)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def strip_credentials(request: requests.PreparedRequest) -> None:
    """Remove Authorization, API keys, cookies and every ``X-Amz-*`` header in place."""
    for name in list(request.headers):
        lower = name.lower()
        if lower in _CREDENTIAL_HEADERS or lower.startswith("x-amz-"):
            del request.headers[name]


def next_hop(request: requests.PreparedRequest, response: requests.Response) -> requests.PreparedRequest:
    """The unsigned request for the redirect ``response`` answered to ``request``.

    301, 302 and 303 become a GET without a body (HEAD stays HEAD), as browsers and
    RFC 9110 section 15.4 allow; 307 and 308 keep the method and the body.
    """
    hop = request.copy()
    hop.prepare_url(urljoin(request.url or "", response.headers["Location"]), None)
    for name in ("Authorization", "Host"):
        hop.headers.pop(name, None)
    if response.status_code in (301, 302, 303) and hop.method != "HEAD":
        hop.method = "GET"
        hop.body = None
        for name in _BODY_HEADERS:
            hop.headers.pop(name, None)
    return hop
