"""Warnings about policy documents that parse but may not do what their author meant."""

from __future__ import annotations

from apiclient.policy.arns import ACCOUNT_ID, Arn
from apiclient.policy.conditions import OPERATORS, VARIABLE_KINDS, parse_cidr, parse_date
from apiclient.policy.decision import LintWarning
from apiclient.policy.evaluate import IDENTITY_POLICY, RESOURCE_POLICY
from apiclient.policy.model import Condition, Policy, Statement
from apiclient.policy.parse import PolicyInput, parse_policy
from apiclient.policy.variables import has_variables

EXECUTE_API_ACTIONS = ("execute-api:Invoke", "execute-api:InvalidateCache", "execute-api:ManageConnections")
_PRIVATE_ONLY_KEYS = {
    "aws:sourcevpc": "aws:SourceVpc",
    "aws:sourcevpce": "aws:SourceVpce",
    "aws:vpcsourceip": "aws:VpcSourceIp",
}


def lint(
    doc: PolicyInput,
    *,
    endpoint_type: str = "REGIONAL",
    api_id: str | None = None,
    region: str | None = None,
    account: str | None = None,
) -> list[LintWarning]:
    """Lint an API Gateway resource policy (or, when no statement names a Principal, an identity policy).

    Raises:
        PolicyError: the document does not parse at all.
    """
    policy = parse_policy(doc, name="policy")
    names_principals = any(s.principal or s.not_principal for s in policy.statements)
    return lint_policy(
        policy,
        kind=RESOURCE_POLICY if names_principals else IDENTITY_POLICY,
        endpoint_type=endpoint_type,
        api_id=api_id,
        region=region,
        account=account,
    )


def lint_policy(
    policy: Policy,
    *,
    kind: str,
    endpoint_type: str = "REGIONAL",
    api_id: str | None = None,
    region: str | None = None,
    account: str | None = None,
) -> list[LintWarning]:
    warnings: list[LintWarning] = []
    if policy.version != "2012-10-17" and _mentions_variables(policy):
        warnings.append(
            LintWarning(
                "variables-without-version",
                "Version",
                "policy variables such as ${aws:username} are literal text unless Version "
                "is 2012-10-17 [IAM:reference_policies_variables]",
            )
        )
    for statement in policy.statements:
        path = f"Statement[{statement.index}]"
        warnings += _principals(statement, path, kind)
        warnings += _resources(statement, path, kind, api_id=api_id, region=region, account=account)
        if (
            kind == RESOURCE_POLICY
            and statement.actions is not None
            and not any(
                pattern.regex.fullmatch(action)
                for pattern in statement.actions
                for action in EXECUTE_API_ACTIONS
            )
        ):
            warnings.append(
                LintWarning(
                    "never-applies",
                    f"{path}.Action",
                    "no execute-api action matches, so this statement never applies to a call",
                )
            )
        for condition in statement.conditions:
            warnings += _condition(condition, statement, endpoint_type, policy.variables_enabled)
        warnings += _contradictions(statement.conditions)
    return warnings


def padded_cidrs(policy: Policy) -> list[str]:
    """Each IP-condition value with surrounding whitespace, named by policy, statement and key."""
    found = []
    for statement in policy.statements:
        for condition in statement.conditions:
            if condition.base is None or OPERATORS[condition.base].kind != "ip":
                continue
            found += [
                f"{policy.name} {statement.label} {condition.operator} {condition.key} {value!r}"
                for value in condition.values
                if value != value.strip()
            ]
    return found


def _contradictions(conditions: tuple[Condition, ...]) -> list[LintWarning]:
    """A key required absent (Null true) and also tested by an operator that needs it present."""
    absent = {c.key_lower for c in conditions if c.base == "Null" and c.values[0].lower() == "true"}
    return [
        LintWarning(
            "never-applies",
            c.path,
            f"{c.key} must be absent (Null) yet {c.operator} needs it present, "
            "so this statement never applies",
        )
        for c in conditions
        if c.key_lower in absent
        and c.base not in (None, "Null")
        and not c.if_exists
        and c.qualifier != "ForAllValues"
        and not OPERATORS[c.base].negated
    ]


def _mentions_variables(policy: Policy) -> bool:
    texts = [
        pattern.text for s in policy.statements for pattern in (s.resources or ()) + (s.not_resources or ())
    ]
    texts += [value for s in policy.statements for c in s.conditions for value in c.values]
    return any(has_variables(text) for text in texts)


def _principals(statement: Statement, path: str, kind: str) -> list[LintWarning]:
    warnings = []
    if kind == IDENTITY_POLICY and (statement.principal or statement.not_principal):
        warnings.append(
            LintWarning(
                "principal-in-identity-policy",
                f"{path}.Principal",
                "identity policies cannot name a Principal; IAM rejects this statement",
            )
        )
    if kind == RESOURCE_POLICY and statement.principal is None and statement.not_principal is None:
        warnings.append(
            LintWarning("never-applies", path, "a resource-policy statement needs Principal or NotPrincipal")
        )
    if statement.not_principal is not None and statement.effect == "Allow":
        warnings.append(
            LintWarning(
                "notprincipal-allow",
                f"{path}.NotPrincipal",
                "NotPrincipal with Allow grants everyone else, anonymous callers included; "
                "AWS discourages it [IAM:reference_policies_elements_notprincipal]",
            )
        )
    if statement.not_principal is not None and statement.effect == "Deny":
        values = [value for _, value in statement.not_principal]
        has_account = any(ACCOUNT_ID.fullmatch(v) or v.endswith(":root") for v in values)
        if not has_account and "*" not in values:
            warnings.append(
                LintWarning(
                    "notprincipal-partial",
                    f"{path}.NotPrincipal",
                    "NotPrincipal lists principals without their account ARN; AWS may check "
                    "the account first, so whether they are exempt is undefined",
                )
            )
    return warnings


def _resources(
    statement: Statement,
    path: str,
    kind: str,
    *,
    api_id: str | None,
    region: str | None,
    account: str | None,
) -> list[LintWarning]:
    warnings = []
    element = "Resource" if statement.resources is not None else "NotResource"
    for number, pattern in enumerate(statement.resources or statement.not_resources or ()):
        where = f"{path}.{element}[{number}]"
        if pattern.kind == "shorthand":
            if kind == IDENTITY_POLICY:
                warnings.append(
                    LintWarning(
                        "shorthand-outside-resource-policy",
                        where,
                        "execute-api:/ is only expanded in an API's resource policy; use the full ARN here",
                    )
                )
            continue
        arn = Arn.parse(pattern.text)
        if arn is None or kind != RESOURCE_POLICY:
            continue
        if arn.service not in ("execute-api", "*") and "*" not in arn.service:
            warnings.append(
                LintWarning("never-applies", where, f"{pattern.text} is not an execute-api resource")
            )
            continue
        for name, want, have in (("Region", region, arn.region), ("account", account, arn.account)):
            if want and "*" not in have and "?" not in have and have != want:
                warnings.append(
                    LintWarning(
                        "other-api", where, f"{pattern.text} names {name} {have}, not this API's {want}"
                    )
                )
        head = arn.resource.split("/", 1)[0]
        if api_id and "*" not in head and "?" not in head and head != api_id:
            warnings.append(LintWarning("other-api", where, f"{pattern.text} names API {head}, not {api_id}"))
        if "*" not in arn.resource and arn.resource.count("/") < 3 and not _route_arn(arn.resource):
            warnings.append(
                LintWarning(
                    "never-applies",
                    where,
                    f"{pattern.text} has no stage/method/path part and no wildcard, so it "
                    "matches no method request (use .../*)",
                )
            )
    return warnings


def _route_arn(resource: str) -> bool:
    """``{api_id}/{stage}/{route_key}``: a WebSocket route ("Control access to WebSocket APIs with IAM
    authorization"); a method request's ARN has an upper-case method and a path after the stage."""
    parts = resource.split("/")
    return len(parts) == 3 and bool(parts[2]) and not parts[2].isupper()


def _condition(
    condition: Condition, statement: Statement, endpoint_type: str, variables: bool
) -> list[LintWarning]:
    path = condition.path
    if condition.base is None:
        return [
            LintWarning(
                "unknown-operator",
                path,
                f"unknown condition operator {condition.operator!r}; "
                "IAM would reject the policy, and this evaluation treats it as never matching",
            )
        ]
    kind = OPERATORS[condition.base].kind
    warnings = []
    key = condition.key_lower
    if key in _PRIVATE_ONLY_KEYS and endpoint_type != "PRIVATE":
        warnings.append(
            LintWarning(
                "key-not-provided",
                path,
                f"API Gateway provides {_PRIVATE_ONLY_KEYS[key]} "
                f"only for private APIs, never on a {endpoint_type} endpoint",
            )
        )
    if key == "aws:sourceip" and endpoint_type == "PRIVATE":
        warnings.append(
            LintWarning(
                "key-not-provided",
                path,
                "aws:SourceIp is absent for calls through a VPC "
                "endpoint; use aws:VpcSourceIp for private APIs",
            )
        )
    if condition.qualifier == "ForAllValues" and statement.effect == "Allow":
        warnings.append(
            LintWarning(
                "forallvalues-allow",
                path,
                "ForAllValues is true when the key is missing; AWS advises against it with Allow",
            )
        )
    if variables and condition.templated and kind not in VARIABLE_KINDS:
        warnings.append(
            LintWarning(
                "variable-operator",
                path,
                f"policy variables do not work with "
                f"{condition.base}; only String and ARN operators resolve them",
            )
        )
    for value in condition.values:
        warnings += _value(kind, value, path)
    return warnings


def _value(kind: str, value: str, path: str) -> list[LintWarning]:
    if kind == "ip":
        if value != value.strip():
            return [
                LintWarning(
                    "cidr-whitespace",
                    path,
                    f"CIDR {value!r} has surrounding whitespace, and how AWS reads it is undocumented: "
                    "apiclient reads it trimmed (as the local gateway does); if AWS reads it as invalid, "
                    "the condition never holds. Remove the whitespace",
                )
            ]
        if parse_cidr(value) is None:
            return [LintWarning("invalid-cidr", path, f"{value!r} is not a CIDR block; it never matches")]
    if kind == "date" and parse_date(value) is None:
        return [LintWarning("invalid-value", path, f"{value!r} is neither ISO 8601 nor epoch time")]
    if kind == "num":
        try:
            float(value)
        except ValueError:
            return [LintWarning("invalid-value", path, f"{value!r} is not a number")]
    if kind == "bool" and value.lower() not in ("true", "false") and not has_variables(value):
        return [LintWarning("invalid-value", path, f"Bool takes true or false, not {value!r}")]
    return []
