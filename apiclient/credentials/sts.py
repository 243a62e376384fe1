"""Credentials for an IAM role, from STS AssumeRole, refreshed before they expire."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from apiclient.credentials._role_session import RoleSessionProvider, role_params
from apiclient.credentials._sts_client import sts_client, tag_list
from apiclient.credentials.base import CredentialProvider, Credentials
from apiclient.credentials.chain import default
from apiclient.credentials.refresh import Clock, utc_now
from apiclient.credentials.static import StaticProvider
from apiclient.errors import CredentialsError

__all__ = ["AssumeRoleProvider", "TokenCode", "assume_role"]

TokenCode: TypeAlias = str | Callable[[], str]
"""An MFA code, or a zero-argument callable that asks for one (called on every refresh)."""


class AssumeRoleProvider(RoleSessionProvider):
    """Calls AssumeRole with credentials from ``source`` and refreshes the result.

    The STS client is kept while the source returns the same snapshot, and
    rebuilt when the source's credentials change (e.g. the source refreshed).
    """

    source_name = "assume-role"

    def __init__(
        self,
        role_arn: str,
        *,
        source: CredentialProvider | None,
        params: Mapping[str, Any],
        token_code: TokenCode | None,
        sts_endpoint_url: str | None,
        region: str | None,
        clock: Clock,
    ) -> None:
        super().__init__(
            role_arn, params=params, sts_endpoint_url=sts_endpoint_url, region=region, clock=clock
        )
        self._source = source
        self._token_code = token_code
        self._token_code_used = False
        self._client_credentials: Credentials | None = None

    def _source_provider(self) -> CredentialProvider:
        if self._source is None:
            self._source = default()
        return self._source

    def _client_for(self, credentials: Credentials) -> Any:
        if self._client is None or credentials != self._client_credentials:
            self._client = sts_client(
                credentials=credentials, region=self._region, endpoint_url=self._endpoint_url
            )
            self._client_credentials = credentials
        return self._client

    def _mfa_code(self) -> str:
        if callable(self._token_code):
            return self._token_code().strip()
        if self._token_code is None or self._token_code_used:
            # An MFA code is single-use (STS refuses a replayed one), so refreshing needs a fresh one.
            raise CredentialsError(
                f"assuming {self._role_arn} needs a new MFA code: pass token_code as a callable "
                "that asks for one"
            )
        self._token_code_used = True
        return self._token_code

    def _fetch(self) -> Credentials:
        client = self._client_for(self._source_provider().get())
        params = dict(self._params)
        if "SerialNumber" in params:
            params["TokenCode"] = self._mfa_code()
        return self._exchange("AssumeRole", lambda: client.assume_role(**params))

    def _more_description(self) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if self._client is not None:
            info["sts_endpoint"] = self._client.meta.endpoint_url
        if self._source is not None:
            info["source_credentials"] = self._source.describe()
        return info

    def __repr__(self) -> str:
        session_name = self._params["RoleSessionName"]
        return f"AssumeRoleProvider(role_arn={self._role_arn!r}, session_name={session_name!r})"


def assume_role(
    role_arn: str,
    *,
    source: Credentials | CredentialProvider | None = None,
    external_id: str | None = None,
    session_name: str | None = None,
    duration_seconds: int = 3600,
    mfa_serial: str | None = None,
    token_code: TokenCode | None = None,
    policy: Mapping[str, Any] | str | None = None,
    tags: Mapping[str, str] | None = None,
    source_identity: str | None = None,
    sts_endpoint_url: str | None = None,
    region: str | None = None,
    clock: Clock = utc_now,
) -> AssumeRoleProvider:
    """Credentials for ``role_arn``, assumed with STS on first use and refreshed before expiry.

    Args:
        source: the credentials that call STS, a ``Credentials`` snapshot or a provider
            (default: ``default()``); another ``assume_role`` provider chains roles.
        session_name: defaults to ``apiclient-<user>-<epoch>``.
        token_code: the MFA code for ``mfa_serial``, or a callable asking for
            one; a plain code works for the first call only.
        policy: a session policy, as a dict or JSON text.
        tags: session tags.
        clock: returns the current time; the refresh windows are measured with it.

    Raises:
        CredentialsError: an argument STS would refuse (checked here, before any call).
    """
    params = role_params(role_arn, session_name, duration_seconds, policy)
    if external_id is not None:
        params["ExternalId"] = external_id
    if mfa_serial is not None:
        if token_code is None:
            raise CredentialsError(f"mfa_serial {mfa_serial!r} needs token_code (a code or a callable)")
        params["SerialNumber"] = mfa_serial
    if tags:
        params["Tags"] = tag_list(tags)
    if source_identity is not None:
        params["SourceIdentity"] = source_identity
    return AssumeRoleProvider(
        role_arn,
        source=StaticProvider(source) if isinstance(source, Credentials) else source,
        params=params,
        token_code=token_code,
        sts_endpoint_url=sts_endpoint_url,
        region=region,
        clock=clock,
    )
