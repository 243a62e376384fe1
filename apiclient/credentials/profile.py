"""Credentials for a named profile, resolved the way boto3 and the AWS CLI do."""

from __future__ import annotations

from typing import Any

from apiclient.credentials.botocore_backed import BotocoreProvider, translate_botocore_error
from apiclient.errors import CredentialsError

__all__ = ["from_profile"]


def from_profile(name: str) -> BotocoreProvider:
    """Credentials for profile ``name`` in ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE``.

    Covers everything botocore resolves for a profile: static keys, SSO,
    ``credential_process``, and role profiles (``role_arn`` with
    ``source_profile`` or ``credential_source``, ``external_id``, ``mfa_serial``).

    Raises:
        CredentialsError: the profile does not exist or yields no credentials.
    """

    def resolve() -> Any:
        import botocore.session  # noqa: PLC0415 - lazy: `import apiclient` must not load botocore
        from botocore.exceptions import ProfileNotFound  # noqa: PLC0415

        session = botocore.session.Session(profile=name)
        try:
            credentials = session.get_credentials()
        except ProfileNotFound:
            raise CredentialsError(
                f"profile {name!r} is not defined in {session.get_config_variable('config_file')} "
                f"or {session.get_config_variable('credentials_file')}"
            ) from None
        except Exception as error:
            raise translate_botocore_error(error, f"profile {name!r}") from None
        if credentials is None:
            raise CredentialsError(
                f"profile {name!r} defines no credentials (keys, role_arn, SSO or process)"
            )
        return credentials

    return BotocoreProvider(resolve, profile=name)
