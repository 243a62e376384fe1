"""Judging an access matrix: online (real calls, in parallel) or offline (the policy engine)."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from apiclient import credentials
from apiclient._transport import ConnectToAdapter
from apiclient.cli.errors import one_line
from apiclient.cli.explain import principal_account
from apiclient.cli.matrix import Actual, Case, IdentitySpec, Matrix, RequestSpec, outcome_of_status
from apiclient.cli.policies import read_policy_file
from apiclient.cli.target import parse_target
from apiclient.credentials._model import CredentialProvider
from apiclient.diagnostics import classify
from apiclient.errors import AccessDenied, ApiClientError, ConfigError
from apiclient.policy import AccessRequest, Decision, authorize
from apiclient.session import Client

if TYPE_CHECKING:
    from apiclient.gateway.config import Api, GatewayConfig, User

__all__ = ["Judge", "Result", "cause_of", "offline_judge", "online_judge", "run_cases"]

Judge = Callable[[Case], Actual]
Result = tuple[Case, Actual, bool]


def run_cases(
    cases: Sequence[Case],
    judge: Judge,
    *,
    workers: int,
    offline: bool,
    on_done: Callable[[], None] = lambda: None,
) -> list[Result]:
    """Judge every case on a thread pool; results keep the matrix's order."""

    def one(case: Case) -> Result:
        actual = judge(case)
        on_done()
        return case, actual, case.expectation.met_by(actual, judge_status_as_outcome=offline)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="apiclient-check") as pool:
        return list(pool.map(one, cases))


def _gateway_config(matrix: Matrix) -> GatewayConfig:
    # The gateway package pulls in botocore's verifier: only matrices naming gateway users pay for it.
    from apiclient.gateway import load_config, sample_config  # noqa: PLC0415

    if matrix.gateway_config in (None, "sample"):
        return sample_config()
    return load_config(matrix.base_dir / matrix.gateway_config)


def _sample_user(config: GatewayConfig, identity: IdentitySpec) -> User:
    user = next((u for u in config.users if u.name == identity.sample), None)
    if user is None:
        known = ", ".join(u.name for u in config.users)
        raise ConfigError(
            f"no user {identity.sample!r} in the gateway configuration (known: {known})",
            f"identities.{identity.name}.sample",
        )
    return user


def _provider(
    matrix: Matrix,
    identity: IdentitySpec,
    made: dict[str, CredentialProvider | None],
    config: GatewayConfig | None,
) -> CredentialProvider | None:
    """The identity's provider (None: unsigned); a role's source is built once and shared."""
    if identity.name in made:
        return made[identity.name]
    provider: CredentialProvider | None = None
    if identity.profile is not None:
        provider = credentials.from_profile(identity.profile)
    elif identity.access_key is not None and identity.secret_key is not None:
        provider = credentials.static(identity.access_key, identity.secret_key, identity.token)
    elif identity.sample is not None and config is not None:
        user = _sample_user(config, identity)
        if not user.access_keys:
            raise ConfigError(f"gateway user {user.name!r} has no access key", f"identities.{identity.name}")
        key = user.access_keys[0]
        provider = credentials.static(key.access_key_id, key.secret_access_key)
    elif identity.role_arn is not None:
        source = (
            _provider(matrix, matrix.identities[identity.source], made, config) if identity.source else None
        )
        provider = credentials.assume_role(
            identity.role_arn,
            source=source,
            external_id=identity.external_id,
            session_name=identity.session_name,
            duration_seconds=identity.duration or 3600,
            sts_endpoint_url=matrix.sts_endpoint_url,
            region=matrix.region,
        )
    made[identity.name] = provider
    return provider


def _unsigned_session(matrix: Matrix) -> requests.Session:
    """A session for anonymous cells, routed like the signed ones."""
    session = requests.Session()
    if matrix.connect_to is not None:
        session.mount(matrix.url, ConnectToAdapter(matrix.url, matrix.connect_to))
    return session


def _call(client: Client | requests.Session, matrix: Matrix, request: RequestSpec) -> requests.Response:
    url = matrix.url.rstrip("/") + request.path
    headers = dict(request.headers)
    if isinstance(client, Client):
        return client.request(request.method, url, headers=headers)
    return client.request(request.method, url, headers=headers, timeout=(5, 30), allow_redirects=False)


def online_judge(matrix: Matrix) -> Judge:
    """Call the API once per cell as the cell's identity; identities are resolved first, in order.

    Raises:
        ConfigError, CredentialsError: an identity cannot be built (before any call is made).
    """
    made: dict[str, CredentialProvider | None] = {}
    needs_config = any(identity.sample is not None for identity in matrix.identities.values())
    config = _gateway_config(matrix) if needs_config else None
    clients: dict[str, Client | requests.Session] = {}
    for identity in matrix.identities.values():
        provider = _provider(matrix, identity, made, config)
        clients[identity.name] = (
            _unsigned_session(matrix)
            if provider is None
            else Client(
                matrix.url,
                credentials=provider,
                region=matrix.region,
                connect_to=matrix.connect_to,
                allow_http=matrix.allow_http,
            )
        )

    def judge(case: Case) -> Actual:
        try:
            response = _call(clients[case.identity.name], matrix, case.request)
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
            return Actual("error", error=one_line(error))
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


def cause_of(decision: Decision, anonymous: bool, authorization: str = "AWS_IAM") -> str | None:
    """The cause API Gateway's answer would give for this decision (errors.md observations 3-4)."""
    if decision.allowed:
        return None
    if anonymous and authorization == "AWS_IAM":
        return "missing_auth_or_route"  # an unsigned call to an AWS_IAM method (errors.md, first row)
    if decision.result == "EXPLICIT_DENY":
        return "explicit_deny_resource_policy" if anonymous else "explicit_deny"
    return "no_allow"


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
        policies: list[Any] = [read_policy_file(Path(p)) for p in identity.identity_policies]
        if identity.sample is not None and config is not None:
            user = _sample_user(config, identity)
            principal = principal or user.arn
            policies += [dict(p) for p in user.policies]
        role = config.role_by_arn(identity.role_arn) if config is not None and identity.role_arn else None
        if role is not None:
            # aws:PrincipalArn of a role session is the role's ARN (policy-semantics.md).
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
    target = parse_target(matrix.url, region=matrix.region)
    config = _gateway_config(matrix) if matrix.gateway_config is not None else None
    api = next((a for a in config.apis if a.id == target.api_id), None) if config is not None else None
    resource_policy: Any = None
    if matrix.resource_policy is not None:
        resource_policy = read_policy_file(matrix.resource_policy)
    elif api is not None and api.resource_policy is not None:
        resource_policy = dict(api.resource_policy)
    owner = matrix.api_owner_account or (api.account if api is not None else None)
    if owner is None:
        raise ConfigError("is required for --offline (the account that owns the API)", "api_owner_account")
    callers = _offline_callers(matrix, config)
    now = _dt.datetime.now(_dt.timezone.utc)

    def judge(case: Case) -> Actual:
        principal, identity_policies = callers[case.identity.name]
        authorization = (
            case.request.authorization
            or _route_authorization(api, case.request.method, case.request.path)
            or "AWS_IAM"
        )
        request = AccessRequest(
            principal_arn=principal,
            principal_account=principal_account(principal),
            api_owner_account=owner,
            source_ip=_source_ip(matrix, case),
            method=case.request.method,
            stage=target.stage,
            path=case.request.path,
            api_id=target.api_id,
            region=target.region,
            current_time=now,
            partition=target.partition,
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
            cause_of(decision, principal is None, authorization),
            explanation.splitlines()[0],
            explanation,
            decision.to_dict(),
        )

    return judge
