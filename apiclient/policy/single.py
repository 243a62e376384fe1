"""``evaluate``: one policy, any action (e.g. ``sts:AssumeRole`` against a role trust policy)."""

from __future__ import annotations

from datetime import datetime, timezone

from apiclient.errors import PolicyError
from apiclient.policy.arns import Arn, caller_of
from apiclient.policy.context import ContextKeys, extra_keys, global_keys, parse_time
from apiclient.policy.decision import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    Details,
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
from apiclient.policy.lint import lint_policy, padded_cidrs
from apiclient.policy.matching import shorthand_base
from apiclient.policy.parse import PolicyInput, parse_policy
from apiclient.policy.readings import CIDR_WHITESPACE, QUESTIONS, Alternative, Readings
from apiclient.policy.trace import PolicyOutcome, Side

_RESULTS = {"ALLOW": ALLOW, "DENY": EXPLICIT_DENY, "NEITHER": IMPLICIT_DENY}


def evaluate(
    policy: PolicyInput,
    *,
    action: str,
    resource: str,
    principal_arn: str | None,
    principal_account: str | None = None,
    context_keys: ContextKeys | None = None,
    current_time: datetime | str | None = None,
    source_ip: str | None = None,
    policy_name: str = "policy",
) -> Decision:
    """Evaluate a single policy for one request; statements without Principal apply to everyone.

    Raises:
        PolicyError: a malformed policy or argument.
    """
    for name, value in (("action", action), ("resource", resource)):
        if not isinstance(value, str) or not value:
            raise PolicyError("must be a non-empty string", name)
    parsed = parse_policy(policy, name=policy_name)
    caller = caller_of(principal_arn, principal_account)
    moment = parse_time(
        current_time if current_time is not None else datetime.now(timezone.utc), "current_time"
    )
    context = global_keys(caller, current_time=moment, source_ip=source_ip)
    context.update(extra_keys(context_keys))
    arn = Arn.parse(resource)
    request = EvalRequest(
        action, resource, caller, context, shorthand_base(resource), arn.account if arn else None
    )

    def run(readings: Readings, consulted: set[str]) -> PolicyOutcome:
        return evaluate_policy(
            parsed, request, kind=ANY_POLICY, label=policy_name, readings=readings, consulted=consulted
        )

    consulted: set[str] = set()
    outcome = run(Readings(), consulted)
    result = _RESULTS[outcome.outcome]
    alternatives = []
    warnings = []
    for question in sorted(consulted):
        other = _RESULTS[run(Readings().flipped(question), set()).outcome]
        text, first, second = QUESTIONS[question]
        if other != result:
            alternatives.append(Alternative(text, first, second, other))
        if question == CIDR_WHITESPACE:
            padded = tuple(padded_cidrs(parsed))
            warnings.append(ReadingWarning(text, padded, first, second, result, other))
    names_principals = any(s.principal or s.not_principal for s in parsed.statements)
    side = Side(
        policy_name,
        policy_name,
        RESOURCE_POLICY if names_principals else IDENTITY_POLICY,
        outcome.outcome,
        [outcome],
    )
    fixes = fixes_for(
        result,
        [side],
        needs=[side] if result == IMPLICIT_DENY else [],
        action=action,
        resource=resource,
        caller=caller,
        context=context,
    )
    deciding = outcome.denies if result == EXPLICIT_DENY else outcome.allows
    verb = "allows" if result == ALLOW else "denies" if outcome.denies else "does not allow"
    steps = [f"The {policy_name} {verb} the request."]

    def lint() -> list[LintWarning]:
        return lint_policy(parsed, kind=side.kind)

    return Decision(
        result,
        action,
        resource,
        principal_arn,
        list(deciding),
        steps,
        alternatives,
        warnings,
        details_source=lambda: Details(
            outcome.traces,
            outcome.missing_keys,
            fixes,
            fixes_all_required=len(fixes) > 1 and all(fix.groups == len(fixes) for fix in fixes),
            needs=[side] if result == IMPLICIT_DENY else [],
        ),
        lint_source=lint,
    )
