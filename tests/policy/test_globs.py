"""IAM wildcards: the regex semantics they always had, in time linear in the text.

The oracle below is the backtracking translation the matcher replaced (`*` -> `.*`, `?` -> `.`,
ARN prefix fields `[^:]`): the chunk search must agree with it everywhere, and stay fast where it
took seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiclient.policy import AccessRequest, authorize
from apiclient.policy.globs import ONE, STAR, Tokens, compile_arn, compile_glob, literal_tokens, tokens_of


def _regex(tokens: Tokens, star: str, one: str) -> str:
    return "".join(star if t == STAR else one if t == ONE else re.escape(t) for t in tokens)


def oracle_glob(tokens: Tokens, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(_regex(tokens, ".*", "."), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def oracle_arn(tokens: Tokens, case_sensitive_prefix: bool) -> re.Pattern[str]:
    if tokens == (STAR,):
        return re.compile(".*", re.DOTALL)
    segments: list[list[str]] = [[]]
    for tok in tokens:
        if tok == ":" and len(segments) < 6:
            segments.append([])
        else:
            segments[-1].append(tok)
    parts = []
    for number, segment in enumerate(segments):
        last = number == len(segments) - 1
        body = _regex(segment, ".*" if last else "[^:]*", "." if last else "[^:]")
        parts.append(body if number == 5 or case_sensitive_prefix else f"(?i:{body})")
    return re.compile(":".join(parts), re.DOTALL)


@pytest.mark.parametrize(
    ("pattern", "text", "ignore_case", "expected"),
    [
        ("*", "", False, True),
        ("*", "anything/at:all", False, True),
        ("**", "x", False, True),
        ("", "", False, True),
        ("", "x", False, False),
        ("?", "", False, False),
        ("?", "x", False, True),
        ("?", "xy", False, False),
        ("a*", "a", False, True),
        ("*a", "ba", False, True),
        ("*a", "ab", False, False),
        ("a*a", "a", False, False),  # the first and last chunk may not overlap
        ("a*a", "aa", False, True),
        ("a?c", "abc", False, True),
        ("a?c", "ac", False, False),
        ("*a?c*", "xxabyabcz", False, True),
        ("*a?c*", "xxabyacz", False, False),
        ("*ab?d*", "abxabcd", False, True),  # the first candidate fails, the second holds
        ("execute-api:Inv*", "execute-api:Invoke", False, True),
        ("execute-api:inv*", "Execute-API:Invoke", True, True),
        ("execute-api:inv*", "Execute-API:Invoke", False, False),
        ("*/GET/*", "abc/prod/GET/products", False, True),
        ("a*b*c", "a\nb\nc", False, True),  # `*` crosses newlines, as DOTALL did
        ("*Mozilla*MSIE*Trident*", "Mozilla/4.0 (compatible; MSIE 8.0; Trident/4.0)", False, True),
    ],
)
def test_glob_semantics(pattern: str, text: str, ignore_case: bool, expected: bool) -> None:
    matched = compile_glob(tokens_of(pattern), ignore_case).fullmatch(text) is not None
    assert matched is expected
    assert (oracle_glob(tokens_of(pattern), ignore_case).fullmatch(text) is not None) is expected


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("*", "arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/x", True),
        ("arn:aws:execute-api:*", "arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/x", True),
        ("ARN:AWS:execute-api:*:*:abc/*", "arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/x", True),
        ("arn:aws:execute-api:*:*:ABC/*", "arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/x", False),
        ("arn:aws:execute-api:us-*-1:*:abc/*", "arn:aws:execute-api:us-east-1:111122223333:abc/p", True),
        (
            "arn:aws:*:abc/*",
            "arn:aws:execute-api:us-east-1:111122223333:abc/p",
            False,
        ),  # `*` stays in a field
        ("arn:aws:execute-api:?????????:*", "arn:aws:execute-api:us-east-1:1:a", True),
        ("arn:aws:execute-api:us-east-1:*:a/b:c", "arn:aws:execute-api:us-east-1:1:a/b:c", True),
        ("arn:aws:execute-api", "arn:aws:execute-api:us-east-1:1:a", False),
    ],
)
def test_arn_semantics(pattern: str, text: str, expected: bool) -> None:
    assert (compile_arn(tokens_of(pattern), False).fullmatch(text) is not None) is expected
    assert (oracle_arn(tokens_of(pattern), False).fullmatch(text) is not None) is expected


def test_an_escaped_star_is_a_literal_character() -> None:
    tokens = (*literal_tokens("a*"), STAR)  # ${*} put a literal `*` before a wildcard
    glob = compile_glob(tokens, False)
    assert glob.fullmatch("a*anything") is not None
    assert glob.fullmatch("abc") is None


_ALPHABET = "ab:/A?*"
_pattern_text = st.text(st.sampled_from(_ALPHABET), max_size=10)
_subject = st.text(st.sampled_from("ab:/AB"), max_size=14)


@settings(max_examples=600, deadline=None)
@given(pattern=_pattern_text, text=_subject, ignore_case=st.booleans())
def test_glob_agrees_with_the_regex_it_replaced(pattern: str, text: str, ignore_case: bool) -> None:
    tokens = tokens_of(pattern)
    expected = oracle_glob(tokens, ignore_case).fullmatch(text) is not None
    assert (compile_glob(tokens, ignore_case).fullmatch(text) is not None) is expected


@settings(max_examples=600, deadline=None)
@given(
    pattern=st.lists(_pattern_text, min_size=1, max_size=7).map(":".join),
    text=st.lists(_subject, min_size=1, max_size=7).map(":".join),
    case_sensitive=st.booleans(),
)
def test_arn_agrees_with_the_regex_it_replaced(pattern: str, text: str, case_sensitive: bool) -> None:
    tokens = tokens_of(pattern)
    expected = oracle_arn(tokens, case_sensitive).fullmatch(text) is not None
    assert (compile_arn(tokens, case_sensitive).fullmatch(text) is not None) is expected


def _best_of(runs: int, call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


# The worst cases of the backtracking translation: `*a*a*a*b` took 2.9 s on 600 characters, the "old IE"
# User-Agent rule 7 s on 26 kB. Linear time shows as a ratio near the size ratio (10); the regex's
# cubic growth gave about 1,000. The absolute bound is only a backstop, generous for a loaded machine.
@pytest.mark.parametrize(
    ("pattern", "hostile"),
    [
        ("*a*a*a*b", lambda n: "a" * n),
        ("*Mozilla*MSIE*Trident*", lambda n: ("Mozilla/5.0 (compatible; MSIE 9.0) " * n)[:n]),
        ("*a?a*a?a*b", lambda n: "a" * n),
    ],
)
def test_worst_cases_take_linear_time(pattern: str, hostile: Callable[[int], str]) -> None:
    glob = compile_glob(tokens_of(pattern), False)
    small, large = hostile(600), hostile(6000)
    assert glob.fullmatch(small) is None
    small_time = _best_of(5, lambda: glob.fullmatch(small))
    large_time = _best_of(5, lambda: glob.fullmatch(large))
    assert large_time / max(small_time, 1e-6) < 60
    assert large_time < 0.5


def test_a_26_kb_user_agent_against_a_deny_rule_is_quick() -> None:
    user_agent = ("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1) " * 520)[:26_000]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"},
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:UserAgent": "*Mozilla*MSIE*Trident*"}},
            },
        ],
    }
    request = AccessRequest(
        principal_arn=None,
        principal_account=None,
        api_owner_account="111122223333",
        source_ip="192.0.2.1",
        method="GET",
        stage="prod",
        path="/x",
        api_id="abc",
        region="us-east-1",
        current_time=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        context_keys={"aws:UserAgent": user_agent},
    )
    benign = dataclasses.replace(request, context_keys={"aws:UserAgent": "x" * 26_000})
    hostile_time = _best_of(3, lambda: authorize(request, resource_policy=policy, authorization="NONE"))
    benign_time = _best_of(3, lambda: authorize(benign, resource_policy=policy, authorization="NONE"))
    assert authorize(request, resource_policy=policy, authorization="NONE").result == "ALLOW"
    assert hostile_time < 0.5
    assert hostile_time / benign_time < 20
