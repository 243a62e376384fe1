"""Credential settings as a person writes them (CLI options, an access matrix's identities) -> a provider.

One builder serves every place that names a caller in words: keys, a profile or the default chain,
then optionally a role assumed from them, as the AWS CLI's ``--profile`` and a profile's
``role_arn`` / ``source_profile`` do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from apiclient.credentials._sts_client import check_sts_settings
from apiclient.credentials.base import CredentialProvider
from apiclient.credentials.chain import default
from apiclient.credentials.profile import from_profile
from apiclient.credentials.static import static
from apiclient.credentials.sts import assume_role
from apiclient.errors import CredentialsError

__all__ = [
    "CredentialSettings",
    "build_provider",
    "check_sts_settings",
]

# STS's default AssumeRole session length ("DurationSeconds", AWS STS API Reference).
_DEFAULT_DURATION = 3600


@dataclass(frozen=True)
class CredentialSettings:
    """Where a caller's credentials come from; every field may be left out.

    The base credentials are the keys when ``access_key`` is given, else the ``profile``, else
    the source given to ``build_provider``, else the default chain. With ``role_arn`` the role is
    assumed with the base credentials. Secrets never appear in the repr.
    """

    profile: str | None = None
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    role_arn: str | None = None
    external_id: str | None = None
    session_name: str | None = None
    mfa_serial: str | None = None
    duration: int | None = None
    sts_endpoint_url: str | None = None
    region: str | None = None


def build_provider(
    settings: CredentialSettings,
    *,
    source: CredentialProvider | None = None,
    token_code: Callable[[], str] | None = None,
) -> CredentialProvider:
    """The provider ``settings`` describe.

    Args:
        settings: the caller's settings.
        source: the base credentials when neither keys nor a profile are given (another
            identity's provider, for a chain of roles); default: the default chain.
        token_code: asks for the MFA code of ``settings.mfa_serial`` when STS needs it.

    Raises:
        CredentialsError: incomplete keys, an unknown profile, or role arguments STS would refuse.
    """
    base: CredentialProvider
    if settings.access_key is not None:
        if not settings.secret_key:
            raise CredentialsError("an access key needs its secret key")
        base = static(settings.access_key, settings.secret_key, settings.token)
    elif settings.profile is not None:
        base = from_profile(settings.profile)
    else:
        base = source if source is not None else default()
    if settings.role_arn is None:
        return base
    return assume_role(
        settings.role_arn,
        source=base,
        external_id=settings.external_id,
        session_name=settings.session_name,
        duration_seconds=settings.duration or _DEFAULT_DURATION,
        mfa_serial=settings.mfa_serial,
        token_code=token_code,
        sts_endpoint_url=settings.sts_endpoint_url,
        region=settings.region,
    )
