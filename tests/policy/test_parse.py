"""Parsing: malformed documents raise PolicyError naming the JSON path; fuzzed input raises nothing else."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiclient.errors import PolicyError
from apiclient.policy import AccessRequest, authorize, lint, parse_policy

GOOD = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}

BAD: list[tuple[str, Any, str]] = [
    ("not-json", "{", ""),
    ("not-object", [1], ""),
    ("unknown-top", {"Statement": [GOOD], "Versoin": "2012-10-17"}, "Versoin"),
    ("bad-version", {"Version": "2020-01-01", "Statement": [GOOD]}, "Version"),
    ("no-statement", {"Version": "2012-10-17"}, "Statement"),
    ("statement-not-list", {"Statement": "x"}, "Statement"),
    ("bad-effect", {"Statement": [GOOD, {**GOOD, "Effect": "allow"}]}, "Statement[1].Effect"),
    ("no-action", {"Statement": [{k: v for k, v in GOOD.items() if k != "Action"}]}, "Statement[0].Action"),
    ("action-and-notaction", {"Statement": [{**GOOD, "NotAction": "x:y"}]}, "Statement[0].NotAction"),
    ("action-without-colon", {"Statement": [{**GOOD, "Action": "Invoke"}]}, "Statement[0].Action[0]"),
    ("resource-not-arn", {"Statement": [{**GOOD, "Resource": ["*", "bucket"]}]}, "Statement[0].Resource[1]"),
    (
        "principal-partial-wildcard",
        {"Statement": [{**GOOD, "Principal": {"AWS": "arn:aws:iam::1:role/*"}}]},
        "Statement[0].Principal.AWS[0]",
    ),
    (
        "principal-unknown-type",
        {"Statement": [{**GOOD, "Principal": {"Users": "x"}}]},
        "Statement[0].Principal.Users",
    ),
    (
        "principal-not-arn",
        {"Statement": [{**GOOD, "Principal": {"AWS": ["123456789012", "bob"]}}]},
        "Statement[0].Principal.AWS[1]",
    ),
    ("condition-not-object", {"Statement": [{**GOOD, "Condition": []}]}, "Statement[0].Condition"),
    (
        "condition-operator-not-object",
        {"Statement": [GOOD, {**GOOD, "Condition": {"IpAddress": "1.2.3.4"}}]},
        "Statement[1].Condition.IpAddress",
    ),
    (
        "condition-value-object",
        {"Statement": [{**GOOD, "Condition": {"IpAddress": {"aws:SourceIp": {"a": 1}}}}]},
        "Statement[0].Condition.IpAddress.aws:SourceIp[0]",
    ),
    (
        "null-not-bool",
        {"Statement": [{**GOOD, "Condition": {"Null": {"k:a": "maybe"}}}]},
        "Statement[0].Condition.Null.k:a",
    ),
    ("unknown-statement-key", {"Statement": [{**GOOD, "Resources": "*"}]}, "Statement[0].Resources"),
]


@pytest.mark.parametrize(("doc", "path"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_malformed_documents_name_the_path(doc: Any, path: str) -> None:
    with pytest.raises(PolicyError) as error:
        parse_policy(doc if isinstance(doc, str) else json.dumps(doc))
    assert error.value.path == path
    assert str(error.value).startswith(path)


def test_dict_json_text_and_policy_are_the_same() -> None:
    doc = {"Version": "2012-10-17", "Statement": GOOD}
    parsed = parse_policy(doc)
    assert parse_policy(json.dumps(doc)) is parsed  # cached by JSON text
    assert parse_policy(parsed) is parsed
    assert len(parsed.statements) == 1


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(
        [
            "*",
            "Allow",
            "Deny",
            "execute-api:Invoke",
            "execute-api:/*",
            "arn:aws:iam::123456789012:root",
            "aws:SourceIp",
            "192.0.2.0/24",
            " 10.0.0.0/8",
            "${aws:username}",
            "${x, 'y'}",
            "2012-10-17",
            "abc",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Sid",
                    "Effect",
                    "Principal",
                    "NotPrincipal",
                    "AWS",
                    "Action",
                    "NotAction",
                    "Resource",
                    "NotResource",
                    "Condition",
                    "IpAddress",
                    "StringLike",
                    "ForAllValues:StringEquals",
                    "NullIfExists",
                    "DateLessThan",
                    "Bool",
                    "aws:SourceIp",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


LEAF = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "*",
            "192.0.2.0/24",
            " 10.0.0.0/8",
            "2001:db8::/32",
            "${aws:username}",
            "${x, 'y'}",
            "${*}",
            "2024-01-01",
            "1700000000",
            "true",
            "arn:aws:iam::123456789012:role/r",
            "QUJD",
            "vpce-1",
        ]
    )
)
VALUES = LEAF | st.lists(LEAF, max_size=3)
OPERATORS = st.sampled_from(
    [
        "StringEquals",
        "StringNotLike",
        "NumericLessThan",
        "DateGreaterThan",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnLike",
        "ArnNotEquals",
        "Null",
        "StringEqualsIfExists",
        "NullIfExists",
        "ForAllValues:StringLike",
        "ForAnyValue:IpAddress",
        "ForSomeValues:StringEquals",
        "Bogus",
    ]
)
KEYS = st.sampled_from(
    [
        "aws:SourceIp",
        "aws:username",
        "aws:PrincipalArn",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:SecureTransport",
        "k:binary",
        "aws:SourceVpce",
        "aws:PrincipalTag/team",
    ]
)
PRINCIPALS = [
    "*",
    {"AWS": "*"},
    {"AWS": ["123456789012", "arn:aws:iam::1:root"]},
    {"Service": "lambda.amazonaws.com"},
    {"AWS": "arn:aws:sts::222222222222:assumed-role/r/s"},
]


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly well-formed statements with odd values, so that evaluation (not only parsing) is fuzzed."""
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    who = draw(st.sampled_from(["Principal", "NotPrincipal", None]))
    if who:
        statement[who] = draw(st.sampled_from(PRINCIPALS))
    statement[draw(st.sampled_from(["Action", "NotAction"]))] = draw(
        st.sampled_from(["*", "execute-api:Invoke", ["execute-api:*", "s3:Get?bject"], "iam:*"])
    )
    statement[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(
        st.sampled_from(
            [
                "*",
                "execute-api:/*",
                "execute-api:/prod/GET/${aws:username}",
                "arn:aws:execute-api:*:*:*/*/GET/*",
                "arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}",
            ]
        )
    )
    statement["Condition"] = draw(
        st.dictionaries(OPERATORS, st.dictionaries(KEYS, VALUES, max_size=2), max_size=3)
    )
    return statement


DOCUMENTS = st.fixed_dictionaries(
    {"Statement": st.lists(statements(), min_size=1, max_size=4)},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"]), "Id": st.text(max_size=4)},
)
REQUEST = AccessRequest(
    "arn:aws:sts::222222222222:assumed-role/r/s",
    "222222222222",
    "111111111111",
    "192.0.2.9",
    "GET",
    "prod",
    "/pets",
    "a1b2c3d4e5",
    "us-east-2",
    "2024-06-01T12:00:00Z",
)


@settings(max_examples=200, deadline=None)
@given(doc=JSON | DOCUMENTS)
def test_fuzzed_documents_raise_only_policy_error(doc: Any) -> None:
    """Whatever the document, the engine answers or raises PolicyError; nothing else escapes."""
    try:
        decision = authorize(REQUEST, resource_policy=doc, identity_policies=[doc])
    except PolicyError:
        return
    json.dumps(decision.to_dict())
    decision.explain()
    lint(doc)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=60))
def test_fuzzed_text_raises_only_policy_error(text: str) -> None:
    with contextlib.suppress(PolicyError):
        parse_policy(text)
