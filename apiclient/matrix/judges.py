"""The two judges of a matrix cell: offline (the policy engine decides) and online (a real call).

A judge is a callable ``Case -> Actual``, built once per run: everything that can be wrong with the
matrix (unknown users, unreadable policies, identities without credentials) is found while building
it, before any cell is judged.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apiclient._documents import read_policy_file
from apiclient._redact import redact_url
from apiclient.credentials.settings import CredentialSettings, build_provider
from apiclient.diagnostics.causes import decision_cause
from apiclient.endpoint import parse_url
from apiclient.errors import AccessDenied, ApiClientError, ConfigError
from apiclient.matrix.model import Actual, Case, IdentitySpec, Matrix, outcome_of_status

if TYPE_CHECKING:
    import requests

    from apiclient.credentials.base import CredentialProvider
    from apiclient.gateway.config import Api, GatewayConfig, User
    from apiclient.session import Client

__all__ = ["Judge", "offline_judge", "online_judge"]

Judge = Callable[[Case], Actual]


def _gateway_config(matrix: Matrix) -> GatewayConfig:
    """The gateway configuration the matrix names (``sample`` or a file beside it)."""
    # The gateway package pulls in botocore's verifier: only matrices naming gateway users pay for it.
    from apiclient.gateway import load_config, sample_config  # noqa: PLC0415

    if matrix.gateway_config in (None, "sample"):
        return sample_config()
    return load_config(matrix.base_dir / matrix.gateway_config)


def _sample_user(config: GatewayConfig, identity: IdentitySpec) -> User:
    """The configured user a ``sample:`` identity names."""
    user = next((u for u in config.users if u.name == identity.sample), None)
    if user is None:
        known = ", ".join(u.name for u in config.users)
        raise ConfigError(
            f"no user {identity.sample!r} in the gateway configuration (known: {known})",
            f"identities.{identity.name}.sample",
        )
    return user


# --- offline ---------------------------------------------------------------------------------------


def _source_ip(matrix: Matrix, case: Case) -> str | None:
    """Offline, the caller's address: the request's, its X-Forwarded-For, the identity's, the matrix's."""
    forwarded = next((v for k, v in case.request.headers if k.lower() == "x-forwarded-for"), None)
    return (
        case.request.source_ip
        or (forwarded.split(",")[0].strip() if forwarded else None)
        or case.identity.source_ip
        or matrix.source_ip
    )


def _route_pattern(template: str) -> re.Pattern[str]:
    """``/products/{id}`` -> a regex; ``{proxy+}`` spans segments (API Gateway's greedy variable)."""
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        (".+" if part.endswith("+}") else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


def _route_authorization(api: Api | None, method: str, path: str) -> str | None:
    """The authorization of the gateway route that ``method path`` reaches, when one does."""
    if api is None:
        return None
    for route in api.routes:
        if route.method in (method, "ANY") and _route_pattern(route.path).fullmatch(path):
            return route.authorization
    return None


def _offline_callers(matrix: Matrix, config: GatewayConfig | None) -> dict[str, tuple[str | None, list[Any]]]:
    """Each identity's principal ARN and identity policies: from the gateway config and/or files."""
    callers: dict[str, tuple[str | None, list[Any]]] = {}
    for identity in matrix.identities.values():
        principal = identity.principal
        policies: list[Any] = [read_policy_file(p) for p in identity.identity_policies]
        if identity.sample is not None and config is not None:
            user = _sample_user(config, identity)
            principal = principal or user.arn
            policies += [dict(p) for p in user.policies]
            policies += config.group_policies(user.arn)  # its IAM groups', labelled for the trace
        role = config.role_by_arn(identity.role_arn) if config is not None and identity.role_arn else None
        if identity.instance_metadata and config is not None and config.instance_role is not None:
            role = config.role(config.instance_role)
        if role is not None:
            # aws:PrincipalArn of a role session is the role's ARN ("AWS global condition context keys").
            principal = principal or role.arn
            policies += [dict(p) for p in role.policies]
        callers[identity.name] = (principal, policies)
    return callers


def offline_judge(matrix: Matrix) -> Judge:
    """Judge each cell with the policy engine against the matrix's policies; nothing is called.

    Policies come from the files the matrix names and, with ``gateway_config``, from that
    configuration (the API's resource policy, the users' and roles' identity policies).

    Raises:
        ConfigError: the URL does not name an API id and stage, or the owner account is unknown.
        PolicyError: a policy file is malformed.
    """
    from apiclient.policy import AccessRequest, action_for, authorize  # noqa: PLC0415 - offline runs only

    endpoint = parse_url(matrix.url, region=matrix.region, stage=matrix.stage)
    if endpoint.api_id is None or endpoint.stage is None:
        raise ConfigError(f"cannot tell the API id and stage of {matrix.url!r} (needed offline)", "url")
    api_id, stage = endpoint.api_id, endpoint.stage
    config = _gateway_config(matrix) if matrix.gateway_config is not None else None
    api = next((a for a in config.apis if a.id == api_id), None) if config is not None else None
    resource_policy: Any = None
    if matrix.resource_policy is not None:
        resource_policy = read_policy_file(matrix.resource_policy)
    elif api is not None and api.resource_policy is not None:
        resource_policy = dict(api.resource_policy)
    owner = matrix.api_owner_account or (api.account if api is not None else None)
    if owner is None:
        raise ConfigError("is required offline (the account that owns the API)", "api_owner_account")
    callers = _offline_callers(matrix, config)
    now = _dt.datetime.now(_dt.timezone.utc)

    def judge(case: Case) -> Actual:
        principal, identity_policies = callers[case.identity.name]
        authorization = (
            case.request.authorization
            or _route_authorization(api, case.request.method, case.request.path)
            or "AWS_IAM"
        )
        route_key = case.request.route_key
        request = AccessRequest(
            principal_arn=principal,
            principal_account=None,  # the engine reads it from the principal's ARN
            api_owner_account=owner,
            source_ip=_source_ip(matrix, case),
            # A route is authorized as the handshake of its connection, a GET of the stage's root.
            method="GET" if route_key else case.request.method,
            stage=stage,
            path="/" if route_key else case.request.path,
            api_id=api_id,
            region=endpoint.region,
            current_time=now,
            partition=endpoint.partition,
            action=case.request.action or action_for(case.request.path),
            route_key=route_key,
            api_type=matrix.api_type or (api.type if api is not None else endpoint.api_type),
        )
        decision = authorize(
            request,
            resource_policy=resource_policy,
            identity_policies=identity_policies,
            authorization=authorization,
        )
        explanation = decision.explain()
        return Actual(
            "allow" if decision.allowed else "deny",
            None,
            decision_cause(decision, anonymous=principal is None, authorization=authorization),
            explanation.splitlines()[0],
            explanation,
            decision.to_dict(),
            warnings=tuple(str(warning) for warning in decision.reading_warnings),
        )

    return judge


# --- online ----------------------------------------------------------------------------------------


def _providers(matrix: Matrix, config: GatewayConfig | None) -> dict[str, CredentialProvider | None]:
    """Each identity's provider (None: unsigned), in the matrix's order; a role's source is shared."""
    made: dict[str, CredentialProvider | None] = {}

    def provider(identity: IdentitySpec) -> CredentialProvider | None:
        if identity.name in made:
            return made[identity.name]
        if identity.anonymous:
            made[identity.name] = None
            return None
        if identity.instance_metadata:
            from apiclient.credentials import from_instance_metadata  # noqa: PLC0415

            made[identity.name] = from_instance_metadata()
            return made[identity.name]
        settings = identity.credential_settings(
            sts_endpoint_url=matrix.sts_endpoint_url, region=matrix.region
        )
        if identity.sample is not None and config is not None:
            user = _sample_user(config, identity)
            if not user.access_keys:
                raise ConfigError(
                    f"gateway user {user.name!r} has no access key", f"identities.{identity.name}"
                )
            key = user.access_keys[0]
            settings = CredentialSettings(access_key=key.access_key_id, secret_key=key.secret_access_key)
        source = provider(matrix.identities[identity.source]) if identity.source else None
        made[identity.name] = build_provider(settings, source=source)
        return made[identity.name]

    for identity in matrix.identities.values():
        provider(identity)
    return made


def _failure(error: BaseException) -> str:
    """One line for a call that could not be made."""
    import requests  # noqa: PLC0415

    if isinstance(error, requests.ConnectionError):
        target = (error.request.url if error.request is not None else None) or "the server"
        return f"cannot connect to {redact_url(target)}"
    if isinstance(error, requests.Timeout):
        return "the request timed out"
    return redact_url(" ".join(str(error).split()))


def online_judge(matrix: Matrix) -> Judge:
    """Call the API once per cell as the cell's identity; identities are resolved first, in order.

    Raises:
        ConfigError, CredentialsError: an identity cannot be built (before any call is made).
    """
    import requests  # noqa: PLC0415 - online runs only

    from apiclient.diagnostics import classify  # noqa: PLC0415
    from apiclient.session import Client, ConnectToAdapter  # noqa: PLC0415

    needs_config = any(identity.sample is not None for identity in matrix.identities.values())
    providers = _providers(matrix, _gateway_config(matrix) if needs_config else None)
    clients: dict[str, Client | requests.Session] = {}
    for name, provider in providers.items():
        if provider is None:
            # Unsigned cells go where the signed ones go.
            session = requests.Session()
            if matrix.connect_to is not None:
                session.mount(matrix.url, ConnectToAdapter(matrix.url, matrix.connect_to))
            clients[name] = session
        else:
            clients[name] = Client(
                matrix.url,
                credentials=provider,
                region=matrix.region,
                stage=matrix.stage,
                connect_to=matrix.connect_to,
                allow_http=matrix.allow_http,
            )

    def judge(case: Case) -> Actual:
        if case.request.route_key is not None:
            return Actual(
                "error", error="a WebSocket route_key case is judged offline only (check --offline)"
            )
        client = clients[case.identity.name]
        url = matrix.url.rstrip("/") + case.request.path
        headers = dict(case.request.headers)
        try:
            if isinstance(client, requests.Session):
                response = client.request(
                    case.request.method, url, headers=headers, timeout=(5, 30), allow_redirects=False
                )
            else:
                response = client.request(case.request.method, url, headers=headers)
        except AccessDenied as denied:
            diagnosis = denied.diagnosis
            return Actual(
                "deny",
                denied.status_code,
                diagnosis.cause,
                diagnosis.summary,
                diagnosis.to_text(),
                diagnosis.to_dict(),
            )
        except (ApiClientError, requests.RequestException) as error:
            return Actual("error", error=_failure(error))
        if response.status_code in (401, 403):  # an unsigned call: nothing diagnosed it yet
            diagnosis = classify(response.status_code, response.headers, response.content)
            return Actual(
                "deny",
                response.status_code,
                diagnosis.cause,
                diagnosis.summary,
                diagnosis.to_text(),
                diagnosis.to_dict(),
            )
        return Actual(outcome_of_status(response.status_code), response.status_code)

    return judge
