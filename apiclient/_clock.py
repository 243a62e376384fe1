"""The signing clock: the local UTC time plus a correction learned from API Gateway.

API Gateway refuses a signature more than 5 minutes off its own clock ("Signature expired",
"Signature not yet current"; ../shared/reference/apigateway-errors.md observation 7). The
Client then takes the server's time from the response and signs later requests with it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["SkewClock", "server_time"]


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


class SkewClock:
    """``now()`` is the source clock plus ``offset`` seconds.

    The offset is one float replaced in a single assignment, so threads reading it while
    another corrects it see either the old or the new value, never a mix.
    """

    def __init__(self, source: Callable[[], _dt.datetime] | None = None) -> None:
        self._source = source or _utc_now
        self._offset = 0.0

    @property
    def offset(self) -> float:
        """Seconds added to the source clock when signing."""
        return self._offset

    def now(self) -> _dt.datetime:
        """The corrected signing time (aware, UTC)."""
        return self._source() + _dt.timedelta(seconds=self._offset)

    def correct_to(self, server: _dt.datetime) -> float:
        """Adopt the server's time; returns the new offset in seconds."""
        self._offset = (server - self._source()).total_seconds()
        return self._offset


def server_time(headers: Mapping[str, str], details: Mapping[str, Any]) -> _dt.datetime | None:
    """The server's time from the Date header, else from a skew message's own timestamps."""
    date = headers.get("Date")
    if date:
        try:
            return parsedate_to_datetime(date).astimezone(_dt.timezone.utc)
        except (TypeError, ValueError, IndexError):
            pass
    quoted = details.get("server_time")
    return _dt.datetime.fromisoformat(quoted) if isinstance(quoted, str) else None
