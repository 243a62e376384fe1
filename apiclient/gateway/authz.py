"""Authorization decisions, delegated to ``apiclient.policy``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apiclient.gateway.config import Api, Policy, Role
from apiclient.gateway.identities import Principal
from apiclient.gateway.routing import RouteMatch
from apiclient.policy import AccessRequest, Decision, IdentityPolicy, action_for, authorize, evaluate
from apiclient.policy.actions import INVOKE

__all__ = [
    "ALLOW",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "Call",
    "authorize_assume",
    "authorize_call",
    "authorize_invoke",
]

ALLOW, EXPLICIT_DENY, IMPLICIT_DENY = "ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY"


@dataclass(frozen=True)
class Call:
    """What is authorized: a method and path on a stage, a WebSocket route, or an ``@connections`` call."""

    api: Api
    stage: str
    method: str
    path: str
    authorization: str = "AWS_IAM"
    route_key: str | None = None

    @property
    def action(self) -> str:
        """``execute-api:ManageConnections`` for a WebSocket API's ``@connections`` API, else Invoke."""
        if self.api.type == "WEBSOCKET" and self.route_key is None:
            return action_for(self.path)
        return INVOKE

    def arn(self) -> str:
        """The resource ARN the call is authorized against (as refusals print it)."""
        api = self.api
        prefix = f"arn:aws:execute-api:{api.region}:{api.account}:{api.id}/{self.stage}"
        return f"{prefix}/{self.route_key}" if self.route_key else f"{prefix}/{self.method}{self.path}"


def authorize_call(
    call: Call,
    principal: Principal | None,
    *,
    group_policies: tuple[IdentityPolicy, ...] = (),
    source_ip: str,
    now: dt.datetime,
    secure: bool,
    request_keys: Mapping[str, str],
) -> Decision:
    """API Gateway's workflow for the call's action (``execute-api:Invoke`` or ``ManageConnections``).

    Args:
        principal: the verified caller, or None for a ``NONE`` route (anonymous).
        group_policies: the policies of the caller's IAM groups, labelled for traces.
        request_keys: condition keys taken from the request headers (aws:UserAgent, aws:Referer).
    """
    api = call.api
    request = AccessRequest(
        principal_arn=principal.arn if principal else None,
        principal_account=principal.account if principal else None,
        api_owner_account=api.account,
        source_ip=source_ip,
        method=call.method,
        stage=call.stage,
        path=call.path,
        api_id=api.id,
        region=api.region,
        current_time=now,
        principal_org_id=principal.organization_id if principal else None,
        secure_transport=secure,
        endpoint_type=api.endpoint_type,
        context_keys=dict(request_keys),
        principal_tags=dict(principal.tags) if principal else {},
        action=call.action,
        route_key=call.route_key,
        api_type=api.type,
    )
    identity: list[Any] = [*principal.policies, *group_policies] if principal else []
    return authorize(
        request,
        # Only REST APIs have resource policies (the configuration refuses one elsewhere).
        resource_policy=api.resource_policy if api.type == "REST" else None,
        identity_policies=identity,
        authorization=call.authorization,
    )


def authorize_invoke(
    match: RouteMatch,
    method: str,
    principal: Principal | None,
    *,
    source_ip: str,
    now: dt.datetime,
    secure: bool,
    request_keys: Mapping[str, str],
    group_policies: tuple[IdentityPolicy, ...] = (),
) -> str:
    """API Gateway's workflow for ``execute-api:Invoke`` on a matched route: ALLOW, EXPLICIT_DENY or
    IMPLICIT_DENY."""
    call = Call(match.api, match.stage, method, match.path, match.route.authorization)
    decision = authorize_call(
        call,
        principal,
        group_policies=group_policies,
        source_ip=source_ip,
        now=now,
        secure=secure,
        request_keys=request_keys,
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
