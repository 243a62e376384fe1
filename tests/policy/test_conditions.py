"""Condition operators, each case citing [IAM:reference_policies_elements_condition_operators] (OPS),
[IAM:reference_policies_multi-value-conditions] (MULTI), [IAM:reference_policies_elements_condition] (COND),
[IAM:reference_policies_variables] (VARS), or what follows from them and
[IAM:reference_policies_condition-keys] (PS); [IAM:x] is https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import evaluate

USER = "arn:aws:iam::111111111111:user/Alice"


def holds(
    condition: dict[str, Any],
    keys: dict[str, Any] | None = None,
    *,
    version: str | None = "2012-10-17",
    source_ip: str | None = None,
    principal: str | None = USER,
) -> bool:
    doc: dict[str, Any] = {
        "Statement": [{"Effect": "Allow", "Action": "svc:Do", "Resource": "*", "Condition": condition}]
    }
    if version:
        doc["Version"] = version
    decision = evaluate(
        doc,
        action="svc:Do",
        resource="arn:aws:svc:us-east-1:111111111111:thing/1",
        principal_arn=principal,
        context_keys=keys,
        source_ip=source_ip,
        current_time="2024-06-01T12:00:00Z",
    )
    return decision.allowed


CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]] = [
    ("OPS-StringEquals", {"StringEquals": {"k:a": "x"}}, {"k:a": "x"}, True),
    ("OPS-StringEquals-case-sensitive", {"StringEquals": {"k:a": "x"}}, {"k:a": "X"}, False),
    ("OPS-StringEqualsIgnoreCase", {"StringEqualsIgnoreCase": {"k:a": "x"}}, {"k:a": "X"}, True),
    ("OPS-StringNotEqualsIgnoreCase", {"StringNotEqualsIgnoreCase": {"k:a": "x"}}, {"k:a": "X"}, False),
    ("OPS-StringLike-star", {"StringLike": {"k:a": "ab*"}}, {"k:a": "abc/d"}, True),
    ("OPS-StringLike-question", {"StringLike": {"k:a": "a?c"}}, {"k:a": "abc"}, True),
    ("OPS-StringLike-question-one-char", {"StringLike": {"k:a": "a?c"}}, {"k:a": "abbc"}, False),
    ("OPS-StringNotLike", {"StringNotLike": {"k:a": "ab*"}}, {"k:a": "xyz"}, True),
    ("OPS-missing-key-is-false", {"StringEquals": {"k:a": "x"}}, None, False),
    ("OPS-missing-key-negated-is-true-StringNotLike", {"StringNotLike": {"k:a": "x"}}, None, True),
    ("OPS-missing-key-negated-is-true-ArnNotLike", {"ArnNotLike": {"k:a": "arn:aws:s3:::x"}}, None, True),
    ("OPS-IfExists-missing-is-true", {"StringLikeIfExists": {"k:a": "t2.*"}}, None, True),
    ("OPS-IfExists-present-is-checked", {"StringLikeIfExists": {"k:a": "t2.*"}}, {"k:a": "m5.large"}, False),
    ("COND-values-ORed", {"StringEquals": {"k:a": ["x", "y"]}}, {"k:a": "y"}, True),
    ("COND-negated-values-ANDed", {"StringNotEquals": {"k:a": ["x", "y"]}}, {"k:a": "y"}, False),
    ("COND-keys-ANDed", {"StringEquals": {"k:a": "x", "k:b": "y"}}, {"k:a": "x", "k:b": "z"}, False),
    (
        "COND-operators-ANDed",
        {"StringEquals": {"k:a": "x"}, "StringLike": {"k:b": "y*"}},
        {"k:a": "x", "k:b": "yes"},
        True,
    ),
    (
        "COND-key-names-case-insensitive",
        {"StringEquals": {"AWS:SourceIP": "192.0.2.1"}},
        {"aws:sourceip": "192.0.2.1"},
        True,
    ),
    ("OPS-NumericLessThan", {"NumericLessThan": {"k:n": "10"}}, {"k:n": 9}, True),
    ("OPS-NumericLessThan-equal-is-false", {"NumericLessThan": {"k:n": "10"}}, {"k:n": 10}, False),
    ("OPS-NumericLessThanEquals", {"NumericLessThanEquals": {"k:n": "10"}}, {"k:n": 10}, True),
    ("OPS-NumericGreaterThan", {"NumericGreaterThan": {"k:n": 1.5}}, {"k:n": "2"}, True),
    ("OPS-NumericGreaterThanEquals", {"NumericGreaterThanEquals": {"k:n": "3"}}, {"k:n": "2"}, False),
    ("OPS-NumericEquals", {"NumericEquals": {"k:n": "10"}}, {"k:n": "10.0"}, True),
    ("OPS-NumericNotEquals", {"NumericNotEquals": {"k:n": "10"}}, {"k:n": "11"}, True),
    ("OPS-Numeric-not-a-number", {"NumericEquals": {"k:n": "10"}}, {"k:n": "ten"}, False),
    (
        "OPS-DateLessThan-ISO-CurrentTime",
        {"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}},
        None,
        True,
    ),
    (
        "OPS-DateGreaterThan-ISO-date-only",
        {"DateGreaterThan": {"aws:CurrentTime": "2024-06-02"}},
        None,
        False,
    ),
    ("OPS-Date-epoch-value", {"DateGreaterThanEquals": {"aws:CurrentTime": "1717243200"}}, None, True),
    ("OPS-DateEquals-epoch-vs-ISO", {"DateEquals": {"aws:EpochTime": "2024-06-01T12:00:00Z"}}, None, True),
    ("OPS-DateNotEquals", {"DateNotEquals": {"aws:CurrentTime": "2024-06-01T12:00:00Z"}}, None, False),
    ("PS-EpochTime-with-Numeric", {"NumericGreaterThan": {"aws:EpochTime": "1700000000"}}, None, True),
    ("OPS-Bool-true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": True}, True),
    ("OPS-Bool-false", {"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": True}, False),
    (
        "OPS-Bool-json-boolean",
        {"Bool": {"aws:MultiFactorAuthPresent": True}},
        {"aws:MultiFactorAuthPresent": "TRUE"},
        True,
    ),
    (
        "OPS-BinaryEquals",
        {"BinaryEquals": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
        {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
        True,
    ),
    (
        "OPS-BinaryEquals-differs",
        {"BinaryEquals": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
        {"k:bin": "AAAA"},
        False,
    ),
    (
        "OPS-IpAddress-v4",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.9"},
        True,
    ),
    (
        "OPS-IpAddress-bare-ip-is-/32",
        {"IpAddress": {"aws:SourceIp": "203.0.113.9"}},
        {"aws:SourceIp": "203.0.113.9"},
        True,
    ),
    (
        "OPS-IpAddress-v6",
        {"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}},
        {"aws:SourceIp": "2001:db8:1234:5678::1"},
        True,
    ),
    (
        "PS-IPv4-list-does-not-match-IPv6-caller",
        {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}},
        {"aws:SourceIp": "2001:db8::1"},
        False,
    ),
    (
        "OPS-NotIpAddress",
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "192.0.2.1"},
        True,
    ),
    (
        "OPS-ArnLike",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:topic*"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic-a"},
        True,
    ),
    (
        "OPS-ArnEquals-same-as-ArnLike",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:t"},
        True,
    ),
    (
        "OPS-Arn-case-sensitive",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:Topic"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"},
        False,
    ),
    (
        "OPS-Arn-star-stays-in-segment",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:x:123456789012:t"},
        False,
    ),
    (
        "OPS-ArnNotEquals",
        {"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:u"},
        True,
    ),
    ("OPS-Null-true-absent", {"Null": {"aws:TokenIssueTime": "true"}}, None, True),
    ("OPS-Null-true-present", {"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "x"}, False),
    ("OPS-Null-false-present", {"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "x"}, True),
    (
        "MULTI-ForAllValues-subset",
        {"ForAllValues:StringEquals": {"k:tags": ["a", "b"]}},
        {"k:tags": ["a"]},
        True,
    ),
    (
        "MULTI-ForAllValues-extra-value",
        {"ForAllValues:StringEquals": {"k:tags": ["a", "b"]}},
        {"k:tags": ["a", "c"]},
        False,
    ),
    ("MULTI-ForAllValues-missing-key-is-true", {"ForAllValues:StringEquals": {"k:tags": ["a"]}}, None, True),
    (
        "MULTI-ForAllValues-empty-list-is-true",
        {"ForAllValues:StringEquals": {"k:tags": ["a"]}},
        {"k:tags": []},
        True,
    ),
    (
        "MULTI-ForAnyValue-one-matches",
        {"ForAnyValue:StringEquals": {"k:tags": ["a"]}},
        {"k:tags": ["z", "a"]},
        True,
    ),
    ("MULTI-ForAnyValue-missing-key-is-false", {"ForAnyValue:StringEquals": {"k:tags": ["a"]}}, None, False),
    (
        "MULTI-ForAnyValue-StringNotEquals",
        {"ForAnyValue:StringNotEquals": {"k:tags": ["a"]}},
        {"k:tags": ["a", "b"]},
        True,
    ),
    (
        "MULTI-ForAllValues-StringNotEquals",
        {"ForAllValues:StringNotEquals": {"k:tags": ["a"]}},
        {"k:tags": ["a", "b"]},
        False,
    ),
    (
        "MULTI-ForAnyValue-StringLike",
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a/r-b/ou-c/*"]}},
        {"aws:PrincipalOrgPaths": ["o-a/r-b/ou-c/ou-d/"]},
        True,
    ),
    ("VARS-username", {"StringEquals": {"k:owner": "${aws:username}"}}, {"k:owner": "Alice"}, True),
    (
        "VARS-default-used",
        {"StringEquals": {"k:team": "${aws:PrincipalTag/team, 'company-wide'}"}},
        {"k:team": "company-wide"},
        True,
    ),
    (
        "VARS-default-not-used-when-set",
        {"StringEquals": {"k:team": "${aws:PrincipalTag/team, 'company-wide'}"}},
        {"k:team": "company-wide", "aws:PrincipalTag/team": "yellow"},
        False,
    ),
    (
        "VARS-no-value-does-not-match",
        {"StringEquals": {"k:team": "${aws:PrincipalTag/team}"}},
        {"k:team": "x"},
        False,
    ),
    (
        "VARS-no-value-negated-matches",
        {"StringNotEquals": {"k:team": "${aws:PrincipalTag/team}"}},
        {"k:team": "x"},
        True,
    ),
    ("VARS-escape-star-is-literal", {"StringLike": {"k:a": "a${*}"}}, {"k:a": "abc"}, False),
    ("VARS-escape-star-matches-star", {"StringLike": {"k:a": "a${*}"}}, {"k:a": "a*"}, True),
    ("VARS-escape-question-and-dollar", {"StringEquals": {"k:a": "${?}${$}"}}, {"k:a": "?$"}, True),
    (
        "VARS-value-star-is-literal",
        {"StringLike": {"k:a": "${aws:PrincipalTag/p}x"}},
        {"k:a": "abcx", "aws:PrincipalTag/p": "*"},
        False,
    ),
    ("OPS-unknown-operator-never-matches", {"StringEqualz": {"k:a": "x"}}, {"k:a": "x"}, False),
]


@pytest.mark.parametrize(("condition", "keys", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_operator(condition: dict[str, Any], keys: dict[str, Any] | None, expected: bool) -> None:
    assert holds(condition, keys) is expected


def test_variables_are_literal_without_version() -> None:
    # VARS: without Version 2012-10-17 "variables like ${aws:username} are treated as literal strings".
    condition = {"StringEquals": {"k:owner": "${aws:username}"}}
    assert holds(condition, {"k:owner": "${aws:username}"}, version=None)
    assert not holds(condition, {"k:owner": "Alice"}, version=None)
    assert holds(condition, {"k:owner": "Alice"}, version="2012-10-17")


def test_source_ip_argument_feeds_aws_sourceip() -> None:
    assert holds({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, source_ip="192.0.2.44")
    assert not holds({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, source_ip="198.51.100.7")
    assert not holds({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})


def test_ip_reason_names_address_and_range() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "svc:Do",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            }
        ],
    }
    decision = evaluate(doc, action="svc:Do", resource="*", principal_arn=USER, source_ip="198.51.100.7")
    reasons = [e.reason for e in decision.trace[0].elements]
    assert "aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24" in reasons
