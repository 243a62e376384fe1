"""The smallest change that would flip a refusal, and the account it belongs in."""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from apiclient.policy.arns import Caller
from apiclient.policy.conditions import OPERATORS
from apiclient.policy.decision import EXPLICIT_DENY, IMPLICIT_DENY, Fix
from apiclient.policy.evaluate import RESOURCE_POLICY
from apiclient.policy.matching import shorthand_base
from apiclient.policy.model import Statement
from apiclient.policy.parse import SHORTHAND_PREFIX
from apiclient.policy.trace import ElementResult, PolicyOutcome, Side, StatementTrace

_NEW_STATEMENT_TEXTS = ("add an Allow statement", "the authorizer must return a policy")


def fixes_for(
    result: str,
    sides: list[Side],
    *,
    needs: list[Side],
    all_needed: bool = False,
    action: str,
    resource: str,
    caller: Caller,
    context: Mapping[str, tuple[str, ...]],
) -> list[Fix]:
    """Fixes for a refusal, grouped into the changes needed (``Fix.group``).

    ``needs`` are the silent sides whose Allow would flip an implicit deny; with ``all_needed``
    (a cross-account call) each of them is a change of its own, else any one side's fix is enough.
    Every Deny that matched is a change of its own: all of them must stop matching.
    """
    if result == EXPLICIT_DENY:
        denies = [
            _undeny(side, outcome, trace)
            for side in sides
            for outcome in side.policies
            for trace in outcome.traces
            if trace.applies and trace.ref.effect == "Deny"
        ]
        return _grouped([[fix] for fix in denies])
    if result != IMPLICIT_DENY:
        return []
    groups: list[list[Fix]] = []
    for side in needs:
        near = [
            fix
            for outcome in side.policies
            for fix in _near_miss(
                side, outcome, action=action, resource=resource, caller=caller, context=context
            )
        ]
        # Least privilege first: among edits to existing statements, the one whose statement grants
        # the least (a named principal, few wildcards) is the smallest fix; a change to an existing
        # statement still comes before a new one, as it keeps the author's structure.
        near.sort(key=_breadth)
        groups.append(near or [_new_statement(side, action, resource, caller, context)])
    if not all_needed and groups:
        # Any one side allowing is enough: one change, whose alternatives are every side's fixes.
        merged = [fix for group in groups for fix in group]
        groups = [sorted(merged, key=lambda fix: (_is_new(fix), *_breadth(fix)))]
    return _grouped(groups)


def _is_new(fix: Fix) -> bool:
    return fix.description.startswith(_NEW_STATEMENT_TEXTS)


def _grouped(groups: list[list[Fix]]) -> list[Fix]:
    groups = [group for group in groups if group]
    return [
        replace(fix, group=number, groups=len(groups)) for number, group in enumerate(groups) for fix in group
    ]


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
        outcome.where or side.where,
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
    text = f"{_NEW_STATEMENT_TEXTS[0]} for {action} on {resource}"
    if side.name == "authorizer":
        text = f"{_NEW_STATEMENT_TEXTS[1]} that allows {action} on {resource}"
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
        parsed = outcome.document.statements[trace.ref.index]
        fix = _change(
            replace(side, where=outcome.where) if outcome.where else side,
            trace,
            failed[0],
            parsed.source,
            action=action,
            resource=resource,
            caller=caller,
            context=context,
        )
        if fix is not None and fix.statement is not None:
            fix = _unpadded(fix, parsed)
        if fix is not None:
            fixes.append(fix)
    return fixes


def _unpadded(fix: Fix, parsed: Statement) -> Fix:
    """The fix with every IP-condition value of its statement trimmed: AWS does not document how
    it reads a CIDR with surrounding whitespace, so a proposed statement never keeps one."""
    statement = copy.deepcopy(fix.statement) or {}
    padded: list[str] = []
    for condition in parsed.conditions:
        if condition.base is None or OPERATORS[condition.base].kind != "ip":
            continue
        block = statement.get("Condition", {}).get(condition.operator, {})
        value = block.get(condition.key)
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in values):
            continue
        padded += [item for item in values if item != item.strip()]
        trimmed = [item.strip() for item in values]
        block[condition.key] = trimmed if isinstance(value, list) else trimmed[0]
    if not padded:
        return fix
    shown = ", ".join(repr(item) for item in dict.fromkeys(padded))
    return replace(
        fix,
        description=f"{fix.description}; the whitespace around {shown} is removed, so AWS reads it one way",
        statement=statement,
    )


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
