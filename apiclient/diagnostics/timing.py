"""Time evidence: API Gateway's Date against the local clock and the signing time; credential expiry.

Execute-api refuses a signature more than 5 minutes from its own clock ("Signature expired"; AWS
General Reference, "Signature Version 4 signing process", the request date rules).
"""

from __future__ import annotations

import datetime as _dt
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from apiclient.diagnostics.findings import Findings

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials

__all__ = ["SKEW_WINDOW_SECONDS", "clock_findings", "expiry_findings", "server_date"]

SKEW_WINDOW_SECONDS = 300
# Botocore's mandatory refresh window: credentials this close to expiry are "about to" expire.
_EXPIRING_SECONDS = 600
# Date has one-second resolution and the response took time to arrive: smaller gaps are noise.
_NOTICEABLE_SECONDS = 30


def server_date(value: str | None) -> _dt.datetime | None:
    """A response's Date header value as an aware UTC datetime, or None when absent or malformed."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(_dt.timezone.utc)
    except (TypeError, ValueError, IndexError):
        return None


def _signed_time(amz_date: str) -> _dt.datetime | None:
    try:
        return _dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return None


def clock_findings(
    server: _dt.datetime | None,
    local_now: _dt.datetime,
    signed_at: str | None,
    clock_offset: float,
    found: Findings,
) -> None:
    """Compare the server's Date with the local clock and with the time the request was signed."""
    if clock_offset:
        found.details["clock_offset_seconds"] = clock_offset
        found.evidence.append(f"the client corrects its clock by {clock_offset:+.0f} s")
    if server is None:
        return
    found.details["server_date"] = server.isoformat()
    local_skew = (local_now - server).total_seconds()
    found.details["local_clock_skew_seconds"] = round(local_skew)
    if abs(local_skew) >= _NOTICEABLE_SECONDS:
        side = "ahead of" if local_skew > 0 else "behind"
        found.evidence.append(f"the local clock is {abs(local_skew):.0f} s {side} API Gateway's Date")
    signed = _signed_time(signed_at) if signed_at else None
    if signed is None:
        return
    signing_skew = (signed - server).total_seconds()
    found.details["signing_skew_seconds"] = round(signing_skew)
    if abs(signing_skew) > SKEW_WINDOW_SECONDS:
        found.evidence.append(
            f"the request was signed {signing_skew:+.0f} s from API Gateway's Date, outside its "
            f"{SKEW_WINDOW_SECONDS // 60}-minute window"
        )
        found.hint("clock_skew", "the signing time is outside API Gateway's 5-minute window")


def expiry_findings(credentials: Credentials, at: _dt.datetime, found: Findings) -> None:
    """Say whether the signing credentials had expired, or were about to, at ``at``."""
    found.details["credentials_temporary"] = credentials.is_temporary
    if credentials.expiry is None:
        return
    expiry = credentials.expiry.isoformat()
    found.details["credentials_expiry"] = expiry
    left = credentials.seconds_left(at)
    if left is None:
        return
    found.details["credentials_seconds_left"] = round(left)
    if left <= 0:
        found.evidence.append(f"the credentials expired at {expiry}")
        found.hint("token_expired", f"the credentials expired at {expiry}")
    elif left <= _EXPIRING_SECONDS:
        found.evidence.append(f"the credentials expire in {left:.0f} s (at {expiry})")
