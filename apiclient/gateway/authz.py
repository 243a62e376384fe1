"""Authorization decisions, delegated to ``apiclient.policy``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from apiclient.gateway.config import Policy, Role
from apiclient.gateway.identities import Principal
from apiclient.gateway.routing import RouteMatch
from apiclient.policy import AccessRequest, authorize, evaluate

__all__ = ["ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY", "authorize_assume", "authorize_invoke"]

ALLOW, EXPLICIT_DENY, IMPLICIT_DENY = "ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY"


def authorize_invoke(
    match: RouteMatch,
    method: str,
    principal: Principal | None,
    *,
    source_ip: str,
    now: dt.datetime,
    secure: bool,
    request_keys: Mapping[str, str],
) -> str:
    """API Gateway's workflow for ``execute-api:Invoke``: ALLOW, EXPLICIT_DENY or IMPLICIT_DENY.

    Args:
        principal: the verified caller, or None for a ``NONE`` route (anonymous).
        request_keys: condition keys taken from the request headers (aws:UserAgent, aws:Referer).
    """
    api = match.api
    request = AccessRequest(
        principal_arn=principal.arn if principal else None,
        principal_account=principal.account if principal else None,
        api_owner_account=api.account,
        source_ip=source_ip,
        method=method,
        stage=match.stage,
        path=match.path,
        api_id=api.id,
        region=api.region,
        current_time=now,
        principal_org_id=principal.organization_id if principal else None,
        secure_transport=secure,
        endpoint_type=api.endpoint_type,
        context_keys=dict(request_keys),
        principal_tags=dict(principal.tags) if principal else {},
    )
    decision = authorize(
        request,
        resource_policy=api.resource_policy,
        identity_policies=principal.policies if principal else (),
        authorization=match.route.authorization,
    )
    return str(decision.result)


def authorize_assume(
    role: Role,
    action: str,
    *,
    principal_arn: str,
    principal_account: str | None,
    identity_policies: tuple[Policy, ...] | None,
    context_keys: Mapping[str, Any],
    source_ip: str,
    now: dt.datetime,
) -> str:
    """May ``principal_arn`` perform ``action`` (sts:AssumeRole...) on ``role``?

    The trust policy must allow and no policy may deny. ``identity_policies`` is None for a federated
    caller, which has none. A caller from another account also needs an
    Allow in its own identity policies [IAM:reference_policies_evaluation-logic-cross-account]; within
    the account the trust policy's Allow is taken as enough (a simplification: IAM asks for an identity
    Allow too when the trust policy names only the account).
    """

    def result(policy: Policy) -> str:
        decision = evaluate(
            policy,
            action=action,
            resource=role.arn,
            principal_arn=principal_arn,
            principal_account=principal_account,
            context_keys=dict(context_keys),
            current_time=now,
            source_ip=source_ip,
        )
        return str(decision.result)

    trust = result(role.trust_policy)
    identity = [result(policy) for policy in identity_policies or ()]
    if EXPLICIT_DENY in (trust, *identity):
        return EXPLICIT_DENY
    if trust != ALLOW:
        return IMPLICIT_DENY
    if identity_policies is not None and principal_account != role.account and ALLOW not in identity:
        return IMPLICIT_DENY
    return ALLOW
