"""``RefusedCall``: one record of a refused call, built once, from which every step reads.

The call engine builds it from the request it signed and the 401/403 it got back (``classify``
runs once, here); ``diagnose`` builds it from a requests or httpx ``Response``. The policy
engine's ``AccessRequest`` is made from it by ``apiclient.diagnostics.policy_verdict``.
It depends on no HTTP library: a response is read by duck typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from apiclient._redact import redact_url
from apiclient.diagnostics.classify import classify
from apiclient.diagnostics.model import Diagnosis
from apiclient.diagnostics.signed import endpoint_scope

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials
    from apiclient.endpoint import Endpoint
    from apiclient.sigv4 import Signature

__all__ = ["RefusedCall", "Target", "header"]

# Host kinds whose first path segment is the stage (the others hide it behind a base path mapping).
_STAGED_KINDS = frozenset({"execute-api", "private", "vpce"})
_EMPTY: Mapping[str, str] = MappingProxyType({})


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` in ``headers``, whatever the case of either."""
    value = headers.get(name)
    if value is not None:
        return value
    lower = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lower), None)


def _frozen_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> Mapping[str, str]:
    if headers is None:
        return _EMPTY
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    copied: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        name, value = str(raw_name), str(raw_value)
        copied[name] = f"{copied[name]}, {value}" if name in copied else value
    return MappingProxyType(copied)


class Target(NamedTuple):
    """What the client called, as far as its URL and endpoint say (None where they do not)."""

    region: str | None
    api_id: str | None
    stage: str | None
    method: str
    path: str | None


@dataclass(frozen=True, repr=False)
class RefusedCall:
    """A refused call: the request as sent, the response, what signed it, and its classification.

    ``classified`` is ``classify``'s reading of the response alone. The repr shows no header
    value, body or signature (a presigned URL's signature and token are masked).
    """

    method: str
    url: str
    request_headers: Mapping[str, str]
    status: int
    response_headers: Mapping[str, str]
    body: bytes
    signature: Signature | None
    endpoint: Endpoint | None
    credentials: Credentials | None
    clock_offset: float
    classified: Diagnosis

    def __repr__(self) -> str:
        return f"RefusedCall({self.method} {redact_url(self.url)} -> {self.status} {self.classified.cause})"

    @classmethod
    def build(
        cls,
        *,
        method: str,
        url: str,
        request_headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        status: int,
        response_headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        body: bytes | str | None,
        signature: Signature | None = None,
        endpoint: Endpoint | None = None,
        credentials: Credentials | None = None,
        clock_offset: float = 0.0,
    ) -> RefusedCall:
        """Record a refused call and classify its response (the one ``classify`` of this refusal)."""
        response_map = _frozen_headers(response_headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        content = bytes(body or b"")
        return cls(
            method=(method or "GET").upper(),
            url=url,
            request_headers=_frozen_headers(request_headers),
            status=status,
            response_headers=response_map,
            body=content,
            signature=signature,
            endpoint=endpoint,
            credentials=credentials,
            clock_offset=clock_offset,
            classified=classify(status, response_map, content),
        )

    @classmethod
    def from_response(
        cls,
        response: Any,
        *,
        signature: Signature | None = None,
        endpoint: Endpoint | None = None,
        credentials: Credentials | None = None,
        clock_offset: float = 0.0,
    ) -> RefusedCall:
        """Record a requests or httpx ``Response`` (read by duck typing: no HTTP library is imported).

        Reads ``status_code``, ``headers``, ``content`` and, when the response keeps it,
        ``request.method``, ``request.url`` and ``request.headers``.
        """
        try:
            request = response.request
        except RuntimeError:  # httpx: a Response built by hand has no request
            request = None
        method, url, headers = "GET", "", None
        if request is not None:
            method = str(getattr(request, "method", None) or "GET")
            url = str(getattr(request, "url", None) or "")
            headers = getattr(request, "headers", None)
        try:
            body = response.content
        except RuntimeError:  # requests: a streamed body already consumed; httpx: one not read
            body = b""
        return cls.build(
            method=method,
            url=url,
            request_headers=headers,
            status=int(response.status_code),
            response_headers=response.headers,
            body=body,
            signature=signature,
            endpoint=endpoint,
            credentials=credentials,
            clock_offset=clock_offset,
        )

    def request_header(self, name: str) -> str | None:
        """A request header's value, whatever its case."""
        return header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        """A response header's value, whatever its case."""
        return header(self.response_headers, name)

    @property
    def quoted(self) -> Mapping[str, Any]:
        """What API Gateway's message said (principal, resource ARN parts...): ``classified.details``."""
        return self.classified.details

    @property
    def path(self) -> str:
        """The request's URL path, percent-decoded."""
        return unquote(urlsplit(self.url).path) or "/"

    @property
    def presigned(self) -> bool:
        """The URL carries a query-string SigV4 signature."""
        query = urlsplit(self.url).query
        return any(key.lower() == "x-amz-signature" for key, _ in parse_qsl(query, keep_blank_values=True))

    @property
    def signed(self) -> bool:
        """The request carried an Authorization header or a presigned signature."""
        return bool(self.request_header("Authorization")) or self.presigned

    @property
    def anonymous(self) -> bool:
        """API Gateway saw no caller: it said so, or nothing was signed."""
        return bool(self.quoted.get("anonymous")) or (bool(self.url) and not self.signed)

    @property
    def region(self) -> str | None:
        """The region API Gateway judges the call in: the endpoint's host, else its message."""
        if self.endpoint is not None:
            return endpoint_scope(self.endpoint)[0]
        region = self.quoted.get("region")
        return region if isinstance(region, str) and region else None

    def target(self) -> Target | None:
        """What the client meant to call, from its URL and endpoint; None when the URL is unknown."""
        if not self.url:
            return None
        endpoint = self.endpoint
        if endpoint is None:
            return Target(None, None, None, self.method, None)
        stage: str | None = None
        path: str | None = None
        if endpoint.stage == "$default":
            stage, path = "$default", self.path
        elif endpoint.kind in _STAGED_KINDS:
            first, _, rest = self.path.lstrip("/").partition("/")
            stage, path = first or None, "/" + rest
        return Target(endpoint_scope(endpoint)[0], endpoint.api_id, stage, self.method, path)
