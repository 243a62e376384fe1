"""One access-log record per request, in the JSON shape of API Gateway's access logging.

Field names follow the ``$context`` variables of AWS's example JSON format (requestId, ip, caller, user,
requestTime, httpMethod, resourcePath, status, protocol, responseLength) plus ``errorMessage`` and
``responseLatency``; values are strings and an absent value is ``"-"``, as API Gateway writes them.
Records go to ``Gateway.access_log`` and, as JSON lines, to the logger ``apiclient.gateway``.
No secret ever enters a record: only ARNs, IDs, the method and the path.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass

from apiclient.gateway.identities import Principal
from apiclient.gateway.responses import Answer, Stamp
from apiclient.gateway.wire import WireRequest

__all__ = ["AccessLog", "Entry"]

logger = logging.getLogger("apiclient.gateway")

_AUTHORIZATION_VALUE = re.compile(r"Authorization=.*$")
_BAD_PAIR = re.compile(r"^'.*' not a valid key=value pair")


@dataclass(frozen=True)
class Entry:
    """What the gateway knows about one finished request."""

    request: WireRequest
    answer: Answer
    latency_ms: int
    principal: Principal | None = None
    resource_path: str | None = None
    api_id: str | None = None
    stage: str | None = None
    service: str = "execute-api"


class AccessLog:
    """A thread-safe, bounded list of records (oldest dropped first)."""

    def __init__(self, limit: int = 10000) -> None:
        self._records: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._limit = limit

    def write(self, entry: Entry) -> dict[str, str]:
        record = _record(entry)
        with self._lock:
            self._records.append(record)
            del self._records[: -self._limit]
        if logger.isEnabledFor(logging.INFO):
            logger.info("%s", json.dumps(record, separators=(",", ":")))
        return record

    def records(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._records)


def _record(entry: Entry) -> dict[str, str]:
    request, principal, stamp = entry.request, entry.principal, entry.request.stamp
    return {
        "requestId": stamp.request_id,
        "ip": request.source_ip,
        "caller": principal.arn if principal else "-",
        "user": principal.unique_id if principal else "-",
        "requestTime": _request_time(stamp),
        "httpMethod": request.method,
        "resourcePath": entry.resource_path or "-",
        "path": request.path,
        "apiId": entry.api_id or "-",
        "stage": entry.stage or "-",
        "service": entry.service,
        "status": str(entry.answer.status),
        "protocol": "HTTP/1.1",
        "responseLength": str(len(entry.answer.body)),
        "errorMessage": _loggable(entry.answer.error) if entry.answer.error else "-",
        "responseLatency": str(entry.latency_ms),
    }


def _loggable(error: str) -> str:
    """The error's first line with the caller's Authorization value masked: it may be a bearer token."""
    first_line = error.split("\n", 1)[0]
    first_line = _AUTHORIZATION_VALUE.sub("Authorization=<redacted>", first_line)
    return _BAD_PAIR.sub("'<redacted>' not a valid key=value pair", first_line).split(
        " in Authorization header:"
    )[0]


def _request_time(stamp: Stamp) -> str:
    # $context.requestTime's CLF form, e.g. 22/Nov/2026:12:40:00 +0000
    return stamp.now.strftime("%d/%b/%Y:%H:%M:%S +0000")
