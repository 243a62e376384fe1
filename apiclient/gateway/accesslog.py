"""One access-log record per request, in the JSON shape of API Gateway's access logging.

Field names follow the ``$context`` variables of AWS's example JSON format (requestId, ip, caller, user,
requestTime, httpMethod, resourcePath, status, protocol, responseLength) plus ``errorMessage``,
``responseLatency`` and ``xrayTraceId``; values are strings and an absent value is ``"-"``, as API Gateway
writes them. Two fields are this gateway's own: ``cause`` (the refusal, in the vocabulary of
``apiclient.diagnostics.causes``) and ``deciding`` (the policy statements that decided, as named in traces).
Records go to ``Gateway.access_log``, to each listener (``AccessLog.listen``) and, as JSON lines, to the
logger ``apiclient.gateway``. No secret ever enters a record: only ARNs, IDs, the method and the path.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apiclient.gateway.identities import Principal
from apiclient.gateway.responses import Answer, Stamp
from apiclient.gateway.wire import WireRequest

if TYPE_CHECKING:
    from apiclient.policy import Decision

__all__ = ["TRACE_HEADER", "AccessLog", "Entry", "Listener", "deciding_text", "trace_id", "with_trace"]

logger = logging.getLogger("apiclient.gateway")

TRACE_HEADER = "X-Amzn-Trace-Id"

Listener = Callable[[Mapping[str, str]], None]

_AUTHORIZATION_VALUE = re.compile(r"Authorization=.*$")
_BAD_PAIR = re.compile(r"^'.*' not a valid key=value pair")
# An X-Ray trace ID: version 1, the epoch second in 8 hex digits, 96 random bits in 24 hex digits
# (AWS X-Ray Developer Guide, "Tracing header").
_ROOT = re.compile(r"(?:^|;)\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})\s*(?:;|$)")


@dataclass(frozen=True)
class Entry:
    """What the gateway knows about one finished request.

    ``cause`` is the refusal the gateway sent (None for an answer that is not one); ``decision`` is the
    authorization decision already made for the call, whose deciding statements the record names.
    """

    request: WireRequest
    answer: Answer
    latency_ms: int
    principal: Principal | None = None
    resource_path: str | None = None
    api_id: str | None = None
    stage: str | None = None
    service: str = "execute-api"
    cause: str | None = None
    decision: Decision | None = None
    trace_id: str | None = None


class AccessLog:
    """A thread-safe, bounded list of records (oldest dropped first), handed to listeners as written."""

    def __init__(self, limit: int = 10000) -> None:
        self._records: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._limit = limit
        self._listeners: tuple[Listener, ...] = ()

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(record)`` for every record from now on; returns the function that stops it.

        Listeners run in the request's thread before the answer is sent: keep them quick.
        """
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def stop() -> None:
            with self._lock:
                self._listeners = tuple(x for x in self._listeners if x is not listener)

        return stop

    def write(self, entry: Entry) -> dict[str, str]:
        record = _record(entry)
        with self._lock:
            self._records.append(record)
            del self._records[: -self._limit]
            listeners = self._listeners
        for listener in listeners:
            try:
                listener(record)
            except Exception:
                # A listener that fails (a closed pipe, a full disk) must not cost the caller its answer.
                logger.exception("access-log listener failed")
        if logger.isEnabledFor(logging.INFO):
            logger.info("%s", json.dumps(record, separators=(",", ":")))
        return record

    def records(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._records)


def trace_id(request: WireRequest) -> str:
    """The X-Ray trace ID of a call: the ``Root`` of its ``X-Amzn-Trace-Id`` header, else a new one.

    A new ID has X-Ray's format, ``1-{epoch seconds, 8 hex}-{24 hex}``; a malformed Root is replaced,
    so nothing but hex digits from the caller reaches the log.
    """
    given = request.header(TRACE_HEADER)
    if given is not None:
        found = _ROOT.search(given)
        if found is not None:
            return found.group(1)
    return f"1-{int(request.stamp.now.timestamp()):08x}-{secrets.token_hex(12)}"


def with_trace(answer: Answer, trace: str) -> Answer:
    """The answer with ``X-Amzn-Trace-Id: Root=...``, as API Gateway returns it when tracing is on."""
    return Answer(
        answer.status, (*answer.headers, (TRACE_HEADER, f"Root={trace}")), answer.body, answer.error
    )


def deciding_text(decision: Decision | None) -> str:
    """The deciding statements (``resource policy Statement[2] (Sid BlockFlaggedRange)``), else ``-``."""
    if decision is None or not decision.deciding:
        return "-"
    return "; ".join(
        f"{ref.policy} Statement[{ref.index}]" + (f" (Sid {ref.sid})" if ref.sid else "")
        for ref in decision.deciding
    )


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
        "xrayTraceId": entry.trace_id or "-",
        "cause": entry.cause or "-",
        "deciding": deciding_text(entry.decision),
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
