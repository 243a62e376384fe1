"""Filters that mask credentials in the log lines of the libraries apiclient calls.

botocore logs raw STS responses (``botocore.parsers``: "Response body",
including ``SecretAccessKey`` and ``SessionToken``), request parameters
(``botocore.endpoint``: ``WebIdentityToken``, ``TokenCode``) and canonical
requests (``botocore.auth``: ``x-amz-security-token``). apiclient's rule is that
no secret reaches a log, so everything of apiclient that calls botocore (the
providers, the diagnostics' look-ups, the local gateway's verifier) installs this
filter on those loggers first.
"""

from __future__ import annotations

import functools
import logging
import re

__all__ = ["guard_botocore_logs", "guard_http_logs"]

_LOGGERS = (
    "botocore.parsers",
    "botocore.endpoint",
    "botocore.auth",
    "botocore.credentials",
    "botocore.utils",
)
_SECRET_NAMES = (
    "SecretAccessKey|secretAccessKey|SessionToken|sessionToken|Token|accessToken|"
    "WebIdentityToken|TokenCode|X-Amz-Security-Token|aws_secret_access_key|aws_session_token"
)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Compiled on first use, not at import: the environment-only path never needs them.
    return (
        # XML (STS query protocol): <SecretAccessKey>...</SecretAccessKey>
        (re.compile(rf"<({_SECRET_NAMES})>[^<]*</\1>"), r"<\1><redacted></\1>"),
        # dicts and JSON: 'SessionToken': 'abc', "secretAccessKey":"abc", 'X-Amz-Security-Token': b'abc'
        (re.compile(rf"""(["']({_SECRET_NAMES})["']\s*:\s*b?["'])[^"']*"""), r"\1<redacted>"),
        # form-encoded request bodies: WebIdentityToken=abc&...
        (re.compile(rf"\b({_SECRET_NAMES})=[^&'\"\s]+"), r"\1=<redacted>"),
        # canonical request header lines: x-amz-security-token:abc (anywhere), x-api-key:abc, cookie:a=b
        (re.compile(r"(x-amz-security-token:)\S+", re.IGNORECASE), r"\1<redacted>"),
        (re.compile(r"^(x-api-key:|cookie:).+$", re.IGNORECASE | re.MULTILINE), r"\1<redacted>"),
    )


class _RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = message
        for pattern, replacement in _patterns():
            masked = pattern.sub(replacement, masked)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER = _RedactCredentials()


def guard_botocore_logs() -> None:
    """Install the filter on botocore's loggers that print credentials (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


# HTTP libraries log each request line with its query (urllib3 at DEBUG, httpx at INFO): a
# presigned URL's query carries the session token and the signature.
_HTTP_LOGGERS = ("urllib3.connectionpool", "httpx", "httpcore.http11", "httpcore.connection")


@functools.cache
def _presigned() -> re.Pattern[str]:
    return re.compile(r"\b(X-Amz-Security-Token|X-Amz-Signature)=[^&\s\"']+", re.IGNORECASE)


class _RedactPresignedQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "X-Amz-" in message or "x-amz-" in message:
            masked = _presigned().sub(r"\1=<redacted>", message)
            if masked != message:
                record.msg, record.args = masked, None
        return True


_HTTP_FILTER = _RedactPresignedQuery()


def guard_http_logs() -> None:
    """Install the presigned-query filter on the HTTP libraries' request loggers (idempotent)."""
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _HTTP_FILTER not in logger.filters:
            logger.addFilter(_HTTP_FILTER)
