"""Credentials for an IAM role from AssumeRoleWithWebIdentity (EKS IRSA, GitHub Actions OIDC...)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from apiclient.credentials._describe import public_fields
from apiclient.credentials._model import Credentials
from apiclient.credentials._sts_client import (
    call_sts,
    check_duration,
    check_role_arn,
    credentials_from_response,
    policy_text,
    session_name_or_default,
    sts_client,
)
from apiclient.credentials.refresh import Clock, RefreshingProvider, utc_now
from apiclient.errors import CredentialsError

__all__ = ["WebIdentityProvider", "from_web_identity"]


class WebIdentityProvider(RefreshingProvider):
    """Exchanges the token in ``token_file`` for role credentials.

    The file is read again on every refresh because its owner (the kubelet,
    the CI runner) rotates the token in place.
    """

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
        super().__init__(clock=clock)
        self._role_arn = role_arn
        self._token_file = token_file
        self._params = dict(params)
        self._endpoint_url = sts_endpoint_url
        self._region = region
        self._client: Any = None
        self._principal: str | None = None

    def _label(self) -> str:
        return self._role_arn

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
        response = call_sts(
            "AssumeRoleWithWebIdentity",
            self._role_arn,
            lambda: client.assume_role_with_web_identity(**params),
        )
        self._principal = response["AssumedRoleUser"]["Arn"]
        return credentials_from_response(response)

    def describe(self) -> dict[str, Any]:
        """Role, token file, session name, principal, access key and expiry."""
        lease = self._lease
        info: dict[str, Any] = {
            "source": "web-identity",
            "role_arn": self._role_arn,
            "token_file": str(self._token_file),
            "session_name": self._params["RoleSessionName"],
        }
        if self._principal:
            info["principal"] = self._principal
        info.update(public_fields(lease.credentials if lease else None))
        return info

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
    params: dict[str, Any] = {
        "RoleArn": check_role_arn(role_arn),
        "RoleSessionName": session_name_or_default(session_name),
        "DurationSeconds": check_duration(duration_seconds),
    }
    if policy is not None:
        params["Policy"] = policy_text(policy)
    return WebIdentityProvider(
        role_arn,
        Path(token_file),
        params=params,
        sts_endpoint_url=sts_endpoint_url,
        region=region,
        clock=clock,
    )
