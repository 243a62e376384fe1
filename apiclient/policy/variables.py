"""Policy variables: ``${key}``, ``${key, 'default'}`` and the escapes ``${*}`` ``${?}`` ``${$}``.

[IAM:reference_policies_variables]. A variable with no value and no default leaves
the whole string unresolved: conditions using it do not match (negated ones do)
and a Resource using it matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from apiclient.policy.globs import Tokens, literal_tokens, tokens_of

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}

Context = Mapping[str, tuple[str, ...]]


def has_variables(text: str) -> bool:
    return _VARIABLE.search(text) is not None


def resolve(text: str, context: Context) -> Tokens | None:
    """The pattern tokens with every variable replaced, or None when one has no value.

    Substituted values and escapes are literal: a `*` in a tag value is not a wildcard.
    """
    tokens: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        tokens.extend(tokens_of(text[position : match.start()]))
        position = match.end()
        body = match.group(1)
        if body.strip() in _ESCAPES:
            tokens.extend(literal_tokens(_ESCAPES[body.strip()]))
            continue
        default = _DEFAULT.match(body)
        key, fallback = (default.group(1), default.group(2)) if default else (body.strip(), None)
        values = context.get(key.lower())
        if values is not None and len(values) == 1:
            tokens.extend(literal_tokens(values[0]))
        elif fallback is not None:
            tokens.extend(literal_tokens(fallback))
        else:
            return None
    tokens.extend(tokens_of(text[position:]))
    return tuple(tokens)
