"""Masking of secrets in headers, URLs and canonical requests before anything is shown or logged.

Shared by the signer's DEBUG logging, the CLI's ``-v`` output and the diagnostics:
whatever is displayed goes through here first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "redact_authorization",
    "redact_canonical_request",
    "redact_headers",
    "redact_text",
    "redact_url",
]

REDACTED = "<redacted>"

# Header names (lower case) whose whole value is a credential.
SECRET_HEADERS = frozenset(
    {"x-amz-security-token", "x-api-key", "cookie", "set-cookie", "proxy-authorization"}
)

# Query parameters of presigned URLs that carry a signature or a token.
_SECRET_QUERY_KEYS = frozenset({"x-amz-security-token", "x-amz-signature"})

HeaderSource = Mapping[str, str] | Iterable[tuple[str, str]]


def redact_authorization(value: str) -> str:
    """Keep a SigV4 Authorization's credential scope and signed headers, mask its signature.

    Any other scheme (Bearer, Basic...) keeps only the scheme name.
    """
    if value.startswith("AWS4-"):
        head, sep, _signature = value.partition("Signature=")
        return f"{head}{sep}{REDACTED}" if sep else value
    scheme, _, _rest = value.partition(" ")
    return f"{scheme} {REDACTED}"


def _redact_value(name: str, value: str) -> str:
    lower = name.lower()
    if lower == "authorization":
        return redact_authorization(value)
    if lower in SECRET_HEADERS:
        return REDACTED
    return value


def redact_headers(headers: HeaderSource) -> dict[str, str]:
    """A copy of ``headers`` that is safe to print; repeated names are joined with ``, ``."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    shown: dict[str, str] = {}
    for name, value in pairs:
        masked = _redact_value(name, str(value))
        shown[name] = f"{shown[name]}, {masked}" if name in shown else masked
    return shown


def redact_canonical_request(text: str) -> str:
    """Mask secret header values (the session token, API keys, cookies) in a canonical request.

    Works on any canonical request text, ours or the one API Gateway quotes back in a 403.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        name, sep, _value = line.partition(":")
        if sep and name in SECRET_HEADERS:
            lines[index] = f"{name}:{REDACTED}"
        elif index == 2 and "=" in line:  # the canonical query of a presigned request
            lines[index] = _redact_query(line)
    return "\n".join(lines)


def _redact_query(query: str) -> str:
    parts = []
    for piece in query.split("&"):
        key, eq, _value = piece.partition("=")
        parts.append(f"{key}={REDACTED}" if eq and key.lower() in _SECRET_QUERY_KEYS else piece)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """Mask a presigned URL's signature and token query parameters."""
    base, sep, query = url.partition("?")
    if not sep:
        return url
    fragment = ""
    query, hash_sep, frag = query.partition("#")
    if hash_sep:
        fragment = f"#{frag}"
    return f"{base}?{_redact_query(query)}{fragment}"


# In free text (a 403 body quoting the canonical request, a log line): a secret header's line,
# a presigned URL's secret query parameters, and a SigV4 Authorization's signature.
# A line starts a text, follows a newline, a quote, or the two characters "\n" (a JSON string's escape).
@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(secret header line, secret query parameter, signature), compiled at first use: compiling
    them costs a cold start more than a millisecond, and only the CLI and diagnostics use them."""
    header_line = re.compile(
        r"(?im)((?:^|(?<=\\n)|(?<=[\"']))[ \t]*(?:> )?"
        r"(?:x-amz-security-token|x-api-key|cookie|set-cookie|proxy-authorization)[ \t]*:[ \t]*)"
        r"(?:(?!\\n)[^\r\n\"])+"
    )
    query = re.compile(r"(?i)(x-amz-security-token|x-amz-signature)=[^&\s'\"#<>\\]+")
    signature = re.compile(r"(?i)(Signature=)[0-9a-f]{64}")
    return header_line, query, signature


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask secrets in any text: secret header lines, secret query parameters, SigV4 signatures,
    and every occurrence of the given ``secrets`` (values known to have been sent)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    header_line, query, signature = _patterns()
    text = header_line.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = query.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    return signature.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
