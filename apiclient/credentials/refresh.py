"""The shared refresh logic for providers of temporary credentials.

Two windows before expiry, as botocore's RefreshableCredentials does:

* advisory: one thread refreshes while the others keep returning the current
  snapshot without blocking; a failure is logged at WARNING, the old
  credentials stay in use, and the next attempt waits 30 seconds (less when
  the mandatory window is nearer) so a failing STS is not called per request.
* mandatory: every caller waits for the one refresh; a failure raises
  ``CredentialsError``.

For a session of lifetime L the windows are ``min(15 min, L/2)`` and
``min(10 min, L/4)`` before expiry, so a one-hour session refreshes 15 minutes
early as botocore does, a 15-minute session (STS's minimum) is usable for 7.5
minutes before the first attempt, and 30-second credentials still work.
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TypeAlias

from apiclient.credentials.base import Credentials
from apiclient.errors import CredentialsError

__all__ = ["ADVISORY_WINDOW", "MANDATORY_WINDOW", "Clock", "RefreshingProvider", "utc_now", "windows"]

logger = logging.getLogger(__name__)

Clock: TypeAlias = Callable[[], _dt.datetime]
"""A zero-argument callable returning the current time (timezone-aware)."""

ADVISORY_WINDOW = _dt.timedelta(minutes=15)
MANDATORY_WINDOW = _dt.timedelta(minutes=10)
# After a failed advisory refresh, wait this long (or less, see _Lease.retry_at)
# before the next attempt, so a broken STS is not called on every request.
_ADVISORY_RETRY_DELAY = _dt.timedelta(seconds=30)


def utc_now() -> _dt.datetime:
    """The current time in UTC, the default clock."""
    return _dt.datetime.now(_dt.timezone.utc)


def windows(lifetime: _dt.timedelta) -> tuple[_dt.timedelta, _dt.timedelta]:
    """The (advisory, mandatory) windows before expiry for a session of this lifetime."""
    lifetime = max(lifetime, _dt.timedelta(0))
    return min(ADVISORY_WINDOW, lifetime / 2), min(MANDATORY_WINDOW, lifetime / 4)


class _Lease:
    """A snapshot with the instants at which it must be renewed (never mutated after creation)."""

    # A plain slotted class: a dataclass costs a millisecond at import, which the Lambda cold start pays.
    __slots__ = ("advisory_at", "credentials", "mandatory_at")

    def __init__(
        self, credentials: Credentials, advisory_at: _dt.datetime, mandatory_at: _dt.datetime
    ) -> None:
        self.credentials = credentials
        self.advisory_at = advisory_at
        self.mandatory_at = mandatory_at

    @classmethod
    def of(cls, credentials: Credentials, fetched_at: _dt.datetime) -> _Lease:
        expiry = credentials.expiry
        if expiry is None:
            far = _dt.datetime.max.replace(tzinfo=_dt.timezone.utc)
            return cls(credentials, far, far)
        advisory, mandatory = windows(expiry - fetched_at)
        return cls(credentials, expiry - advisory, expiry - mandatory)

    def retry_at(self, now: _dt.datetime) -> _dt.datetime:
        """When to try again after a failed advisory refresh: never past the mandatory instant."""
        return min(now + _ADVISORY_RETRY_DELAY, now + (self.mandatory_at - now) / 2)


class RefreshingProvider(ABC):
    """Base class: subclasses implement ``_fetch()`` (one call to the source).

    ``get()`` is a lock-free read of the current snapshot plus one time
    comparison while the snapshot is fresh; only refreshes take the lock.
    """

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._lease: _Lease | None = None
        self._advisory_retry_at: _dt.datetime | None = None

    @abstractmethod
    def _fetch(self) -> Credentials:
        """Fetch new credentials; raise ``CredentialsError`` naming the cause."""

    @abstractmethod
    def _label(self) -> str:
        """What is being refreshed, for log lines and errors (e.g. the role ARN)."""

    def get(self) -> Credentials:
        """Current credentials, refreshed first when they are about to expire."""
        lease = self._lease
        if lease is not None:
            now = self._clock()
            if now < lease.advisory_at:
                return lease.credentials
            if now < lease.mandatory_at:
                return self._advisory_refresh(lease, now)
        return self._mandatory_refresh(lease)

    def peek(self) -> tuple[Credentials | None, bool]:
        """``(snapshot usable without I/O or None, refresh wanted)`` (``credentials.base.Peekable``).

        Before the advisory window: the snapshot, no refresh. Inside it: the snapshot, and a
        refresh is wanted unless a failed one waits for its retry time. Inside the mandatory
        window, or before the first fetch: None, since ``get()`` must block.
        """
        lease = self._lease
        if lease is None:
            return None, True
        now = self._clock()
        if now < lease.advisory_at:
            return lease.credentials, False
        if now < lease.mandatory_at:
            retry_at = self._advisory_retry_at
            return lease.credentials, not (retry_at is not None and now < retry_at)
        return None, True

    def force_refresh(self) -> Credentials:
        """Replace the current credentials now (they were refused); raises on failure.

        Callers that saw the same refused snapshot share one refresh.
        """
        seen = self._lease
        with self._lock:
            if self._lease is not seen and self._lease is not None:
                return self._lease.credentials
            return self._refresh_locked()

    def _advisory_refresh(self, lease: _Lease, now: _dt.datetime) -> Credentials:
        retry_at = self._advisory_retry_at
        if retry_at is not None and now < retry_at:
            return lease.credentials
        if not self._lock.acquire(blocking=False):
            return lease.credentials  # another thread is refreshing
        try:
            current = self._lease
            if current is not lease and current is not None:  # refreshed while we were checking
                return current.credentials
            try:
                return self._refresh_locked()
            except CredentialsError as error:
                self._advisory_retry_at = lease.retry_at(now)
                logger.warning(
                    "advisory refresh of %s failed; using the current credentials until %s: %s",
                    self._label(),
                    lease.mandatory_at.isoformat(),
                    error,
                )
                return lease.credentials
        finally:
            self._lock.release()

    def _mandatory_refresh(self, seen: _Lease | None) -> Credentials:
        with self._lock:
            current = self._lease
            if current is not seen and current is not None and self._clock() < current.mandatory_at:
                return current.credentials
            return self._refresh_locked()

    def _refresh_locked(self) -> Credentials:
        fetched_at = self._clock()
        credentials = self._fetch()
        if credentials.expiry is not None and credentials.expiry <= fetched_at:
            raise CredentialsError(
                f"{self._label()} returned credentials that expired at {credentials.expiry.isoformat()}, "
                f"before the local time {fetched_at.isoformat()}: check the system clock"
            )
        self._lease = _Lease.of(credentials, fetched_at)
        self._advisory_retry_at = None
        logger.debug(
            "refreshed credentials for %s: access key %s, expiry %s",
            self._label(),
            credentials.access_key,
            credentials.expiry.isoformat() if credentials.expiry else "none",
        )
        return credentials
