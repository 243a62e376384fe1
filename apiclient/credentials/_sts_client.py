"""STS plumbing shared by assume_role and web identity: request parameters, the client, errors.

botocore is imported inside these functions only, so that importing
``apiclient.credentials`` stays free of it (the Lambda cold start).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from apiclient._botocore_logs import guard_botocore_logs
from apiclient.credentials.base import Credentials
from apiclient.endpoint import partition_for_region
from apiclient.errors import CredentialsError, EndpointError

__all__ = [
    "call_sts",
    "check_duration",
    "check_role_arn",
    "credentials_from_response",
    "default_session_name",
    "policy_text",
    "session_name_or_default",
    "sts_client",
    "tag_list",
]

# STS AssumeRole limits (API reference, AssumeRole: RoleSessionName, DurationSeconds). Patterns are
# left as text for re's own cache: compiling them at import would slow the Lambda cold start.
_SESSION_NAME = r"[\w+=,.@-]{2,64}"
_SESSION_NAME_FORBIDDEN = r"[^\w+=,.@-]"
MIN_DURATION = 900
MAX_DURATION = 43200
_ROLE_ARN = r"arn:aws[\w-]*:iam::\d{12}:role/.+"


def check_role_arn(role_arn: str) -> str:
    """The role ARN, or ``CredentialsError`` when it is not one."""
    if not re.fullmatch(_ROLE_ARN, role_arn):
        raise CredentialsError(
            f"{role_arn!r} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"
        )
    return role_arn


def check_duration(duration_seconds: int) -> int:
    """The session duration, or ``CredentialsError`` outside STS's 900..43200 seconds."""
    if not MIN_DURATION <= duration_seconds <= MAX_DURATION:
        raise CredentialsError(
            f"duration_seconds={duration_seconds} is outside STS's range {MIN_DURATION}..{MAX_DURATION}"
        )
    return duration_seconds


def default_session_name() -> str:
    """``apiclient-<user>-<epoch>``: traceable in CloudTrail, within STS's 64-character rule."""
    try:
        import getpass  # noqa: PLC0415 - only for the default session name, off the cold path

        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (e.g. a container with an unnamed uid)
        user = "unknown"
    epoch = str(int(time.time()))
    room = 64 - len("apiclient--") - len(epoch)
    user = re.sub(_SESSION_NAME_FORBIDDEN, "-", user, flags=re.ASCII)[:room] or "unknown"
    return f"apiclient-{user}-{epoch}"


def session_name_or_default(session_name: str | None) -> str:
    """The caller's session name checked against STS's pattern, or a default one."""
    if session_name is None:
        return default_session_name()
    if not re.fullmatch(_SESSION_NAME, session_name, re.ASCII):
        raise CredentialsError(
            f"session_name {session_name!r} must be 2 to 64 characters of letters, digits and +=,.@_-"
        )
    return session_name


def policy_text(policy: Mapping[str, Any] | str) -> str:
    """A session policy as JSON text, from a dict or from JSON text that is checked here."""
    if isinstance(policy, str):
        try:
            json.loads(policy)
        except ValueError as error:
            raise CredentialsError(f"the session policy is not valid JSON: {error}") from None
        return policy
    return json.dumps(policy, separators=(",", ":"))


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """Session tags in STS's ``[{"Key": ..., "Value": ...}]`` shape."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _retries_configured(session: Any) -> bool:
    """True when the environment or the profile sets retry_mode or max_attempts."""
    if os.environ.get("AWS_RETRY_MODE") or os.environ.get("AWS_MAX_ATTEMPTS"):
        return True
    try:
        scoped = session.get_scoped_config()
    except Exception:
        return False
    return bool(scoped.get("retry_mode") or scoped.get("max_attempts"))


def check_sts_settings(region: str | None, endpoint_url: str | None) -> None:
    """Refuse a region or an STS endpoint botocore would reject with a traceback of its own.

    Raises:
        CredentialsError: naming the setting and what is wrong with it.
    """
    if region is not None:
        try:
            partition_for_region(region)
        except EndpointError as error:
            raise CredentialsError(f"region: {error}") from None
    if endpoint_url is not None:
        try:
            parts = urlsplit(endpoint_url)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError as error:
            raise CredentialsError(f"STS endpoint {endpoint_url!r} is not a URL: {error}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CredentialsError(
                f"STS endpoint {endpoint_url!r} is not an http(s) URL (e.g. https://sts.us-east-1.amazonaws.com)"
            )


def sts_client(*, credentials: Credentials | None, region: str | None, endpoint_url: str | None) -> Any:
    """A botocore STS client on the regional endpoint (unsigned when ``credentials`` is None).

    The region is ``region``, else ``AWS_REGION``, else botocore's configured
    region, else us-east-1: never the global endpoint, which AWS advises against.
    """
    import botocore.session  # noqa: PLC0415 - lazy: `import apiclient` must not load botocore
    from botocore import UNSIGNED  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    check_sts_settings(region, endpoint_url)
    guard_botocore_logs()
    session = botocore.session.Session()
    region = region or os.environ.get("AWS_REGION") or session.get_config_variable("region") or "us-east-1"
    # Standard retries unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS (or the profile) say otherwise:
    # a retries= here would override the user's settings, which botocore reads itself.
    configured = _retries_configured(session)
    config = Config(
        retries=None if configured else {"mode": "standard", "max_attempts": 3},
        connect_timeout=5,
        read_timeout=10,
        user_agent_extra="apiclient",
        signature_version=UNSIGNED if credentials is None else None,
    )
    keys: dict[str, str | None] = {}
    if credentials is not None:
        keys = {
            "aws_access_key_id": credentials.access_key,
            "aws_secret_access_key": credentials.secret_key,
            "aws_session_token": credentials.token,
        }
    return session.create_client("sts", region_name=region, endpoint_url=endpoint_url, config=config, **keys)


def call_sts(operation: str, target: str, call: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
    """Run one STS call; botocore's errors become ``CredentialsError`` quoting STS's code and message."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        return call()
    except ClientError as error:
        details = error.response.get("Error", {})
        code = details.get("Code", "Unknown")
        message = details.get("Message", "")
        raise CredentialsError(f"STS {operation} for {target} failed: {code}: {message}") from None
    except BotoCoreError as error:
        raise CredentialsError(f"STS {operation} for {target} failed: {error}") from None


def credentials_from_response(response: Mapping[str, Any]) -> Credentials:
    """The snapshot in an AssumeRole* response, with the expiry in UTC."""
    body = response["Credentials"]
    expiry: _dt.datetime = body["Expiration"]
    return Credentials(
        body["AccessKeyId"],
        body["SecretAccessKey"],
        body["SessionToken"],
        expiry.astimezone(_dt.timezone.utc),
    )
