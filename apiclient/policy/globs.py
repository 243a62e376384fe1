"""IAM wildcard patterns (`*`, `?`) compiled to regular expressions.

A pattern is a sequence of tokens: single characters, or the wildcards ``STAR`` and
``ONE``. Tokens let a policy variable escape (``${*}``) put a literal ``*`` into a
pattern without it becoming a wildcard [IAM:reference_policies_variables].
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

STAR = "\x00*"
ONE = "\x00?"

Tokens = tuple[str, ...]


def tokens_of(text: str) -> Tokens:
    """Tokens of a pattern written in a policy: every `*` and `?` is a wildcard."""
    return tuple(STAR if ch == "*" else ONE if ch == "?" else ch for ch in text)


def literal_tokens(text: str) -> Tokens:
    """Tokens that match ``text`` exactly (no wildcards)."""
    return tuple(text)


def as_text(tokens: Iterable[str]) -> str:
    """The pattern written back as text (wildcards as `*` and `?`)."""
    return "".join(tok[-1] if tok in (STAR, ONE) else tok for tok in tokens)


def _regex(tokens: Iterable[str], star: str, one: str) -> str:
    return "".join(star if tok == STAR else one if tok == ONE else re.escape(tok) for tok in tokens)


@lru_cache(maxsize=8192)
def compile_glob(tokens: Tokens, ignore_case: bool) -> re.Pattern[str]:
    """A whole-string matcher; `*` matches anything, `/` included.

    [IAM:reference_policies_elements_resource]
    """
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(_regex(tokens, ".*", "."), flags)


@lru_cache(maxsize=8192)
def compile_arn(tokens: Tokens, case_sensitive_prefix: bool) -> re.Pattern[str]:
    """An ARN matcher, segment by segment.

    The five segments before the resource part (arn, partition, service, region,
    account) match case-insensitively in the Resource element; the resource part is
    case-sensitive and its `*` crosses `/` (policy-semantics.md (c) "Case"). A `*`
    in a prefix segment stays inside that segment. ``case_sensitive_prefix`` is for
    the Arn* condition operators, which are case-sensitive throughout.
    """
    if tokens == (STAR,):
        return re.compile(".*", re.DOTALL)
    segments: list[list[str]] = [[]]
    for tok in tokens:
        if tok == ":" and len(segments) < 6:
            segments.append([])
        else:
            segments[-1].append(tok)
    parts: list[str] = []
    for number, segment in enumerate(segments):
        last = number == len(segments) - 1
        # A pattern cut short (`arn:aws:execute-api:*`) lets its last `*` cover the rest.
        body = _regex(segment, ".*" if last else "[^:]*", "." if last else "[^:]")
        parts.append(body if number == 5 or case_sensitive_prefix else f"(?i:{body})")
    return re.compile(":".join(parts), re.DOTALL)
