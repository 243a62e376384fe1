"""Condition operators.

Sources: [IAM:reference_policies_elements_condition_operators],
[IAM:reference_policies_multi-value-conditions].

Every operator is a positive test (``kind`` with a comparison) plus a negation flag.
Values are prepared once at parse time; a condition is then checked against the
request context, which maps lower-cased key names to tuples of strings.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from apiclient.policy.cidrs import Network
from apiclient.policy.globs import Tokens, as_text, compile_arn, compile_glob, tokens_of
from apiclient.policy.model import Condition
from apiclient.policy.readings import Readings
from apiclient.policy.variables import resolve


@dataclass(frozen=True, slots=True)
class Operator:
    kind: str
    compare: str
    negated: bool


_COMPARISONS = {
    "Equals": "eq",
    "LessThan": "lt",
    "LessThanEquals": "le",
    "GreaterThan": "gt",
    "GreaterThanEquals": "ge",
}
OPERATORS: dict[str, Operator] = {
    "StringEquals": Operator("str", "eq", False),
    "StringNotEquals": Operator("str", "eq", True),
    "StringEqualsIgnoreCase": Operator("stri", "eq", False),
    "StringNotEqualsIgnoreCase": Operator("stri", "eq", True),
    "StringLike": Operator("like", "eq", False),
    "StringNotLike": Operator("like", "eq", True),
    "Bool": Operator("bool", "eq", False),
    "BinaryEquals": Operator("bin", "eq", False),
    "IpAddress": Operator("ip", "eq", False),
    "NotIpAddress": Operator("ip", "eq", True),
    "ArnEquals": Operator("arn", "eq", False),
    "ArnLike": Operator("arn", "eq", False),
    "ArnNotEquals": Operator("arn", "eq", True),
    "ArnNotLike": Operator("arn", "eq", True),
    "Null": Operator("null", "eq", False),
    "NumericNotEquals": Operator("num", "eq", True),
    "DateNotEquals": Operator("date", "eq", True),
}
for _name, _compare in _COMPARISONS.items():
    OPERATORS["Numeric" + _name] = Operator("num", _compare, False)
    OPERATORS["Date" + _name] = Operator("date", _compare, False)

QUALIFIERS = ("ForAllValues", "ForAnyValue")
# Variables are allowed only with String and ARN operators (and Bool) [IAM:reference_policies_variables].
VARIABLE_KINDS = frozenset({"str", "stri", "like", "arn", "bool"})

_CMP: dict[str, Callable[[float, float], bool]] = {
    "eq": operator.eq,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_VERBS = {
    ("ip", "eq"): ("is in", "is not in"),
    ("like", "eq"): ("matches", "does not match"),
    ("arn", "eq"): ("matches", "does not match"),
    ("bool", "eq"): ("is", "is not"),
}
_ORDER_VERBS = {
    "eq": ("equals", "does not equal"),
    "lt": ("is less than", "is not less than"),
    "le": ("is at most", "is greater than"),
    "gt": ("is greater than", "is not greater than"),
    "ge": ("is at least", "is less than"),
}


def split_operator(name: str) -> tuple[str | None, str | None, bool]:
    """(base operator or None if unknown, qualifier, if_exists) of an operator name as written."""
    qualifier = None
    if ":" in name:
        prefix, _, rest = name.partition(":")
        if prefix not in QUALIFIERS:
            return None, None, False
        qualifier, name = prefix, rest
    if_exists = name.endswith("IfExists") and name != "IfExists"
    base = name[: -len("IfExists")] if if_exists else name
    if base not in OPERATORS or (if_exists and base == "Null"):
        return None, qualifier, if_exists
    return base, qualifier, if_exists


@lru_cache(maxsize=1024)
def parse_date(text: str) -> float | None:
    """Epoch seconds of an ISO 8601 date/time or an epoch number, or None."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@lru_cache(maxsize=1024)
def parse_cidr(text: str) -> Network | None:
    """A network for a CIDR or bare address (a bare address is a /32 or /128), or None."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def prepare(kind: str, tokens: Tokens) -> Any:
    """A policy value compiled for the operator kind (None when it cannot match anything)."""
    if kind == "like":
        return compile_glob(tokens, False)
    if kind == "arn":
        return compile_arn(tokens, True)
    return _prepare_text(kind, as_text(tokens))


def _prepare_text(kind: str, text: str) -> Any:
    """``prepare`` for the kinds without wildcards, from the value's text."""
    if kind == "stri":
        return text.casefold()
    if kind == "bool":
        return text.lower()
    if kind == "num":
        try:
            return float(text)
        except ValueError:
            return None
    if kind == "date":
        return parse_date(text)
    if kind == "bin":
        return _binary(text)
    if kind == "ip":
        # (network as written, network after trimming whitespace); see readings.py.
        trimmed = parse_cidr(text.strip())
        return (trimmed if text == text.strip() else None, trimmed)
    if kind == "null":
        return text.lower() == "true"
    return text


def prepare_values(condition_base: str, values: tuple[str, ...]) -> tuple[Any, ...]:
    kind = OPERATORS[condition_base].kind
    if kind in ("like", "arn"):
        return tuple(prepare(kind, tokens_of(value)) for value in values)
    return tuple(_prepare_text(kind, value) for value in values)


@dataclass(frozen=True, slots=True)
class ConditionResult:
    holds: bool
    reason: str
    missing_key: bool = False


def _matches(op: Operator, value: str, prepared: Any) -> bool:
    """Whether one context value passes the positive test against one prepared policy value."""
    kind = op.kind
    if prepared is None:
        return False
    if kind == "str":
        return bool(value == prepared)
    if kind == "stri":
        return bool(value.casefold() == prepared)
    if kind in ("like", "arn"):
        return prepared.fullmatch(value) is not None
    if kind == "bool":
        return bool(value.lower() == prepared)
    if kind == "num":
        try:
            return _CMP[op.compare](float(value), prepared)
        except ValueError:
            return False
    if kind == "date":
        moment = parse_date(value)
        return moment is not None and _CMP[op.compare](moment, prepared)
    if kind == "bin":
        return bool(_binary(value) == prepared)
    if kind == "ip":
        network = prepared[0] or prepared[1]
        address = _address(value)
        return (
            network is not None
            and address is not None
            and address.version == network.version
            and (address in network)
        )
    return False


def _verbs(op: Operator) -> tuple[str, str]:
    if (op.kind, op.compare) in _VERBS:
        return _VERBS[(op.kind, op.compare)]
    return _ORDER_VERBS[op.compare]


def _show(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else "any of " + ", ".join(values)


def check(
    condition: Condition,
    context: Mapping[str, tuple[str, ...]],
    *,
    variables: bool,
    readings: Readings,
    consulted: set[str],
) -> ConditionResult:
    """Whether one condition holds for the request context, with the reason."""
    if condition.base is None:
        return ConditionResult(False, f"unknown condition operator {condition.operator!r} never matches")
    op = OPERATORS[condition.base]
    key = condition.key
    present = context.get(condition.key_lower)
    if op.kind == "null":
        want_absent = bool(condition.prepared and condition.prepared[0])
        absent = present is None
        state = "absent" if absent else "present"
        return ConditionResult(absent == want_absent, f"{key} is {state} (Null {condition.values[0]})")
    if condition.qualifier is not None:
        # An empty list or string is "a null data set" [IAM:reference_policies_multi-value-conditions].
        present = tuple(value for value in present or () if value) or None
    if present is None:
        return _missing(condition, op, key)
    prepared, shown = _prepared(condition, op, context, variables)
    if prepared is None:
        # An unresolved policy variable: nothing equals it, so only negated operators hold.
        return ConditionResult(op.negated, f"a policy variable in {condition.operator} {key} has no value")
    if op.kind == "ip" and any(exact is None and trimmed is not None for exact, trimmed in prepared):
        consulted.add("cidr_whitespace_trimmed")
        if not readings.cidr_whitespace_trimmed:
            return ConditionResult(
                False,
                f"{key}: a CIDR with surrounding whitespace is read as invalid, so "
                f"{condition.operator} does not match (alternative reading)",
            )
    hits = [
        (value, next((shown[i] for i, p in enumerate(prepared) if _matches(op, value, p)), None))
        for value in present
    ]
    if condition.qualifier == "ForAllValues":
        holds = all((hit is None) if op.negated else (hit is not None) for _, hit in hits)
    elif condition.qualifier == "ForAnyValue":
        holds = any((hit is None) if op.negated else (hit is not None) for _, hit in hits)
    else:
        matched = any(hit is not None for _, hit in hits)
        holds = matched != op.negated
    return ConditionResult(holds, _reason(key, op, hits, shown, condition.qualifier))


def _missing(condition: Condition, op: Operator, key: str) -> ConditionResult:
    if condition.if_exists:
        return ConditionResult(True, f"{key} is absent, so {condition.operator} holds", True)
    if condition.qualifier == "ForAllValues":
        return ConditionResult(True, f"{key} is absent, so ForAllValues holds (vacuously)", True)
    if condition.qualifier == "ForAnyValue":
        return ConditionResult(False, f"{key} is absent, so ForAnyValue does not hold", True)
    if op.negated:
        return ConditionResult(True, f"{key} is absent, so the negated {condition.operator} holds", True)
    return ConditionResult(False, f"{key} is absent from the request", True)


def _prepared(
    condition: Condition, op: Operator, context: Mapping[str, tuple[str, ...]], variables: bool
) -> tuple[tuple[Any, ...] | None, tuple[str, ...]]:
    if not (condition.templated and variables):
        return condition.prepared, condition.values
    resolved = [resolve(value, context) for value in condition.values]
    if any(tokens is None for tokens in resolved):
        return None, condition.values
    tokens_list = [tokens for tokens in resolved if tokens is not None]
    return (
        tuple(prepare(op.kind, tokens) for tokens in tokens_list),
        tuple(as_text(tokens) for tokens in tokens_list),
    )


def _reason(
    key: str, op: Operator, hits: list[tuple[str, str | None]], shown: tuple[str, ...], qualifier: str | None
) -> str:
    yes, no = _verbs(op)
    parts = [
        f"{value} {yes} {hit}" if hit is not None else f"{value} {no} {_show(shown)}" for value, hit in hits
    ]
    prefix = f"{qualifier}: " if qualifier else ""
    if not parts:
        return f"{prefix}{key} has no values"
    return f"{prefix}{key} " + "; ".join(parts)
