"""The default chain: the environment first (no SDK import), then boto3's own chain."""

from __future__ import annotations

from typing import Any

from apiclient.credentials.base import CredentialProvider
from apiclient.credentials.environment import credentials_in_environment, from_environment
from apiclient.errors import CredentialsError

__all__ = ["default"]


def default() -> CredentialProvider:
    """The first credentials found, in the order AWS SDKs use.

    1. ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in the environment,
       read without importing boto3 or botocore (Lambda pays nothing extra).
    2. botocore's chain: web identity, SSO and profiles from the shared files,
       container credentials, then instance metadata (IMDSv2).

    Raises:
        CredentialsError: partial environment variables, or nothing found
            anywhere (the message lists what was tried).
    """
    if credentials_in_environment():
        return from_environment()
    # Imported only when chosen: the environment branch (Lambda) never loads it.
    from apiclient.credentials.botocore_backed import BotocoreProvider  # noqa: PLC0415

    return BotocoreProvider(_resolve_with_botocore)


def _resolve_with_botocore() -> Any:
    import botocore.session  # noqa: PLC0415 - lazy: `import apiclient` must not load botocore

    from apiclient.credentials.botocore_backed import translate_botocore_error  # noqa: PLC0415

    session = botocore.session.Session()
    try:
        credentials = session.get_credentials()
    except Exception as error:
        raise translate_botocore_error(error, "botocore's credential chain failed") from None
    if credentials is None:
        tried = [provider.METHOD for provider in session.get_component("credential_provider").providers]
        raise CredentialsError(
            "no AWS credentials found; tried the environment variables AWS_ACCESS_KEY_ID and "
            f"AWS_SECRET_ACCESS_KEY, then botocore's chain: {', '.join(tried)}"
        )
    return credentials
