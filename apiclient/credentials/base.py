"""The public credential interface: the ``Credentials`` snapshot and the ``CredentialProvider``
every source implements (google-auth's ``credentials.Credentials`` is the model)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Protocol, runtime_checkable

from apiclient.errors import CredentialsError

__all__ = ["CredentialProvider", "Credentials", "Peekable", "Refreshable", "snapshot"]


class Credentials:
    """An immutable set of AWS credentials, taken once per signature.

    The repr shows the access key ID (AWS itself prints it in error messages)
    and the expiry, never the secret key or the session token.
    """

    # A hand-written immutable class rather than a dataclass: ``dataclasses``
    # imports ``inspect``, which alone would cost a Lambda cold start most of
    # its 10% budget (docs/performance.md, cold start).
    __slots__ = ("access_key", "expiry", "secret_key", "token")

    access_key: str
    secret_key: str
    token: str | None
    expiry: _dt.datetime | None

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        token: str | None = None,
        expiry: _dt.datetime | None = None,
    ) -> None:
        if not access_key or not secret_key:
            raise CredentialsError("credentials need both an access key ID and a secret access key")
        if expiry is not None and expiry.tzinfo is None:
            raise CredentialsError("credentials expiry must be timezone-aware (UTC)")
        for name, value in (
            ("access_key", access_key), ("secret_key", secret_key), ("token", token), ("expiry", expiry),
        ):  # fmt: skip
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Credentials are immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Credentials are immutable; cannot delete {name!r}")

    def _key(self) -> tuple[str, str, str | None, _dt.datetime | None]:
        return (self.access_key, self.secret_key, self.token, self.expiry)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[Credentials], tuple[str, str, str | None, _dt.datetime | None]]:
        return (Credentials, self._key())

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


@runtime_checkable
class Peekable(Protocol):
    """A provider that can say, without any I/O, what ``get()`` would do.

    ``peek()`` returns ``(credentials, refresh_wanted)``: ``credentials`` is a snapshot usable
    now without I/O (None when ``get()`` must block to fetch), and ``refresh_wanted`` is True
    when a refresh is due (the advisory window: the snapshot is still good, but a background
    refresh should start). Asyncio callers use it to keep blocking refreshes off the loop.
    """

    def peek(self) -> tuple[Credentials | None, bool]: ...


def snapshot(source: Credentials | CredentialProvider) -> Credentials:
    """One frozen set of credentials from a snapshot or a provider."""
    if isinstance(source, Credentials):
        return source
    return source.get()
