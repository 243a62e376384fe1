"""``AccessRequest`` (an execute-api call as the policy engine sees it) and its request context."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

from apiclient.endpoint import API_TYPES, api_arn, route_arn
from apiclient.errors import PolicyError
from apiclient.policy.actions import INVOKE, MANAGE_CONNECTIONS, canonical_action, is_connections_path
from apiclient.policy.arns import Arn, Caller, caller_of

ContextKeys = Mapping[str, Any]
_METHOD = re.compile(r"[A-Za-z*]+")
_ENDPOINT_TYPES = ("REGIONAL", "EDGE", "PRIVATE")


def parse_time(value: datetime | str, field_name: str) -> datetime:
    """A timezone-aware datetime from a datetime or ISO 8601 text (naive means UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise PolicyError(f"not an ISO 8601 date/time: {value!r}", field_name) from None
    if not isinstance(value, datetime):
        raise PolicyError("must be a datetime or ISO 8601 text", field_name)
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def context_value(value: Any, key: str) -> tuple[str, ...]:
    """A context value as a tuple of strings (a list is a multivalued key)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(item for element in value for item in context_value(element, key))
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, (int, float, str)):
        return (str(value),)
    if isinstance(value, datetime):
        return (format_time(value),)
    raise PolicyError(f"unsupported context value of type {type(value).__name__}", f"context_keys.{key}")


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class AccessRequest:
    """An execute-api call: who, from where, to which method (or WebSocket route) of which API.

    ``principal_arn=None`` means anonymous. ``context_keys`` adds or overrides
    condition keys (a list value is a multivalued key). ``action`` is
    ``execute-api:Invoke`` or ``execute-api:ManageConnections`` (a WebSocket API's
    ``@connections`` API, whose path is ``/@connections/{id}``; ``action_for(path)`` tells
    which). ``route_key`` names a WebSocket route (``$connect``, ``$default``, ``sendmessage``):
    the resource is then ``{api_id}/{stage}/{route_key}``, and ``method``/``path`` only describe
    the HTTP request (the ``$connect`` handshake is ``GET /``). ``api_type`` is ``REST``,
    ``HTTP``, ``WEBSOCKET`` or None (unknown, read as REST); an HTTP API has no resource
    policy, so one given for it is reported as not applicable and identity policies decide.
    ``stage="$default"`` is an HTTP API's default stage. Bad values raise ``PolicyError``
    naming the field.
    """

    principal_arn: str | None
    principal_account: str | None
    api_owner_account: str
    source_ip: str | None
    method: str
    stage: str
    path: str
    api_id: str
    region: str
    current_time: datetime | str
    source_vpce: str | None = None
    source_vpc: str | None = None
    principal_org_id: str | None = None
    secure_transport: bool = True
    endpoint_type: str = "REGIONAL"
    context_keys: Mapping[str, Any] = field(default_factory=dict)
    partition: str = "aws"
    principal_tags: Mapping[str, str] = field(default_factory=dict)
    action: str = INVOKE
    route_key: str | None = None
    api_type: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path.startswith("/"):
            raise PolicyError(f"must start with '/', got {self.path!r}", "path")
        if not isinstance(self.method, str) or not _METHOD.fullmatch(self.method):
            raise PolicyError(f"not an HTTP method: {self.method!r}", "method")
        for name in ("api_owner_account", "stage", "api_id", "region"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value or ("/" in value and name != "stage"):
                raise PolicyError(f"must be a non-empty string, got {value!r}", name)
        if self.endpoint_type not in _ENDPOINT_TYPES:
            raise PolicyError(f"must be one of {', '.join(_ENDPOINT_TYPES)}", "endpoint_type")
        if self.source_ip is not None:
            try:
                ipaddress.ip_address(self.source_ip)
            except ValueError:
                raise PolicyError(f"not an IP address: {self.source_ip!r}", "source_ip") from None
        if self.principal_arn is not None and Arn.parse(self.principal_arn) is None:
            raise PolicyError(f"not an ARN: {self.principal_arn!r}", "principal_arn")
        if not isinstance(self.context_keys, Mapping):
            raise PolicyError("must be a mapping of condition keys", "context_keys")
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "current_time", parse_time(self.current_time, "current_time"))
        object.__setattr__(self, "context_keys", _frozen(self.context_keys))
        object.__setattr__(self, "principal_tags", _frozen(self.principal_tags))
        for key, value in self.context_keys.items():
            context_value(value, key)
        self._check_flavour()

    def _check_flavour(self) -> None:
        """Validate and complete ``action``, ``route_key`` and ``api_type`` (both of the first two
        exist only on WebSocket APIs)."""
        action = canonical_action(self.action)
        object.__setattr__(self, "action", action)
        if self.api_type is not None:
            if not isinstance(self.api_type, str) or self.api_type.upper() not in API_TYPES:
                raise PolicyError(f"must be one of {', '.join(API_TYPES)} or None", "api_type")
            object.__setattr__(self, "api_type", self.api_type.upper())
        websocket_only = []
        if self.route_key is not None:
            if not isinstance(self.route_key, str) or not self.route_key.strip():
                raise PolicyError(
                    f"must be a non-empty route key such as '$connect', not {self.route_key!r}", "route_key"
                )
            if action != INVOKE:
                raise PolicyError(
                    "a WebSocket route is invoked (execute-api:Invoke); execute-api:ManageConnections is for "
                    "the @connections API, named by its method and path",
                    "route_key",
                )
            websocket_only.append("route_key")
        if action == MANAGE_CONNECTIONS:
            websocket_only.append("action")
        if websocket_only and self.api_type not in (None, "WEBSOCKET"):
            what = "routes" if "route_key" in websocket_only else "an @connections API"
            raise PolicyError(
                f"only WebSocket APIs have {what}, not {self.api_type} APIs",
                websocket_only[0],
            )
        if websocket_only:
            object.__setattr__(self, "api_type", "WEBSOCKET")
        if self.api_type == "HTTP" and self.endpoint_type == "PRIVATE":
            raise PolicyError("HTTP APIs have no private endpoint type", "endpoint_type")

    @property
    def is_connections_call(self) -> bool:
        """The path is the WebSocket ``@connections`` API (and no route is named)."""
        return self.route_key is None and is_connections_path(self.path)

    @property
    def resource_arn(self) -> str:
        """The execute-api ARN of this method request or WebSocket route [AG:arn-format-reference].

        The root path gives ``.../GET/``; a route gives ``{api_id}/{stage}/{route_key}``.
        """
        if self.route_key is not None:
            return route_arn(
                partition=self.partition, region=self.region, account=self.api_owner_account,
                api_id=self.api_id, stage=self.stage, route_key=self.route_key,
            )  # fmt: skip
        return f"{self.api_arn}/{self.stage}/{self.method}{self.path}"

    @property
    def api_arn(self) -> str:
        """``arn:partition:execute-api:region:owner:api-id``: what ``execute-api:/`` expands to."""
        return api_arn(
            partition=self.partition, region=self.region, account=self.api_owner_account, api_id=self.api_id
        )

    @property
    def caller(self) -> Caller:
        return caller_of(self.principal_arn, self.principal_account)


def global_keys(
    caller: Caller,
    *,
    current_time: datetime,
    source_ip: str | None = None,
    source_vpc: str | None = None,
    source_vpce: str | None = None,
    principal_org_id: str | None = None,
    secure_transport: bool | None = None,
    principal_tags: Mapping[str, str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The global condition keys AWS derives for a request.

    [AG:apigateway-resource-policies-aws-condition-keys], [IAM:reference_policies_condition-keys].
    """
    keys: dict[str, tuple[str, ...]] = {
        "aws:currenttime": (format_time(current_time),),
        "aws:epochtime": (str(int(current_time.timestamp())),),
        "aws:principaltype": (caller.principal_type,),
    }
    if secure_transport is not None:
        keys["aws:securetransport"] = ("true" if secure_transport else "false",)
    if source_ip is not None:
        # Through a VPC endpoint aws:SourceIp is absent; the client's address is aws:VpcSourceIp.
        keys["aws:vpcsourceip" if source_vpce else "aws:sourceip"] = (source_ip,)
    if source_vpc:
        keys["aws:sourcevpc"] = (source_vpc,)
    if source_vpce:
        keys["aws:sourcevpce"] = (source_vpce,)
    if caller.kind == "anonymous":
        keys["aws:principalaccount"] = ("anonymous",)
        return keys
    if caller.account:
        keys["aws:principalaccount"] = (caller.account,)
    if caller.arn:
        # For a role session aws:PrincipalArn is the role's ARN [IAM:reference_policies_condition-keys].
        keys["aws:principalarn"] = (caller.role_arn or caller.arn,)
    if caller.kind == "user" and caller.name:
        keys["aws:username"] = (caller.name,)
    if principal_org_id:
        keys["aws:principalorgid"] = (principal_org_id,)
    for tag, value in (principal_tags or {}).items():
        keys[f"aws:principaltag/{tag.lower()}"] = (value,)
    return keys


def request_context(request: AccessRequest, *, anonymous: bool = False) -> dict[str, tuple[str, ...]]:
    """The lower-cased request context for ``request`` (``anonymous`` drops the principal's keys)."""
    caller = caller_of(None, None) if anonymous else request.caller
    assert isinstance(request.current_time, datetime)
    keys = global_keys(
        caller,
        current_time=request.current_time,
        source_ip=request.source_ip,
        source_vpc=request.source_vpc,
        source_vpce=request.source_vpce,
        principal_org_id=None if anonymous else request.principal_org_id,
        secure_transport=request.secure_transport,
        principal_tags=None if anonymous else request.principal_tags,
    )
    keys.update(extra_keys(request.context_keys))
    return keys


def extra_keys(context_keys: ContextKeys | None) -> dict[str, tuple[str, ...]]:
    return {key.lower(): context_value(value, key) for key, value in (context_keys or {}).items()}
