"""One HTTP request as it arrived on the socket, before any interpretation."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from apiclient.gateway.responses import Stamp

__all__ = ["WireRequest", "valid_host"]

# RFC 9110 section 7.2 / RFC 3986 section 3.2.2: uri-host [ ":" port ], uri-host a reg-name or an IP literal.
_HOST = re.compile(
    r"(?:\[(?P<ip>[0-9A-Fa-f:.]+)\]|(?P<name>(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*))(?::[0-9]{0,5})?"
)


def valid_host(value: str) -> bool:
    """Whether a Host header value is ``host[:port]`` as RFC 9110 allows (an IPv6 literal in brackets)."""
    match = _HOST.fullmatch(value.strip())
    if match is None:
        return False
    literal = match.group("ip")
    if literal is None:
        return True
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return True


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
    # Lower-cased name -> values in order, built once: a request's headers are looked up a dozen times.
    _index: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _path: str = field(init=False, repr=False, compare=False)
    _query: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, tuple[str, ...]] = {}
        for name, value in self.headers:
            key = name.lower()
            found = index.get(key)
            index[key] = (value,) if found is None else (*found, value)
        path, _, query = self.target.partition("?")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_path", path or "/")
        object.__setattr__(self, "_query", query)

    @property
    def path(self) -> str:
        """The path as sent, still percent-encoded."""
        return self._path

    @property
    def query(self) -> str:
        return self._query

    def query_params(self) -> list[tuple[str, str]]:
        """The query's keys and values, decoded (``+`` is a space), in order."""
        return parse_qsl(self._query, keep_blank_values=True) if self._query else []

    def query_bytes(self) -> list[tuple[bytes, bytes]]:
        """The query's keys and values decoded to bytes: what was percent-encoded, whatever the charset.

        The target arrives decoded as Latin-1 (one character per byte), so ``%FF`` and a raw byte both
        come back as the byte the client sent; a UTF-8 decode would turn them into U+FFFD.
        """
        return [
            (_octets(key), _octets(value))
            for key, value in parse_qsl(self._query, keep_blank_values=True, encoding="latin-1")
        ]

    def header(self, name: str) -> str | None:
        """The first value of a header, by case-insensitive name."""
        values = self._index.get(name.lower())
        return None if values is None else values[0]

    @property
    def headers_by_name(self) -> Mapping[str, tuple[str, ...]]:
        """Every header's values by lower-cased name (do not modify)."""
        return self._index

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every value of a header, by case-insensitive name, in the order they arrived."""
        return self._index.get(name.lower(), ())

    @property
    def host(self) -> str:
        return (self.header("host") or "").strip()


def _octets(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:  # built in code rather than read off a socket
        return text.encode("utf-8", "surrogatepass")
