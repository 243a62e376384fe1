"""A provider around credentials that botocore resolved (profiles, SSO, processes, IMDS, containers).

botocore's refreshable credentials already refresh in an advisory and a
mandatory window; this wrapper takes a frozen snapshot of them per ``get()``
and translates botocore's errors.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable
from typing import Any

from apiclient._botocore_logs import guard_botocore_logs
from apiclient.credentials._describe import public_fields
from apiclient.credentials.base import Credentials
from apiclient.errors import CredentialsError

__all__ = ["BotocoreProvider", "from_botocore", "translate_botocore_error"]


def translate_botocore_error(error: Exception, what: str) -> Exception:
    """A ``CredentialsError`` for one of botocore's errors; any other error unchanged."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy: `import apiclient` must not load botocore

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return CredentialsError(f"{what}: {details.get('Code', 'Unknown')}: {details.get('Message', '')}")
    if isinstance(error, BotoCoreError):
        return CredentialsError(f"{what}: {error}")
    return error


class BotocoreProvider:
    """Snapshots of a botocore credentials object; ``force_refresh()`` resolves them again."""

    def __init__(
        self, resolve: Callable[[], Any], *, profile: str | None = None, label: str = "botocore's chain"
    ) -> None:
        self._resolve = resolve
        self._profile = profile
        self._where = label
        self._lock = threading.Lock()
        guard_botocore_logs()
        self._botocore_credentials = resolve()
        # (botocore's frozen tuple, our snapshot): one attribute so readers never see a mixed pair.
        self._cache: tuple[Any, Credentials] | None = None

    @property
    def method(self) -> str:
        """botocore's name for where the credentials came from (e.g. ``assume-role``, ``iam-role``)."""
        return str(self._botocore_credentials.method)

    def get(self) -> Credentials:
        """A frozen snapshot; botocore refreshes temporary credentials first when they are due."""
        source = self._botocore_credentials
        try:
            frozen = source.get_frozen_credentials()
        except Exception as error:
            raise translate_botocore_error(error, f"{self._label()}: could not get credentials") from None
        cache = self._cache
        if cache is not None and cache[0] == frozen:
            return cache[1]
        credentials = Credentials(frozen.access_key, frozen.secret_key, frozen.token, _expiry_of(source))
        self._cache = (frozen, credentials)
        return credentials

    def peek(self) -> tuple[Credentials | None, bool]:
        """What ``get()`` would do, without I/O (``credentials.base.Peekable``).

        botocore refreshes inside ``get_frozen_credentials()`` once its advisory window opens,
        so from then on only the last snapshot is offered, until its mandatory window.
        """
        source = self._botocore_credentials
        refresh_needed = getattr(source, "refresh_needed", None)
        if not callable(refresh_needed):
            return self.get(), False  # static botocore credentials: no I/O
        if not refresh_needed():
            return self.get(), False
        cache = self._cache
        mandatory = getattr(source, "_mandatory_refresh_timeout", 0)
        if cache is not None and not refresh_needed(mandatory):
            return cache[1], True
        return None, True

    def _label(self) -> str:
        where = f"profile {self._profile!r}" if self._profile is not None else self._where
        return f"{where} ({self.method})"

    def force_refresh(self) -> Credentials:
        """Resolve the credentials again from scratch (botocore has no public "refresh now")."""
        seen = self._botocore_credentials
        with self._lock:
            if self._botocore_credentials is seen:
                self._botocore_credentials = self._resolve()
        return self.get()

    def describe(self) -> dict[str, Any]:
        """``source`` is botocore's method; ``profile`` when one was named; access key and expiry."""
        info: dict[str, Any] = {"source": self.method, "resolved_by": "botocore"}
        if self._profile is not None:
            info["profile"] = self._profile
        cache = self._cache
        info.update(public_fields(cache[1] if cache else None))
        return info

    def __repr__(self) -> str:
        profile = f", profile={self._profile!r}" if self._profile is not None else ""
        return f"BotocoreProvider(method={self.method!r}{profile})"


def from_botocore(source: Any) -> BotocoreProvider:
    """A provider over what a boto3 user already holds: a ``boto3.Session``, a botocore session,
    or botocore ``Credentials``/``RefreshableCredentials`` (their refresh stays botocore's).

    Raises:
        CredentialsError: ``source`` is none of those, or its session finds no credentials.
    """
    if hasattr(source, "get_frozen_credentials"):
        return BotocoreProvider(lambda: source, label="botocore credentials")
    session = getattr(source, "_session", None) if hasattr(source, "resource") else source
    get_credentials = getattr(session, "get_credentials", None)
    if not callable(get_credentials):
        raise CredentialsError(
            f"credentials must be Credentials, a provider, a boto3.Session, a botocore session or "
            f"botocore credentials, not {type(source).__name__}"
        )

    def resolve() -> Any:
        try:
            found = get_credentials()
        except Exception as error:
            raise translate_botocore_error(
                error, "the botocore session could not resolve credentials"
            ) from None
        if found is None:
            raise CredentialsError("the boto3/botocore session found no credentials (its chain is empty)")
        return found

    profile = getattr(session, "profile", None)
    return BotocoreProvider(
        resolve, profile=profile if isinstance(profile, str) else None, label="a boto3 session"
    )


def _expiry_of(botocore_credentials: Any) -> _dt.datetime | None:
    # botocore keeps the expiry of refreshable credentials in a private attribute
    # and exposes no public accessor; static credentials have none.
    expiry: _dt.datetime | None = getattr(botocore_credentials, "_expiry_time", None)
    return expiry.astimezone(_dt.timezone.utc) if expiry is not None else None
