"""Signature Version 4, pure: no I/O, no ``requests``, no botocore.

One small function per step of the algorithm (AWS General Reference, "Create a signed
AWS API request"): canonical URI, canonical query, canonical headers, payload hash,
canonical request, string to sign, signing key, signature. ``sign_request`` returns only
the headers to add; ``sign`` also returns every intermediate text for diagnostics.

The canonical request and the string to sign are logged at DEBUG on ``apiclient.sigv4``
with the session token, API keys and cookies masked; the signature is never logged.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote, unquote_to_bytes

from apiclient._redact import REDACTED, redact_canonical_request, redact_headers, redact_url
from apiclient.credentials.base import Credentials
from apiclient.errors import SigningError

__all__ = [
    "ALGORITHM",
    "EMPTY_SHA256",
    "MAX_EXPIRES",
    "UNSIGNED_HEADERS",
    "UNSIGNED_PAYLOAD",
    "Signature",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "payload_hash",
    "presign_url",
    "sign",
    "sign_request",
    "signing_key",
    "string_to_sign",
]

_log = logging.getLogger(__name__)

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Copied per signature: a copy skips OpenSSL's look-up of the digest by name that a new object pays.
_SHA256 = hashlib.sha256()

# Headers that proxies and HTTP stacks add, drop or rewrite: signing them would break the
# signature in transit. botocore.auth.SIGNED_HEADERS_BLACKLIST, plus Authorization itself.
UNSIGNED_HEADERS = frozenset(
    {
        "authorization",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)

# Headers the signer sets itself; a caller's copy is replaced, never signed twice.
_DROP_PLAIN = UNSIGNED_HEADERS | {"x-amz-date"}
_DROP_WITH_TOKEN = _DROP_PLAIN | {"x-amz-security-token"}
_DROP = {
    (False, False): _DROP_PLAIN,
    (True, False): _DROP_WITH_TOKEN,
    (False, True): _DROP_PLAIN | {"x-amz-content-sha256"},
    (True, True): _DROP_WITH_TOKEN | {"x-amz-content-sha256"},
}

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_UNRESERVED_AND_DELIMITERS = _UNRESERVED + b"=&"
_PATH_SAFE = _UNRESERVED + b"/"
_HEADER_SPACE = " \t\r\n"
# A pattern string, not a compiled one: re compiles (and caches) it at the first value that needs it.
_SPACE_RUN = r"[ \t\r\n]+"
_CHUNK = 1 << 20


Body = bytes | bytearray | memoryview | str | Any | None
HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]


class Signature(NamedTuple):
    """What one signature covered: the headers to add and every intermediate text.

    ``canonical_request`` has the session token masked; ``repr`` masks the signature too.
    """

    headers: dict[str, str]
    canonical_request: str
    string_to_sign: str
    scope: str
    signed_headers: str
    timestamp: str
    region: str
    service: str
    access_key: str

    def __repr__(self) -> str:
        return (
            f"Signature(access_key={self.access_key!r}, scope={self.scope!r}, "
            f"signed_headers={self.signed_headers!r}, headers={redact_headers(self.headers)!r})"
        )


class _Template:
    """The canonical request of one (method, URL, headers, token) around its date and body hash.

    ``text = head + amz_date + tail + body_hash``; ``body_hash`` is set when the headers fix it
    (a declared ``x-amz-content-sha256``, or ``UNSIGNED-PAYLOAD``).
    """

    __slots__ = ("body_hash", "extra", "head", "redacted", "signed_headers", "tail")

    def __init__(
        self, head: str, tail: str, signed_headers: str, body_hash: str | None, extra: dict[str, str]
    ):
        self.head = head
        self.tail = tail
        self.signed_headers = signed_headers
        self.body_hash = body_hash
        self.extra = extra  # the headers to add besides the date and Authorization (never mutated)
        self.redacted: tuple[str, str] | None = None  # head and tail as shown: see _redact_template()


# Services call the same few URLs with the same headers: their canonical pieces are computed once.
# Bounded, and cleared whole when full (a dict operation is atomic, so threads need no lock).
_TEMPLATES: dict[tuple[Any, ...], _Template] = {}
_TEMPLATES_MAX = 512


# (second, X-Amz-Date text) of the last signature: formatted once per second, replaced in one
# assignment so that threads read either the old pair or the new one.
_LAST_DATE: tuple[float, str] = (-1.0, "")


def _amz_date(timestamp: _dt.datetime | None) -> str:
    """The ``X-Amz-Date`` text (basic ISO 8601, UTC) for ``timestamp`` or now."""
    global _LAST_DATE  # noqa: PLW0603 - a one-entry cache
    if timestamp is None:
        second = time.time() // 1
    elif timestamp.utcoffset() is None:  # naive, by Python's definition, even with a tzinfo
        raise SigningError("timestamp must be timezone-aware (e.g. datetime.now(timezone.utc))")
    else:
        second = timestamp.timestamp() // 1
    last = _LAST_DATE
    if last[0] == second:
        return last[1]
    t = _dt.datetime.fromtimestamp(second, _dt.timezone.utc) if timestamp is None else timestamp
    if t.utcoffset():
        t = t.astimezone(_dt.timezone.utc)
    text = f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"
    _LAST_DATE = (second, text)
    return text


@lru_cache(maxsize=256)
def _host_header(netloc: str, scheme: str) -> str:
    """The Host header a client sends for ``netloc``: no userinfo, lower case, default port dropped."""
    host = netloc.rpartition("@")[2].lower()
    if host.startswith("["):
        end = host.find("]") + 1
        name, port = host[:end], host[end + 1 :]
    else:
        name, _, port = host.partition(":")
    if not name or name == "[]":
        raise SigningError(f"cannot sign a URL without a host (netloc {netloc!r})")
    if port and port != _DEFAULT_PORTS.get(scheme):
        return f"{name}:{port}"
    return name


def _split_url(url: str) -> tuple[str, str, str]:
    """``(host header, path, query)`` of a wire URL, without urllib's overhead."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise SigningError(f"cannot sign {redact_url(url)!r}: the URL has no scheme (http:// or https://)")
    end = len(rest)
    for delimiter in "/?#":
        found = rest.find(delimiter)
        if 0 <= found < end:
            end = found
    path, _, query = rest[end:].partition("#")[0].partition("?")
    return _host_header(rest[:end], scheme.lower()), path, query


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, and empty segments collapsed as every non-S3 AWS service does."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    trailing = "/" if path.endswith("/") and segments else ""
    return "/" + "/".join(segments) + trailing


def canonical_uri(path: str, *, double_encode: bool = True, normalize: bool = True) -> str:
    """The canonical URI of a wire path.

    execute-api (like every service but S3) URI-encodes the already encoded path once more,
    so ``%20`` becomes ``%2520`` and a raw ``$`` becomes ``%24``. With ``double_encode=False``
    the path is decoded and encoded exactly once, as AWS's test vectors assume.
    """
    if not path:
        return "/"
    if normalize and ("/." in path or "//" in path):
        path = _remove_dot_segments(path)
    if double_encode:
        if not path.encode().rstrip(_PATH_SAFE):
            return path
        return quote(path, safe="/")
    return quote(unquote_to_bytes(path), safe="/")


def _canonical_query_part(text: str) -> str:
    if not text.encode().rstrip(_UNRESERVED):
        return text
    # Decoded as a form value (``+`` is a space), then encoded per RFC 3986 (SigV4 spec).
    return quote(unquote_to_bytes(text.replace("+", " ")), safe="")


def canonical_query(query: str) -> str:
    """Each key and value decoded and re-encoded per RFC 3986, sorted by key, then value."""
    if not query:
        return ""
    # One check over the whole query: only unreserved characters and delimiters means every
    # key is canonical already, and so is every value without a second "=" (the hot path).
    simple = not query.encode().rstrip(_UNRESERVED_AND_DELIMITERS)
    pairs = []
    for piece in query.split("&"):
        if piece:
            key, _, value = piece.partition("=")
            if not simple or "=" in value:
                key, value = _canonical_query_part(key), _canonical_query_part(value)
            pairs.append((key, value))
    pairs.sort()
    return "&".join([f"{key}={value}" for key, value in pairs])


def _trim(value: str | bytes) -> str:
    """SigV4's Trimall: strip, and collapse runs of whitespace to one space (quotes are not special)."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    elif not isinstance(value, str):
        raise SigningError(f"header values must be str or bytes, not {type(value).__name__}")
    if "  " in value or "\t" in value or "\n" in value or "\r" in value:
        return re.sub(_SPACE_RUN, " ", value).strip(" ")
    return value.strip(_HEADER_SPACE)


def _check_sendable(name: str, value: str | bytes) -> None:
    """Refuse what HTTP/1.1 cannot carry as sent by http.client: names are ASCII, values Latin-1."""
    if not name.isascii():
        raise SigningError(f"header name {name!r} is not ASCII; HTTP header names cannot carry it")
    try:
        value.encode("latin-1") if isinstance(value, str) else value
    except UnicodeEncodeError:
        raise SigningError(
            f"the value of header {name!r} has characters outside Latin-1, which HTTP/1.1 cannot send; "
            "percent-encode it (e.g. urllib.parse.quote) or send it in the body"
        ) from None


def _collect_headers(headers: HeaderInput | None, drop: frozenset[str]) -> dict[str, list[str]]:
    """Lower-case name -> trimmed values in order, without the headers that are never signed."""
    collected: dict[str, list[str]] = {}
    if headers is None:
        return collected
    items = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in items:
        lower = name.lower()
        if lower in drop:
            continue
        if not (lower.isascii() and (not isinstance(value, str) or value.isascii())):
            _check_sendable(name, value)
        values = collected.get(lower)
        if values is None:
            collected[lower] = [_trim(value)]
        else:
            values.append(_trim(value))
    return collected


def canonical_headers(collected: Mapping[str, list[str]]) -> tuple[str, str]:
    """``(canonical headers block, signed headers list)``; repeated names joined with ``,``."""
    names = sorted(collected)
    block = "".join([f"{name}:{','.join(collected[name])}\n" for name in names])
    return block, ";".join(names)


def payload_hash(body: Body, *, unsigned_payload: bool = False) -> str:
    """Hex SHA-256 of the body; a seekable file is hashed in chunks and its position restored.

    Raises:
        SigningError: a body that cannot be read twice (a generator, a pipe) without
            ``unsigned_payload=True``, or a type that is not a body.
    """
    if unsigned_payload:
        return UNSIGNED_PAYLOAD
    if body is None:
        return EMPTY_SHA256
    if isinstance(body, bytes | bytearray | memoryview):
        return hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
    if isinstance(body, str):
        return hashlib.sha256(body.encode()).hexdigest() if body else EMPTY_SHA256
    if hasattr(body, "read"):
        return _file_hash(body)
    if isinstance(body, Iterable) and not isinstance(body, Mapping):
        raise SigningError(
            f"cannot sign a streamed body ({type(body).__name__}): its bytes cannot be read twice; "
            "pass bytes or a seekable file, or opt into unsigned_payload=True if the service accepts it"
        )
    raise SigningError(f"cannot sign a body of type {type(body).__name__}; pass bytes, str or a file")


def _file_hash(body: Any) -> str:
    seekable = getattr(body, "seekable", None)
    if seekable is None or not seekable():
        raise SigningError(
            f"cannot sign a body from a non-seekable {type(body).__name__}: it cannot be read twice; "
            "read it into bytes first, or opt into unsigned_payload=True"
        )
    position = body.tell()
    digest = hashlib.sha256()
    while chunk := body.read(_CHUNK):
        digest.update(chunk.encode() if isinstance(chunk, str) else chunk)
    body.seek(position)
    return digest.hexdigest()


def _template(
    method: str, url: str, headers: HeaderInput | None, token: str | None, options: tuple[bool, bool, bool]
) -> _Template:
    """The canonical pieces of a request, from the cache when it was signed before.

    ``options``: (unsigned_payload, double_encode_path, normalize_path).
    """
    if headers is None:
        items: tuple[Any, ...] = ()
    elif isinstance(headers, dict):
        items = tuple(headers.items())
    else:
        items = tuple(headers.items() if isinstance(headers, Mapping) else headers)
    key = (method, url, items, token, options)
    try:
        template = _TEMPLATES.get(key)
    except TypeError:  # an unhashable header value: not cached (and refused below unless bytes-like)
        return _build_template(key)
    if template is None:
        template = _build_template(key)
        if len(_TEMPLATES) >= _TEMPLATES_MAX:
            _TEMPLATES.clear()
        _TEMPLATES[key] = template
    return template


def _build_template(key: tuple[Any, ...]) -> _Template:
    method, url, items, token, (unsigned_payload, double_encode_path, normalize_path) = key
    host, path, query = _split_url(url)
    collected = _collect_headers(items, _DROP[token is not None, unsigned_payload])
    if "host" not in collected:
        collected["host"] = [host]
    extra: dict[str, str] = {}
    if token is not None:
        extra["X-Amz-Security-Token"] = token
        collected["x-amz-security-token"] = [_trim(token)]
    body_hash: str | None = None
    if unsigned_payload:
        extra["X-Amz-Content-SHA256"] = UNSIGNED_PAYLOAD
        collected["x-amz-content-sha256"] = [UNSIGNED_PAYLOAD]
        body_hash = UNSIGNED_PAYLOAD
    elif "x-amz-content-sha256" in collected:
        # The caller declared the payload hash (as botocore honours): sign with that value.
        body_hash = collected["x-amz-content-sha256"][-1]
    # The date's value, the one part that changes, goes between head and tail.
    block, signed = canonical_headers({**collected, "x-amz-date": []})
    lines = block.split("\n")
    split = signed.split(";").index("x-amz-date")
    before = "".join([f"{line}\n" for line in lines[:split]])
    after = "".join([f"{line}\n" for line in lines[split + 1 : -1]])
    head = (
        f"{method.upper()}\n"
        f"{canonical_uri(path, double_encode=double_encode_path, normalize=normalize_path)}\n"
        f"{canonical_query(query)}\n{before}x-amz-date:"
    )
    return _Template(head, f"\n{after}\n{signed}\n", signed, body_hash, extra)


def _canonical(
    method: str,
    url: str,
    headers: HeaderInput | None,
    body: Body,
    *,
    credentials: Credentials,
    timestamp: _dt.datetime | None,
    double_encode_path: bool,
    normalize_path: bool,
    unsigned_payload: bool,
) -> tuple[str, _Template, str, Credentials]:
    """``(canonical request, template, amz_date, credentials)``."""
    creds = _checked(credentials)
    template = _template(
        method, url, headers, creds.token, (unsigned_payload, double_encode_path, normalize_path)
    )
    amz_date = _amz_date(timestamp)
    body_hash = template.body_hash or payload_hash(body)
    return f"{template.head}{amz_date}{template.tail}{body_hash}", template, amz_date, creds


def _checked(credentials: object) -> Credentials:
    # The signer does no I/O: a provider's get() may refresh over the network, so the caller
    # (the glue) takes the snapshot, as botocore's signers do.
    if isinstance(credentials, Credentials):
        return credentials
    raise SigningError(
        f"sign with a Credentials snapshot, not a {type(credentials).__name__}: "
        "pass provider.get() (one snapshot per signature)"
    )


def string_to_sign(amz_date: str, scope: str, canonical_request_text: str) -> str:
    """Algorithm, timestamp, credential scope and the hex SHA-256 of the canonical request."""
    digest = hashlib.sha256(canonical_request_text.encode()).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


@lru_cache(maxsize=128)
def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """HMAC chain secret -> date -> region -> service -> ``aws4_request``; cached, it changes daily."""
    key = hmac.digest(f"AWS4{secret_key}".encode(), date.encode(), "sha256")
    key = hmac.digest(key, region.encode(), "sha256")
    key = hmac.digest(key, service.encode(), "sha256")
    return hmac.digest(key, b"aws4_request", "sha256")


@lru_cache(maxsize=128)
def _hmac_pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after HMAC's inner and outer padded keys (RFC 2104), copied per signature:
    two block compressions and OpenSSL's digest look-up are paid once per key, not per call."""
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key.ljust(64, b"\0")))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key.ljust(64, b"\0")))
    return inner, outer


# What _sign returns: (headers to add, canonical request, template, amz_date, credentials, scope,
# string to sign). A plain tuple: a NamedTuple class would cost the cold start its creation.
_Signed = tuple[dict[str, str], str, _Template, str, Credentials, str, str]


def _sign(
    method: str,
    url: str,
    headers: HeaderInput | None,
    body: Body,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    timestamp: _dt.datetime | None,
    double_encode_path: bool,
    normalize_path: bool,
    unsigned_payload: bool,
) -> _Signed:
    if not region or not service:
        raise SigningError("a region and a service are needed to sign (e.g. region='us-east-1')")
    text, template, amz_date, creds = _canonical(
        method, url, headers, body, credentials=credentials, timestamp=timestamp,
        double_encode_path=double_encode_path, normalize_path=normalize_path,
        unsigned_payload=unsigned_payload,
    )  # fmt: skip
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    digest = _SHA256.copy()
    digest.update(text.encode())
    to_sign = f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest.hexdigest()}"
    inner, outer = _hmac_pads(signing_key(creds.secret_key, date, region, service))
    inner = inner.copy()
    inner.update(to_sign.encode())
    outer = outer.copy()
    outer.update(inner.digest())
    added = {
        "X-Amz-Date": amz_date,
        **template.extra,
        "Authorization": (
            f"{ALGORITHM} Credential={creds.access_key}/{scope}, "
            f"SignedHeaders={template.signed_headers}, Signature={outer.hexdigest()}"
        ),
    }
    if _log.isEnabledFor(logging.DEBUG):
        _log.debug("canonical request:\n%s", redact_canonical_request(text))
        _log.debug("string to sign:\n%s", to_sign)
    return added, text, template, amz_date, creds, scope, to_sign


def sign_request(
    method: str,
    url: str,
    headers: HeaderInput | None,
    body: Body,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    timestamp: _dt.datetime | None = None,
    double_encode_path: bool = True,
    normalize_path: bool = True,
    unsigned_payload: bool = False,
) -> dict[str, str]:
    """The headers that sign this request: ``Authorization``, ``X-Amz-Date`` and, with a session
    token, ``X-Amz-Security-Token`` (plus ``X-Amz-Content-SHA256`` for an unsigned payload).

    Args:
        url: the URL exactly as sent, already percent-encoded.
        headers: a mapping, or (name, value) pairs where a name may repeat. Every header is
            signed except ``UNSIGNED_HEADERS``; Host is taken from the URL when absent.
        body: bytes, str (sent as UTF-8), a seekable file, or None.
        credentials: a ``Credentials`` snapshot (take one per signature with ``provider.get()``).
        timestamp: an aware datetime (default now); the Client passes a skew-corrected clock.

    Raises:
        SigningError: a URL, header value, body or timestamp that cannot be signed.
    """
    return _sign(
        method, url, headers, body, credentials=credentials, region=region, service=service,
        timestamp=timestamp, double_encode_path=double_encode_path, normalize_path=normalize_path,
        unsigned_payload=unsigned_payload,
    )[0]  # fmt: skip


def sign(
    method: str,
    url: str,
    headers: HeaderInput | None,
    body: Body,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    timestamp: _dt.datetime | None = None,
    double_encode_path: bool = True,
    normalize_path: bool = True,
    unsigned_payload: bool = False,
) -> Signature:
    """Like ``sign_request``, returning a ``Signature`` with the canonical request (token
    masked), the string to sign and the scope, for diagnostics."""
    added, full_text, template, amz_date, creds, scope, to_sign = _sign(
        method, url, headers, body, credentials=credentials, region=region, service=service,
        timestamp=timestamp, double_encode_path=double_encode_path, normalize_path=normalize_path,
        unsigned_payload=unsigned_payload,
    )  # fmt: skip
    head, tail = template.redacted or _redact_template(template, creds.token)
    return Signature(
        headers=added,
        canonical_request=f"{head}{amz_date}{tail}{full_text.rpartition(chr(10))[2]}",
        string_to_sign=to_sign,
        scope=scope,
        signed_headers=template.signed_headers,
        timestamp=amz_date,
        region=region,
        service=service,
        access_key=creds.access_key,
    )


def _redact_template(template: _Template, token: str | None) -> tuple[str, str]:
    """The template's head and tail with the token, API keys and cookies masked (kept on it)."""
    head, tail = template.head, template.tail
    if token is not None:  # its line sorts after x-amz-date's, so it is in the tail
        tail = tail.replace(f"\nx-amz-security-token:{token}\n", f"\nx-amz-security-token:{REDACTED}\n", 1)
    if any("\nx-api-key:" in part or "cookie:" in part for part in (head, tail)):
        # Line by line: the date's line, split between head and tail, is not a secret header.
        head, tail = redact_canonical_request(head), redact_canonical_request(tail)
    template.redacted = (head, tail)
    return head, tail


def canonical_request(
    method: str,
    url: str,
    headers: HeaderInput | None,
    body: Body,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    timestamp: _dt.datetime | None = None,
    double_encode_path: bool = True,
    normalize_path: bool = True,
    unsigned_payload: bool = False,
) -> str:
    """The canonical request text ``sign_request`` would sign, unmasked (it is the caller's own
    token); ``region`` and ``service`` are accepted for symmetry and do not appear in it."""
    del region, service  # part of the string to sign's scope, not of the canonical request
    return _canonical(
        method, url, headers, body, credentials=credentials, timestamp=timestamp,
        double_encode_path=double_encode_path, normalize_path=normalize_path,
        unsigned_payload=unsigned_payload,
    )[0]  # fmt: skip


# --- presigned URLs (query-string SigV4) -------------------------------------------------------

# AWS limits a presigned URL's lifetime to seven days ("Authenticating Requests: Using Query
# Parameters", Amazon S3 API Reference; the same X-Amz-Expires bound applies to every service).
MAX_EXPIRES = 604800
_PRESIGN_SCHEMES = {"wss": "https", "ws": "http"}


def presign_url(
    method: str,
    url: str,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    expires_in: int = 900,
    timestamp: _dt.datetime | None = None,
    double_encode_path: bool = True,
    normalize_path: bool = True,
) -> str:
    """``url`` with query-string SigV4 added: for browsers, shared links and WebSocket ``$connect``.

    The only signed header is ``host``; the payload hash is that of an empty body, as botocore's
    ``SigV4QueryAuth`` computes it for services other than S3. The query keeps its own order and
    gains ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-Expires``,
    ``X-Amz-SignedHeaders``, ``X-Amz-Security-Token`` (with a session token) and, last,
    ``X-Amz-Signature``. A ``wss://`` URL is signed as its ``https://`` handshake is sent.

    Raises:
        SigningError: ``expires_in`` outside 1..604800 seconds, or a URL that cannot be signed.
    """
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 1 <= expires_in <= MAX_EXPIRES:
        raise SigningError(
            f"expires_in must be a whole number of seconds from 1 to {MAX_EXPIRES}, not {expires_in!r}"
        )
    if not region or not service:
        raise SigningError("a region and a service are needed to sign (e.g. region='us-east-1')")
    creds = _checked(credentials)
    scheme, sep, rest = url.partition("://")
    wire = f"{_PRESIGN_SCHEMES.get(scheme.lower(), scheme)}{sep}{rest}"
    host, path, query = _split_url(wire)
    fragment = url.partition("#")[2]
    amz_date = _amz_date(timestamp)
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    auth = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{creds.access_key}/{scope}"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(expires_in)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    if creds.token is not None:
        auth.append(("X-Amz-Security-Token", creds.token))
    added = "&".join(f"{name}={quote(value, safe='')}" for name, value in auth)
    full_query = f"{query}&{added}" if query else added
    text = (
        f"{method.upper()}\n"
        f"{canonical_uri(path, double_encode=double_encode_path, normalize=normalize_path)}\n"
        f"{canonical_query(full_query)}\nhost:{host}\n\nhost\n{EMPTY_SHA256}"
    )
    to_sign = string_to_sign(amz_date, scope, text)
    signature = hmac.digest(signing_key(creds.secret_key, date, region, service), to_sign.encode(), "sha256")
    if _log.isEnabledFor(logging.DEBUG):
        _log.debug("canonical request (presigned):\n%s", redact_canonical_request(text))
    base = url.partition("#")[0].partition("?")[0]
    signed = f"{base}?{full_query}&X-Amz-Signature={signature.hex()}"
    return f"{signed}#{fragment}" if fragment else signed
