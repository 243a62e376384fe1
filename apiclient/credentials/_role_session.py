"""What AssumeRole and AssumeRoleWithWebIdentity providers share: one role, one STS call per refresh."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from apiclient.credentials._describe import public_fields
from apiclient.credentials._sts_client import (
    call_sts,
    check_duration,
    check_role_arn,
    credentials_from_response,
    policy_text,
    session_name_or_default,
)
from apiclient.credentials.base import Credentials
from apiclient.credentials.refresh import Clock, RefreshingProvider

__all__ = ["RoleSessionProvider", "role_params"]


def role_params(
    role_arn: str, session_name: str | None, duration_seconds: int, policy: Mapping[str, Any] | str | None
) -> dict[str, Any]:
    """The STS parameters every role session takes, checked before any call."""
    params: dict[str, Any] = {
        "RoleArn": check_role_arn(role_arn),
        "RoleSessionName": session_name_or_default(session_name),
        "DurationSeconds": check_duration(duration_seconds),
    }
    if policy is not None:
        params["Policy"] = policy_text(policy)
    return params


class RoleSessionProvider(RefreshingProvider):
    """A role session's credentials from STS, refreshed before they expire."""

    source_name: ClassVar[str]

    def __init__(
        self,
        role_arn: str,
        *,
        params: Mapping[str, Any],
        sts_endpoint_url: str | None,
        region: str | None,
        clock: Clock,
    ) -> None:
        super().__init__(clock=clock)
        self._role_arn = role_arn
        self._params = dict(params)
        self._endpoint_url = sts_endpoint_url
        self._region = region
        self._client: Any = None
        self._principal: str | None = None

    def _label(self) -> str:
        return self._role_arn

    def _exchange(self, operation: str, call: Callable[[], Mapping[str, Any]]) -> Credentials:
        """One STS call; remembers the session's principal (the AssumedRoleUser ARN)."""
        response = call_sts(operation, self._role_arn, call)
        self._principal = response["AssumedRoleUser"]["Arn"]
        return credentials_from_response(response)

    def _more_description(self) -> dict[str, Any]:
        return {}

    def describe(self) -> dict[str, Any]:
        """Role, session name, principal, access key and expiry, plus what the source adds."""
        lease = self._lease
        info: dict[str, Any] = {
            "source": self.source_name,
            "role_arn": self._role_arn,
            "session_name": self._params["RoleSessionName"],
        }
        if self._principal:
            info["principal"] = self._principal
        info.update(public_fields(lease.credentials if lease else None))
        info.update(self._more_description())
        return info
