"""lint() warnings, each tied to its source."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import lint

API, REGION, OWNER = "a1b2c3d4e5", "us-east-2", "111111111111"


def statement(**extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        **extra,
    }


def codes(*statements: dict[str, Any], version: str | None = "2012-10-17", **options: Any) -> list[str]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version:
        doc["Version"] = version
    return [warning.code for warning in lint(doc, **options)]


CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    ("clean", statement(), {}, []),
    (
        "PS-cidr-whitespace",
        statement(Condition={"IpAddress": {"aws:SourceIp": [" 203.0.113.0/24"]}}),
        {},
        ["cidr-whitespace"],
    ),
    (
        "OPS-invalid-cidr",
        statement(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/33"}}),
        {},
        ["invalid-cidr"],
    ),
    ("unknown-operator", statement(Condition={"StringEqual": {"k:a": "x"}}), {}, ["unknown-operator"]),
    (
        "PS-SourceVpc-on-public-API",
        statement(Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}),
        {},
        ["key-not-provided"],
    ),
    (
        "PS-SourceVpc-fine-on-private-API",
        statement(Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}),
        {"endpoint_type": "PRIVATE"},
        [],
    ),
    (
        "PS-SourceIp-absent-on-private-API",
        statement(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        {"endpoint_type": "PRIVATE"},
        ["key-not-provided"],
    ),
    (
        "NOTPRINCIPAL-with-allow",
        {
            **{k: v for k, v in statement().items() if k != "Principal"},
            "NotPrincipal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
        },
        {},
        ["notprincipal-allow"],
    ),
    (
        "other-api",
        statement(Resource=f"arn:aws:execute-api:{REGION}:{OWNER}:zzzzzzzzzz/*"),
        {"api_id": API, "region": REGION, "account": OWNER},
        ["other-api"],
    ),
    (
        "other-region",
        statement(Resource=f"arn:aws:execute-api:eu-west-1:{OWNER}:{API}/*"),
        {"api_id": API, "region": REGION, "account": OWNER},
        ["other-api"],
    ),
    (
        "wildcard-region-is-fine",
        statement(Resource=f"arn:aws:execute-api:*:{OWNER}:{API}/*"),
        {"api_id": API, "region": REGION, "account": OWNER},
        [],
    ),
    (
        "PS-observation-api-id/-never-applies",
        statement(Resource=f"arn:aws:execute-api:{REGION}:{OWNER}:{API}/"),
        {},
        ["never-applies"],
    ),
    ("never-applies-action", statement(Action="s3:GetObject"), {}, ["never-applies"]),
    ("never-applies-service", statement(Resource="arn:aws:s3:::bucket/*"), {}, ["never-applies"]),
    (
        "MULTI-ForAllValues-with-Allow",
        statement(Condition={"ForAllValues:StringEquals": {"k:t": ["a"]}}),
        {},
        ["forallvalues-allow"],
    ),
    (
        "VARS-variable-with-numeric-operator",
        statement(Condition={"NumericEquals": {"k:n": "${aws:username}"}}),
        {},
        ["variable-operator", "invalid-value"],
    ),
    (
        "OPS-invalid-date",
        statement(Condition={"DateLessThan": {"aws:CurrentTime": "soon"}}),
        {},
        ["invalid-value"],
    ),
]


@pytest.mark.parametrize(
    ("statement_", "options", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_lint(statement_: dict[str, Any], options: dict[str, Any], expected: list[str]) -> None:
    assert codes(statement_, **options) == expected


def test_variables_without_version() -> None:
    # [IAM:reference_policies_variables]: without Version they are literal strings.
    doc = statement(Condition={"StringEquals": {"k:owner": "${aws:username}"}})
    assert codes(doc, version=None) == ["variables-without-version"]
    assert codes(doc) == []


def test_identity_policy_checks() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}],
    }
    assert [w.code for w in lint(doc)] == ["shorthand-outside-resource-policy"]


def test_warnings_carry_paths_and_readable_text() -> None:
    [warning] = lint(
        {
            "Version": "2012-10-17",
            "Statement": [
                statement(),
                statement(Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24 "]}}),
            ],
        }
    )
    assert warning.path == "Statement[1].Condition.IpAddress.aws:SourceIp"
    assert "undocumented" in str(warning)
    assert warning.to_dict()["code"] == "cidr-whitespace"
