"""``DiagnoseOptions``: what a caller can tell a diagnosis beyond the refused call itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apiclient.diagnostics.identity import CallerIdentity
from apiclient.diagnostics.policy_source import PolicySource

if TYPE_CHECKING:
    # Type-only: the policy engine loads when a refusal is evaluated, never on import.
    from apiclient.policy.identity import IdentityPolicyInput

__all__ = ["DiagnoseOptions"]


@dataclass(frozen=True, kw_only=True)
class DiagnoseOptions:
    """Facts and look-ups for ``diagnose``; ``Client(diagnose_options=...)`` uses them for every refusal.

    Attributes:
        resource_policy: the API's resource policy: a dict, JSON text or a JSON file's path.
        identity_policies: the caller's identity policies (dicts or JSON text), each plain or
            labelled (``apiclient.policy.IdentityPolicy`` or a ``(label, policy)`` pair, e.g.
            ``IdentityPolicy.of_group("ReadOnly-Group", doc)``) so the diagnosis names it.
        identity: the caller, if known: a ``CallerIdentity`` or STS's ``{"Arn", "Account"}``.
        identify: ask STS GetCallerIdentity who signed (once per access key; only when
            ``identity`` is not given).
        fetch_policy: fetch the resource policy with ``apigateway:GET`` (GetRestApi) when none is given.
        sts_endpoint_url, apigateway_endpoint_url: endpoints for those look-ups (e.g. a local gateway).
        api_owner_account: the API owner's account, which API Gateway masks in its messages.
        source_ip: the caller's public address, for aws:SourceIp conditions.
        api_key_required: whether the method needs an API key (None: unknown).
        authorization: the method's authorization type; None infers NONE for an unsigned call
            and AWS_IAM otherwise.
    """

    resource_policy: PolicySource | None = None
    identity_policies: Iterable[IdentityPolicyInput] = field(default=())
    identity: CallerIdentity | Mapping[str, Any] | None = None
    identify: bool = False
    fetch_policy: bool = False
    sts_endpoint_url: str | None = None
    apigateway_endpoint_url: str | None = None
    api_owner_account: str | None = None
    source_ip: str | None = None
    api_key_required: bool | None = None
    authorization: str | None = None

    def __post_init__(self) -> None:
        # Kept as a tuple: an iterator would be used up by the first diagnosis.
        policies = self.identity_policies
        single = isinstance(policies, str | Mapping)
        object.__setattr__(self, "identity_policies", (policies,) if single else tuple(policies))
