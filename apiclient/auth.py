"""``SigV4Auth``: Signature Version 4 as a drop-in ``requests`` auth."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import requests

from apiclient import sigv4
from apiclient.credentials.base import CredentialProvider, Credentials, snapshot

__all__ = ["SigV4Auth"]

# Left by an earlier signature of the same request (a retry, a redirect hop): signed afresh.
_SIGNATURE_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-security-token"})
_STALE_UNSIGNED = _SIGNATURE_HEADERS | {"x-amz-content-sha256"}


@lru_cache(maxsize=256)
def _region_of_origin(origin: str) -> str:
    # Imported here: a caller that passes region= (a Lambda cold start) never pays for URL parsing.
    from apiclient.endpoint import parse_url  # noqa: PLC0415

    return parse_url(origin).region


def _origin(url: str) -> str:
    start = url.find("://") + 3
    end = len(url)
    for delimiter in "/?#":
        found = url.find(delimiter, start)
        if 0 <= found < end:
            end = found
    return url[:end]


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


class SigV4Auth(requests.auth.AuthBase):
    """Sign each prepared request with SigV4; thread-safe, keeps no state between calls.

    Args:
        credentials: a ``Credentials`` or a provider (one snapshot per signature).
        region: the signing region; None derives it from an AWS host in the URL.
        service: the signing name, ``execute-api`` for API Gateway.
        clock: returns the signing time (aware); the Client passes a skew-corrected one.
        unsigned_payload: sign ``UNSIGNED-PAYLOAD`` instead of hashing the body.
        double_encode_path: False for S3-style services that encode the path only once.

    ``sign(request)`` signs in place and returns the ``Signature`` (the canonical request, the
    string to sign, the scope) for a caller that wants to log or diagnose it.

    Raises (when called):
        EndpointError: ``region`` is None and the URL's host does not name a region.
        SigningError: a body or header that cannot be signed.
    """

    def __init__(
        self,
        credentials: Credentials | CredentialProvider,
        region: str | None = None,
        service: str = "execute-api",
        *,
        clock: Callable[[], _dt.datetime] | None = None,
        unsigned_payload: bool = False,
        double_encode_path: bool = True,
    ) -> None:
        self.credentials = credentials
        self.region = region
        self.service = service
        self.clock = clock or _utc_now
        self.unsigned_payload = unsigned_payload
        self.double_encode_path = double_encode_path

    def __repr__(self) -> str:
        return f"SigV4Auth(region={self.region!r}, service={self.service!r}, credentials={self.credentials})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        headers = request.headers
        for name, value in sigv4.sign_request(*self._arguments(request), **self._options(request)).items():
            headers[name] = value
        return request

    def sign(self, request: requests.PreparedRequest) -> sigv4.Signature:
        """Sign ``request`` in place; returns what the signature covered."""
        signature = sigv4.sign(*self._arguments(request), **self._options(request))
        headers = request.headers
        for name, value in signature.headers.items():
            headers[name] = value
        return signature

    def _arguments(self, request: requests.PreparedRequest) -> tuple[str, str, list[tuple[str, str]], Any]:
        """(method, url, headers, body), with what an earlier signature left removed."""
        headers = request.headers
        # One pass over (lower-case name, value) pairs; requests' CaseInsensitiveDict pop() and
        # update() go through exceptions and ABC checks, which showed up in the signed-GET benchmark.
        items = list(headers.lower_items())
        stale = _STALE_UNSIGNED if self.unsigned_payload else _SIGNATURE_HEADERS
        if not stale.isdisjoint([name for name, _ in items]):
            for name, _ in items:
                if name in stale:
                    del headers[name]
            items = [(name, value) for name, value in items if name not in stale]
        return request.method or "GET", request.url or "", items, request.body

    def _options(self, request: requests.PreparedRequest) -> dict[str, Any]:
        clock = self.clock
        return {
            "credentials": snapshot(self.credentials),
            "region": self.region or _region_of_origin(_origin(request.url or "")),
            "service": self.service,
            # The signer reads the system clock itself, formatting the date once per second.
            "timestamp": None if clock is _utc_now else clock(),
            "double_encode_path": self.double_encode_path,
            "unsigned_payload": self.unsigned_payload,
        }
