"""boto3 clients for the look-ups a diagnosis makes: short timeouts and one attempt.

They run only after a refusal, never on the request path; boto3 is imported here, lazily,
so that ``import apiclient`` does not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apiclient._botocore_logs import guard_botocore_logs

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials

__all__ = ["aws_client", "error_text"]

# A diagnosis must not hang a caller that is already failing: fail fast, and say so.
_CONNECT_TIMEOUT = 3
_READ_TIMEOUT = 5


def aws_client(service: str, credentials: Credentials, *, region: str, endpoint_url: str | None) -> Any:
    """A boto3 client for ``service`` signed with ``credentials``."""
    import boto3.session  # noqa: PLC0415 - lazy: only a refusal needs it
    from botocore.config import Config  # noqa: PLC0415

    guard_botocore_logs()
    session = boto3.session.Session(
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
        region_name=region,
    )
    config = Config(
        connect_timeout=_CONNECT_TIMEOUT,
        read_timeout=_READ_TIMEOUT,
        retries={"mode": "standard", "max_attempts": 1},
        user_agent_extra="apiclient-diagnose",
    )
    return session.client(service, endpoint_url=endpoint_url, config=config)


def error_text(error: Exception) -> str:
    """botocore's error as one line: the service's code and message, or the transport failure."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        details = response.get("Error", {})
        return f"{details.get('Code', 'Unknown')}: {details.get('Message', '')}".rstrip(": ")
    return str(error)
