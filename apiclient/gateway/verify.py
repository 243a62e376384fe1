"""Signature Version 4 verification with botocore's own signer (never ``apiclient.sigv4``).

The wire request is rebuilt as a botocore ``AWSRequest`` and signed with ``SigV4Auth``'s own steps
(canonical request, string to sign, signature) at the request's ``X-Amz-Date``, over exactly the headers
the caller listed in ``SignedHeaders``; so the two sides of every end-to-end test are independent
(CONTRIBUTING.md, layering rules).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import ReadOnlyCredentials

from apiclient.gateway.identities import IdentityStore, SigningKey
from apiclient.gateway.responses import SIGNATURE_MISMATCH
from apiclient.gateway.wire import WireRequest

__all__ = ["Rejection", "verify"]

_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_AMZ_DATE_FIELDS = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")
_REQUIRED = ("Credential", "Signature", "SignedHeaders")
_UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


@dataclass(frozen=True)
class Rejection(Exception):
    """Why a request's signature was refused; each service words ``kind`` its own way.

    ``kind`` is one of ``missing``, ``incomplete``, ``skew``, ``scope``, ``invalid_token``,
    ``expired_token``, ``absent_header``, ``mismatch``; ``message`` is API Gateway's text for it (for
    ``absent_header`` and some ``scope`` and ``incomplete`` cases, an unverified wording: docs/gateway.md).
    """

    kind: str
    message: str = ""


@dataclass(frozen=True)
class _Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str


def verify(
    request: WireRequest,
    store: IdentityStore,
    *,
    service: str,
    region: str | None,
    window: dt.timedelta = dt.timedelta(minutes=5),
) -> SigningKey:
    """The key that signed ``request``.

    Args:
        region: the region the scope must name; None accepts any (STS's regional endpoints).
        window: the clock-skew allowance (execute-api prints "5 min.").

    Raises:
        Rejection: the request is unsigned, malformed, stale, scoped wrongly, or the signature is wrong.
    """
    raw = request.header("authorization")
    if raw is None:
        raise Rejection("missing")
    auth = _parse(raw, request)
    amz_date = _request_time(request, raw)
    _check_scope_date(auth, amz_date, request)
    _check_skew(amz_date, request.stamp.now, window)
    _check_scope(auth, service, region)
    _check_signed_headers(auth, request)
    key = store.lookup(auth.access_key_id)
    if key is None or (request.header("x-amz-security-token") or None) != key.token:
        raise Rejection("invalid_token", "The security token included in the request is invalid.")
    if key.expired(request.stamp.now):
        raise Rejection("expired_token", "The security token included in the request is expired")
    _check_signature(request, auth, key, amz_date)
    return key


def _parse(raw: str, request: WireRequest) -> _Authorization:
    # API Gateway reads "<algorithm> k=v, k=v, ..." whatever the scheme, hence its answers to Bearer
    # tokens (IncompleteSignatureException captures such as https://github.com/aws/chalice/issues/828).
    algorithm, _, rest = raw.strip().partition(" ")
    params: dict[str, str] = {}
    for pair in (p.strip() for p in rest.split(",")):
        if not pair:
            continue
        name, equals, value = pair.partition("=")
        if not equals:
            raise Rejection(
                "incomplete",
                f"'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{raw}'.",
            )
        params[name.strip()] = value.strip()
    scope = params.get("Credential", "").split("/")
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in _REQUIRED
        if not params.get(name) or (name == "Credential" and len(scope) != 5)
    ]
    if not (request.header("x-amz-date") or request.header("date")):
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        raise Rejection("incomplete", " ".join([*problems, f"Authorization={raw}"]))
    if algorithm != "AWS4-HMAC-SHA256":
        raise Rejection("incomplete", f"Unsupported AWS 'algorithm': '{algorithm}'")
    key_id, date, region, service, terminator = scope
    signed = tuple(params["SignedHeaders"].lower().split(";"))
    if "host" not in signed:
        # AWS's text (seen from execute-api and OpenSearch); the exception type is unverified.
        raise Rejection(
            "incomplete", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    return _Authorization(key_id, date, region, service, terminator, signed, params["Signature"])


def _request_time(request: WireRequest, raw: str) -> dt.datetime:
    amz_date = request.header("x-amz-date")
    try:
        if amz_date is not None:
            # A regular expression, not strptime: this runs on every request and strptime is slow.
            fields = _AMZ_DATE_FIELDS.fullmatch(amz_date.strip())
            if fields is None:
                raise ValueError(amz_date)
            year, month, day, hour, minute, second = map(int, fields.groups())
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)
        when = email.utils.parsedate_to_datetime(request.header("date") or "")
        return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError):
        raise Rejection(
            "incomplete", f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. Authorization={raw}"
        ) from None


def _check_skew(when: dt.datetime, now: dt.datetime, window: dt.timedelta) -> None:
    minutes = int(window.total_seconds() // 60)
    if when < now - window:
        raise Rejection(
            "skew",
            f"Signature expired: {_fmt(when)} is now earlier than {_fmt(now - window)} "
            f"({_fmt(now)} - {minutes} min.)",
        )
    if when > now + window:
        raise Rejection(
            "skew",
            f"Signature not yet current: {_fmt(when)} is still later than "
            f"{_fmt(now + window)} ({_fmt(now)} + {minutes} min.)",
        )


def _check_scope_date(auth: _Authorization, when: dt.datetime, request: WireRequest) -> None:
    # "The date that you use as part of your credential scope must match the date of your request"
    # (AWS General Reference, "Handling dates in Signature Version 4"); the wording is unverified.
    day = when.strftime("%Y%m%d")
    if auth.date != day:
        sent = request.header("x-amz-date") or request.header("date") or ""
        raise Rejection(
            "scope",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{auth.date}' != '{day}', from '{sent.strip()}'.",
        )


def _check_signed_headers(auth: _Authorization, request: WireRequest) -> None:
    # Every header named in SignedHeaders must be in the request (AWS General Reference, "Create a
    # canonical request for Signature Version 4"); the wording is unverified.
    names = {name.lower() for name, _ in request.headers}
    absent = [name for name in auth.signed_headers if name not in names]
    if absent:
        raise Rejection("absent_header", f"Signed header '{absent[0]}' is not present in the request.")


def _check_scope(auth: _Authorization, service: str, region: str | None) -> None:
    # Both texts end in ". " and are joined when both are wrong (github.com/Kong/insomnia/issues/713).
    message = ""
    if auth.terminator != "aws4_request":
        # AWS's wording as other services print it; unverified for execute-api.
        message += (
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{auth.terminator}'. "
        )
    if region is not None and auth.region != region:
        message += f"Credential should be scoped to a valid region, not '{auth.region}'. "
    if auth.service != service:
        message += f"Credential should be scoped to correct service: '{service}'. "
    if message:
        raise Rejection("scope", message)


class _SignedHeadersOnly(SigV4Auth):  # type: ignore[misc]
    """botocore's signer, told which headers the caller signed instead of choosing them itself."""

    def __init__(self, credentials: Any, service: str, region: str, signed_headers: tuple[str, ...]) -> None:
        super().__init__(credentials, service, region)
        self.signed_header_names = signed_headers

    def headers_to_sign(self, aws_request: Any) -> Any:
        chosen = HTTPHeaders()
        for name in self.signed_header_names:
            for value in aws_request.headers.get_all(name) or ():
                chosen[name] = value
        return chosen


def _canonical_query(request: WireRequest) -> str:
    """Each key and value decoded to bytes and encoded again per RFC 3986: execute-api's canonical query.

    Bytes, not text: ``%FF`` is not UTF-8 and must stay ``%FF`` (a text decode would sign U+FFFD).
    """
    return "&".join(
        f"{quote_from_bytes(key, safe='-_.~')}={quote_from_bytes(value, safe='-_.~')}"
        for key, value in request.query_bytes()
    )


def _check_signature(request: WireRequest, auth: _Authorization, key: SigningKey, when: dt.datetime) -> None:
    scheme = "https" if request.secure else "http"
    query = _canonical_query(request)
    signer = _SignedHeadersOnly(
        ReadOnlyCredentials(key.access_key_id, key.secret_access_key, key.token),
        auth.service,
        auth.region,
        auth.signed_headers,
    )
    try:
        # No params: botocore takes the URL's query pairs as they are (canonical already) and sorts them.
        aws_request = AWSRequest(
            method=request.method,
            url=f"{scheme}://{request.host}{request.path}" + (f"?{query}" if query else ""),
            data=request.body,
        )
        headers = HTTPHeaders()
        for name, value in request.headers:
            headers[name] = value
        aws_request.headers = headers
        aws_request.context["timestamp"] = when.strftime(_AMZ_DATE)
        canonical = signer.canonical_request(aws_request)
    except ValueError:
        # A Host or path no URL can hold: nothing can have been signed for it.
        raise Rejection("mismatch", SIGNATURE_MISMATCH) from None
    string_to_sign = signer.string_to_sign(aws_request, canonical)
    expected = signer.signature(string_to_sign, aws_request)
    # Bytes: compare_digest refuses str holding non-ASCII characters, and the signature is the caller's text.
    given = auth.signature.encode("utf-8", "surrogatepass")
    if hmac.compare_digest(expected.encode(), given) and _payload_hash_matches(request):
        return
    raise Rejection(
        "mismatch",
        f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n"
        f"'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n",
    )


def _payload_hash_matches(request: WireRequest) -> bool:
    # botocore trusts a given x-amz-content-sha256; a verifier must check it against the body it got.
    claimed = request.header("x-amz-content-sha256")
    return (
        claimed is None or claimed == _UNSIGNED_PAYLOAD or claimed == hashlib.sha256(request.body).hexdigest()
    )


def _fmt(when: dt.datetime) -> str:
    return when.strftime(_AMZ_DATE)
