"""When and how long to wait before trying a request again.

Issue 2: idempotent methods are retried on connection errors, 429, 502, 503 and 504, with
exponential backoff and full jitter, honouring Retry-After (RFC 9110 section 10.2.3).
"""

from __future__ import annotations

import datetime as _dt
import random
from email.utils import parsedate_to_datetime
from typing import NamedTuple

__all__ = ["IDEMPOTENT_METHODS", "RETRYABLE_STATUSES", "Backoff", "retry_after_seconds"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class Backoff(NamedTuple):
    """Full-jitter exponential backoff: a wait drawn from [0, min(cap, base * 2**(attempt-1))].

    ``retry_after_cap`` bounds a server's Retry-After so that one answer cannot stall a caller.
    """

    base: float = 0.25
    cap: float = 8.0
    retry_after_cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return random.uniform(0.0, ceiling)  # noqa: S311 - jitter spreads load; it is not a secret


def retry_after_seconds(value: str | None, now: _dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either delay-seconds or an HTTP-date; None when absent or malformed."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    return max((moment - now).total_seconds(), 0.0)
