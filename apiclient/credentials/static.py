"""Credentials given directly by the caller."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from apiclient.credentials._describe import public_fields
from apiclient.credentials.base import Credentials

__all__ = ["StaticProvider", "static"]


class StaticProvider:
    """Always returns the same snapshot."""

    def __init__(self, credentials: Credentials, source: str = "static") -> None:
        self._credentials = credentials
        self._source = source

    def get(self) -> Credentials:
        """The snapshot given at construction."""
        return self._credentials

    def peek(self) -> tuple[Credentials | None, bool]:
        """The snapshot, never due for a refresh (``Peekable``)."""
        return self._credentials, False

    def describe(self) -> dict[str, Any]:
        """``{"source": "static", "access_key": ...}`` (plus ``expiry`` when set)."""
        return {"source": self._source, **public_fields(self._credentials)}

    def __repr__(self) -> str:
        return f"StaticProvider({self._credentials!r})"


def static(
    access_key: str, secret_key: str, token: str | None = None, expiry: _dt.datetime | None = None
) -> StaticProvider:
    """A provider for keys the caller already holds.

    Raises:
        CredentialsError: a key is empty or ``expiry`` is not timezone-aware.
    """
    return StaticProvider(Credentials(access_key, secret_key, token, expiry))
