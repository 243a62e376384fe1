"""The non-secret fields of a snapshot that every ``describe()`` shows."""

from __future__ import annotations

from typing import Any

from apiclient.credentials.base import Credentials

__all__ = ["public_fields"]


def public_fields(credentials: Credentials | None) -> dict[str, Any]:
    """``access_key`` and, for temporary credentials, ``expiry`` as ISO 8601 text; never a secret."""
    if credentials is None:
        return {}
    fields: dict[str, Any] = {"access_key": credentials.access_key}
    if credentials.expiry is not None:
        fields["expiry"] = credentials.expiry.isoformat()
    return fields
