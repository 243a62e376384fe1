"""The offline judge of ``check --offline``: each cell decided by the policy engine; nothing is called."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apiclient.cli.matrix import Actual, Case, Matrix
from apiclient.cli.matrix_run import Judge, gateway_config, sample_user
from apiclient.cli.policies import read_policy_file
from apiclient.cli.target import parse_target, principal_account
from apiclient.errors import ConfigError
from apiclient.policy import AccessRequest, Decision, authorize

if TYPE_CHECKING:
    from apiclient.gateway.config import Api, GatewayConfig

__all__ = ["cause_of", "offline_judge"]


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
            user = sample_user(config, identity)
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
    config = gateway_config(matrix) if matrix.gateway_config is not None else None
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
