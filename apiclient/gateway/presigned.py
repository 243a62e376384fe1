"""Query-string (presigned) Signature Version 4, verified with botocore's own signer.

A presigned URL carries the signature in its query: ``X-Amz-Algorithm``, ``X-Amz-Credential``,
``X-Amz-Date``, ``X-Amz-Expires``, ``X-Amz-SignedHeaders``, ``X-Amz-Security-Token`` (temporary
credentials) and ``X-Amz-Signature`` ("Authenticating Requests: Using Query Parameters", AWS
Signature Version 4). The canonical request is the one botocore's ``SigV4QueryAuth`` signs: every
query parameter but ``X-Amz-Signature``, each decoded and encoded again per RFC 3986, sorted; the
headers named in ``X-Amz-SignedHeaders``; the SHA-256 of the body. Browsers, shared links and the
``$connect`` handshake of WebSocket APIs use them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

from apiclient.gateway.identities import IdentityStore, SigningKey
from apiclient.gateway.verify import Rejection, check_signature
from apiclient.gateway.wire import WireRequest

__all__ = ["MAX_EXPIRES", "is_presigned", "verify_presigned"]

_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_AMZ_DATE_FIELDS = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")
_SIGNATURE = "X-Amz-Signature"
_SIGNATURE_BYTES = _SIGNATURE.encode()
_REQUIRED = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", _SIGNATURE)
# A SigV4 signature is valid for a week at most (the signing key is scoped to a day, and AWS
# refuses X-Amz-Expires above 604800 seconds).
MAX_EXPIRES = 604800


@dataclass(frozen=True)
class _Query:
    params: dict[str, str]
    pairs: list[tuple[bytes, bytes]]


def is_presigned(request: WireRequest) -> bool:
    """A request without an ``Authorization`` header whose query carries SigV4 parameters."""
    if request.header("authorization") is not None or "X-Amz-" not in request.query:
        return False
    names = {key for key, _ in request.query_params()}
    return any(name in names for name in ("X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm"))


def verify_presigned(
    request: WireRequest,
    store: IdentityStore,
    *,
    service: str,
    region: str | None,
    window: dt.timedelta = dt.timedelta(minutes=5),
) -> SigningKey:
    """The key that presigned ``request``'s URL.

    Args:
        region: the region the scope must name; None accepts any.
        window: how far ahead of the server's clock ``X-Amz-Date`` may be (execute-api: 5 minutes).

    Raises:
        Rejection: parameters missing or malformed, the URL expired or not yet valid, the scope
            wrong, the key unknown, or the signature wrong.
    """
    query = _query(request)
    params = query.params
    missing = [name for name in _REQUIRED if not params.get(name)]
    if missing:
        # AWS's wording for a presigned URL lacking a parameter, as S3 and STS print it; unverified
        # for execute-api.
        raise Rejection(
            "incomplete",
            " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
            + " Re-examine the query-string parameters.",
        )
    if params["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        raise Rejection("incomplete", f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'")
    scope = params["X-Amz-Credential"].split("/")
    if len(scope) != 5:
        raise Rejection(
            "incomplete",
            "X-Amz-Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request, "
            f"got '{params['X-Amz-Credential']}'.",
        )
    when = _date(params["X-Amz-Date"])
    expires = _expires(params.get("X-Amz-Expires"))
    key_id, day, scope_region, scope_service, terminator = scope
    if day != when.strftime("%Y%m%d"):
        raise Rejection(
            "scope",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{day}' != '{when.strftime('%Y%m%d')}', from '{params['X-Amz-Date']}'.",
        )
    _check_time(when, expires, request.stamp.now, window)
    _check_scope(scope_region, scope_service, terminator, service, region)
    signed = tuple(params["X-Amz-SignedHeaders"].lower().split(";"))
    if "host" not in signed:
        raise Rejection(
            "incomplete", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    present = request.headers_by_name
    absent = [name for name in signed if name not in present]
    if absent:
        raise Rejection("absent_header", f"Signed header '{absent[0]}' is not present in the request.")
    key = store.lookup(key_id)
    if key is None or (params.get("X-Amz-Security-Token") or None) != key.token:
        raise Rejection("invalid_token", "The security token included in the request is invalid.")
    if key.expired(request.stamp.now):
        raise Rejection("expired_token", "The security token included in the request is expired")
    _check_signature(
        request, query, key, signed=signed, region=scope_region, service=scope_service, when=when
    )
    return key


def _query(request: WireRequest) -> _Query:
    pairs = request.query_bytes()
    params: dict[str, str] = {}
    for name, value in pairs:
        text_name = name.decode("utf-8", "replace")
        if text_name.startswith("X-Amz-"):
            params.setdefault(text_name, value.decode("utf-8", "replace"))
    return _Query(params, pairs)


def _date(text: str) -> dt.datetime:
    fields = _AMZ_DATE_FIELDS.fullmatch(text.strip())
    try:
        if fields is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = map(int, fields.groups())
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)
    except ValueError:
        raise Rejection("incomplete", f"Date must be in ISO-8601 'basic format'. Got '{text}'.") from None


def _expires(text: str | None) -> int:
    if text is None:
        return MAX_EXPIRES  # no X-Amz-Expires: only the one-week limit of any SigV4 signature applies
    if not text.isdigit() or not 1 <= int(text) <= MAX_EXPIRES:
        # Unverified wording; the bounds are SigV4's (1 second to 7 days).
        raise Rejection(
            "incomplete",
            f"X-Amz-Expires must be a number of seconds from 1 to {MAX_EXPIRES} (one week), not '{text}'.",
        )
    return int(text)


def _check_time(when: dt.datetime, expires: int, now: dt.datetime, window: dt.timedelta) -> None:
    """Not before ``X-Amz-Date`` (less the clock-skew window), not after it plus ``X-Amz-Expires``.

    The texts are execute-api's "Signature expired" / "Signature not yet current" forms, with the
    URL's lifetime where a signed header's request prints the 5-minute window.
    """
    if when > now + window:
        raise Rejection(
            "skew",
            f"Signature not yet current: {_fmt(when)} is still later than {_fmt(now + window)} "
            f"({_fmt(now)} + {int(window.total_seconds() // 60)} min.)",
        )
    if now > when + dt.timedelta(seconds=expires):
        lifetime = f"{expires // 60} min." if expires % 60 == 0 else f"{expires} sec."
        raise Rejection(
            "skew",
            f"Signature expired: {_fmt(when)} is now earlier than "
            f"{_fmt(now - dt.timedelta(seconds=expires))} ({_fmt(now)} - {lifetime})",
        )


def _check_scope(
    region: str, service: str, terminator: str, want_service: str, want_region: str | None
) -> None:
    # The same texts as for a signed header's credential scope (github.com/Kong/insomnia/issues/713).
    message = ""
    if terminator != "aws4_request":
        message += (
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        )
    if want_region is not None and region != want_region:
        message += f"Credential should be scoped to a valid region, not '{region}'. "
    if service != want_service:
        message += f"Credential should be scoped to correct service: '{want_service}'. "
    if message:
        raise Rejection("scope", message)


def _check_signature(
    request: WireRequest,
    query: _Query,
    key: SigningKey,
    *,
    signed: tuple[str, ...],
    region: str,
    service: str,
    when: dt.datetime,
) -> None:
    canonical_query = "&".join(
        f"{quote_from_bytes(name, safe='-_.~')}={quote_from_bytes(value, safe='-_.~')}"
        for name, value in query.pairs
        if name != _SIGNATURE_BYTES
    )
    check_signature(
        request,
        key,
        canonical_query=canonical_query,
        signed=signed,
        region=region,
        service=service,
        when=when,
        given=query.params[_SIGNATURE],
        signed_only=True,
    )


def _fmt(when: dt.datetime) -> str:
    return when.strftime(_AMZ_DATE)
