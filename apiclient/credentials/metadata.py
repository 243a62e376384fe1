"""Credentials from the compute platform itself: EC2 instance metadata and the container endpoint.

``default()`` reaches both through botocore's chain; these name one source
explicitly, so that a stray ``AWS_PROFILE`` or environment key cannot win.
"""

from __future__ import annotations

from typing import Any

from apiclient.credentials.botocore_backed import BotocoreProvider, translate_botocore_error
from apiclient.errors import CredentialsError

__all__ = ["from_container", "from_instance_metadata"]


def from_instance_metadata() -> BotocoreProvider:
    """The EC2 instance role's credentials over IMDSv2 (``AWS_EC2_METADATA_SERVICE_ENDPOINT`` is honoured).

    Raises:
        CredentialsError: no instance metadata service answered, or it has no role.
    """
    return BotocoreProvider(
        lambda: _load(
            "iam-role",
            "no credentials from the instance metadata service (is this an EC2 instance with a role?)",
        )
    )


def from_container() -> BotocoreProvider:
    """The ECS task or EKS pod role's credentials from the container credentials endpoint.

    Uses ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` or ``AWS_CONTAINER_CREDENTIALS_FULL_URI``
    with ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` (or ``..._TOKEN_FILE``).

    Raises:
        CredentialsError: the variables are not set, or the endpoint refused.
    """
    return BotocoreProvider(
        lambda: _load(
            "container-role",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
        )
    )


def _load(method: str, when_missing: str) -> Any:
    import botocore.session  # noqa: PLC0415 - lazy: `import apiclient` must not load botocore

    resolver = botocore.session.Session().get_component("credential_provider")
    try:
        credentials = resolver.get_provider(method).load()
    except Exception as error:
        raise translate_botocore_error(error, f"{method} credentials") from None
    if credentials is None:
        raise CredentialsError(when_missing)
    return credentials
