"""What the refused request carried, read back from ``response.request`` (values never kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from apiclient.diagnostics.findings import Findings

if TYPE_CHECKING:
    import requests

__all__ = ["SentRequest", "sent_request"]


@dataclass(frozen=True)
class SentRequest:
    """The method, URL path and which credential-bearing headers were present."""

    method: str
    url: str
    path: str
    authorization: bool
    sigv4: bool
    api_key: bool
    apigw_api_id: bool
    security_token: bool

    def record(self, found: Findings) -> None:
        """Add the headers' presence (never their values) to ``found``."""
        found.details.update(
            sent_authorization=self.authorization,
            sent_api_key=self.api_key,
            sent_apigw_api_id=self.apigw_api_id,
            sent_security_token=self.security_token,
        )
        if not self.authorization:
            found.evidence.append("no Authorization header was sent: the request was not signed")
        elif not self.sigv4:
            found.evidence.append("the Authorization header sent is not a SigV4 signature")


def sent_request(response: requests.Response) -> SentRequest | None:
    """The request behind ``response``, or None when requests did not keep it."""
    request = response.request
    if request is None:
        return None
    headers = request.headers
    url = request.url or ""
    authorization = headers.get("Authorization", "")
    return SentRequest(
        method=(request.method or "GET").upper(),
        url=url,
        path=unquote(urlsplit(url).path) or "/",
        authorization=bool(authorization),
        sigv4=authorization.startswith("AWS4-HMAC-SHA256 "),
        api_key="x-api-key" in headers,
        apigw_api_id="x-apigw-api-id" in headers,
        security_token="X-Amz-Security-Token" in headers,
    )
