"""Signature Version 4 verification with botocore's own signer (never ``apiclient.sigv4``).

The wire request is handed to botocore's ``SigV4Auth`` as the few attributes it reads of one, and signed
with its own steps (canonical request, string to sign, signature) at the request's ``X-Amz-Date``, over
exactly the headers the caller listed in ``SignedHeaders``; so the two sides of every end-to-end test are
independent (CONTRIBUTING.md, layering rules).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

from botocore.auth import SigV4Auth
from botocore.credentials import ReadOnlyCredentials

from apiclient.gateway.identities import IdentityStore, SigningKey
from apiclient.gateway.responses import SIGNATURE_MISMATCH
from apiclient.gateway.wire import WireRequest

__all__ = ["Rejection", "SignedRequest", "Verifier", "check_signature", "verifier", "verify"]

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
            return _amz_time(amz_date)
        when = email.utils.parsedate_to_datetime(request.header("date") or "")
        return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError):
        raise Rejection(
            "incomplete", f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. Authorization={raw}"
        ) from None


@functools.lru_cache(maxsize=64)
def _amz_time(text: str) -> dt.datetime:
    """``X-Amz-Date`` as a datetime; the requests of one second share the text, hence the cache.

    Raises:
        ValueError: not ``YYYYMMDDTHHMMSSZ``, or no such date.
    """
    # A regular expression, not strptime: this runs on every request and strptime is slow.
    fields = _AMZ_DATE_FIELDS.fullmatch(text.strip())
    if fields is None:
        raise ValueError(text)
    year, month, day, hour, minute, second = map(int, fields.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)


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
    day = _fmt(when)[:8]
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
    names = request.headers_by_name
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


class _Headers:
    """Headers as botocore's canonical steps read them: names iterated, ``in`` and ``[]`` by any case,
    every value of a name by ``get_all``: the part of ``HTTPHeaders`` they use, without the email
    parser underneath it."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Sequence[str]]) -> None:
        self._values = values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()][0]

    def get_all(self, name: str, failobj: Any = None) -> Any:
        return self._values.get(name.lower(), failobj)


class SignedRequest:
    """What botocore's ``SigV4Auth.canonical_request`` reads of a request, taken from the wire.

    ``signed`` holds the headers the caller named in its signed-headers list (a name listed twice counts
    twice, as in botocore's own header map), ``headers`` every header, or only the signed ones when
    ``signed_only`` (a presigned URL: an unsigned ``X-Amz-Content-SHA256`` header plays no part).
    """

    __slots__ = ("body", "context", "headers", "method", "params", "signed", "url")

    def __init__(
        self, request: WireRequest, url: str, names: tuple[str, ...], timestamp: str, *, signed_only: bool
    ) -> None:
        self.method = request.method
        self.url = url
        self.body = request.body
        self.params: dict[str, str] = {}
        self.context = {"timestamp": timestamp}
        chosen: dict[str, list[str]] = {}
        for name in names:
            values = request.header_values(name)
            if values:
                chosen.setdefault(name, []).extend(values)
        self.signed = _Headers(chosen)
        self.headers = self.signed if signed_only else _Headers(request.headers_by_name)


class Verifier(SigV4Auth):  # type: ignore[misc]
    """botocore's signer for one key and credential scope, over exactly the headers the caller listed
    (``SignedRequest.signed``) instead of the ones it would choose itself.

    One is kept per key and scope (``verifier()``), with the signing key it derived for the last two
    dates: the derivation depends on (secret, date, region, service) alone ("Calculate the signature for
    AWS Signature Version 4"). Each request's signature is still computed from its own canonical request.
    """

    def __init__(self, credentials: ReadOnlyCredentials, service: str, region: str) -> None:
        super().__init__(credentials, service, region)
        self._keys: dict[str, bytes] = {}

    def headers_to_sign(self, aws_request: Any) -> Any:
        return aws_request.signed

    def signature(self, string_to_sign: str, request: Any) -> str:
        day = request.context["timestamp"][0:8]
        key = self._keys.get(day)
        if key is None:
            k_date = self._sign(f"AWS4{self.credentials.secret_key}".encode(), day)
            k_region = self._sign(k_date, self._region_name)
            k_service = self._sign(k_region, self._service_name)
            key = self._sign(k_service, "aws4_request")
            # Near midnight, requests within the clock-skew window name either date: keep the last two.
            self._keys = {**dict(list(self._keys.items())[-1:]), day: key}
        return str(self._sign(key, string_to_sign, hex=True))


@functools.lru_cache(maxsize=1024)
def verifier(access_key_id: str, secret: str, token: str | None, service: str, region: str) -> Verifier:
    """The verifier for one key and credential scope (bounded: the least recently used are dropped)."""
    return Verifier(ReadOnlyCredentials(access_key_id, secret, token), service, region)


def check_signature(
    request: WireRequest,
    key: SigningKey,
    *,
    canonical_query: str,
    signed: tuple[str, ...],
    region: str,
    service: str,
    when: dt.datetime,
    given: str,
    signed_only: bool = False,
) -> None:
    """Compute the request's signature with botocore's steps and compare it with ``given``.

    Raises:
        Rejection: ``mismatch``, with the canonical request and string to sign it should have had.
    """
    signer = verifier(key.access_key_id, key.secret_access_key, key.token, service, region)
    scheme = "https" if request.secure else "http"
    try:
        # No params: botocore takes the URL's query pairs as they are (canonical already) and sorts them.
        aws_request = SignedRequest(
            request,
            f"{scheme}://{request.host}{request.path}" + (f"?{canonical_query}" if canonical_query else ""),
            signed,
            _fmt(when),
            signed_only=signed_only,
        )
        canonical = signer.canonical_request(aws_request)
    except ValueError:
        # A Host or path no URL can hold: nothing can have been signed for it.
        raise Rejection("mismatch", SIGNATURE_MISMATCH) from None
    string_to_sign = signer.string_to_sign(aws_request, canonical)
    expected = signer.signature(string_to_sign, aws_request)
    # Bytes: compare_digest refuses str holding non-ASCII characters, and the signature is the caller's text.
    if hmac.compare_digest(
        expected.encode(), given.encode("utf-8", "surrogatepass")
    ) and _payload_hash_matches(request):
        return
    raise Rejection(
        "mismatch",
        f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n"
        f"'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n",
    )


def _canonical_query(request: WireRequest) -> str:
    """Each key and value decoded to bytes and encoded again per RFC 3986: execute-api's canonical query.

    Bytes, not text: ``%FF`` is not UTF-8 and must stay ``%FF`` (a text decode would sign U+FFFD).
    """
    return "&".join(
        f"{quote_from_bytes(key, safe='-_.~')}={quote_from_bytes(value, safe='-_.~')}"
        for key, value in request.query_bytes()
    )


def _check_signature(request: WireRequest, auth: _Authorization, key: SigningKey, when: dt.datetime) -> None:
    check_signature(
        request,
        key,
        canonical_query=_canonical_query(request),
        signed=auth.signed_headers,
        region=auth.region,
        service=auth.service,
        when=when,
        given=auth.signature,
    )


def _payload_hash_matches(request: WireRequest) -> bool:
    # botocore trusts a given x-amz-content-sha256; a verifier must check it against the body it got.
    claimed = request.header("x-amz-content-sha256")
    return (
        claimed is None or claimed == _UNSIGNED_PAYLOAD or claimed == hashlib.sha256(request.body).hexdigest()
    )


def _fmt(when: dt.datetime) -> str:
    return _format(when, when.tzinfo)


@functools.lru_cache(maxsize=64)
def _format(when: dt.datetime, tzinfo: dt.tzinfo | None) -> str:
    # Keyed by the zone too: equal instants in two zones format differently.
    return when.strftime(_AMZ_DATE)
