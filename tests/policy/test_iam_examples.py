"""The examples of the IAM User Guide's policy pages, run through evaluate().

[IAM:x] is https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html.

OPS = [IAM:reference_policies_elements_condition_operators],
MULTI = [IAM:reference_policies_multi-value-conditions].
"""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import evaluate

USER = "arn:aws:iam::123456789012:user/Alice"
ANY_RESOURCE = "arn:aws:iam::123456789012:user/Alice"


def doc(effect: str, action: str, condition: dict[str, Any], resource: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": {"Effect": effect, "Action": action, "Resource": resource, "Condition": condition},
    }


THREAD = "arn:aws:dynamodb:us-east-1:123456789012:table/Thread"
GET_ALL = doc(
    "Allow",
    "dynamodb:GetItem",
    {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["PostDateTime", "Message", "Tags"]}},
    "arn:aws:dynamodb:*:*:table/Thread",
)
PUT_ANY = doc(
    "Deny",
    "dynamodb:PutItem",
    {"ForAnyValue:StringEquals": {"dynamodb:Attributes": ["ID", "PostDateTime"]}},
    "arn:aws:dynamodb:*:*:table/Thread",
)
S3_HOME = doc("Allow", "s3:ListBucket", {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}})
INSTANCE_TYPES = ["t1.*", "t2.*", "m3.*"]

CASES: list[tuple[str, dict[str, Any], str, str, dict[str, Any], str]] = [
    # id, policy, action, resource, context keys, expected
    (
        "OPS-StringEquals-tagged",
        doc("Allow", "iam:*AccessKey*", {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {"aws:PrincipalTag/job-category": "iamuser-admin"},
        "ALLOW",
    ),
    (
        "OPS-StringEquals-untagged-user-implicitly-denied",
        doc("Allow", "iam:*AccessKey*", {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-StringLike-home-username",
        S3_HOME,
        "s3:ListBucket",
        "arn:aws:s3:::b",
        {"s3:prefix": "home/Alice/"},
        "ALLOW",
    ),
    (
        "OPS-StringLike-other-home",
        S3_HOME,
        "s3:ListBucket",
        "arn:aws:s3:::b",
        {"s3:prefix": "home/Bob/"},
        "IMPLICIT_DENY",
    ),
    ("OPS-StringLike-empty-prefix", S3_HOME, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": ""}, "ALLOW"),
    (
        "OPS-NumericLessThanEquals-max-keys-10",
        doc("Allow", "s3:ListBucket", {"NumericLessThanEquals": {"s3:max-keys": "10"}}),
        "s3:ListBucket",
        "arn:aws:s3:::b",
        {"s3:max-keys": 10},
        "ALLOW",
    ),
    (
        "OPS-NumericLessThanEquals-max-keys-11",
        doc("Allow", "s3:ListBucket", {"NumericLessThanEquals": {"s3:max-keys": "10"}}),
        "s3:ListBucket",
        "arn:aws:s3:::b",
        {"s3:max-keys": 11},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-DateGreaterThan-TokenIssueTime-absent-for-access-keys",
        doc("Allow", "iam:*AccessKey*", {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-DateGreaterThan-TokenIssueTime-later",
        doc("Allow", "iam:*AccessKey*", {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {"aws:TokenIssueTime": "2021-03-04T05:06:07Z"},
        "ALLOW",
    ),
    (
        "OPS-Bool-SecureTransport-false-denies-http",
        doc("Deny", "s3:*", {"Bool": {"aws:SecureTransport": "false"}}),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        {"aws:SecureTransport": False},
        "EXPLICIT_DENY",
    ),
    (
        "OPS-Bool-SecureTransport-https-not-denied",
        doc("Deny", "s3:*", {"Bool": {"aws:SecureTransport": "false"}}),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        {"aws:SecureTransport": True},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-BinaryEquals",
        doc("Allow", "svc:Do", {"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}),
        "svc:Do",
        "arn:aws:svc:::x",
        {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
        "ALLOW",
    ),
    (
        "OPS-IpAddress",
        doc("Allow", "iam:*AccessKey*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {"aws:SourceIp": "203.0.113.77"},
        "ALLOW",
    ),
    (
        "OPS-IpAddress-absent-through-vpc-endpoint",
        doc("Allow", "iam:*AccessKey*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-IpAddress-IPv6",
        doc(
            "Allow",
            "iam:*AccessKey*",
            {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
        ),
        "iam:ListAccessKeys",
        ANY_RESOURCE,
        {"aws:SourceIp": "2001:db8:1234:5678:ffff::1"},
        "ALLOW",
    ),
    (
        "OPS-ArnEquals-SourceArn",
        doc(
            "Allow",
            "sqs:SendMessage",
            {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"}},
        ),
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:123456789012:q",
        {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"},
        "ALLOW",
    ),
    (
        "OPS-ArnEquals-SourceArn-absent-for-direct-calls",
        doc(
            "Allow",
            "sqs:SendMessage",
            {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"}},
        ),
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:123456789012:q",
        {},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-StringLike-InstanceType-missing-key-fails",
        doc("Allow", "ec2:*", {"StringLike": {"ec2:InstanceType": INSTANCE_TYPES}}),
        "ec2:DescribeInstances",
        "*",
        {},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-StringLikeIfExists-missing-key-passes",
        doc("Allow", "ec2:*", {"StringLikeIfExists": {"ec2:InstanceType": INSTANCE_TYPES}}),
        "ec2:DescribeInstances",
        "*",
        {},
        "ALLOW",
    ),
    (
        "OPS-StringLikeIfExists-present-checked",
        doc("Allow", "ec2:*", {"StringLikeIfExists": {"ec2:InstanceType": INSTANCE_TYPES}}),
        "ec2:RunInstances",
        "*",
        {"ec2:InstanceType": "m5.large"},
        "IMPLICIT_DENY",
    ),
    (
        "OPS-Null-TokenIssueTime-long-term-keys",
        doc("Allow", "ec2:*", {"Null": {"aws:TokenIssueTime": "true"}}),
        "ec2:StopInstances",
        "*",
        {},
        "ALLOW",
    ),
    (
        "MULTI-first-example-AND-of-keys-OR-of-values",
        doc(
            "Allow",
            "svc:Do",
            {
                "StringEqualsIgnoreCase": {
                    "aws:PrincipalTag/department": ["finance", "hr", "legal"],
                    "aws:PrincipalTag/role": ["audit", "security"],
                },
                "StringEquals": {"aws:PrincipalAccount": "123456789012"},
            },
        ),
        "svc:Do",
        "*",
        {"aws:PrincipalTag/department": "HR", "aws:PrincipalTag/role": "Audit"},
        "ALLOW",
    ),
    (
        "MULTI-negated-several-values-is-AND",
        doc(
            "Deny", "svc:Do", {"StringNotEquals": {"aws:PrincipalAccount": ["123456789012", "111122223333"]}}
        ),
        "svc:Do",
        "*",
        {},
        "IMPLICIT_DENY",
    ),
    (
        "MULTI-ForAllValues-GetItem-UserName-not-listed",
        GET_ALL,
        "dynamodb:GetItem",
        THREAD,
        {"dynamodb:Attributes": ["PostDateTime", "UserName"]},
        "IMPLICIT_DENY",
    ),
    (
        "MULTI-ForAllValues-GetItem-all-listed",
        GET_ALL,
        "dynamodb:GetItem",
        THREAD,
        {"dynamodb:Attributes": ["PostDateTime", "Message"]},
        "ALLOW",
    ),
    (
        "MULTI-ForAllValues-empty-string-is-true",
        GET_ALL,
        "dynamodb:GetItem",
        THREAD,
        {"dynamodb:Attributes": ""},
        "ALLOW",
    ),
    (
        "MULTI-ForAnyValue-PutItem-PostDateTime-denied",
        PUT_ANY,
        "dynamodb:PutItem",
        THREAD,
        {"dynamodb:Attributes": ["UserName", "Message", "PostDateTime"]},
        "EXPLICIT_DENY",
    ),
    (
        "MULTI-ForAnyValue-PutItem-UserName-only-not-denied",
        PUT_ANY,
        "dynamodb:PutItem",
        THREAD,
        {"dynamodb:Attributes": ["UserName"]},
        "IMPLICIT_DENY",
    ),
    (
        "MULTI-ForAnyValue-empty-list-is-false",
        PUT_ANY,
        "dynamodb:PutItem",
        THREAD,
        {"dynamodb:Attributes": []},
        "IMPLICIT_DENY",
    ),
]


@pytest.mark.parametrize(
    ("policy", "action", "resource", "keys", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_iam_page_example(
    policy: dict[str, Any], action: str, resource: str, keys: dict[str, Any], expected: str
) -> None:
    decision = evaluate(
        policy,
        action=action,
        resource=resource,
        principal_arn=USER,
        principal_account="123456789012",
        context_keys=keys,
    )
    assert decision.result == expected, decision.explain()


# [IAM:reference_policies_evaluation-logic] "Example identity-based and resource-based policy evaluation".
CARLOS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowS3ListRead",
            "Effect": "Allow",
            "Action": [
                "s3:GetBucketLocation",
                "s3:GetAccountPublicAccessBlock",
                "s3:ListAccessPoints",
                "s3:ListAllMyBuckets",
            ],
            "Resource": "arn:aws:s3:::*",
        },
        {
            "Sid": "AllowS3Self",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
        },
        {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
    ],
}
# Same page, "The difference between explicit and implicit denies".
GET_LIST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
        {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"},
    ],
}


@pytest.mark.parametrize(
    ("policy", "action", "resource", "expected", "sid"),
    [
        (CARLOS, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/file.txt", "EXPLICIT_DENY", "DenyS3Logs"),
        (CARLOS, "s3:PutObject", "arn:aws:s3:::carlossalazar/file.txt", "ALLOW", "AllowS3Self"),
        (GET_LIST, "iam:GetUser", "*", "ALLOW", "AllowGetList"),
        (GET_LIST, "iam:CreatePolicy", "*", "IMPLICIT_DENY", None),
        (GET_LIST, "iam:GetOrganizationsAccessReport", "*", "EXPLICIT_DENY", "DenyReports"),
        (GET_LIST, "iam:GenerateCredentialReport", "*", "EXPLICIT_DENY", "DenyReports"),
    ],
    ids=[
        "carlos-logs-denied",
        "carlos-own-bucket",
        "getlist-allowed",
        "createpolicy-implicit",
        "report-explicit",
        "generate-report-explicit",
    ],
)
def test_evaluation_logic_examples(
    policy: dict[str, Any], action: str, resource: str, expected: str, sid: str | None
) -> None:
    decision = evaluate(
        policy, action=action, resource=resource, principal_arn="arn:aws:iam::123456789012:user/carlossalazar"
    )
    assert decision.result == expected
    assert [ref.sid for ref in decision.deciding] == ([sid] if sid else [])
