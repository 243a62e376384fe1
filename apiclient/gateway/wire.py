"""One HTTP request as it arrived on the socket, before any interpretation."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from apiclient.gateway.responses import Stamp

__all__ = ["WireRequest"]


@dataclass(frozen=True)
class WireRequest:
    """The method, target (path and query exactly as sent), headers in order, body and peer.

    ``source_ip`` is already resolved (the peer, or X-Forwarded-For when the gateway trusts it).
    """

    method: str
    target: str
    # Headers and body may carry a session token or a bearer token: kept out of the repr.
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    body: bytes = field(repr=False)
    source_ip: str
    secure: bool = False
    stamp: Stamp = field(default_factory=Stamp)

    @property
    def path(self) -> str:
        """The path as sent, still percent-encoded."""
        return self.target.partition("?")[0] or "/"

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]

    def query_params(self) -> list[tuple[str, str]]:
        """The query's keys and values, decoded (``+`` is a space), in order."""
        return parse_qsl(self.query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The first value of a header, by case-insensitive name."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def host(self) -> str:
        return (self.header("host") or "").strip()
