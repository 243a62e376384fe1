"""The sans-I/O call engine: sign -> send -> decide, for any HTTP library.

A call is a generator (the shape of httpx's ``Auth.auth_flow``): it yields what it needs done
(``NeedCredentials``, ``Attempt``, ``Sleep``) and is sent back what happened (a ``Credentials``
snapshot, a ``Reply`` or a ``SendFailed``); it returns an ``Outcome``. It alone decides:

* one credentials snapshot per attempt, asked of the driver (botocore's ``signers.py`` shape:
  the glue takes the snapshot, the signer only sees it);
* retries of idempotent requests, with backoff and ``Retry-After`` (``apiclient.retry``);
* clock-skew correction from the server's ``Date`` (API Gateway refuses a signature more than
  5 minutes off its clock), once per call;
* one forced credential refresh when a security token is refused, once per call;
* redirects: a same-origin hop re-signed, a cross-origin hop stripped of every credential
  (requests itself strips only ``Authorization`` and never re-signs);
* a refusal: classified once, and returned with the record ``diagnose_call`` reads.

The drivers (``session.Client`` over requests, ``httpx.AsyncClient`` over httpx) only turn
an ``Attempt`` into their library's request and their library's answer into a ``Reply``, so the
logic exists once whatever sends the bytes.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import quote, urljoin, urlsplit

from apiclient import sigv4
from apiclient._redact import redact_url
from apiclient.credentials.base import CredentialProvider, Credentials, Refreshable
from apiclient.endpoint import Endpoint, is_loopback, origin
from apiclient.errors import EndpointError, RedirectError
from apiclient.retry import Retry, retry_after_seconds

if TYPE_CHECKING:
    from apiclient.diagnostics import Cause, Diagnosis, RefusedCall

__all__ = [
    "CallPlan",
    "Flow",
    "NeedCredentials",
    "Outcome",
    "Reply",
    "Request",
    "SendFailed",
    "SkewClock",
    "Sleep",
    "call_flow",
    "check_transport",
    "drive",
    "drive_async",
    "snapshot_of",
]

# The name the attempt log has always had, which users' logging configurations name.
_log = logging.getLogger("apiclient.session")

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
REFUSAL_STATUSES = frozenset({401, 403})
# Headers that describe the body, dropped when a redirect turns the request into a GET.
_BODY_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding", "x-amz-content-sha256"})
# Never carried to another origin (with every x-amz-* header: the date, the token, the hash).
_CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "proxy-authorization"})
# Left by an earlier signature of the same request (a retry, a redirect hop): signed afresh.
_SIGNATURE_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-security-token"})


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


class SkewClock:
    """``now()`` is the source clock plus ``offset`` seconds, learned from a skew refusal.

    The offset is one float replaced in a single assignment, so threads (or tasks) reading it
    while another corrects it see either the old or the new value, never a mix.
    """

    def __init__(self, source: Callable[[], _dt.datetime] | None = None) -> None:
        self._source = source or _utc_now
        self._system = source is None
        self.offset = 0.0

    def signing_time(self) -> _dt.datetime | None:
        """``now()``, or None when that is the system clock unchanged (the signer reads it itself,
        without building a datetime per signature)."""
        return None if self._system and not self.offset else self.now()

    def now(self) -> _dt.datetime:
        """The corrected signing time (aware, UTC)."""
        offset = self.offset
        now = self._source()
        return now + _dt.timedelta(seconds=offset) if offset else now

    def correct_to(self, server: _dt.datetime) -> float:
        """Adopt the server's time; returns the new offset in seconds."""
        self.offset = (server - self._source()).total_seconds()
        return self.offset


def server_time(headers: Mapping[str, str], details: Mapping[str, Any]) -> _dt.datetime | None:
    """The server's time from the Date header, else from a skew message's own timestamps."""
    date = headers.get("Date") or headers.get("date")
    if date:
        try:
            return parsedate_to_datetime(date).astimezone(_dt.timezone.utc)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    quoted = details.get("server_time")
    if isinstance(quoted, str):
        try:
            return _dt.datetime.fromisoformat(quoted)
        except ValueError:
            return None
    return None


class Request:
    """The request as the engine sees it: method, wire URL, headers (names as given), body."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: Mapping[str, str], body: Any = None) -> None:
        self.method = method.upper()
        self.url = url
        self.headers = dict(headers)
        self.body = body

    def replayable(self) -> bool:
        """True when the body can be sent again as is (a stream is consumed by the first attempt)."""
        return self.body is None or isinstance(self.body, bytes | str)

    def without(self, lower_names: frozenset[str], *, prefix: str | None = None) -> dict[str, str]:
        """The headers minus those named (lower case) and those starting with ``prefix``."""
        return {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in lower_names and not (prefix and name.lower().startswith(prefix))
        }


class CallPlan(NamedTuple):
    """What stays the same for every call of one client."""

    credentials: Credentials | CredentialProvider
    region: str
    service: str
    endpoint: Endpoint | None
    retry: Retry
    clock: SkewClock
    max_redirects: int = 5
    cross_origin_redirects: Literal["strip", "refuse"] = "strip"
    allow_http: bool = False
    raise_for_access_denied: bool = True


# -- what the engine yields ---------------------------------------------------------------------


class NeedCredentials(NamedTuple):
    """Send back a ``Credentials`` snapshot (``force_refresh``: the last one was refused)."""

    force_refresh: bool = False


class Attempt(NamedTuple):
    """One request to send, signed (``signature`` None on a cross-origin hop, which is sent with
    no credential); the engine expects a ``Reply`` or a ``SendFailed`` back. ``number`` counts
    the attempts of this hop from 1; ``hops`` the redirects followed so far."""

    method: str
    url: str
    headers: dict[str, str]
    body: Any
    signature: sigv4.Signature | None
    number: int
    hops: int


class Sleep(NamedTuple):
    """Wait this many seconds before the next step."""

    seconds: float


# -- what the engine is sent back ---------------------------------------------------------------


class Reply(NamedTuple):
    """A response: status, headers (a case-insensitive mapping), the body when it was asked for
    (401 and 403: the driver reads it), and the library's own response object."""

    status: int
    headers: Mapping[str, str]
    body: bytes | None
    native: Any


class SendFailed(NamedTuple):
    """The request did not get a response. ``retryable``: a connection failure, which a second
    attempt may cure (not a TLS or a protocol error)."""

    error: BaseException
    retryable: bool


# -- what the engine returns --------------------------------------------------------------------


class Outcome(NamedTuple):
    """The call's end: the reply to return, or (``refused``) the record of a refusal to raise."""

    reply: Reply
    refused: RefusedCall | None = None


Flow = Generator["NeedCredentials | Attempt | Sleep", "Credentials | Reply | SendFailed | None", Outcome]


def check_transport(url: str, allow_http: bool, error: type[EndpointError] | type[RedirectError]) -> None:
    """Refuse a signed request over plain http to a host that is not loopback."""
    scheme, host, _port = origin(url)
    if scheme in ("https", "wss") or allow_http or is_loopback(host):
        return
    raise error(
        f"refusing to send a signed request over plain http to {host}: use https "
        "(or allow_http=True if you really mean it)"
    )


def needs_body(status: int) -> bool:
    """True when the engine reads the body of a reply with this status (to classify a refusal)."""
    return status in REFUSAL_STATUSES


def call_flow(plan: CallPlan, first: Request, *, follow_redirects: bool = True) -> Flow:
    """One call, from the first attempt to its outcome (see the module docstring)."""
    request = first
    failures = hops = 0
    skew_corrected = token_refreshed = False
    force_refresh = False
    signed = True  # every hop to the first request's origin is signed; a hop elsewhere is not
    while True:
        credentials: Credentials | None = None
        signature: sigv4.Signature | None = None
        outgoing = request
        if signed:
            taken = yield NeedCredentials(force_refresh)
            assert isinstance(taken, Credentials)
            credentials, force_refresh = taken, False
            signature, outgoing = _sign(plan, request, credentials)
        retryable = plan.retry.allows(request.method) and request.replayable()
        got = yield Attempt(
            outgoing.method, outgoing.url, outgoing.headers, outgoing.body, signature, failures + 1, hops
        )
        if isinstance(got, SendFailed):
            failures += 1
            _log_attempt(outgoing, f"connection error ({type(got.error).__name__})", failures, hops)
            if not (got.retryable and retryable and failures < plan.retry.attempts):
                raise got.error
            yield Sleep(plan.retry.delay(failures))
            continue
        assert isinstance(got, Reply)
        reply = got
        status = reply.status
        _log_attempt(outgoing, str(status), failures + 1, hops)
        if status in plan.retry.statuses and retryable and failures + 1 < plan.retry.attempts:
            failures += 1
            yield Sleep(plan.retry.delay(failures, retry_after_seconds(reply.headers.get("Retry-After"))))
            continue
        classified: Diagnosis | None = None
        if status in REFUSAL_STATUSES and signed and request.replayable():
            classified = _classify(reply)
            action = _on_refusal(classified.cause)
            if action == "correct_clock" and not skew_corrected:
                # Refused before it ran, so even a POST may be sent again.
                skew_corrected = _correct_clock(plan.clock, reply, classified)
                if skew_corrected:
                    continue
            if action == "refresh_credentials" and not token_refreshed and _refreshable(plan.credentials):
                _log.debug("security token refused: refreshing the credentials once")
                token_refreshed = force_refresh = True
                continue
        if follow_redirects and status in REDIRECT_STATUSES and "Location" in reply.headers:
            hops += 1
            request, signed = _next_hop(plan, first, request, reply, hops)
            continue
        if status in REFUSAL_STATUSES and plan.raise_for_access_denied:
            return Outcome(
                reply,
                _refused(
                    plan, outgoing, reply, signature=signature, credentials=credentials, classified=classified
                ),
            )
        return Outcome(reply)


def _sign(plan: CallPlan, request: Request, credentials: Credentials) -> tuple[sigv4.Signature, Request]:
    headers = request.without(_SIGNATURE_HEADERS)
    signature = sigv4.sign(
        request.method,
        request.url,
        headers,
        request.body,
        credentials=credentials,
        region=plan.region,
        service=plan.service,
        timestamp=plan.clock.signing_time(),
    )
    headers.update(signature.headers)
    return signature, Request(request.method, request.url, headers, request.body)


def _classify(reply: Reply) -> Diagnosis:
    # Imported on a refusal only: diagnostics is off the hot path and the cold start.
    from apiclient.diagnostics import classify  # noqa: PLC0415

    return classify(reply.status, reply.headers, reply.body or b"")


def _on_refusal(cause: Cause) -> str | None:
    from apiclient.diagnostics import CAUSE_TABLE  # noqa: PLC0415

    return CAUSE_TABLE[cause].on_refusal


def _refreshable(credentials: Credentials | CredentialProvider) -> bool:
    return not isinstance(credentials, Credentials) and isinstance(credentials, Refreshable)


def _correct_clock(clock: SkewClock, reply: Reply, classified: Diagnosis) -> bool:
    server = server_time(reply.headers, classified.details)
    if server is None:
        return False
    offset = clock.correct_to(server)
    _log.debug("clock skew: signing with an offset of %+.0f s from the server's Date", offset)
    return True


def _refused(
    plan: CallPlan,
    sent: Request,
    reply: Reply,
    *,
    signature: sigv4.Signature | None,
    credentials: Credentials | None,
    classified: Diagnosis | None,
) -> RefusedCall:
    from apiclient.diagnostics import RefusedCall  # noqa: PLC0415

    return RefusedCall(
        method=sent.method,
        url=sent.url,
        request_headers=sent.headers,
        status=reply.status,
        response_headers=reply.headers,
        body=reply.body or b"",
        signature=signature,
        endpoint=plan.endpoint,
        credentials=credentials,
        clock_offset=plan.clock.offset,
        classified=classified if classified is not None else _classify(reply),
    )


def _location(raw: str) -> str:
    # http.client decodes header bytes as Latin-1; a server that sent UTF-8 meant UTF-8. What is
    # still not ASCII is percent-encoded, as browsers do (WHATWG URL Standard, "percent-encode").
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = raw
    return quote(text.strip(), safe="!#$%&'()*+,/:;=?@[]~")


def _next_hop(
    plan: CallPlan, first: Request, request: Request, reply: Reply, hops: int
) -> tuple[Request, bool]:
    """The next request of a redirect, and whether it goes to the first request's origin (signed)."""
    location = _location(reply.headers["Location"])
    if hops > plan.max_redirects:
        raise RedirectError(f"more than {plan.max_redirects} redirects (the last to {redact_url(location)})")
    try:
        target = urljoin(request.url, location)
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise RedirectError(f"cannot follow a redirect to {redact_url(location)!r}: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RedirectError(f"cannot follow a redirect to {redact_url(location)!r}: not an http(s) URL")
    if reply.status in (307, 308) and not request.replayable():
        raise RedirectError(f"cannot replay a streamed body to follow a {reply.status} redirect")
    check_transport(target, plan.allow_http, RedirectError)
    # RFC 9110 section 15.4: 301, 302 and 303 may become a GET without a body (HEAD stays HEAD).
    method, body = request.method, request.body
    drop = {"host"}
    if reply.status in (301, 302, 303) and method != "HEAD":
        method, body = "GET", None
        drop |= _BODY_HEADERS
    hop = Request(method, target, request.without(frozenset(drop) | _SIGNATURE_HEADERS), body)
    if origin(target) == origin(first.url):
        return hop, True
    if plan.cross_origin_redirects == "refuse":
        raise RedirectError(
            f"refused a redirect to another origin ({redact_url(target)}); "
            "pass cross_origin_redirects='strip' to follow it without credentials"
        )
    hop.headers = hop.without(_CREDENTIAL_HEADERS, prefix="x-amz-")
    return hop, False


def _log_attempt(request: Request, outcome: str, attempt: int, hops: int) -> None:
    if _log.isEnabledFor(logging.DEBUG):
        _log.debug(
            "%s %s -> %s (attempt %d, redirects %d)",
            request.method, redact_url(request.url), outcome, attempt, hops,
        )  # fmt: skip


# -- the two drivers' common loop ---------------------------------------------------------------


def snapshot_of(source: Credentials | CredentialProvider, force_refresh: bool = False) -> Credentials:
    """One snapshot from a provider (blocking I/O when it refreshes), or the snapshot itself."""
    if isinstance(source, Credentials):
        return source
    if force_refresh and isinstance(source, Refreshable):
        return source.force_refresh()
    return source.get()


def drive(
    flow: Flow,
    *,
    credentials: Callable[[bool], Credentials],
    send: Callable[[Attempt], Reply | SendFailed],
    close: Callable[[Any], None],
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Run ``flow`` with blocking I/O; every reply but the outcome's is closed."""
    last: Reply | None = None
    try:
        step = next(flow)
        while True:
            value: Credentials | Reply | SendFailed | None = None
            if isinstance(step, NeedCredentials):
                value = credentials(step.force_refresh)
            else:
                if last is not None:
                    close(last.native)
                    last = None
                if isinstance(step, Attempt):
                    value = send(step)
                    last = value if isinstance(value, Reply) else None
                else:
                    sleep(step.seconds)
            step = flow.send(value)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    except BaseException:
        if last is not None:
            close(last.native)
        raise


async def drive_async(
    flow: Flow,
    *,
    credentials: Callable[[bool], Awaitable[Credentials]],
    send: Callable[[Attempt], Awaitable[Reply | SendFailed]],
    close: Callable[[Any], Awaitable[None]],
    sleep: Callable[[float], Awaitable[None]],
) -> Outcome:
    """``drive`` for asyncio: the same flow, every step awaited."""
    last: Reply | None = None
    try:
        step = next(flow)
        while True:
            value: Credentials | Reply | SendFailed | None = None
            if isinstance(step, NeedCredentials):
                value = await credentials(step.force_refresh)
            else:
                if last is not None:
                    await close(last.native)
                    last = None
                if isinstance(step, Attempt):
                    value = await send(step)
                    last = value if isinstance(value, Reply) else None
                else:
                    await sleep(step.seconds)
            step = flow.send(value)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    except BaseException:
        if last is not None:
            await close(last.native)
        raise
