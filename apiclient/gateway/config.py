"""The gateway configuration: YAML or JSON, validated into frozen dataclasses.

Every problem raises ``ConfigError`` whose ``path`` names the field, e.g.
``apis[0].routes[2].authorization``.

Three API types (``apis[].type``), as API Gateway has them: ``REST`` (the default), ``HTTP`` (may
have the ``$default`` stage, served at the host's root; no resource policy, API keys or private
endpoint: "Choose between REST APIs and HTTP APIs") and ``WEBSOCKET`` (routes by ``route_key``:
``$connect``, ``$disconnect``, ``$default`` or a custom key; IAM authorization on ``$connect`` only,
"Control access to WebSocket APIs with IAM authorization"). ``groups`` are IAM groups whose policies
apply to the users listed in them (``users[].groups``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apiclient._documents import Fields, read_document
from apiclient.endpoint import API_TYPES, DEFAULT_STAGE
from apiclient.errors import ConfigError, PolicyError
from apiclient.policy import IdentityPolicy, parse_policy

__all__ = [
    "AccessKey",
    "Account",
    "Api",
    "GatewayConfig",
    "Group",
    "MockAnswer",
    "Role",
    "Route",
    "User",
    "WebIdentityToken",
    "load_config",
    "sample_config",
]

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_API_ID = re.compile(r"^[a-z0-9]{1,32}$")
_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
_STAGE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
_AUTHORIZATIONS = ("AWS_IAM", "NONE")
# WebSocket route keys: the three predefined ones, or a custom key matched against the message's
# "action" (the default route selection expression ``$request.body.action``).
_ROUTE_KEY = re.compile(r"^(\$connect|\$disconnect|\$default|[A-Za-z0-9_.:-]{1,128})$")
CONNECT_ROUTE = "$connect"
_ENDPOINT_TYPES = ("PRIVATE", "REGIONAL")
# IAM's documented bounds for a role's MaxSessionDuration (1 to 12 hours).
_MIN_SESSION, _MAX_SESSION = 3600, 43200

Policy = Mapping[str, Any]
AccountLookup = Callable[["_Fields"], str]


@dataclass(frozen=True)
class Account:
    """An AWS account taking part in the scenario."""

    id: str
    organization_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class AccessKey:
    """A long-term access key pair; the secret never shows in the repr."""

    access_key_id: str
    secret_access_key: str = field(repr=False)


@dataclass(frozen=True)
class User:
    """An IAM user with its keys and identity policies."""

    name: str
    account: str
    path: str = "/"
    access_keys: tuple[AccessKey, ...] = ()
    policies: tuple[Policy, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    groups: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account}:user{self.path}{self.name}"


@dataclass(frozen=True)
class Group:
    """An IAM group: its policies apply to every user in it."""

    name: str
    account: str
    policies: tuple[Policy, ...] = ()
    path: str = "/"

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account}:group{self.path}{self.name}"

    def identity_policies(self) -> tuple[IdentityPolicy, ...]:
        """Its policies, labelled ``group {name} policy {n}`` for traces and fixes."""
        return tuple(IdentityPolicy.of_group(self.name, doc, n) for n, doc in enumerate(self.policies, 1))


@dataclass(frozen=True)
class Role:
    """An IAM role: who may assume it (trust policy) and what its sessions may do."""

    name: str
    account: str
    trust_policy: Policy
    path: str = "/"
    policies: tuple[Policy, ...] = ()
    max_session_duration: int = 3600
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account}:role{self.path}{self.name}"


@dataclass(frozen=True)
class MockAnswer:
    """A route's mock integration answer."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class Route:
    """A method on a resource path template such as ``/products/{id}``, or a WebSocket route.

    A WebSocket route has a ``route_key`` (``$connect``, ``$default``, ``sendmessage``) and no
    method or path of its own (``GET /``, the handshake's).
    """

    method: str
    path: str
    authorization: str = "AWS_IAM"
    api_key_required: bool = False
    answer: MockAnswer | None = None
    route_key: str | None = None


@dataclass(frozen=True)
class Api:
    """A REST, HTTP or WebSocket API with its stages, routes and (REST) resource policy."""

    id: str
    region: str
    account: str
    stages: tuple[str, ...]
    routes: tuple[Route, ...]
    endpoint_type: str = "REGIONAL"
    resource_policy: Policy | None = None
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    name: str | None = None
    type: str = "REST"

    @property
    def host(self) -> str:
        return f"{self.id}.execute-api.{self.region}.amazonaws.com"

    def route(self, route_key: str) -> Route | None:
        """The WebSocket route with this key, or None."""
        return next((r for r in self.routes if r.route_key == route_key), None)


@dataclass(frozen=True)
class WebIdentityToken:
    """A token that AssumeRoleWithWebIdentity accepts, and the claims it stands for."""

    token: str = field(repr=False)
    provider: str
    subject: str
    audience: str


@dataclass(frozen=True)
class GatewayConfig:
    """The whole scenario the gateway serves."""

    accounts: tuple[Account, ...]
    apis: tuple[Api, ...]
    users: tuple[User, ...] = ()
    roles: tuple[Role, ...] = ()
    instance_role: str | None = None
    web_identity_tokens: tuple[WebIdentityToken, ...] = ()
    mfa_code: str | None = field(default=None, repr=False)
    groups: tuple[Group, ...] = ()

    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def padded_cidrs(self) -> list[str]:
        """Every IP-condition value with surrounding whitespace in the config's policies (AWS does
        not document whether it trims them: the gateway reads them trimmed, as the policy engine does)."""
        from apiclient.policy import parse_policy  # noqa: PLC0415
        from apiclient.policy.lint import padded_cidrs  # noqa: PLC0415

        documents = [(f"API {api.id} resource policy", api.resource_policy) for api in self.apis]
        documents += [(f"user {user.name} policy", doc) for user in self.users for doc in user.policies]
        documents += [(f"role {role.name} policy", doc) for role in self.roles for doc in role.policies]
        documents += [(f"group {group.name} policy", doc) for group in self.groups for doc in group.policies]
        policies = [parse_policy(dict(doc), name=name) for name, doc in documents if doc is not None]
        return [found for policy in policies for found in padded_cidrs(policy)]

    def group(self, name: str, account: str) -> Group | None:
        return next((g for g in self.groups if g.name == name and g.account == account), None)

    def group_policies(self, principal_arn: str) -> tuple[IdentityPolicy, ...]:
        """The labelled policies of the groups of the user ``principal_arn`` (none for a role session)."""
        user = next((u for u in self.users if u.arn == principal_arn), None)
        if user is None:
            return ()
        groups = (self.group(name, user.account) for name in user.groups)
        return tuple(policy for group in groups if group is not None for policy in group.identity_policies())

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)

    def role_by_arn(self, arn: str) -> Role | None:
        return next((r for r in self.roles if r.arn == arn), None)


def load_config(source: str | Path | Mapping[str, Any] | GatewayConfig) -> GatewayConfig:
    """Load and validate a configuration from a YAML/JSON file path or an already parsed mapping.

    Raises:
        ConfigError: the file cannot be read or parsed, or a field is invalid (``path`` names it).
    """
    if isinstance(source, GatewayConfig):
        return source
    if isinstance(source, Mapping):
        return _parse(source)
    if not isinstance(source, str | Path):
        raise ConfigError(f"expected a configuration file's path or a mapping, not {type(source).__name__}")
    return _parse(_read(Path(source)))


def sample_config() -> GatewayConfig:
    """The walkthrough scenario shipped in ``samples/walkthrough.yaml``."""
    return load_config(Path(__file__).parent / "samples" / "walkthrough.yaml")


def _read(path: Path) -> Mapping[str, Any]:
    data = read_document(path)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path} must hold a mapping at the top level")
    return data


class _Fields(Fields):
    """The shared field validator, plus the policy documents a configuration holds."""

    def policy(self, key: str) -> Policy:
        if self.data.get(key) is None:
            raise ConfigError("is required", self.at(key))
        return _policy(self.data[key], self.at(key))

    def optional_policy(self, key: str) -> Policy | None:
        return self.policy(key) if self.data.get(key) is not None else None

    def policies(self, key: str) -> tuple[Policy, ...]:
        return tuple(_policy(item, path) for item, path in self.items(key))


def _policy(value: object, path: str) -> Policy:
    """A policy document given as a mapping or as JSON text, checked by the policy engine's parser."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"policy is not valid JSON: {exc}", path) from None
    if not isinstance(value, Mapping) or "Statement" not in value:
        raise ConfigError("must be a policy document with a Statement", path)
    try:
        parse_policy(value)
    except PolicyError as exc:
        raise ConfigError(exc.problem, f"{path}.{exc.path}" if exc.path else path) from None
    return value


def _iam_path(fields: _Fields) -> str:
    path = fields.text("path", "/")
    if not (path.startswith("/") and path.endswith("/")):
        raise ConfigError("must begin and end with '/'", fields.at("path"))
    return path


def _parse(data: Mapping[str, Any]) -> GatewayConfig:
    top = _Fields(data, "")
    top.check_known(
        ("accounts", "groups", "users", "roles", "apis", "instance_role", "web_identity_tokens", "mfa_code")
    )
    accounts = tuple(_account(_Fields(item, path)) for item, path in top.items("accounts"))
    known_accounts = {a.id for a in accounts}
    _unique([a.id for a in accounts], "accounts", "id")

    def account_of(fields: _Fields, key: str = "account") -> str:
        account = fields.text(key, pattern=_ACCOUNT_ID)
        if account not in known_accounts:
            raise ConfigError(f"account {account} is not listed under accounts", fields.at(key))
        return account

    groups = tuple(_group(_Fields(item, path), account_of) for item, path in top.items("groups"))
    _unique([g.arn for g in groups], "groups", "name")
    users = tuple(_user(_Fields(item, path), account_of) for item, path in top.items("users"))
    _check_memberships(users, groups, top)
    roles = tuple(_role(_Fields(item, path), account_of) for item, path in top.items("roles"))
    apis = tuple(_api(_Fields(item, path), account_of) for item, path in top.items("apis"))
    if not apis:
        raise ConfigError("at least one API is required", "apis")
    _unique([u.arn for u in users], "users", "name")
    _unique([r.arn for r in roles], "roles", "name")
    _unique([a.id for a in apis], "apis", "id")
    _unique([k.access_key_id for u in users for k in u.access_keys], "users", "access_keys")
    instance_role = top.optional_text("instance_role")
    if instance_role is not None and not any(r.name == instance_role for r in roles):
        raise ConfigError(f"no role named {instance_role!r} under roles", "instance_role")
    tokens = tuple(_web_token(_Fields(item, path)) for item, path in top.items("web_identity_tokens"))
    mfa_code = top.optional_text("mfa_code")
    if mfa_code is not None and not re.fullmatch(r"\d{6}", mfa_code):
        raise ConfigError("must be six digits", "mfa_code")
    return GatewayConfig(accounts, apis, users, roles, instance_role, tokens, mfa_code, groups)


def _group(fields: _Fields, account_of: AccountLookup) -> Group:
    fields.check_known(("name", "path", "account", "policies"))
    return Group(
        fields.text("name", pattern=_NAME), account_of(fields), fields.policies("policies"), _iam_path(fields)
    )


def _check_memberships(users: tuple[User, ...], groups: tuple[Group, ...], top: _Fields) -> None:
    """Every group a user names exists in the user's account (IAM groups hold users of their account)."""
    for index, user in enumerate(users):
        for number, name in enumerate(user.groups):
            if not any(g.name == name and g.account == user.account for g in groups):
                known = ", ".join(sorted(g.name for g in groups if g.account == user.account)) or "none"
                raise ConfigError(
                    f"user {user.name!r} is in group {name!r}, which is not configured in account "
                    f"{user.account} (groups there: {known})",
                    f"{top.at('users')}[{index}].groups[{number}]",
                )


def _unique(values: list[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ConfigError(f"duplicate {what} {value!r}", f"{path}[{index}]")
        seen.add(value)


def _account(fields: _Fields) -> Account:
    fields.check_known(("id", "organization_id", "name"))
    return Account(
        fields.text("id", pattern=_ACCOUNT_ID),
        fields.optional_text("organization_id"),
        fields.optional_text("name"),
    )


def _user(fields: _Fields, account_of: AccountLookup) -> User:
    fields.check_known(("name", "path", "account", "access_keys", "policies", "tags", "groups"))
    keys = []
    for item, path in fields.items("access_keys"):
        key = _Fields(item, path)
        key.check_known(("id", "secret"))
        keys.append(AccessKey(key.text("id", pattern=re.compile(r"^[A-Z0-9]{16,128}$")), key.text("secret")))
    return User(
        fields.text("name", pattern=_NAME),
        account_of(fields),
        _iam_path(fields),
        tuple(keys),
        fields.policies("policies"),
        fields.tags("tags"),
        fields.strings("groups"),
    )


def _role(fields: _Fields, account_of: AccountLookup) -> Role:
    fields.check_known(
        ("name", "path", "account", "trust_policy", "policies", "max_session_duration", "tags")
    )
    return Role(
        fields.text("name", pattern=_NAME),
        account_of(fields),
        fields.policy("trust_policy"),
        _iam_path(fields),
        fields.policies("policies"),
        fields.integer("max_session_duration", 3600, _MIN_SESSION, _MAX_SESSION),
        fields.tags("tags"),
    )


def _api(fields: _Fields, account_of: AccountLookup) -> Api:
    fields.check_known(
        (
            "id",
            "name",
            "type",
            "region",
            "account",
            "endpoint_type",
            "stages",
            "resource_policy",
            "routes",
            "api_keys",
        )
    )
    api_type = fields.choice("type", API_TYPES, "REST")
    stages = _stages(fields, api_type)
    routes = tuple(_route(_Fields(item, path), api_type) for item, path in fields.items("routes"))
    if not routes:
        raise ConfigError("at least one route is required", fields.at("routes"))
    keys = (
        [r.route_key or "" for r in routes]
        if api_type == "WEBSOCKET"
        else [f"{r.method} {r.path}" for r in routes]
    )
    _unique(keys, fields.at("routes"), "route")
    if api_type != "REST":
        _refuse_rest_only(fields, api_type, routes)
    return Api(
        fields.text("id", pattern=_API_ID),
        fields.text("region", pattern=_REGION),
        account_of(fields),
        stages,
        routes,
        fields.choice("endpoint_type", _ENDPOINT_TYPES, "REGIONAL"),
        fields.optional_policy("resource_policy"),
        fields.strings("api_keys"),
        fields.optional_text("name"),
        api_type,
    )


def _stages(fields: _Fields, api_type: str) -> tuple[str, ...]:
    stages = fields.strings("stages")
    if not stages:
        raise ConfigError("at least one stage is required", fields.at("stages"))
    for index, stage in enumerate(stages):
        if stage == DEFAULT_STAGE and api_type == "HTTP":
            continue  # an HTTP API's default stage, served at the root of the host
        if not _STAGE.match(stage):
            hint = " ($default is an HTTP API's stage: set type: HTTP)" if stage == DEFAULT_STAGE else ""
            raise ConfigError(f"{stage!r} is not a valid stage name{hint}", f"{fields.at('stages')}[{index}]")
    _unique(list(stages), fields.at("stages"), "stage")
    return stages


def _refuse_rest_only(fields: _Fields, api_type: str, routes: tuple[Route, ...]) -> None:
    """What only REST APIs have ("Choose between REST APIs and HTTP APIs", API Gateway Developer Guide)."""
    flavour = "HTTP APIs" if api_type == "HTTP" else "WebSocket APIs"
    if fields.data.get("resource_policy") is not None:
        raise ConfigError(
            f"{flavour} do not support resource policies: only the callers' identity policies decide "
            "(grant execute-api:Invoke on the route ARN to the users, groups or roles instead)",
            fields.at("resource_policy"),
        )
    if fields.data.get("api_keys") or any(r.api_key_required for r in routes):
        raise ConfigError(f"{flavour} do not support API keys", fields.at("api_keys"))
    if str(fields.data.get("endpoint_type", "REGIONAL")).upper() == "PRIVATE":
        raise ConfigError(f"{flavour} do not support private endpoints", fields.at("endpoint_type"))


def _route(fields: _Fields, api_type: str = "REST") -> Route:
    fields.check_known(("method", "path", "route_key", "authorization", "api_key_required", "response"))
    answer = None
    if fields.data.get("response") is not None:
        answer_fields = _Fields(fields.data["response"], fields.at("response"))
        answer_fields.check_known(("status", "headers", "body"))
        body = answer_fields.data.get("body", "")
        if not isinstance(body, str):
            body = json.dumps(body, separators=(",", ":"))
        answer = MockAnswer(
            answer_fields.integer("status", 200, 100, 599), answer_fields.tags("headers"), body
        )
    if api_type == "WEBSOCKET":
        return _websocket_route(fields, answer)
    if fields.data.get("route_key") is not None:
        raise ConfigError(
            "route_key is for WebSocket APIs (type: WEBSOCKET); give method and path", fields.at("route_key")
        )
    path = fields.text("path")
    if not path.startswith("/"):
        raise ConfigError("must start with '/'", fields.at("path"))
    return Route(
        fields.choice("method", _METHODS, "GET"),
        path,
        fields.choice("authorization", _AUTHORIZATIONS, "AWS_IAM"),
        fields.boolean("api_key_required", False),
        answer,
    )


def _websocket_route(fields: _Fields, answer: MockAnswer | None) -> Route:
    for key in ("method", "path"):
        if fields.data.get(key) is not None:
            raise ConfigError("a WebSocket route has a route_key, not a method or path", fields.at(key))
    route_key = fields.text("route_key", pattern=_ROUTE_KEY)
    # IAM authorization is checked when the client connects: only $connect carries it.
    authorization = fields.choice(
        "authorization", _AUTHORIZATIONS, "AWS_IAM" if route_key == CONNECT_ROUTE else "NONE"
    )
    if authorization != "NONE" and route_key != CONNECT_ROUTE:
        raise ConfigError(
            "WebSocket APIs authorize the $connect route only: the other routes run on an open connection",
            fields.at("authorization"),
        )
    return Route("GET", "/", authorization, False, answer, route_key)


def _web_token(fields: _Fields) -> WebIdentityToken:
    fields.check_known(("token", "provider", "subject", "audience"))
    return WebIdentityToken(
        fields.text("token"), fields.text("provider"), fields.text("subject"), fields.text("audience")
    )
