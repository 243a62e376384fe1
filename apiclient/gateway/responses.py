"""The answers API Gateway sends, byte for byte.

Texts, statuses and ``x-amzn-ErrorType`` values follow AWS's pages and public captures of real answers:
GRT is the API Gateway Developer Guide's "Gateway response types for API Gateway", KC403 the AWS Knowledge
Center's "How do I troubleshoot HTTP 403 errors from API Gateway?". tests/data/apigateway_errors.json holds
each exact body with its source; each function's docstring names the answer it reproduces.

HTTP APIs answer in their own shape (``as_http_api``): an ``apigw-requestid`` header instead of
``x-amzn-RequestId`` and ``x-amz-apigw-id``, no ``x-amzn-ErrorType``, ``{"message":"Forbidden"}``
for every authorization refusal and ``{"message":"Not Found"}`` when no stage or route matches
(API Gateway Developer Guide, "Working with routes for HTTP APIs" and "Troubleshooting issues with
HTTP API JWT authorizers"; aws/aws-cdk#21182 for the IAM refusal). Their signature errors keep the
REST texts, a wording not verified for HTTP APIs.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import functools
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "SIGNATURE_MISMATCH",
    "Answer",
    "Stamp",
    "access_denied",
    "as_http_api",
    "expired_token",
    "forbidden",
    "gone",
    "http_forbidden",
    "http_not_found",
    "incomplete_signature",
    "invalid_signature",
    "invalid_token",
    "mask_account",
    "missing_authentication_token",
    "mock_answer",
]

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)


def _uuid4() -> str:
    """``str(uuid.uuid4())`` without building a UUID object (RFC 9562 section 5.4: version 4, variant 10)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.lru_cache(maxsize=8)
def _http_date(now: dt.datetime) -> str:
    """The ``Date`` header's text: a stamp has whole seconds, so the answers of one second share it."""
    return email.utils.format_datetime(now, usegmt=True)


@dataclass(frozen=True)
class Stamp:
    """What identifies one request: its ID (a UUID, as API Gateway's) and the instant it arrived.

    The same instant dates the answer and judges the signature's clock skew, so the ``Date`` header
    and the "Signature expired" text always agree.
    """

    request_id: str = field(default_factory=_uuid4)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers in order, body; ``error`` is the access log's errorMessage."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = field(repr=False)  # STS and IMDS answers carry secret keys and session tokens
    error: str | None = None


def _apigw_id() -> str:
    # x-amz-apigw-id values are 16 base64 characters ending in "=" (11 random bytes) in every capture.
    return base64.b64encode(secrets.token_bytes(11)).decode()


def _answer(
    stamp: Stamp,
    status: int,
    body: bytes,
    content_type: str,
    *,
    extra: tuple[tuple[str, str], ...],
    error: str | None,
) -> Answer:
    headers = (
        ("Date", _http_date(stamp.now)),
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", stamp.request_id),
        *extra,
        ("x-amz-apigw-id", _apigw_id()),
    )
    return Answer(status, headers, body, error)


def _error(stamp: Stamp, status: int, error_type: str, key: str, message: str) -> Answer:
    body = json.dumps({key: message}, separators=(",", ":")).encode()
    return _answer(
        stamp, status, body, "application/json", extra=(("x-amzn-ErrorType", error_type),), error=message
    )


def missing_authentication_token(stamp: Stamp) -> Answer:
    """No route matches, or an unsigned request reached an ``AWS_IAM`` method (42-byte body)."""
    return _error(
        stamp, 403, "MissingAuthenticationTokenException", "message", "Missing Authentication Token"
    )


def incomplete_signature(stamp: Stamp, message: str) -> Answer:
    """An Authorization header that is not SigV4."""
    return _error(stamp, 403, "IncompleteSignatureException", "message", message)


def invalid_signature(stamp: Stamp, message: str) -> Answer:
    """Signature mismatch, clock skew, or a credential scope naming the wrong region or service."""
    return _error(stamp, 403, "InvalidSignatureException", "message", message)


def invalid_token(stamp: Stamp) -> Answer:
    """An unknown access key or a missing/wrong session token (KC403: AccessDeniedException)."""
    return _error(
        stamp,
        403,
        "AccessDeniedException",
        "message",
        "The security token included in the request is invalid.",
    )


def expired_token(stamp: Stamp) -> Answer:
    """Expired temporary credentials: GRT's EXPIRED_TOKEN 403 with AWS's usual ExpiredTokenException text."""
    return _error(
        stamp,
        403,
        "ExpiredTokenException",
        "message",
        "The security token included in the request is expired",
    )


def mask_account(resource_arn: str) -> str:
    """Mask the account field of an ARN to its last four digits, as IAM denials print it."""
    parts = resource_arn.split(":", 5)
    if len(parts) == 6 and len(parts[4]) == 12:
        parts[4] = "********" + parts[4][-4:]
    return ":".join(parts)


def access_denied(
    stamp: Stamp,
    principal_arn: str | None,
    resource_arn: str,
    *,
    explicit: bool,
    action: str = "execute-api:Invoke",
) -> Answer:
    """An IAM or resource-policy refusal; note the capital ``"Message"`` key of the captures."""
    suffix = " with an explicit deny" if explicit else ""
    message = (
        f"User: {principal_arn or 'anonymous'} is not authorized to perform: {action} "
        f"on resource: {mask_account(resource_arn)}{suffix}"
    )
    return _error(stamp, 403, "AccessDeniedException", "Message", message)


def forbidden(stamp: Stamp) -> Answer:
    """API key missing or invalid (ambiguous with WAF and private-endpoint refusals)."""
    return _error(stamp, 403, "ForbiddenException", "message", "Forbidden")


def gone(stamp: Stamp) -> Answer:
    """The ``@connections`` API on a connection that is not (or no longer) open: 410 GoneException.

    SDKs report it without a message ("GoneException: null" from aws/aws-sdk-java#2200, the bare status
    "410" from aws/aws-sdk-js-v3#2763): the body carries none.
    """
    return _answer(
        stamp, 410, b"", "application/json", extra=(("x-amzn-ErrorType", "GoneException"),), error="Gone"
    )


_HTTP_API_DROPPED = frozenset({"x-amzn-requestid", "x-amz-apigw-id", "x-amzn-errortype"})


def as_http_api(answer: Answer) -> Answer:
    """The same answer as an HTTP API sends it: ``apigw-requestid``, no REST-only headers."""
    headers = tuple((k, v) for k, v in answer.headers if k.lower() not in _HTTP_API_DROPPED)
    # apigw-requestid values have the shape of x-amz-apigw-id (16 base64 characters ending in "=").
    return Answer(answer.status, (*headers, ("apigw-requestid", _apigw_id())), answer.body, answer.error)


def http_forbidden(stamp: Stamp) -> Answer:
    """An HTTP API's refusal of an ``AWS_IAM`` route: unsigned, or no Allow for the route ARN."""
    return as_http_api(_error(stamp, 403, "ForbiddenException", "message", "Forbidden"))


def http_not_found(stamp: Stamp) -> Answer:
    """An HTTP API's answer when no stage or route matches."""
    return as_http_api(_error(stamp, 404, "NotFoundException", "message", "Not Found"))


def mock_answer(
    stamp: Stamp, status: int, headers: Mapping[str, str], body: bytes, content_type: str
) -> Answer:
    """A successful integration answer with API Gateway's usual response headers."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), content_type)
    extra = tuple((k, v) for k, v in headers.items() if k.lower() not in {"content-type", "content-length"})
    return _answer(stamp, status, body, content_type, extra=extra, error=None)
