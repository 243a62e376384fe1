"""Matching the Principal, Action and Resource elements, each with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from apiclient.policy.arns import ACCOUNT_ID, Arn, Caller
from apiclient.policy.globs import Glob, compile_arn, literal_tokens, tokens_of
from apiclient.policy.model import ActionPattern, ResourcePattern
from apiclient.policy.parse import SHORTHAND_PREFIX
from apiclient.policy.readings import Readings
from apiclient.policy.variables import resolve


@dataclass(frozen=True, slots=True)
class PrincipalMatch:
    matched: bool
    reason: str
    via_account: bool = False


@lru_cache(maxsize=4096)
def account_of(value: str) -> str | None:
    """The account an account principal names (``123456789012`` or ``arn:...:iam::123456789012:root``)."""
    if ACCOUNT_ID.fullmatch(value):
        return value
    arn = Arn.parse(value)
    if arn is not None and arn.service == "iam" and arn.resource == "root":
        return arn.account
    return None


@lru_cache(maxsize=4096)
def role_of(value: str) -> tuple[str, str] | None:
    """(account, role name) of a role ARN, else None."""
    arn = Arn.parse(value)
    if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
        return None
    return arn.account, arn.resource.rsplit("/", 1)[-1]


def _same_role(value: str, caller: Caller) -> bool:
    """A role ARN principal covers the role's sessions [IAM:reference_policies_elements_principal]."""
    role = role_of(value)
    if role is None:
        return False
    if caller.kind == "role":
        return caller.arn == value
    if caller.kind == "assumed-role" and caller.role_arn is not None:
        return role[0] == caller.account and caller.role_arn.endswith(f":role/{role[1]}")
    return False


# How one Principal entry relates to the caller; the first five are matches.
EVERYONE, IN_ACCOUNT, ROLE_SESSION, IS, FEDERATED = (
    "everyone",
    "in-account",
    "role-session",
    "is",
    "federated",
)
_MATCHES = frozenset({EVERYONE, IN_ACCOUNT, ROLE_SESSION, IS, FEDERATED})
CASE_ONLY, NOT_IN_ACCOUNT, IS_NOT, NOT_FEDERATED = "case-only", "not-in-account", "is-not", "not-federated"


def entry_relation(kind: str, value: str, caller: Caller, context: Mapping[str, tuple[str, ...]]) -> str:
    """How one Principal entry relates to the caller (no text: this is on the fast path)."""
    if kind == "AWS":
        if value == "*":
            return EVERYONE
        account = account_of(value)
        if account is not None:
            return IN_ACCOUNT if caller.kind != "anonymous" and caller.account == account else NOT_IN_ACCOUNT
        if _same_role(value, caller):
            return ROLE_SESSION if caller.kind == "assumed-role" else IS
        return IS if caller.arn == value else IS_NOT
    if kind == "Federated":
        return (
            FEDERATED
            if caller.arn == value or value in context.get("aws:federatedprovider", ())
            else NOT_FEDERATED
        )
    return IS if caller.arn == value else IS_NOT


def _describe(relation: str, kind: str, value: str, caller: Caller) -> str:
    who = caller.arn or "an anonymous caller"
    label = value if kind == "AWS" else f"the {kind} principal {value}"
    return {
        EVERYONE: f'"*" names everyone, {who} included',
        IN_ACCOUNT: f"{who} is in account {account_of(value)}",
        NOT_IN_ACCOUNT: f"{who} is not in account {account_of(value)}",
        ROLE_SESSION: f"{who} is a session of role {value}",
        IS: f"{who} is {label}",
        IS_NOT: f"{who} is not {label}",
        CASE_ONLY: f"{who} differs from {value} only in letter case",
        FEDERATED: f"the caller was federated by {value}",
        NOT_FEDERATED: f"the caller was not federated by {value}",
    }[relation]


def _differs_in_case_only(value: str, caller: Caller) -> bool:
    role = role_of(value.lower())
    if caller.kind == "assumed-role" and role is not None and caller.role_arn is not None:
        return role[0] == caller.account and caller.role_arn.lower().endswith(f":role/{role[1]}")
    return caller.arn is not None and caller.arn.lower() == value.lower()


def principal_element(
    entries: tuple[tuple[str, str], ...],
    caller: Caller,
    context: Mapping[str, tuple[str, ...]],
    readings: Readings,
    consulted: set[str],
    *,
    explain: bool = True,
) -> PrincipalMatch:
    """A Principal element matches when any entry does; a direct match beats an account match.

    A name that differs only in letter case is an open question (IAM User Guide, "IAM JSON policy elements:
    Principal": case-sensitive, but API Gateway's handling is undocumented).
    Without ``explain`` the reason is left empty.
    """
    relations = [entry_relation(kind, value, caller, context) for kind, value in entries]
    hits = [n for n, relation in enumerate(relations) if relation in _MATCHES]
    if hits:
        direct = [n for n in hits if relations[n] != IN_ACCOUNT]
        chosen = (direct or hits)[0]
        kind, value = entries[chosen]
        reason = _describe(relations[chosen], kind, value, caller) if explain else ""
        return PrincipalMatch(True, reason, via_account=not direct)
    near = [
        n for n, (kind, value) in enumerate(entries) if kind == "AWS" and _differs_in_case_only(value, caller)
    ]
    for n in near:
        relations[n] = CASE_ONLY
    if near:
        consulted.add("principal_name_case_sensitive")
        if not readings.principal_name_case_sensitive:
            kind, value = entries[near[0]]
            reason = (
                _describe(CASE_ONLY, kind, value, caller) + ", which matches if AWS stored it as a unique ID"
            )
            return PrincipalMatch(True, reason)
    if not explain:
        return PrincipalMatch(False, "")
    reasons = (
        _describe(relation, kind, value, caller)
        for relation, (kind, value) in zip(relations, entries, strict=True)
    )
    return PrincipalMatch(False, "; ".join(reasons))


def not_principal_element(
    entries: tuple[tuple[str, str], ...],
    caller: Caller,
    context: Mapping[str, tuple[str, ...]],
    readings: Readings,
    consulted: set[str],
) -> PrincipalMatch:
    """NotPrincipal matches (the statement applies) when the caller is not exempt.

    The caller is exempt when the list names it (a session also by its role) and its
    account. Naming it without its account, or a session without its role, is
    undefined [IAM:reference_policies_elements_notprincipal]; see readings.py.
    """
    who = caller.arn or "an anonymous caller"
    if any(kind == "AWS" and value == "*" for kind, value in entries):
        return PrincipalMatch(False, 'NotPrincipal "*" exempts everyone')
    if caller.kind == "anonymous":
        return PrincipalMatch(True, "an anonymous caller is never exempted by NotPrincipal")
    accounts = {account_of(value) for kind, value in entries if kind == "AWS"}
    account_listed = caller.account in accounts
    if caller.kind == "root":
        return PrincipalMatch(not account_listed, f"{who} is {'' if account_listed else 'not '}listed")
    named = [
        value
        for kind, value in entries
        if account_of(value) is None and entry_relation(kind, value, caller, context) in _MATCHES
    ]
    if not named:
        return PrincipalMatch(True, f"{who} is not listed in NotPrincipal")
    role_listed = caller.kind != "assumed-role" or any(value != caller.arn for value in named)
    if account_listed and role_listed:
        return PrincipalMatch(
            False,
            f"NotPrincipal lists {', '.join(named)} and account {caller.account}, which exempts the caller",
        )
    consulted.add("notprincipal_named_is_enough")
    missing = [] if account_listed else [f"account {caller.account}"]
    missing += [] if role_listed else [f"role {caller.role_arn}"]
    note = (
        f"NotPrincipal names {', '.join(named)} but not {' or '.join(missing)}; AWS does not document "
        "whether that exempts the caller"
    )
    return PrincipalMatch(not readings.notprincipal_named_is_enough, note)


def action_element(patterns: tuple[ActionPattern, ...], action: str) -> tuple[bool, str]:
    for pattern in patterns:
        if pattern.regex.fullmatch(action):
            return True, f"{action} matches {pattern.text}"
    listed = ", ".join(pattern.text for pattern in patterns)
    return False, f"{action} matches none of {listed}"


def shorthand_base(resource: str) -> str | None:
    """``arn:partition:execute-api:region:account:api-id`` of an execute-api ARN, else None."""
    arn = Arn.parse(resource)
    if arn is None or arn.service != "execute-api" or "/" not in arn.resource:
        return None
    api_id = arn.resource.split("/", 1)[0]
    return f"arn:{arn.partition}:execute-api:{arn.region}:{arn.account}:{api_id}"


@lru_cache(maxsize=4096)
def _shorthand_regex(base: str, rest: str) -> Glob:
    return compile_arn(literal_tokens(base) + tokens_of(rest), False)


def resource_pattern(
    pattern: ResourcePattern, resource: str, base: str | None, context: Mapping[str, tuple[str, ...]]
) -> tuple[bool, str]:
    """Whether one Resource entry matches, with the reason."""
    if pattern.regex is not None:
        matched = pattern.regex.fullmatch(resource) is not None
        return matched, f"{resource} {'matches' if matched else 'does not match'} {pattern.text}"
    if pattern.kind == "shorthand":
        if base is None:
            return (
                False,
                f"{pattern.text}: the execute-api:/ shorthand only works in the API's resource policy",
            )
        # API Gateway expands the shorthand with the API's Region, account and ID
        # [AG:apigateway-resource-policies-examples].
        rest = pattern.text[len(SHORTHAND_PREFIX) - 1 :]
        matched = _shorthand_regex(base, rest).fullmatch(resource) is not None
        verb = "matches" if matched else "does not match"
        return matched, f"{resource} {verb} {pattern.text} (= {base}{rest})"
    tokens = resolve(pattern.text, context)
    if tokens is None:
        # "the resource that includes a policy variable with no value will not match any resource"
        return False, f"{pattern.text} has a policy variable with no value, so it matches nothing"
    matched = compile_arn(tokens, False).fullmatch(resource) is not None
    return matched, f"{resource} {'matches' if matched else 'does not match'} {pattern.text}"


def resource_element(
    patterns: tuple[ResourcePattern, ...],
    resource: str,
    base: str | None,
    context: Mapping[str, tuple[str, ...]],
) -> tuple[bool, str]:
    reasons = []
    for pattern in patterns:
        matched, reason = resource_pattern(pattern, resource, base, context)
        if matched:
            return True, reason
        reasons.append(reason)
    return False, "; ".join(reasons)


def resource_matches(
    patterns: tuple[ResourcePattern, ...],
    resource: str,
    base: str | None,
    context: Mapping[str, tuple[str, ...]],
) -> bool:
    """Whether any Resource entry matches (``resource_element`` without the reasons)."""
    for pattern in patterns:
        if pattern.regex is not None:
            if pattern.regex.fullmatch(resource):
                return True
        elif pattern.kind == "shorthand":
            if base is not None and _shorthand_regex(
                base, pattern.text[len(SHORTHAND_PREFIX) - 1 :]
            ).fullmatch(resource):
                return True
        elif resource_pattern(pattern, resource, base, context)[0]:
            return True
    return False
