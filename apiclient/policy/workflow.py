"""API Gateway's authorization workflows and its outcome Tables A and B [AG:apigateway-authorization-flow].

HTTP APIs have no resource policies ("Control access to HTTP APIs with IAM authorization"): for
one, a resource policy given is reported as not applicable and identity policies alone decide;
a caller from another account cannot be granted access at all, only a role in the API owner's
account ("How can I provide cross-account IAM authorization for API Gateway HTTP APIs?").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from apiclient.errors import PolicyError
from apiclient.policy.actions import MANAGE_CONNECTIONS
from apiclient.policy.arns import Caller, caller_of
from apiclient.policy.context import AccessRequest, request_context
from apiclient.policy.decision import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    Details,
    Fix,
    LintWarning,
    ReadingWarning,
)
from apiclient.policy.evaluate import (
    ANY_POLICY,
    IDENTITY_POLICY,
    RESOURCE_POLICY,
    EvalRequest,
    evaluate_policy,
)
from apiclient.policy.fixes import fixes_for
from apiclient.policy.identity import IdentityPolicyInput, NamedPolicy, named_policies
from apiclient.policy.lint import lint_policy, padded_cidrs
from apiclient.policy.model import Policy
from apiclient.policy.parse import PolicyInput, parse_policy
from apiclient.policy.readings import CIDR_WHITESPACE, QUESTIONS, Alternative, Readings
from apiclient.policy.trace import Side, StatementRef

AUTHORIZATIONS = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
HTTP_API_NO_RESOURCE_POLICY = "HTTP APIs do not support resource policies"
_AUTHORIZER_WORDS = {"ALLOW": "ALLOW", "DENY": "DENY", "NONE": "NEITHER"}


def combine(identity: str, resource: str, *, same_account: bool) -> str:
    """Table A (same account) or Table B (cross account): any Deny wins; then union or intersection."""
    if "DENY" in (identity, resource):
        return EXPLICIT_DENY
    if same_account:
        return ALLOW if "ALLOW" in (identity, resource) else IMPLICIT_DENY
    return ALLOW if identity == resource == "ALLOW" else IMPLICIT_DENY


@dataclass
class _Run:
    result: str
    steps: list[str]
    sides: list[Side]
    needs: list[Side] = field(default_factory=list)
    consulted: set[str] = field(default_factory=set)
    all_needed: bool = False
    # A cross-account call to an HTTP API: no policy edit can allow it (see the module docstring).
    cross_account_http: bool = False


def _side(
    name: str,
    where: str,
    kind: str,
    policies: list[Policy] | list[NamedPolicy],
    request: EvalRequest,
    *,
    readings: Readings,
    consulted: set[str],
    detail: bool,
) -> Side:
    outcomes = []
    for item in policies:
        policy = item.policy if isinstance(item, NamedPolicy) else item
        evaluated = evaluate_policy(
            policy, request, kind=kind, readings=readings, consulted=consulted, detail=detail
        )
        if isinstance(item, NamedPolicy) and item.group is not None:
            # A group's policy is shared: editing it changes every member's access.
            evaluated.where = (
                f"group {item.group} in account {request.caller.account} (shared by every member)"
            )
        outcomes.append(evaluated)
    verdicts = {outcome.outcome for outcome in outcomes}
    outcome = "DENY" if "DENY" in verdicts else "ALLOW" if "ALLOW" in verdicts else "NEITHER"
    return Side(name, where, kind, outcome, outcomes)


@dataclass(frozen=True)
class _Inputs:
    request: AccessRequest
    resource_policy: Policy | None
    identity: list[NamedPolicy]
    authorization: str
    authorizer: Policy | str | None
    detail: bool = False  # evaluate every element of every statement, for the trace
    # A resource policy given for an HTTP API, which has none: reported, never evaluated.
    ignored_resource_policy: Policy | None = None

    @property
    def identity_policies(self) -> list[Policy]:
        return [named.policy for named in self.identity]


def authorize(
    request: AccessRequest,
    *,
    resource_policy: PolicyInput | None,
    identity_policies: Iterable[IdentityPolicyInput] = (),
    authorization: str = "AWS_IAM",
    authorizer_result: PolicyInput | str | None = None,
) -> Decision:
    """Decide an execute-api call as API Gateway would, with a trace and fixes.

    The action is ``request.action`` (``execute-api:Invoke`` or ``execute-api:ManageConnections``)
    on ``request.resource_arn``. For ``request.api_type == "HTTP"`` a resource policy given is
    reported as not applicable and identity policies alone decide.

    Args:
        request: the call.
        resource_policy: the API's resource policy (dict, JSON text, Policy) or None.
        identity_policies: the caller's identity policies (used with AWS_IAM): each a policy, an
            ``IdentityPolicy`` or a ``(label, policy)`` pair; the label names it in traces and
            fixes (``"group ReadOnly-Group policy 1"``), plain ones are ``identity policy {n}``.
        authorization: the method's authorization type: NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS.
        authorizer_result: CUSTOM/COGNITO: "ALLOW", "DENY", "NONE", or (CUSTOM) the Lambda authorizer's
            policy document. Cognito defaults to "ALLOW" (authenticated).

    Raises:
        PolicyError: a malformed policy or argument (``.path`` names it).
    """
    if authorization not in AUTHORIZATIONS:
        raise PolicyError(
            f"must be one of {', '.join(AUTHORIZATIONS)}, not {authorization!r}", "authorization"
        )
    if not isinstance(request, AccessRequest):
        raise PolicyError("must be an AccessRequest", "request")
    resource = parse_policy(resource_policy, name="resource policy") if resource_policy is not None else None
    http_api = request.api_type == "HTTP"
    inputs = _Inputs(
        request,
        None if http_api else resource,
        named_policies(identity_policies),
        authorization,
        _authorizer(authorization, authorizer_result),
        ignored_resource_policy=resource if http_api else None,
    )
    primary = _decide(inputs, Readings())
    alternatives = []
    warnings = []
    for question in sorted(primary.consulted):
        other = _decide(inputs, Readings().flipped(question))
        text, first, second = QUESTIONS[question]
        if other.result != primary.result:
            alternatives.append(Alternative(text, first, second, other.result))
        if question == CIDR_WHITESPACE:
            # Said wherever such a value decides anything, even when both readings agree.
            padded = [
                value
                for policy in (inputs.resource_policy, *inputs.identity_policies)
                if policy is not None
                for value in padded_cidrs(policy)
            ]
            warnings.append(ReadingWarning(text, tuple(padded), first, second, primary.result, other.result))
    return _decision(inputs, primary, alternatives, warnings)


def _authorizer(authorization: str, result: PolicyInput | str | None) -> Policy | str | None:
    if authorization == "COGNITO_USER_POOLS":
        result = "ALLOW" if result is None else result
    if authorization not in ("CUSTOM", "COGNITO_USER_POOLS"):
        return None
    if isinstance(result, str) and result.upper() in _AUTHORIZER_WORDS:
        return _AUTHORIZER_WORDS[result.upper()]
    if result is None:
        raise PolicyError(
            "a CUSTOM authorizer needs its outcome: ALLOW, DENY, NONE or a policy document",
            "authorizer_result",
        )
    if authorization == "COGNITO_USER_POOLS":
        raise PolicyError("a Cognito outcome is ALLOW, DENY or NONE", "authorizer_result")
    return parse_policy(result, name="authorizer policy")


def _decide(inputs: _Inputs, readings: Readings) -> _Run:
    request = inputs.request
    iam = inputs.authorization == "AWS_IAM"
    caller = request.caller if iam else caller_of(None, None)
    context = request_context(request, anonymous=not iam)
    eval_request = EvalRequest(
        request.action, request.resource_arn, caller, context, request.api_arn, request.api_owner_account
    )
    consulted: set[str] = set()
    resource = _side(
        "resource policy",
        f"resource policy in account {request.api_owner_account}",
        RESOURCE_POLICY,
        [inputs.resource_policy] if inputs.resource_policy else [],
        eval_request,
        readings=readings,
        consulted=consulted,
        detail=inputs.detail,
    )
    steps = _flavour_steps(inputs)
    if inputs.ignored_resource_policy is not None:
        steps.append(
            f"{HTTP_API_NO_RESOURCE_POLICY}: the resource policy given is not applicable and is not "
            "evaluated; identity policies alone decide."
        )
    elif request.api_type == "HTTP":
        steps.append("HTTP APIs have no resource policy: identity policies alone decide.")
    else:
        steps.append(_said(resource) if inputs.resource_policy else "No resource policy is attached.")
    if inputs.resource_policy is None and request.endpoint_type == "PRIVATE":
        steps.append(
            "A private API refuses every call until a resource policy grants access "
            "[AG:apigateway-private-apis]."
        )
        return _Run(IMPLICIT_DENY, steps, [resource], [resource], consulted)
    if inputs.authorization == "NONE":
        run = _none(inputs, resource, steps)
    elif iam:
        run = _iam(inputs, caller, eval_request, resource, steps, readings=readings, consulted=consulted)
    else:
        run = _authorized(inputs, eval_request, resource, steps, readings=readings, consulted=consulted)
    if request.api_type == "HTTP" and not run.cross_account_http:
        # No resource policy can be added to an HTTP API: it is never the side a fix belongs on.
        run.needs = [side for side in run.needs if side is not resource]
    run.consulted |= consulted
    return run


def _flavour_steps(inputs: _Inputs) -> list[str]:
    """What the API type, stage and action mean for this evaluation, when they are not REST's usual."""
    request = inputs.request
    steps = []
    if request.route_key is not None:
        steps.append(
            f"WebSocket route {request.route_key}: its resource is {{api_id}}/{{stage}}/{{route_key}} "
            "and it is invoked as execute-api:Invoke."
        )
    elif request.action == MANAGE_CONNECTIONS:
        steps.append(
            "The @connections API of a WebSocket API is authorized as execute-api:ManageConnections "
            "on a REST-style resource ({stage}/{METHOD}/@connections/{connection_id})."
        )
    elif request.is_connections_call:
        steps.append(
            "This path is a WebSocket API's @connections API, which is authorized as "
            "execute-api:ManageConnections; this evaluation uses execute-api:Invoke as asked."
        )
    if request.stage == "$default":
        steps.append("Stage $default: an HTTP API's default stage, named $default in ARNs.")
    return steps


def _said(side: Side) -> str:
    words = {"ALLOW": "allow", "DENY": "deny", "NEITHER": "neither allow nor deny"}
    verb = words[side.outcome]
    if not side.name.endswith("policies"):
        verb = {"allow": "allows", "deny": "denies"}.get(verb, "neither allows nor denies")
    return f"The {side.name} {verb} the call."


def _none(inputs: _Inputs, resource: Side, steps: list[str]) -> _Run:
    steps.append(
        'Authorization NONE: the caller is not authenticated, so only Principal "*" statements apply, '
        "and an explicit Allow in the resource policy is needed when one exists."
    )
    if inputs.resource_policy is None:
        return _Run(ALLOW, steps, [resource])
    result = {"DENY": EXPLICIT_DENY, "ALLOW": ALLOW}.get(resource.outcome, IMPLICIT_DENY)
    return _Run(result, steps, [resource], [resource])


def _iam(
    inputs: _Inputs,
    caller: Caller,
    eval_request: EvalRequest,
    resource: Side,
    steps: list[str],
    *,
    readings: Readings,
    consulted: set[str],
) -> _Run:
    request = inputs.request
    if caller.kind == "anonymous":
        steps.append(
            "Authorization AWS_IAM needs a SigV4-signed request; an unsigned call is refused before any "
            "policy is read."
        )
        return _Run(IMPLICIT_DENY, steps, [resource])
    identity_request = EvalRequest(
        request.action, request.resource_arn, caller, eval_request.context, None, request.api_owner_account
    )
    identity = _side(
        "identity policies",
        f"identity policy of {caller.role_arn or caller.arn} in account {caller.account}",
        IDENTITY_POLICY,
        inputs.identity,
        identity_request,
        readings=readings,
        consulted=consulted,
        detail=inputs.detail,
    )
    steps.append(
        _said(identity)
        if inputs.identity_policies
        else "No identity policy was given, so the caller's identity side counts as silent."
    )
    same = caller.account == request.api_owner_account
    if not same and request.api_type == "HTTP":
        steps.append(
            f"Cross account (caller {caller.account}, API owner {request.api_owner_account}) on an HTTP API: "
            "with no resource policy to allow another account, the call is refused whatever the caller's "
            f"identity policies allow; call as a role in account {request.api_owner_account} instead."
        )
        result = EXPLICIT_DENY if identity.outcome == "DENY" else IMPLICIT_DENY
        return _Run(result, steps, [resource, identity], [resource], all_needed=True, cross_account_http=True)
    if same and request.api_type == "HTTP":
        steps.append(
            f"Same account ({caller.account}): an Allow in the identity policies is needed, any Deny wins."
        )
    elif same:
        steps.append(
            f"Same account ({caller.account}): either side allowing is enough, any Deny wins (Table A)."
        )
    else:
        steps.append(
            f"Cross account (caller {caller.account}, API owner {request.api_owner_account}): both the "
            "identity policy and the resource policy must allow, any Deny wins (Table B)."
        )
    result = combine(identity.outcome, resource.outcome, same_account=same)
    silent = [side for side in (resource, identity) if side.outcome == "NEITHER"]
    return _Run(result, steps, [resource, identity], silent, all_needed=not same)


def _authorized(
    inputs: _Inputs,
    eval_request: EvalRequest,
    resource: Side,
    steps: list[str],
    *,
    readings: Readings,
    consulted: set[str],
) -> _Run:
    cognito = inputs.authorization == "COGNITO_USER_POOLS"
    authorizer = _authorizer_side(inputs, eval_request, readings, consulted)
    if not cognito and resource.outcome == "DENY":
        steps.append(
            "Lambda authorizer: the resource policy's explicit Deny stops the call before the authorizer "
            "runs (pre-auth phase)."
        )
        return _Run(EXPLICIT_DENY, steps, [resource])
    steps.append(
        f"The {'Cognito user pool' if cognito else 'Lambda'} authorizer says {authorizer.outcome}; "
        "it is combined with the resource policy by Table A."
    )
    result = combine(authorizer.outcome, resource.outcome, same_account=True)
    needs = [side for side in (resource, authorizer) if side.outcome == "NEITHER"]
    if cognito and inputs.resource_policy is not None and result == ALLOW and resource.outcome == "NEITHER":
        consulted.add("cognito_explicit_allow_required")
        if readings.cognito_explicit_allow_required:
            steps.append(
                "Cognito: the resource policy must explicitly allow the call "
                "[AG:apigateway-authorization-flow]."
            )
            return _Run(IMPLICIT_DENY, steps, [resource, authorizer], [resource])
    return _Run(result, steps, [resource, authorizer], needs)


def _authorizer_side(
    inputs: _Inputs, eval_request: EvalRequest, readings: Readings, consulted: set[str]
) -> Side:
    where = "the authorizer's output"
    if isinstance(inputs.authorizer, Policy):
        return _side(
            "authorizer",
            where,
            ANY_POLICY,
            [inputs.authorizer],
            eval_request,
            readings=readings,
            consulted=consulted,
            detail=inputs.detail,
        )
    return Side("authorizer", where, ANY_POLICY, inputs.authorizer or "NEITHER")


def _decision(
    inputs: _Inputs, run: _Run, alternatives: list[Alternative], warnings: list[ReadingWarning]
) -> Decision:
    request = inputs.request
    refs: list[StatementRef] = []
    for side in run.sides:
        for outcome in side.policies:
            if run.result == EXPLICIT_DENY:
                refs += outcome.denies
            elif run.result == ALLOW:
                refs += outcome.allows
    return Decision(
        run.result,
        request.action,
        request.resource_arn,
        request.principal_arn,
        refs,
        run.steps,
        alternatives,
        warnings,
        details_source=lambda: _details(replace(inputs, detail=True)),
        lint_source=_lint_source(inputs),
    )


def _details(inputs: _Inputs) -> Details:
    """The full trace and the fixes: a second, exhaustive pass with the primary readings."""
    request = inputs.request
    run = _decide(inputs, Readings())
    traces = [trace for side in run.sides for outcome in side.policies for trace in outcome.traces]
    missing = list(dict.fromkeys(key for side in run.sides for o in side.policies for key in o.missing_keys))
    caller = request.caller if inputs.authorization == "AWS_IAM" else caller_of(None, None)
    if run.cross_account_http and run.result == IMPLICIT_DENY:
        fixes = [_role_in_owner_account(request, caller)]
    else:
        fixes = fixes_for(
            run.result,
            run.sides,
            needs=run.needs,
            all_needed=run.all_needed,
            action=request.action,
            resource=request.resource_arn,
            caller=caller,
            context=request_context(request),
        )
    return Details(
        traces,
        missing,
        fixes,
        fixes_all_required=len(fixes) > 1 and all(fix.groups == len(fixes) for fix in fixes),
        needs=run.needs if run.result == IMPLICIT_DENY else [],
        all_sides_needed=run.all_needed,
    )


def _role_in_owner_account(request: AccessRequest, caller: Caller) -> Fix:
    """The one way a caller from another account reaches an HTTP API: a role in the owner's account."""
    owner = request.api_owner_account
    return Fix(
        f"account {owner} (the API owner)",
        f"{HTTP_API_NO_RESOURCE_POLICY}, so no policy can allow a caller from account {caller.account}: "
        f"create a role in account {owner} that {caller.role_arn or caller.arn} may assume, give it this "
        f"identity policy, and call as that role",
        {"Effect": "Allow", "Action": request.action, "Resource": request.resource_arn},
    )


def _lint_source(inputs: _Inputs) -> Callable[[], list[LintWarning]]:
    def run() -> list[LintWarning]:
        request = inputs.request
        warnings = []
        if inputs.ignored_resource_policy is not None:
            warnings.append(
                LintWarning(
                    "resource-policy-not-applicable",
                    "",
                    f"{HTTP_API_NO_RESOURCE_POLICY}: this one is never evaluated; grant access with "
                    "identity policies",
                )
            )
        if inputs.resource_policy is not None:
            warnings += lint_policy(
                inputs.resource_policy,
                kind=RESOURCE_POLICY,
                endpoint_type=request.endpoint_type,
                api_id=request.api_id,
                region=request.region,
                account=request.api_owner_account,
            )
        for policy in inputs.identity_policies:
            warnings += lint_policy(policy, kind=IDENTITY_POLICY, endpoint_type=request.endpoint_type)
        return warnings

    return run
