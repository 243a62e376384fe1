"""Classify an API Gateway 401/403 response from its status, headers and body alone.

Every rule is an answer API Gateway is documented or seen to send (API Gateway Developer Guide,
"Gateway response types for API Gateway" and "How do I troubleshoot 403 errors from API Gateway?"
in the AWS Knowledge Center, cited as KC403). ``x-amzn-ErrorType`` is preferred over the body
because gateway responses are customizable ("Set up gateway responses to customize error
responses"); the body's ``message`` is read whatever its key case (REST APIs send ``message``,
some front ends ``Message``) and matched by prefix. Anything else is ``unknown``.

HTTP APIs answer with ``apigw-requestid`` and no ``x-amzn-ErrorType``: an IAM refusal is a bare
403 ``{"message":"Forbidden"}``, an unknown route 404 ``{"message":"Not Found"}``. WebSocket APIs
quote route ARNs (``{api_id}/{stage}/{route_key}``, e.g. ``$connect``), and their ``@connections``
API answers 410 ``GoneException`` for a connection that no longer exists ("Use @connections
commands in your backend service").
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from apiclient._redact import REDACTED, redact_canonical_request
from apiclient.diagnostics.advice import advice_for
from apiclient.diagnostics.model import Cause, Diagnosis

__all__ = ["classify"]

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]] | None

_SIGNATURE_FAMILY: frozenset[Cause] = frozenset(
    {"clock_skew", "wrong_region", "wrong_service", "signature_mismatch"}
)
_ACCESS_DENIED_FAMILY: frozenset[Cause] = frozenset(
    {
        "token_invalid",
        "token_expired",
        "explicit_deny",
        "explicit_deny_resource_policy",
        "no_allow",
        "authorizer_deny",
        "authorizer_no_allow",
    }
)

# x-amzn-ErrorType -> (causes its message may narrow it to, cause when the message does not).
_ERROR_TYPES: dict[str, tuple[frozenset[Cause], Cause]] = {
    "MissingAuthenticationTokenException": (frozenset(), "missing_auth_or_route"),
    "IncompleteSignatureException": (frozenset(), "incomplete_signature"),
    "InvalidSignatureException": (_SIGNATURE_FAMILY, "signature_mismatch"),
    # The 2015 body format (aws/aws-sdk-js#792): {"__type": "#SignatureDoesNotMatch", ...}.
    "SignatureDoesNotMatch": (_SIGNATURE_FAMILY, "signature_mismatch"),
    "UnrecognizedClientException": (frozenset(), "token_invalid"),
    "ExpiredTokenException": (frozenset(), "token_expired"),
    # KC403 sends AccessDeniedException for refused tokens as well as for policy denials.
    "AccessDeniedException": (_ACCESS_DENIED_FAMILY, "unknown"),
    "UnauthorizedException": (frozenset(), "authorizer_unauthorized"),
    "ForbiddenException": (frozenset(), "forbidden_generic"),
    "GoneException": (frozenset(), "connection_gone"),
}

_AMZ_DATE = r"\d{8}T\d{6}Z"
_SKEW = re.compile(
    rf"^Signature (?:expired|not yet current): (?P<signed>{_AMZ_DATE}) is (?:now earlier|still later) "
    rf"than {_AMZ_DATE} \((?P<server>{_AMZ_DATE}) [+-] (?P<window>\d+) min\.\)"
)
_WRONG_REGION = re.compile(r"Credential should be scoped to a valid region, not '(?P<region>[^']*)'")
_WRONG_SERVICE = re.compile(r"Credential should be scoped to correct service: '(?P<service>[^']*)'")
# Found anywhere in a message, with or without "User: " (a log line, a paste without the JSON
# wrapper). The resource is one ARN, whose hidden parts may be "<placeholders with spaces>".
_NOT_AUTHORIZED = re.compile(
    r"(?:User: (?P<principal>[^\n]+?)|(?<![^\s\"'(\[])(?P<bare>arn:[^\s\"']+?)) "
    r"is not authorized to perform: (?P<action>\S+) "
    r"on resource: (?P<resource>arn:[^\s\"'<]*(?:<[^>\n]*>[^\s\"'<]*)*|[^\s\"']+)"
    r"(?P<deny> with an explicit deny[^\n\"]*)?"
)
_EXECUTE_API_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):execute-api:(?P<region>[^:]*):(?P<account>[^:]*):"
    r"(?P<api_id>[^/]+)/(?P<stage>[^/]*)/(?P<method>[^/]*)(?P<path>/.*)?$"
)
# What people write over a value they hide: "xxxx", "********", "<region>".
_PLACEHOLDER = re.compile(r"[x*#?]+|<[^>]*>", re.IGNORECASE)
_TRAILING_DIGITS = re.compile(r"\d*$")
_METHOD = re.compile(r"[A-Z]+|\*")
_PRINCIPAL_ACCOUNT = re.compile(r"^arn:[^:]+:(?:sts|iam)::(?P<account>\d{12}):")
_EXPECTED_TEXTS = re.compile(
    r"The Canonical String for this request should have been\n'(?P<canonical>.*?)'\n\n"
    r"The String-to-Sign should have been\n'(?P<to_sign>.*?)'",
    re.DOTALL,
)
_AUTHORIZATION_ECHO = re.compile(r"Authorization=.*", re.DOTALL)
_QUOTED = re.compile(r"'[^']*'")


def _header_map(headers: HeaderInput) -> dict[str, str]:
    if headers is None:
        return {}
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {str(name).lower(): str(value) for name, value in pairs}


def _text(body: bytes | str | None) -> str:
    if not body:
        return ""
    return body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else str(body)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _document(text: str) -> dict[str, Any]:
    """The body's JSON object: the whole body, a JSON string holding one, or one inside a log line."""
    parsed = _json(text)
    if isinstance(parsed, str):  # the JSON text quoted once more
        parsed = _json(parsed)
    if isinstance(parsed, dict):
        return parsed
    if parsed is not None:
        return {}
    start = text.find("{")
    if start < 0:
        return {}
    try:
        embedded, _end = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError):
        return {}
    return embedded if isinstance(embedded, dict) else {}


def _message_in(value: Any, depth: int = 0) -> str | None:
    """The first ``message`` (any key case) in a JSON value, looked for a few levels deep."""
    if depth > 3:
        return None
    pairs: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = list(enumerate(value))
    for key, item in pairs:
        if isinstance(key, str) and key.lower() == "message" and isinstance(item, str):
            return item
    for _key, item in pairs:
        if isinstance(item, dict | list):
            found = _message_in(item, depth + 1)
            if found is not None:
                return found
    return None


# Where a known message starts inside text that is not API Gateway's JSON (a log line, a paste).
_MESSAGE_START = re.compile(
    r"User: |(?<![^\s\"'(\[])arn:[^\s\"']+ is not authorized to perform: "
    r"|Missing Authentication Token|Authorization header requires|Signature expired|Signature not yet current"
    r"|Credential should be scoped|The request signature we calculated"
    r"|The security token included in the request|User is not authorized to access this resource"
)
_WRAPPING = " \t\r\n\"'}])"


# API Gateway's one-word messages, read from plain text only when they are all of it.
_WHOLE_MESSAGES = frozenset({"Forbidden", "Unauthorized", "Not Found"})


def _plain_message(text: str) -> str | None:
    """The message in text that is not a JSON object: from a known start, or a one-word answer.

    Anything else (an HTML error page, a proxy's text) is no API Gateway message at all.
    """
    start = _MESSAGE_START.search(text)
    if start is None:
        whole = text.strip(_WRAPPING)
        return whole if whole in _WHOLE_MESSAGES else None
    message = text[start.start() :]
    # An XML error document (<Message>...</Message>) ends the message at its closing tag.
    closing = message.find("</")
    return (message[:closing] if closing > 0 else message).rstrip(_WRAPPING) or None


def _marked_in(value: Any, depth: int = 0) -> str | None:
    """A known message inside any string of a JSON value (a structured log's ``msg``, ``errorMessage``)."""
    if isinstance(value, str):
        start = _MESSAGE_START.search(value)
        return value[start.start() :].rstrip(_WRAPPING) if start is not None else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    if depth > 3:
        return None
    return next((found for item in items if (found := _marked_in(item, depth + 1)) is not None), None)


def _body_message(text: str, document: Mapping[str, Any]) -> str | None:
    if document:
        return _message_in(document) or _marked_in(document)
    parsed = _json(text)
    if isinstance(parsed, str):
        return parsed
    return None if parsed is not None else _plain_message(text)


def _error_type(headers: Mapping[str, str], document: Mapping[str, Any]) -> str | None:
    # Some AWS front ends append ":http://internal.amazon.com/coral/..." to the error type.
    raw = headers.get("x-amzn-errortype")
    if raw:
        return raw.split(":", 1)[0].strip() or None
    legacy = document.get("__type")
    if isinstance(legacy, str) and legacy.strip("#"):
        return legacy.rsplit("#", 1)[-1].strip() or None
    return None


def _redact_message(message: str) -> str:
    """Mask what API Gateway echoes of the caller's Authorization header and session token."""
    message = _AUTHORIZATION_ECHO.sub(f"Authorization={REDACTED}", message)
    if "Authorization header" in message:
        # "'<token>' not a valid key=value pair ... in Authorization header: 'Bearer <token>'."
        message = _QUOTED.sub(f"'{REDACTED}'", message)
    return redact_canonical_request(message)


def _amz_to_iso(amz_date: str) -> str:
    moment = _dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
    return moment.isoformat()


def _skew_details(message: str) -> dict[str, Any]:
    match = _SKEW.match(message)
    if match is None:
        return {}
    try:
        signed = _dt.datetime.strptime(match["signed"], "%Y%m%dT%H%M%SZ")
        server = _dt.datetime.strptime(match["server"], "%Y%m%dT%H%M%SZ")
    except ValueError:
        return {}
    return {
        "signed_at": _amz_to_iso(match["signed"]),
        "server_time": _amz_to_iso(match["server"]),
        "clock_skew_seconds": (signed - server).total_seconds(),
        "skew_window_minutes": int(match["window"]),
    }


def _unmasked(value: str) -> str | None:
    return None if not value or _PLACEHOLDER.fullmatch(value) else value


def _resource_details(resource: str) -> dict[str, Any]:
    match = _EXECUTE_API_ARN.match(resource)
    if match is None:
        return {}
    account = match["account"]
    # API Gateway shows only the owner's last four digits ("********2222"); a paste may hide more.
    masked = not (len(account) == 12 and account.isdigit())
    suffix = _TRAILING_DIGITS.search(account)
    details = {
        "region": _unmasked(match["region"]),
        "api_owner_account": None if masked else account,
        "masked_account": masked,
        "account_suffix": (suffix.group() if suffix else "") if masked else account,
        "api_id": _unmasked(match["api_id"]),
        "stage": match["stage"],
    }
    if match["path"] is None and not _METHOD.fullmatch(match["method"]):
        # A request ARN always has a path (the root gives ".../GET/"); without one, and with no
        # HTTP method, the last part is a WebSocket route key ("$connect", "sendmessage").
        return {**details, "route_key": match["method"]}
    return {**details, "method": match["method"], "path": match["path"] or "/"}


def _not_authorized(message: str, _status: int) -> tuple[Cause, dict[str, Any]] | None:
    match = _NOT_AUTHORIZED.search(message)
    if match is None:
        return None
    principal = match["principal"] or match["bare"]
    details: dict[str, Any] = {
        "principal": principal,
        "anonymous": principal == "anonymous",
        "action": match["action"],
        "resource_arn": match["resource"],
        **_resource_details(match["resource"]),
    }
    account = _PRINCIPAL_ACCOUNT.match(principal)
    if account is not None:
        details["principal_account"] = account["account"]
    if match["deny"] is None:
        return "no_allow", details
    # With an anonymous caller only the resource policy can deny (no identity policy applies).
    return ("explicit_deny_resource_policy" if principal == "anonymous" else "explicit_deny"), details


def _signature_mismatch_details(message: str) -> dict[str, Any]:
    match = _EXPECTED_TEXTS.search(message)
    if match is None:
        return {}
    return {
        "expected_canonical_request": redact_canonical_request(match["canonical"]),
        "expected_string_to_sign": match["to_sign"],
    }


_Rule = Callable[[str, int], tuple[Cause, dict[str, Any]] | None]


def _prefix(prefix: str, cause: Cause, details: Callable[[str], dict[str, Any]] | None = None) -> _Rule:
    def rule(message: str, _status: int) -> tuple[Cause, dict[str, Any]] | None:
        if message.startswith(prefix):
            return cause, details(message) if details else {}
        return None

    return rule


def _exact(text: str, cause: Cause, status: int | None = None) -> _Rule:
    def rule(message: str, actual: int) -> tuple[Cause, dict[str, Any]] | None:
        if message.strip() == text and (status is None or actual == status):
            return cause, {}
        return None

    return rule


def _scope(message: str, _status: int) -> tuple[Cause, dict[str, Any]] | None:
    region = _WRONG_REGION.search(message)
    service = _WRONG_SERVICE.search(message)
    details: dict[str, Any] = {}
    if service is not None:
        details["expected_service"] = service["service"]
    if region is not None:
        # Both can be joined in one message (Kong/insomnia#713): the region is named first.
        details["signed_region"] = region["region"]
        return "wrong_region", details
    return ("wrong_service", details) if service is not None else None


def _incomplete(message: str, _status: int) -> tuple[Cause, dict[str, Any]] | None:
    if message.startswith("Authorization header requires") or "not a valid key=value pair" in message:
        return "incomplete_signature", {}
    return None


_RULES: tuple[_Rule, ...] = (
    _exact("Missing Authentication Token", "missing_auth_or_route"),
    _incomplete,
    _prefix("Signature expired", "clock_skew", _skew_details),
    _prefix("Signature not yet current", "clock_skew", _skew_details),
    _scope,
    _prefix(
        "The request signature we calculated does not match",
        "signature_mismatch",
        _signature_mismatch_details,
    ),
    _prefix("The security token included in the request is invalid", "token_invalid"),
    _prefix("The security token included in the request is expired", "token_expired"),
    _not_authorized,
    # Prefix, not equality: KC403's wording gained "... in an identity-based policy".
    _prefix("User is not authorized to access this resource with an explicit deny", "authorizer_deny"),
    _exact("User is not authorized to access this resource", "authorizer_no_allow"),
    _exact("Unauthorized", "authorizer_unauthorized", status=401),
    _exact("Forbidden", "forbidden_generic", status=403),
    # HTTP APIs answer an unknown route or stage with 404, not REST's 403
    # ("Working with routes for HTTP APIs").
    _exact("Not Found", "missing_auth_or_route", status=404),
)


def _match_message(message: str | None, status: int) -> tuple[Cause, dict[str, Any]] | None:
    if message is None:
        return None
    for rule in _RULES:
        found = rule(message, status)
        if found is not None:
            return found
    return None


def _api_flavor(headers: Mapping[str, str]) -> str | None:
    # REST APIs send x-amz-apigw-id; HTTP APIs send apigw-requestid.
    if "x-amz-apigw-id" in headers:
        return "REST"
    if "apigw-requestid" in headers:
        return "HTTP"
    return None


def _decide(
    status: int, error_type: str | None, message: str | None, headers: Mapping[str, str]
) -> tuple[Cause, dict[str, Any]]:
    by_message = _match_message(message, status)
    family = _ERROR_TYPES.get(error_type or "")
    if family is not None:
        allowed, fallback = family
        if by_message is not None and by_message[0] in allowed:
            return by_message
        return fallback, {}
    if by_message is not None:
        return by_message
    if status == 401 and headers.get("www-authenticate", "").lower().startswith("bearer"):
        return "authorizer_unauthorized", {}
    return "unknown", {}


def classify(status: int, headers: HeaderInput, body: bytes | str | None) -> Diagnosis:
    """Name the cause of an API Gateway refusal from the response alone.

    Args:
        status: the HTTP status code.
        headers: the response headers (any mapping, or (name, value) pairs).
        body: the response body as bytes or text: API Gateway's JSON (``message`` in any key
            case), or the message however it was pasted (plain text, a log line, JSON inside one).

    Returns:
        A ``Diagnosis`` whose ``cause`` is ``unknown`` when the reference does not cover the response.
    """
    header_map = _header_map(headers)
    text = _text(body)
    document = _document(text)
    error_type = _error_type(header_map, document)
    raw_message = _body_message(text, document)
    message = _redact_message(raw_message) if raw_message is not None else None
    cause, details = _decide(status, error_type, raw_message, header_map)
    flavor = _api_flavor(header_map)
    if flavor is not None:
        details["api_type"] = flavor
    if "www-authenticate" in header_map:
        details["www_authenticate"] = header_map["www-authenticate"]
    summary, evidence, next_steps = advice_for(cause, status, error_type, message, details)
    return Diagnosis(
        cause=cause,
        status=status,
        summary=summary,
        error_type=error_type,
        message=message,
        evidence=evidence,
        next_steps=next_steps,
        details=details,
    )
