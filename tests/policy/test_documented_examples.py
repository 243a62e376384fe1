"""Every documented example of the AWS pages on execute-api authorization, each with its source.

Sources: [AG:x] = https://docs.aws.amazon.com/apigateway/latest/developerguide/x.html,
[IAM:x] = https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html, KC = the AWS Knowledge Center (repost.aws).
"""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import authorize

OWNER, OTHER, API, REGION = "111111111111", "222222222222", "a1b2c3d4e5", "us-east-2"

# [AG:apigateway-resource-policies-examples] "Allow roles in another AWS account to use an API".
CROSS_ACCOUNT_ROLES = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "AWS": [f"arn:aws:iam::{OTHER}:role/developer", f"arn:aws:iam::{OTHER}:role/Admin"]
            },
            "Action": "execute-api:Invoke",
            "Resource": ["execute-api:/stage/GET/pets"],
        }
    ],
}
# Same page, 2019 version: a user and an account ID.
CROSS_ACCOUNT_2019 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{OTHER}:user/Alice", OTHER]},
            "Action": "execute-api:Invoke",
            "Resource": ["execute-api:/stage/GET/pets"],
        }
    ],
}


def _allow_deny(condition: dict[str, Any], resource: str = "execute-api:/*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": [resource]},
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": ["execute-api:/*"],
                "Condition": condition,
            },
        ],
    }


# [AG:apigateway-resource-policies-examples] "Deny API traffic based on source IP address or range".
IP_BLOCK_LIST = _allow_deny({"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}})
# Same page, private API variant with aws:VpcSourceIp.
PRIVATE_IP_BLOCK_LIST = _allow_deny({"IpAddress": {"aws:VpcSourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}})
# Same page, "Allow private API traffic based on source VPC or VPC endpoint".
SOURCE_VPC = _allow_deny({"StringNotEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}})
SOURCE_VPCE = _allow_deny({"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})
# KC "api-gateway-resource-policy-access" allow-list variant.
KC_ALLOW_LIST = _allow_deny({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}, "execute-api:/*/*/*")

# [AG:apigateway-authorization-flow] examples, whose Resource "arn:...:api-id/" has no wildcard.
FLOW_ARN = f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/"
FLOW_RESOURCE_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": FLOW_ARN,
            "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}},
        }
    ],
}
FLOW_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": [FLOW_ARN],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        }
    ],
}
# The same Deny-only policy with a wildcard resource: what the page means.
LAMBDA_DENY_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": ["execute-api:/*"],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        }
    ],
}
COGNITO_IP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}},
        }
    ],
}
IDENTITY_ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}
# [AG:api-gateway-control-access-using-iam-policies-to-invoke-api]: GET /pets/{petId} granted for pet a1b2.
PET_IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["execute-api:Invoke"],
            "Resource": [f"arn:aws:execute-api:*:{OWNER}:{API}/*/GET/pets/a1b2"],
        }
    ],
}

SESSION = f"arn:aws:sts::{OTHER}:assumed-role/developer/alice"
CASES: list[tuple[str, dict[str, Any] | None, dict[str, Any], dict[str, Any], str]] = [
    # id, resource policy, request fields, authorize() options, expected result
    (
        "AG-examples-cross-account-developer-session",
        CROSS_ACCOUNT_ROLES,
        {"stage": "stage"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "ALLOW",
    ),
    (
        "AG-examples-cross-account-Admin-role",
        CROSS_ACCOUNT_ROLES,
        {"stage": "stage", "principal_arn": f"arn:aws:sts::{OTHER}:assumed-role/Admin/x"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "ALLOW",
    ),
    (
        "AG-examples-cross-account-needs-identity-allow-TableB",
        CROSS_ACCOUNT_ROLES,
        {"stage": "stage"},
        {},
        "IMPLICIT_DENY",
    ),
    (
        "AG-examples-cross-account-other-role",
        CROSS_ACCOUNT_ROLES,
        {"stage": "stage", "principal_arn": f"arn:aws:sts::{OTHER}:assumed-role/tester/x"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "IMPLICIT_DENY",
    ),
    (
        "AG-examples-cross-account-other-method",
        CROSS_ACCOUNT_ROLES,
        {"stage": "stage", "method": "POST"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "IMPLICIT_DENY",
    ),
    (
        "PS-no-trailing-star-matches-only-/pets",
        CROSS_ACCOUNT_ROLES,
        {"stage": "stage", "path": "/pets/1"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "IMPLICIT_DENY",
    ),
    (
        "AG-examples-2019-user-Alice",
        CROSS_ACCOUNT_2019,
        {"stage": "stage", "principal_arn": f"arn:aws:iam::{OTHER}:user/Alice"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "ALLOW",
    ),
    (
        "AG-examples-2019-account-id-covers-any-principal",
        CROSS_ACCOUNT_2019,
        {"stage": "stage"},
        {"identity_policies": [IDENTITY_ALLOW]},
        "ALLOW",
    ),
    (
        "AG-examples-ip-block-list-blocked",
        IP_BLOCK_LIST,
        {"source_ip": "192.0.2.10"},
        {"authorization": "NONE"},
        "EXPLICIT_DENY",
    ),
    ("AG-examples-ip-block-list-second-range", IP_BLOCK_LIST, {}, {"authorization": "NONE"}, "EXPLICIT_DENY"),
    (
        "AG-examples-ip-block-list-other-ip",
        IP_BLOCK_LIST,
        {"source_ip": "203.0.113.9"},
        {"authorization": "NONE"},
        "ALLOW",
    ),
    (
        "AG-examples-private-ip-block-list-VpcSourceIp",
        PRIVATE_IP_BLOCK_LIST,
        {"source_ip": "192.0.2.10", "source_vpce": "vpce-1a2b3c4d", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "EXPLICIT_DENY",
    ),
    (
        "AG-examples-private-ip-block-list-other-ip",
        PRIVATE_IP_BLOCK_LIST,
        {"source_ip": "10.0.0.9", "source_vpce": "vpce-1a2b3c4d", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "ALLOW",
    ),
    (
        "AG-examples-source-vpc-match",
        SOURCE_VPC,
        {"source_vpc": "vpc-1a2b3c4d", "source_vpce": "vpce-9", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "ALLOW",
    ),
    (
        "AG-examples-source-vpc-other",
        SOURCE_VPC,
        {"source_vpc": "vpc-0000", "source_vpce": "vpce-9", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "EXPLICIT_DENY",
    ),
    (
        "IAM-operators-negated-missing-key-is-true: source-vpc absent",
        SOURCE_VPC,
        {},
        {"authorization": "NONE"},
        "EXPLICIT_DENY",
    ),
    (
        "AG-examples-source-vpce-match",
        SOURCE_VPCE,
        {"source_vpce": "vpce-1a2b3c4d", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "ALLOW",
    ),
    (
        "AG-examples-source-vpce-other",
        SOURCE_VPCE,
        {"source_vpce": "vpce-ffff", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "EXPLICIT_DENY",
    ),
    ("KC-allow-list-inside", KC_ALLOW_LIST, {"source_ip": "203.0.113.5"}, {"authorization": "NONE"}, "ALLOW"),
    ("KC-allow-list-outside", KC_ALLOW_LIST, {}, {"authorization": "NONE"}, "EXPLICIT_DENY"),
    (
        "PS-observation-flow-example-arn-api-id/-matches-nothing",
        FLOW_RESOURCE_ONLY,
        {"source_ip": "192.0.2.1"},
        {"authorization": "NONE"},
        "IMPLICIT_DENY",
    ),
    (
        "AG-flow-lambda-example-no-deny-for-a-wildcardless-resource",
        FLOW_LAMBDA,
        {},
        {"authorization": "CUSTOM", "authorizer_result": "ALLOW"},
        "ALLOW",
    ),
    (
        "AG-flow-lambda-deny-only-works-with-authorizer",
        LAMBDA_DENY_ONLY,
        {"source_vpce": "vpce-1a2b3c4d", "endpoint_type": "PRIVATE"},
        {"authorization": "CUSTOM", "authorizer_result": "ALLOW"},
        "ALLOW",
    ),
    (
        "AG-flow-lambda-pre-auth-explicit-deny",
        LAMBDA_DENY_ONLY,
        {"source_vpce": "vpce-other"},
        {"authorization": "CUSTOM", "authorizer_result": "ALLOW"},
        "EXPLICIT_DENY",
    ),
    (
        "PS-consequence-deny-only-with-NONE-denies-everything",
        LAMBDA_DENY_ONLY,
        {"source_vpce": "vpce-1a2b3c4d", "endpoint_type": "PRIVATE"},
        {"authorization": "NONE"},
        "IMPLICIT_DENY",
    ),
    (
        "AG-flow-resource-policy-only-implicit-deny",
        COGNITO_IP,
        {"source_ip": "203.0.113.1"},
        {"authorization": "NONE"},
        "IMPLICIT_DENY",
    ),
    (
        "AG-flow-resource-policy-only-allow",
        COGNITO_IP,
        {"source_ip": "192.0.2.1"},
        {"authorization": "NONE"},
        "ALLOW",
    ),
    (
        "AG-flow-cognito-allowed-ip",
        COGNITO_IP,
        {"source_ip": "192.0.2.1"},
        {"authorization": "COGNITO_USER_POOLS", "authorizer_result": "ALLOW"},
        "ALLOW",
    ),
    (
        "AG-flow-cognito-neither-is-deny",
        COGNITO_IP,
        {"source_ip": "203.0.113.1"},
        {"authorization": "COGNITO_USER_POOLS", "authorizer_result": "ALLOW"},
        "IMPLICIT_DENY",
    ),
    ("AG-control-access-no-resource-policy-NONE-is-public", None, {}, {"authorization": "NONE"}, "ALLOW"),
    (
        "AG-private-apis-no-resource-policy-fails",
        None,
        {"endpoint_type": "PRIVATE", "source_vpce": "vpce-1"},
        {"authorization": "NONE"},
        "IMPLICIT_DENY",
    ),
    (
        "AG-control-access-pet-a1b2-granted",
        None,
        {
            "path": "/pets/a1b2",
            "principal_arn": f"arn:aws:iam::{OWNER}:user/Alice",
            "principal_account": OWNER,
        },
        {"identity_policies": [PET_IDENTITY]},
        "ALLOW",
    ),
    (
        "AG-control-access-pet-route-template-not-matched",
        None,
        {
            "path": "/pets/zz99",
            "principal_arn": f"arn:aws:iam::{OWNER}:user/Alice",
            "principal_account": OWNER,
        },
        {"identity_policies": [PET_IDENTITY]},
        "IMPLICIT_DENY",
    ),
]


@pytest.mark.parametrize(
    ("resource_policy", "fields", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_documented_example(
    build: Any,
    resource_policy: dict[str, Any] | None,
    fields: dict[str, Any],
    options: dict[str, Any],
    expected: str,
) -> None:
    decision = authorize(build.request(**fields), resource_policy=resource_policy, **options)
    assert decision.result == expected, decision.explain()


def test_flow_example_resource_is_flagged_by_lint(build: Any) -> None:
    # [AG:apigateway-authorization-flow]'s "...:api-id/" has no wildcard: read literally it matches no method.
    decision = authorize(
        build.request(source_ip="192.0.2.1"), resource_policy=FLOW_RESOURCE_ONLY, authorization="NONE"
    )
    assert any(w.code == "never-applies" and "Resource" in w.path for w in decision.lint)


def test_root_resource_arn_has_trailing_slash(build: Any) -> None:
    # The root resource's ARN ends in .../stage/GET/ (captured: github.com/ASFHyP3/hyp3/issues/2283).
    assert build.request(path="/").resource_arn == f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/prod/GET/"


def test_same_account_resource_policy_alone_is_enough(build: Any) -> None:
    # aws-samples/serverless-samples owasp-api-security-controls-demo README: same account, no identity allow.
    granted = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OWNER}:role/reader"},
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
            }
        ],
    }
    assert authorize(build.same_account(), resource_policy=granted).result == "ALLOW"


def test_unsigned_call_to_aws_iam_method_is_refused(build: Any) -> None:
    decision = authorize(
        build.request(principal_arn=None, principal_account=None), resource_policy=IP_BLOCK_LIST
    )
    assert decision.result == "IMPLICIT_DENY"
    assert "SigV4" in decision.explain()
