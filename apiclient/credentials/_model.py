"""The credentials snapshot and the provider interface every source implements."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from apiclient.errors import CredentialsError

__all__ = ["CredentialProvider", "Credentials", "Refreshable", "snapshot"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An immutable set of AWS credentials, taken once per signature.

    The repr shows the access key ID (AWS itself prints it in error messages)
    and the expiry, never the secret key or the session token.
    """

    access_key: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    expiry: _dt.datetime | None = None

    def __post_init__(self) -> None:
        if not self.access_key or not self.secret_key:
            raise CredentialsError("credentials need both an access key ID and a secret access key")
        if self.expiry is not None and self.expiry.tzinfo is None:
            raise CredentialsError("credentials expiry must be timezone-aware (UTC)")

    def __repr__(self) -> str:
        token = ", token=<redacted>" if self.token else ""
        expiry = f", expiry={self.expiry.isoformat()}" if self.expiry else ""
        return f"Credentials(access_key={self.access_key!r}, secret_key=<redacted>{token}{expiry})"

    __str__ = __repr__

    @property
    def is_temporary(self) -> bool:
        """True for session credentials (they carry a token)."""
        return self.token is not None

    def seconds_left(self, now: _dt.datetime | None = None) -> float | None:
        """Seconds until expiry, or None for credentials that do not expire."""
        if self.expiry is None:
            return None
        now = now or _dt.datetime.now(_dt.timezone.utc)
        return (self.expiry - now).total_seconds()


@runtime_checkable
class CredentialProvider(Protocol):
    """A source of credentials.

    ``get()`` is thread-safe, cheap on the hot path, and returns credentials
    that are not about to expire. ``describe()`` says where they come from:
    at least ``{"source": ...}``, plus ``principal`` etc. when known.
    """

    def get(self) -> Credentials: ...

    def describe(self) -> dict[str, Any]: ...


@runtime_checkable
class Refreshable(Protocol):
    """A provider that can be told its current credentials were refused."""

    def force_refresh(self) -> Credentials: ...


def snapshot(source: Credentials | CredentialProvider) -> Credentials:
    """One frozen set of credentials from a snapshot or a provider."""
    if isinstance(source, Credentials):
        return source
    return source.get()
