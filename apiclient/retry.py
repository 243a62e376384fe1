"""``Retry``: how many attempts, on which statuses and methods, and how long to wait between them.

Transient failures (connection errors, 429, 502, 503, 504) are retried for idempotent methods
(RFC 9110 section 9.2.2) with exponential backoff and full jitter ("Exponential Backoff And
Jitter", AWS Architecture Blog), honouring ``Retry-After`` (RFC 9110 section 10.2.3) up to a cap.

The AWS SDKs' settings apply as botocore applies them ("Retry behavior", AWS SDKs and Tools
Reference Guide): ``AWS_MAX_ATTEMPTS`` is the number of attempts in all, the first included;
``AWS_RETRY_MODE`` is ``legacy`` (5 attempts), ``standard`` (3 attempts, 500 retried too, waits
up to 20 s) or ``adaptive`` (standard's rules here: the client-side rate limiter of adaptive
mode throttles AWS service calls, which an execute-api call is not).
"""

from __future__ import annotations

import datetime as _dt
import os
import random
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import NamedTuple

__all__ = ["IDEMPOTENT_METHODS", "RETRYABLE_STATUSES", "Retry", "retry_after_seconds"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_MODES = ("legacy", "standard", "adaptive")


class Retry(NamedTuple):
    """When to try a request again, and how long to wait first.

    Args:
        attempts: attempts in all, the first included; 1 disables retrying.
        statuses: response statuses that are retried.
        methods: methods that are retried (a POST may have run: it is not retried by default).
        backoff_base: the first wait's ceiling in seconds; each retry doubles it...
        backoff_cap: ...up to this ceiling. The wait is drawn from [0, ceiling] (full jitter).
        retry_after_cap: the longest ``Retry-After`` honoured, so one answer cannot stall a caller.

    A connection error is retried like a retried status; a TLS error never is (it does not go
    away on a second attempt), and neither is a streamed body that cannot be sent twice.
    """

    attempts: int = 3
    statuses: frozenset[int] = RETRYABLE_STATUSES
    methods: frozenset[str] = IDEMPOTENT_METHODS
    backoff_base: float = 0.25
    backoff_cap: float = 8.0
    retry_after_cap: float = 30.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Retry:
        """The default ``Retry``, adjusted by ``AWS_RETRY_MODE`` and ``AWS_MAX_ATTEMPTS``.

        Raises:
            ValueError: a setting that is not a mode name or a whole number of at least 1.
        """
        env = os.environ if environ is None else environ
        mode = env.get("AWS_RETRY_MODE", "").strip().lower()
        retry = cls()
        if mode:
            if mode not in _MODES:
                raise ValueError(f"AWS_RETRY_MODE must be one of {', '.join(_MODES)}, not {mode!r}")
            statuses = RETRYABLE_STATUSES | {500}
            if mode == "legacy":
                retry = cls(attempts=5, statuses=statuses)
            else:
                retry = cls(attempts=3, statuses=statuses, backoff_base=1.0, backoff_cap=20.0)
        raw = env.get("AWS_MAX_ATTEMPTS", "").strip()
        if raw:
            if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
                raise ValueError(f"AWS_MAX_ATTEMPTS must be a whole number of at least 1, not {raw!r}")
            retry = retry._replace(attempts=int(raw))
        return retry

    def with_(
        self,
        *,
        attempts: int | None = None,
        statuses: Iterable[int] | None = None,
        methods: Iterable[str] | None = None,
    ) -> Retry:
        """A copy with some settings changed (``statuses`` and ``methods`` as any iterable)."""
        return self._replace(
            attempts=self.attempts if attempts is None else attempts,
            statuses=self.statuses if statuses is None else frozenset(statuses),
            methods=self.methods if methods is None else frozenset(m.upper() for m in methods),
        )

    def check(self) -> Retry:
        """This ``Retry``, or ValueError naming the setting that cannot work."""
        if not isinstance(self.attempts, int) or self.attempts < 1:
            raise ValueError(
                f"Retry.attempts counts every attempt and must be at least 1, not {self.attempts}"
            )
        for name in ("backoff_base", "backoff_cap", "retry_after_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"Retry.{name} cannot be negative")
        return self

    def allows(self, method: str) -> bool:
        """True when ``method`` may be sent again."""
        return method.upper() in self.methods

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``failures``-th failed attempt (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1))
        return random.uniform(0.0, ceiling)  # noqa: S311 - jitter spreads load; it is not a secret


def retry_after_seconds(value: str | None, now: _dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: delay-seconds or an HTTP-date; None when absent or malformed."""
    if not value:
        return None
    text = value.strip()
    # ASCII digits only: "²".isdigit() is true, and int("²") fails.
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    return max((moment - now).total_seconds(), 0.0)
