"""Validate a policy document and build a ``Policy``; every error names its JSON path."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from apiclient.errors import PolicyError
from apiclient.policy.arns import ACCOUNT_ID, Arn
from apiclient.policy.conditions import prepare_values, split_operator
from apiclient.policy.globs import compile_arn, compile_glob, tokens_of
from apiclient.policy.model import (
    VARIABLES_VERSION,
    ActionPattern,
    Condition,
    Policy,
    ResourcePattern,
    Statement,
)
from apiclient.policy.variables import has_variables

SHORTHAND_PREFIX = "execute-api:/"
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_TOP_KEYS = {"Version", "Id", "Statement"}

PolicyInput = Policy | Mapping[str, Any] | str | bytes

_CACHE_SIZE = 256
# The grammar needs 6 levels (Statement[0].Condition.StringLike.key[0]); anything far deeper is hostile
# and would exhaust the interpreter's stack in json or in the comparisons below.
MAX_DEPTH = 32
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')
# Parsed policies by (id of the dict, name) with a snapshot of its content, so that
# evaluating the same dict again costs one comparison instead of a JSON dump.
_by_content: dict[tuple[int, str], tuple[Any, Policy]] = {}
_by_content_lock = threading.Lock()


def parse_policy(doc: PolicyInput, *, name: str = "policy") -> Policy:
    """Parse a policy given as a dict, JSON text or an already parsed ``Policy``.

    Raises:
        PolicyError: the document is malformed; ``.path`` names where (``Statement[1].Condition``).
    """
    if isinstance(doc, Policy):
        return doc
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8", errors="replace")
    if isinstance(doc, str):
        return _parse_text(doc, name)
    if isinstance(doc, Mapping):
        cached = _by_content.get((id(doc), name))
        # Equal content gives the same Policy, so a reused id or a mutated dict is still answered correctly.
        # The snapshot passed the depth check and has no cycle, so comparing stops within its depth
        # whatever ``doc`` holds; only a document not seen before is walked for its depth.
        if cached is not None and cached[0] == doc:
            return cached[1]
        _check_depth(doc)
        try:
            text = json.dumps(doc)
        except (TypeError, ValueError) as error:
            raise PolicyError(f"the document is not JSON data: {error}") from None
        policy = _parse_text(text, name)
        with _by_content_lock:
            if len(_by_content) >= _CACHE_SIZE:
                _by_content.pop(next(iter(_by_content)))
            _by_content[(id(doc), name)] = (json.loads(text), policy)
        return policy
    raise PolicyError(f"a policy must be a dict, JSON text or Policy, not {type(doc).__name__}")


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_text(text: str, name: str) -> Policy:
    # Cached by the JSON text: the same policy is parsed and compiled once per process.
    try:
        data = json.loads(text)
    except RecursionError:
        raise _too_deep(_deep_text_path(text)) from None
    except ValueError as error:
        raise PolicyError(f"not valid JSON: {error}") from None
    _check_depth(data)
    return _policy(data, name)


def _too_deep(path: str) -> PolicyError:
    return PolicyError(f"the document is nested more than {MAX_DEPTH} levels deep", path)


def _check_depth(data: Any) -> None:
    """Raise ``PolicyError`` naming the first container deeper than ``MAX_DEPTH``.

    The walk stops at the limit, so its own recursion is bounded (and a cycle is reported as too deep).
    """
    if _exceeds(data, 1):
        raise _too_deep(_deep_path(data, "", 1) or "")


_SCALARS = (str, int, float)  # bool is an int


def _exceeds(value: Any, depth: int) -> bool:
    """Whether a container in ``value`` lies deeper than ``MAX_DEPTH`` (no path: the quick first look)."""
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    elif value is None or isinstance(value, _SCALARS):
        return False
    elif isinstance(value, Mapping):
        children = value.values()
    elif isinstance(value, Sequence) and not isinstance(value, bytes):
        children = value
    else:
        return False
    if depth > MAX_DEPTH:
        return True
    for child in children:
        if child is not None and not isinstance(child, _SCALARS) and _exceeds(child, depth + 1):
            return True
    return False


def _deep_path(value: Any, path: str, depth: int) -> str | None:
    if isinstance(value, Mapping):
        items: Any = ((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    else:
        return None
    if depth > MAX_DEPTH:
        return path
    for child_path, child in items:
        found = _deep_path(child, child_path, depth + 1)
        if found is not None:
            return found
    return None


def _deep_text_path(text: str) -> str:
    """The path of the first container past ``MAX_DEPTH`` in JSON text too deep for ``json`` to parse."""
    # (is an object, key or index); the structure tokens alone are enough to name the place.
    stack: list[list[Any]] = []
    last_string = ""
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("{", "["):
            if len(stack) >= MAX_DEPTH:
                break
            stack.append([token == "{", "" if token == "{" else 0])
        elif token in ("}", "]"):
            if stack:
                stack.pop()
        elif token == ",":
            if stack and not stack[-1][0]:
                stack[-1][1] += 1
        elif token == ":":
            if stack and stack[-1][0]:
                stack[-1][1] = last_string
        else:
            try:
                last_string = str(json.loads(token))
            except ValueError:
                last_string = token
    path = ""
    for is_object, key in stack:
        path = (f"{path}.{key}" if path else str(key)) if is_object else f"{path}[{key}]"
    return path


def _policy(data: Any, name: str) -> Policy:
    if not isinstance(data, dict):
        raise PolicyError("a policy document must be a JSON object")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise PolicyError(f"unknown element {unknown[0]!r} (expected Version, Id, Statement)", unknown[0])
    version = data.get("Version")
    if version is not None and version not in (VARIABLES_VERSION, "2008-10-17"):
        raise PolicyError(f"unsupported version {version!r} (use 2012-10-17)", "Version")
    policy_id = data.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError("must be a string", "Id")
    if "Statement" not in data:
        raise PolicyError("a policy needs a Statement element", "Statement")
    raw = data["Statement"]
    raw_list = [raw] if isinstance(raw, dict) else raw
    if not isinstance(raw_list, list):
        raise PolicyError("must be an object or a list of objects", "Statement")
    variables = version == VARIABLES_VERSION
    statements = tuple(_statement(item, index, variables) for index, item in enumerate(raw_list))
    return Policy(name, version, policy_id, statements, data)


def _strings(value: Any, path: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise PolicyError("must be a string or a list of strings", path)
    if not items and not allow_empty:
        raise PolicyError("must not be empty", path)
    return tuple(items)


def _statement(item: Any, index: int, variables: bool) -> Statement:
    path = f"Statement[{index}]"
    if not isinstance(item, dict):
        raise PolicyError("a statement must be a JSON object", path)
    unknown = sorted(set(item) - _STATEMENT_KEYS)
    if unknown:
        raise PolicyError(f"unknown element {unknown[0]!r}", f"{path}.{unknown[0]}")
    sid = item.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError("must be a string", f"{path}.Sid")
    effect = item.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"must be 'Allow' or 'Deny', not {effect!r}", f"{path}.Effect")
    _exactly_one(item, "Action", "NotAction", path, required=True)
    _exactly_one(item, "Resource", "NotResource", path, required=False)
    _exactly_one(item, "Principal", "NotPrincipal", path, required=False)
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        principal=_principal(item["Principal"], f"{path}.Principal") if "Principal" in item else None,
        not_principal=(
            _principal(item["NotPrincipal"], f"{path}.NotPrincipal") if "NotPrincipal" in item else None
        ),
        actions=_actions(item, "Action", path),
        not_actions=_actions(item, "NotAction", path),
        resources=_resources(item, "Resource", path, variables),
        not_resources=_resources(item, "NotResource", path, variables),
        conditions=_conditions(item.get("Condition"), f"{path}.Condition", variables),
        source=item,
    )


def _exactly_one(item: dict[str, Any], first: str, second: str, path: str, *, required: bool) -> None:
    if first in item and second in item:
        raise PolicyError(f"use {first} or {second}, not both", f"{path}.{second}")
    if required and first not in item and second not in item:
        raise PolicyError(f"a statement needs {first} or {second}", f"{path}.{first}")


def _principal(value: Any, path: str) -> tuple[tuple[str, str], ...]:
    if value == "*":
        return (("AWS", "*"),)
    if not isinstance(value, dict) or not value:
        raise PolicyError('must be "*" or an object such as {"AWS": [...]}', path)
    entries: list[tuple[str, str]] = []
    for kind, raw in value.items():
        if kind not in PRINCIPAL_TYPES:
            raise PolicyError(
                f"unknown principal type {kind!r} (expected {', '.join(PRINCIPAL_TYPES)})", f"{path}.{kind}"
            )
        for number, text in enumerate(_strings(raw, f"{path}.{kind}")):
            _check_principal(kind, text, f"{path}.{kind}[{number}]")
            entries.append((kind, text))
    return tuple(entries)


def _check_principal(kind: str, text: str, path: str) -> None:
    if kind != "AWS" or text == "*":
        return
    if "*" in text or "?" in text:
        # "You cannot use a wildcard to match part of a principal name or ARN" [IAM:..._elements_principal].
        raise PolicyError(f"partial wildcards are not allowed in a principal: {text!r}", path)
    if ACCOUNT_ID.fullmatch(text) is None and Arn.parse(text) is None:
        raise PolicyError(f"expected a 12-digit account ID or an ARN, not {text!r}", path)


def _actions(item: dict[str, Any], key: str, path: str) -> tuple[ActionPattern, ...] | None:
    if key not in item:
        return None
    patterns = []
    for number, text in enumerate(_strings(item[key], f"{path}.{key}")):
        if text != "*" and ":" not in text:
            raise PolicyError(f"an action is 'service:name', not {text!r}", f"{path}.{key}[{number}]")
        # "The prefix and the action name are case insensitive" [IAM:reference_policies_elements_action].
        patterns.append(ActionPattern(text, compile_glob(tokens_of(text), True)))
    return tuple(patterns)


def _resources(
    item: dict[str, Any], key: str, path: str, variables: bool
) -> tuple[ResourcePattern, ...] | None:
    if key not in item:
        return None
    patterns = []
    for number, text in enumerate(_strings(item[key], f"{path}.{key}")):
        if text.startswith(SHORTHAND_PREFIX):
            patterns.append(ResourcePattern(text, "shorthand", None))
        elif variables and has_variables(text):
            patterns.append(ResourcePattern(text, "template", None))
        elif text == "*" or text[:4].lower() == "arn:":
            patterns.append(ResourcePattern(text, "arn", compile_arn(tokens_of(text), False)))
        else:
            raise PolicyError(
                f"expected an ARN, '*' or 'execute-api:/...', not {text!r}", f"{path}.{key}[{number}]"
            )
    return tuple(patterns)


def _condition_value(value: Any, path: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise PolicyError("a condition value must be a string, number or boolean", path)


def _conditions(block: Any, path: str, variables: bool) -> tuple[Condition, ...]:
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise PolicyError("must be an object of operators", path)
    conditions = []
    for operator_name, keys in block.items():
        op_path = f"{path}.{operator_name}"
        if not isinstance(keys, dict) or not keys:
            raise PolicyError("must be an object of condition keys", op_path)
        base, qualifier, if_exists = split_operator(operator_name)
        for key, raw in keys.items():
            key_path = f"{op_path}.{key}"
            items = raw if isinstance(raw, list) else [raw]
            if not items:
                raise PolicyError("must not be empty", key_path)
            values = tuple(_condition_value(v, f"{key_path}[{n}]") for n, v in enumerate(items))
            templated = variables and any(has_variables(v) for v in values)
            if base == "Null" and (len(values) != 1 or values[0].lower() not in ("true", "false")):
                raise PolicyError("Null takes 'true' or 'false'", key_path)
            prepared = prepare_values(base, values) if base is not None and not templated else ()
            conditions.append(
                Condition(
                    operator_name,
                    base,
                    qualifier,
                    if_exists,
                    key,
                    values,
                    templated,
                    prepared,
                    key_path,
                    key.lower(),
                )
            )
    return tuple(conditions)
