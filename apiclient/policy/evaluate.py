"""Evaluating one policy against one request, statement by statement, with a trace.

Within a policy an applicable Deny beats an applicable Allow; with neither the
policy is silent ("NEITHER") [IAM:reference_policies_evaluation-logic].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from apiclient.policy.arns import Caller
from apiclient.policy.compiled import compiled
from apiclient.policy.conditions import check
from apiclient.policy.matching import (
    action_element,
    not_principal_element,
    principal_element,
    resource_element,
    resource_matches,
)
from apiclient.policy.model import Policy, Statement
from apiclient.policy.readings import Readings
from apiclient.policy.trace import ElementResult, PolicyOutcome, StatementRef, StatementTrace

RESOURCE_POLICY = "resource"
IDENTITY_POLICY = "identity"
ANY_POLICY = "any"


@dataclass(frozen=True, slots=True)
class EvalRequest:
    """The request as one policy sees it.

    ``shorthand_base`` expands ``execute-api:/`` entries (None where the shorthand
    does not apply); ``owner_account`` is the resource owner's account, used by the
    account-principal question in readings.py.
    """

    action: str
    resource: str
    caller: Caller
    context: Mapping[str, tuple[str, ...]]
    shorthand_base: str | None = None
    owner_account: str | None = None


def evaluate_policy(
    policy: Policy,
    request: EvalRequest,
    *,
    kind: str = ANY_POLICY,
    label: str | None = None,
    readings: Readings | None = None,
    consulted: set[str] | None = None,
    detail: bool = True,
) -> PolicyOutcome:
    """Evaluate every statement; ``kind`` says how Principal is read (resource, identity or any).

    With ``detail=False`` only the statements the policy's index leaves are matched, each
    stopping at its first element that does not match (the verdict is the same; there is no
    trace and missing keys are not collected): the fast path ``authorize`` takes before a
    trace is asked for. ``detail=True`` matches every element of every statement.
    """
    readings = readings or Readings()
    consulted = consulted if consulted is not None else set()
    if not detail:
        return _verdict(policy, request, kind, label or policy.name, readings=readings, consulted=consulted)
    outcome = PolicyOutcome(label or policy.name, "NEITHER", document=policy)
    missing: dict[str, None] = {}
    for statement in policy.statements:
        trace = _statement(
            statement,
            policy,
            request,
            kind=kind,
            label=outcome.policy,
            readings=readings,
            consulted=consulted,
        )
        outcome.traces.append(trace)
        if trace.applies:
            (outcome.allows if statement.effect == "Allow" else outcome.denies).append(trace.ref)
        elif all(e.matched for e in trace.elements if not e.element.startswith("Condition")):
            missing.update(dict.fromkeys(trace.missing_keys))
    outcome.missing_keys = list(missing)
    outcome.outcome = "DENY" if outcome.denies else "ALLOW" if outcome.allows else "NEITHER"
    return outcome


def _verdict(
    policy: Policy, request: EvalRequest, kind: str, label: str, *, readings: Readings, consulted: set[str]
) -> PolicyOutcome:
    """The fast path: the index's candidates, each matched until its first element that fails.

    Principal, Resource, then the conditions in order, as the full pass reads them: an open question
    (``consulted``) is met wherever its answer could change the verdict, and a padded CIDR exactly
    where a statement that otherwise matches reaches it.
    """
    outcome = PolicyOutcome(label, "NEITHER", document=policy)
    context = request.context
    named = None if kind == IDENTITY_POLICY else request.caller
    index = compiled(policy)
    for statement in index.candidates(request.action, request.resource, request.shorthand_base, named):
        if not _principal(statement, request, kind, readings, consulted, detail=False).matched:
            continue
        if statement.resources is not None:
            if not resource_matches(statement.resources, request.resource, request.shorthand_base, context):
                continue
        elif statement.not_resources is not None and resource_matches(
            statement.not_resources, request.resource, request.shorthand_base, context
        ):
            continue
        if all(
            check(
                condition,
                context,
                variables=policy.variables_enabled,
                readings=readings,
                consulted=consulted,
            ).holds
            for condition in statement.conditions
        ):
            ref = StatementRef(label, statement.index, statement.sid, statement.effect)
            (outcome.allows if statement.effect == "Allow" else outcome.denies).append(ref)
    outcome.outcome = "DENY" if outcome.denies else "ALLOW" if outcome.allows else "NEITHER"
    return outcome


def _statement(
    statement: Statement,
    policy: Policy,
    request: EvalRequest,
    *,
    kind: str,
    label: str,
    readings: Readings,
    consulted: set[str],
) -> StatementTrace:
    ref = StatementRef(label, statement.index, statement.sid, statement.effect)
    elements = [_principal(statement, request, kind, readings, consulted, detail=True)]
    if statement.actions is not None:
        matched, reason = action_element(statement.actions, request.action)
        elements.append(ElementResult("Action", matched, reason))
    elif statement.not_actions is not None:
        matched, reason = action_element(statement.not_actions, request.action)
        elements.append(ElementResult("NotAction", not matched, reason))
    if statement.resources is not None:
        matched, reason = resource_element(
            statement.resources, request.resource, request.shorthand_base, request.context
        )
        elements.append(ElementResult("Resource", matched, reason))
    elif statement.not_resources is not None:
        matched, reason = resource_element(
            statement.not_resources, request.resource, request.shorthand_base, request.context
        )
        elements.append(ElementResult("NotResource", not matched, reason))
    missing = []
    for condition in statement.conditions:
        result = check(
            condition,
            request.context,
            variables=policy.variables_enabled,
            readings=readings,
            consulted=consulted,
        )
        elements.append(
            ElementResult(
                f"Condition {condition.operator} {condition.key}",
                result.holds,
                result.reason,
                condition.operator,
                condition.key,
            )
        )
        if result.missing_key:
            missing.append(condition.key)
    applies = all(element.matched for element in elements)
    return StatementTrace(ref, applies, tuple(elements), tuple(missing))


def _principal(
    statement: Statement,
    request: EvalRequest,
    kind: str,
    readings: Readings,
    consulted: set[str],
    *,
    detail: bool,
) -> ElementResult:
    context = request.context
    if kind == IDENTITY_POLICY:
        return ElementResult(
            "Principal", True, "an identity policy applies to the identity it is attached to"
        )
    if statement.not_principal is not None:
        match = not_principal_element(statement.not_principal, request.caller, context, readings, consulted)
        return ElementResult("NotPrincipal", match.matched, match.reason)
    if statement.principal is None:
        if kind == RESOURCE_POLICY:
            return ElementResult(
                "Principal", False, "a resource-policy statement without Principal applies to no one"
            )
        return ElementResult("Principal", True, "no Principal element: the statement applies to its holder")
    match = principal_element(
        statement.principal, request.caller, context, readings, consulted, explain=detail
    )
    same_account = request.owner_account is not None and request.caller.account == request.owner_account
    if match.via_account and same_account and kind == RESOURCE_POLICY and statement.effect == "Allow":
        consulted.add("account_principal_direct_grant")
        if not readings.account_principal_direct_grant:
            return ElementResult(
                "Principal",
                False,
                match.reason + ", but an account principal only delegates "
                "to that account's identity policies (alternative reading)",
            )
    return ElementResult("Principal", match.matched, match.reason)
