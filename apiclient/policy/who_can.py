"""Who can call a method, and from which source addresses. Offline, no AWS call.

Only ``aws:SourceIp`` IpAddress/NotIpAddress conditions are turned into CIDR sets;
every other condition is reported as left open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apiclient.errors import PolicyError
from apiclient.policy.actions import INVOKE
from apiclient.policy.arns import ACCOUNT_ID, Arn, caller_of
from apiclient.policy.cidrs import EVERYWHERE, CidrSet, intersect, normalize, show, subtract, union
from apiclient.policy.conditions import parse_cidr
from apiclient.policy.matching import action_element, resource_element
from apiclient.policy.model import Condition, Statement
from apiclient.policy.parse import PolicyInput, parse_policy
from apiclient.policy.trace import StatementRef
from apiclient.policy.workflow import AUTHORIZATIONS

_SOURCE_IP = "aws:sourceip"


@dataclass(frozen=True, slots=True)
class Grant:
    """Principals an Allow statement admits and the source ranges left after every IP-only Deny.

    Conditions other than aws:SourceIp ranges stay in ``open_conditions``.
    """

    statement: StatementRef
    principals: tuple[str, ...]
    source_cidrs: tuple[str, ...]
    open_conditions: tuple[str, ...]
    also_needs: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement.to_dict(),
            "principals": list(self.principals),
            "source_cidrs": list(self.source_cidrs),
            "open_conditions": list(self.open_conditions),
            "also_needs": self.also_needs,
        }


@dataclass(frozen=True, slots=True)
class WhoCan:
    method: str
    path: str
    resource: str
    grants: tuple[Grant, ...]
    denied_cidrs: tuple[str, ...]
    conditional_denies: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "resource": self.resource,
            "grants": [grant.to_dict() for grant in self.grants],
            "denied_cidrs": list(self.denied_cidrs),
            "conditional_denies": list(self.conditional_denies),
            "notes": list(self.notes),
        }


def who_can(
    method: str,
    path: str,
    *,
    resource_policy: PolicyInput | None,
    identity_policies: Iterable[PolicyInput] = (),
    api_id: str,
    region: str,
    api_owner_account: str,
    stage: str = "*",
    authorization: str = "AWS_IAM",
    partition: str = "aws",
) -> WhoCan:
    """The principals and exact source-IP ranges allowed to call ``method path``.

    ``stage="*"`` asks about a stage no statement names; name a stage to ask about it.

    Raises:
        PolicyError: a malformed policy or argument.
    """
    if not path.startswith("/"):
        raise PolicyError(f"must start with '/', got {path!r}", "path")
    if authorization not in AUTHORIZATIONS:
        raise PolicyError(f"must be one of {', '.join(AUTHORIZATIONS)}", "authorization")
    api = f"arn:{partition}:execute-api:{region}:{api_owner_account}:{api_id}"
    resource = f"{api}/{stage}/{method.upper()}{path}"
    policy = parse_policy(resource_policy, name="resource policy") if resource_policy is not None else None
    identities = [
        parse_policy(doc, name=f"identity policy {n}") for n, doc in enumerate(identity_policies, 1)
    ]
    if policy is None:
        everyone = authorization == "NONE"
        note = "no resource policy: " + (
            "the method is open to everyone" if everyone else "identity policies decide"
        )
        grants = (
            []
            if not everyone
            else [Grant(StatementRef("no resource policy", 0, None, "Allow"), ("*",), show(EVERYWHERE), ())]
        )
        return WhoCan(method.upper(), path, resource, tuple(grants), (), (), (note,))
    applicable = [s for s in policy.statements if _covers(s, resource, api)]
    denied, conditional = _denies([s for s in applicable if s.effect == "Deny"], policy.name)
    grants = [
        _grant(s, policy.name, denied, api_owner_account, authorization)
        for s in applicable
        if s.effect == "Allow"
    ]
    notes = [_padding_note(s, policy.name, denied) for s in applicable if _padded(s.conditions)]
    if authorization == "AWS_IAM":
        for policy_ in identities:
            grants += [
                Grant(
                    StatementRef(policy_.name, s.index, s.sid, s.effect),
                    (f"the holder of {policy_.name}",),
                    show(subtract(_ip_set(s.conditions), denied)),
                    _open(s.conditions),
                    "callers from other accounts also need the resource policy to allow them",
                )
                for s in policy_.statements
                if s.effect == "Allow" and _covers(s, resource, None)
            ]
        notes.append(
            f"Principals in account {api_owner_account} are allowed by either side (Table A); principals in "
            "other accounts need both their identity policy and the resource policy (Table B)."
        )
    return WhoCan(
        method.upper(),
        path,
        resource,
        tuple(grant for grant in grants if grant.source_cidrs),
        show(denied),
        tuple(conditional),
        tuple(notes),
    )


def _covers(statement: Statement, resource: str, api: str | None) -> bool:
    if statement.actions is not None and not action_element(statement.actions, INVOKE)[0]:
        return False
    if statement.not_actions is not None and action_element(statement.not_actions, INVOKE)[0]:
        return False
    if statement.resources is not None:
        return resource_element(statement.resources, resource, api, {})[0]
    if statement.not_resources is not None:
        return not resource_element(statement.not_resources, resource, api, {})[0]
    return True


def _ip_set(conditions: tuple[Condition, ...]) -> CidrSet:
    allowed = EVERYWHERE
    for condition in conditions:
        if condition.key_lower != _SOURCE_IP or condition.qualifier or condition.if_exists:
            continue
        networks = normalize(n for n in (parse_cidr(v.strip()) for v in condition.values) if n is not None)
        if condition.base == "IpAddress":
            allowed = intersect(allowed, networks)
        elif condition.base == "NotIpAddress":
            allowed = subtract(allowed, networks)
    return allowed


def _padded(conditions: tuple[Condition, ...]) -> list[str]:
    return [
        value
        for condition in conditions
        if condition.base in ("IpAddress", "NotIpAddress")
        for value in condition.values
        if value != value.strip()
    ]


def _padding_note(statement: Statement, name: str, denied: CidrSet) -> str:
    """Both readings of a CIDR with surrounding whitespace: AWS documents neither."""
    ref = StatementRef(name, statement.index, statement.sid, statement.effect)
    values = ", ".join(repr(value) for value in _padded(statement.conditions))
    if statement.effect == "Allow":
        ranges = show(subtract(_ip_set(statement.conditions), denied))
        verb, nothing = "admits callers from", "admits no caller"
    else:
        ranges = show(_ip_set(statement.conditions))
        verb, nothing = "denies callers from", "denies no caller"
    return (
        f"{ref}: the CIDR {values} has surrounding whitespace, and AWS does not document how it reads it. "
        f"Read trimmed (as listed here), the statement {verb} {', '.join(ranges) or 'no address'}; "
        f"read as an invalid CIDR, its condition never holds and the statement {nothing}."
    )


def _is_ip_condition(condition: Condition) -> bool:
    return (
        condition.key_lower == _SOURCE_IP
        and condition.base in ("IpAddress", "NotIpAddress")
        and not condition.qualifier
        and not condition.if_exists
    )


def _open(conditions: tuple[Condition, ...]) -> tuple[str, ...]:
    return tuple(f"{c.operator} {c.key} {', '.join(c.values)}" for c in conditions if not _is_ip_condition(c))


def _everyone(statement: Statement) -> bool:
    return statement.principal is not None and ("AWS", "*") in statement.principal


def _denies(statements: list[Statement], name: str) -> tuple[CidrSet, list[str]]:
    denied: CidrSet = ()
    conditional = []
    for statement in statements:
        ref = StatementRef(name, statement.index, statement.sid, statement.effect)
        if _everyone(statement) and all(_is_ip_condition(c) for c in statement.conditions):
            denied = union(denied, _ip_set(statement.conditions))
        else:
            conditional.append(
                f"{ref} denies when its Principal and conditions match: "
                + ", ".join(_open(statement.conditions) or ("(principal-specific)",))
            )
    return denied, conditional


def _grant(statement: Statement, name: str, denied: CidrSet, owner: str, authorization: str) -> Grant:
    ref = StatementRef(name, statement.index, statement.sid, statement.effect)
    if statement.not_principal is not None:
        principals = tuple(f"everyone except {value}" for _, value in statement.not_principal)
    else:
        principals = tuple(value for _, value in statement.principal or ())
    if authorization != "AWS_IAM":
        # Unauthenticated callers match only Principal "*" (the authorizer decides the rest).
        principals = tuple(p for p in principals if p == "*")
    cidrs = show(subtract(_ip_set(statement.conditions), denied)) if principals else ()
    foreign = [p for p in principals if p != "*" and _account(p) not in (owner, None)]
    needs = None
    if authorization == "AWS_IAM" and (foreign or "*" in principals):
        needs = f"callers outside account {owner} also need an identity-policy Allow in their own account"
    return Grant(ref, principals, cidrs, _open(statement.conditions), needs)


def _account(principal: str) -> str | None:
    if ACCOUNT_ID.fullmatch(principal):
        return principal
    arn = Arn.parse(principal)
    return arn.account if arn else caller_of(principal, None).account
