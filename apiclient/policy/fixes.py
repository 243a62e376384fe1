"""The smallest change that would flip a refusal, and the account it belongs in (issue 3, Deliver 6)."""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping
from typing import Any

from apiclient.policy.arns import Caller
from apiclient.policy.decision import EXPLICIT_DENY, IMPLICIT_DENY, Fix
from apiclient.policy.evaluate import RESOURCE_POLICY
from apiclient.policy.matching import shorthand_base
from apiclient.policy.parse import SHORTHAND_PREFIX
from apiclient.policy.trace import ElementResult, PolicyOutcome, Side, StatementTrace


def fixes_for(
    result: str,
    sides: list[Side],
    *,
    needs: list[Side],
    action: str,
    resource: str,
    caller: Caller,
    context: Mapping[str, tuple[str, ...]],
) -> list[Fix]:
    """Fixes for a refusal. ``needs`` are the silent sides whose Allow would flip an implicit deny."""
    if result == EXPLICIT_DENY:
        return [
            _undeny(side, outcome, trace)
            for side in sides
            for outcome in side.policies
            for trace in outcome.traces
            if trace.applies and trace.ref.effect == "Deny"
        ]
    if result != IMPLICIT_DENY:
        return []
    changes: list[Fix] = []
    additions: list[Fix] = []
    for side in needs:
        near = [
            fix
            for outcome in side.policies
            for fix in _near_miss(
                side, outcome, action=action, resource=resource, caller=caller, context=context
            )
        ]
        changes.extend(near)
        if not near:
            additions.append(_new_statement(side, action, resource, caller, context))
    # Least privilege first: among edits to existing statements, the one whose statement grants
    # the least (a named principal, few wildcards) is the smallest fix; a change to an existing
    # statement still comes before a new one, as it keeps the author's structure.
    changes.sort(key=_breadth)
    return changes + additions


def _breadth(fix: Fix) -> tuple[int, int]:
    """How widely the changed statement grants: (who may use it, how many wildcards it holds)."""
    statement = fix.statement or {}
    principal = statement.get("Principal")
    values: list[Any] = []
    if principal == "*":
        values = ["*"]
    elif isinstance(principal, dict):
        for entry in principal.values():
            values.extend(entry if isinstance(entry, list) else [entry])
    if "*" in values:
        who = 2  # anyone, anonymous callers included
    elif any(str(v).isdigit() or str(v).endswith(":root") for v in values):
        who = 1  # every principal of an account
    else:
        who = 0  # named principals, or an identity policy (its own principal)
    granted = [statement.get(key) for key in ("Action", "NotAction", "Resource", "NotResource")]
    wildcards = sum(str(item).count("*") for value in granted for item in _items(value))
    wildcards += 10 * sum(key in statement for key in ("NotAction", "NotResource"))
    return who, wildcards


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _undeny(side: Side, outcome: PolicyOutcome, trace: StatementTrace) -> Fix:
    conditions = [e.reason for e in trace.elements if e.operator is not None]
    why = "; ".join(conditions) if conditions else "it applies to every such request (no condition)"
    return Fix(
        side.where,
        f"{trace.ref} denies the call ({why}); narrow or remove that statement, or send the "
        "call so its conditions no longer hold",
    )


def _principal_value(caller: Caller) -> str:
    return caller.role_arn or caller.arn or "*"


def _new_statement(
    side: Side, action: str, resource: str, caller: Caller, context: Mapping[str, tuple[str, ...]]
) -> Fix:
    statement: dict[str, Any] = {"Effect": "Allow"}
    if side.kind == RESOURCE_POLICY:
        statement = {"Sid": "AllowCaller", **statement, "Principal": {"AWS": _principal_value(caller)}}
    statement.update({"Action": action, "Resource": resource})
    vpce = context.get("aws:sourcevpce")
    if side.kind == RESOURCE_POLICY and caller.arn is None and vpce:
        # An anonymous grant through a VPC endpoint is narrowed to that endpoint [AG:apigateway-private-apis].
        statement["Condition"] = {"StringEquals": {"aws:SourceVpce": vpce[0]}}
    text = f"add an Allow statement for {action} on {resource}"
    if side.name == "authorizer":
        text = f"the authorizer must return a policy that allows {action} on {resource}"
    return Fix(side.where, text, statement)


def _near_miss(
    side: Side,
    outcome: PolicyOutcome,
    *,
    action: str,
    resource: str,
    caller: Caller,
    context: Mapping[str, tuple[str, ...]],
) -> list[Fix]:
    fixes = []
    for trace in outcome.traces:
        failed = trace.failed
        if trace.ref.effect != "Allow" or len(failed) != 1 or outcome.document is None:
            continue
        source = outcome.document.statements[trace.ref.index].source
        fix = _change(
            side, trace, failed[0], source, action=action, resource=resource, caller=caller, context=context
        )
        if fix is not None:
            fixes.append(fix)
    return fixes


def _add(statement: dict[str, Any], path: list[str], value: str) -> None:
    holder = statement
    for part in path[:-1]:
        holder = holder[part]
    current = holder[path[-1]]
    items = current if isinstance(current, list) else [current]
    holder[path[-1]] = [*items, value]


def _in_the_statements_style(existing: Any, resource: str) -> str:
    """The resource as ``execute-api:/stage/METHOD/path`` when the statement already uses that shorthand."""
    items = existing if isinstance(existing, list) else [existing]
    base = shorthand_base(resource)
    if base and any(isinstance(item, str) and item.startswith(SHORTHAND_PREFIX) for item in items):
        return SHORTHAND_PREFIX + resource[len(base) + 1 :]
    return resource


def _change(
    side: Side,
    trace: StatementTrace,
    failed: ElementResult,
    source: dict[str, Any],
    *,
    action: str,
    resource: str,
    caller: Caller,
    context: Mapping[str, tuple[str, ...]],
) -> Fix | None:
    statement = copy.deepcopy(source)
    ref = trace.ref
    if failed.element == "Principal" and isinstance(statement.get("Principal"), dict):
        if "AWS" not in statement["Principal"]:
            statement["Principal"]["AWS"] = []
        value = _principal_value(caller)
        _add(statement, ["Principal", "AWS"], value)
        return Fix(side.where, f"add {value} to the Principal of {ref} ({failed.reason})", statement)
    if failed.element == "Action":
        _add(statement, ["Action"], action)
        return Fix(side.where, f"add {action} to the Action of {ref}", statement)
    if failed.element == "Resource":
        entry = _in_the_statements_style(statement["Resource"], resource)
        _add(statement, ["Resource"], entry)
        return Fix(side.where, f"add {entry} to the Resource of {ref}", statement)
    if failed.operator == "IpAddress" and failed.key is not None:
        address = (context.get(failed.key.lower()) or ("",))[0]
        try:
            network = ipaddress.ip_network(address)
        except ValueError:
            return Fix(side.where, f"{ref} would apply if: {failed.reason}")
        _add(statement, ["Condition", "IpAddress", failed.key], str(network))
        return Fix(side.where, f"add {network} to {failed.key} in {ref} ({failed.reason})", statement)
    return Fix(side.where, f"{ref} would allow the call if its condition held: {failed.reason}")
