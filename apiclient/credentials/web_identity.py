"""Credentials for an IAM role from AssumeRoleWithWebIdentity (EKS IRSA, GitHub Actions OIDC...)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from apiclient.credentials._role_session import RoleSessionProvider, role_params
from apiclient.credentials._sts_client import sts_client
from apiclient.credentials.base import Credentials
from apiclient.credentials.refresh import Clock, utc_now
from apiclient.errors import CredentialsError

__all__ = ["WebIdentityProvider", "from_web_identity"]


class WebIdentityProvider(RoleSessionProvider):
    """Exchanges the token in ``token_file`` for role credentials.

    The file is read again on every refresh because its owner (the kubelet,
    the CI runner) rotates the token in place.
    """

    source_name = "web-identity"

    def __init__(
        self,
        role_arn: str,
        token_file: Path,
        *,
        params: Mapping[str, Any],
        sts_endpoint_url: str | None,
        region: str | None,
        clock: Clock,
    ) -> None:
        super().__init__(
            role_arn, params=params, sts_endpoint_url=sts_endpoint_url, region=region, clock=clock
        )
        self._token_file = token_file

    def _read_token(self) -> str:
        try:
            token = self._token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise CredentialsError(
                f"cannot read the web identity token file {self._token_file}: {error.strerror}"
            ) from None
        if not token:
            raise CredentialsError(f"the web identity token file {self._token_file} is empty")
        return token

    def _fetch(self) -> Credentials:
        params = {**self._params, "WebIdentityToken": self._read_token()}
        if self._client is None:
            # AssumeRoleWithWebIdentity is not signed: the token is the proof.
            self._client = sts_client(credentials=None, region=self._region, endpoint_url=self._endpoint_url)
        client = self._client
        return self._exchange(
            "AssumeRoleWithWebIdentity", lambda: client.assume_role_with_web_identity(**params)
        )

    def _more_description(self) -> dict[str, Any]:
        return {"token_file": str(self._token_file)}

    def __repr__(self) -> str:
        return f"WebIdentityProvider(role_arn={self._role_arn!r}, token_file={str(self._token_file)!r})"


def from_web_identity(
    role_arn: str,
    token_file: str | Path,
    *,
    session_name: str | None = None,
    duration_seconds: int = 3600,
    policy: Mapping[str, Any] | str | None = None,
    sts_endpoint_url: str | None = None,
    region: str | None = None,
    clock: Clock = utc_now,
) -> WebIdentityProvider:
    """Credentials for ``role_arn`` in exchange for the OIDC token in ``token_file``.

    Raises:
        CredentialsError: a bad argument; reading the file or calling STS fails later, on ``get()``.
    """
    return WebIdentityProvider(
        role_arn,
        Path(token_file),
        params=role_params(role_arn, session_name, duration_seconds, policy),
        sts_endpoint_url=sts_endpoint_url,
        region=region,
        clock=clock,
    )
