"""Credentials from environment variables, without importing boto3 or botocore.

This is the Lambda fast path: the runtime puts the function role's session
credentials in ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and
``AWS_SESSION_TOKEN``, so a cold start pays for no SDK import.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from typing import Any

from apiclient.credentials._describe import public_fields
from apiclient.credentials.base import Credentials
from apiclient.credentials.refresh import Clock, utc_now
from apiclient.errors import CredentialsError

__all__ = ["EnvironmentProvider", "credentials_in_environment", "from_environment", "read_environment"]

ACCESS_KEY = "AWS_ACCESS_KEY_ID"
SECRET_KEY = "AWS_SECRET_ACCESS_KEY"
SESSION_TOKEN = "AWS_SESSION_TOKEN"
LEGACY_SESSION_TOKEN = "AWS_SECURITY_TOKEN"  # still honoured by botocore and the AWS CLI
EXPIRATION = "AWS_CREDENTIAL_EXPIRATION"
# What older aws-vault versions (and some wrappers) write instead of AWS_CREDENTIAL_EXPIRATION.
LEGACY_EXPIRATION = "AWS_SESSION_EXPIRATION"


def credentials_in_environment(environ: Mapping[str, str] | None = None) -> bool:
    """True when either key variable is set (so a partial set is reported, not skipped)."""
    env = os.environ if environ is None else environ
    return bool(env.get(ACCESS_KEY) or env.get(SECRET_KEY))


def read_environment(environ: Mapping[str, str] | None = None) -> Credentials:
    """One snapshot from the environment.

    Raises:
        CredentialsError: nothing is set, one variable of a pair is missing, or
            ``AWS_CREDENTIAL_EXPIRATION`` is not ISO 8601.
    """
    env = os.environ if environ is None else environ
    access_key = env.get(ACCESS_KEY, "")
    secret_key = env.get(SECRET_KEY, "")
    token = env.get(SESSION_TOKEN) or env.get(LEGACY_SESSION_TOKEN) or None
    if not access_key and not secret_key:
        if token:
            raise CredentialsError(
                f"{ACCESS_KEY} and {SECRET_KEY} are not set, but a session token is: set all three"
            )
        raise CredentialsError(f"AWS credentials are not set in the environment ({ACCESS_KEY}, {SECRET_KEY})")
    for missing, present in ((ACCESS_KEY, SECRET_KEY), (SECRET_KEY, ACCESS_KEY)):
        if not env.get(missing):
            raise CredentialsError(f"{missing} is not set, but {present} is: set both")
    if env.get(EXPIRATION):
        expiry = _parse_expiry(env[EXPIRATION], EXPIRATION)
    else:
        expiry = _parse_expiry(env.get(LEGACY_EXPIRATION), LEGACY_EXPIRATION)
    return Credentials(access_key, secret_key, token, expiry)


def _parse_expiry(text: str | None, variable: str) -> _dt.datetime | None:
    if not text:
        return None
    # Python 3.10's fromisoformat rejects the "Z" suffix that AWS tools write.
    normalized = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        expiry = _dt.datetime.fromisoformat(normalized)
    except ValueError:
        raise CredentialsError(
            f"{variable}={text!r} is not an ISO 8601 time such as 2030-01-01T00:00:00Z"
        ) from None
    if expiry.tzinfo is None:  # AWS writes UTC; a bare time is read as UTC too
        expiry = expiry.replace(tzinfo=_dt.timezone.utc)
    return expiry.astimezone(_dt.timezone.utc)


class EnvironmentProvider:
    """Credentials read from the environment.

    Credentials with an expiry are read again once expired, in case the
    process that manages them has updated the environment (botocore does the same).
    """

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._credentials = read_environment()

    def get(self) -> Credentials:
        """The environment's credentials; raises ``CredentialsError`` once they have expired."""
        credentials = self._credentials
        if credentials.expiry is None or self._clock() < credentials.expiry:
            return credentials
        credentials = self._credentials = read_environment()
        if credentials.expiry is not None and self._clock() >= credentials.expiry:
            raise CredentialsError(
                f"the credentials in the environment expired at {credentials.expiry.isoformat()} "
                f"({EXPIRATION}); renew them"
            )
        return credentials

    def peek(self) -> tuple[Credentials | None, bool]:
        """Reading the environment is no I/O worth moving off an event loop (``Peekable``)."""
        return self.get(), False

    def describe(self) -> dict[str, Any]:
        """``{"source": "environment", "access_key": ..., "expiry": ...}``."""
        return {"source": "environment", **public_fields(self._credentials)}

    def __repr__(self) -> str:
        return f"EnvironmentProvider({self._credentials!r})"


def from_environment(*, clock: Clock = utc_now) -> EnvironmentProvider:
    """Credentials from ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN``.

    ``AWS_SECURITY_TOKEN`` is accepted for the token, and ``AWS_CREDENTIAL_EXPIRATION``
    (ISO 8601; ``AWS_SESSION_EXPIRATION``, as older aws-vault writes it) for the expiry.

    Raises:
        CredentialsError: the variables are not set, or only partly.
    """
    return EnvironmentProvider(clock=clock)
