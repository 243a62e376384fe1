"""``apiclient explain``: offline decisions from policy files, who-can, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiclient.cli import ExitCode, cli
from apiclient.cli.commands.explain import parse_context_keys
from apiclient.policy import AccessRequest, authorize

OWNER = "222222222222"
PARTNER = "111111111111"
API = f"arn:aws:execute-api:us-east-1:{OWNER}:a1b2c3d4e5"
TESTER = f"arn:aws:iam::{PARTNER}:user/tester"
READER = f"arn:aws:iam::{OWNER}:user/reader"

RESOURCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PartnerReads",
            "Effect": "Allow",
            "Principal": {"AWS": TESTER},
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*/GET/products",
        },
        {
            "Sid": "OfficeOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
    ],
}
PARTNER_IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "CallTeamB", "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{API}/*"}
    ],
}


@pytest.fixture
def policies(tmp_path: Path) -> dict[str, Path]:
    files = {"resource": tmp_path / "api.json", "partner": tmp_path / "partner.json"}
    files["resource"].write_text(json.dumps(RESOURCE_POLICY), encoding="utf-8")
    files["partner"].write_text(json.dumps(PARTNER_IDENTITY), encoding="utf-8")
    return files


def _explain(policies: dict[str, Path], *extra: str) -> list[str]:
    return [
        "--resource-policy",
        str(policies["resource"]),
        "--identity-policy",
        str(policies["partner"]),
        "--principal",
        TESTER,
        *extra,
    ]


def test_allowed_cross_account_call_matches_the_library(policies: dict[str, Path]) -> None:
    when = "2026-01-01T00:00:00Z"
    args = [
        "explain",
        f"{API}/prod/GET/products",
        *_explain(policies, "--source-ip", "203.0.113.9", "--time", when),
    ]
    result = CliRunner().invoke(cli, ["--output", "json", *args])
    assert result.exit_code == ExitCode.OK, result.output
    shown = json.loads(result.stdout)
    request = AccessRequest(
        principal_arn=TESTER,
        principal_account=PARTNER,
        api_owner_account=OWNER,
        source_ip="203.0.113.9",
        method="GET",
        stage="prod",
        path="/products",
        api_id="a1b2c3d4e5",
        region="us-east-1",
        current_time=when,
    )
    expected = authorize(request, resource_policy=RESOURCE_POLICY, identity_policies=[PARTNER_IDENTITY])
    assert shown["result"] == expected.result == "ALLOW"
    assert shown["deciding"] == [ref.to_dict() for ref in expected.deciding]
    assert {ref["sid"] for ref in shown["deciding"]} >= {"PartnerReads"}


def test_denied_from_outside_the_range_names_the_deny_and_exits_3(policies: dict[str, Path]) -> None:
    args = ["explain", f"{API}/prod/GET/products", *_explain(policies, "--source-ip", "198.51.100.7")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == ExitCode.ACCESS_DENIED
    assert "OfficeOnly" in result.stdout
    assert "198.51.100.7" in result.stdout
    json_result = CliRunner().invoke(cli, [*args, "--output", "json"])
    decision = json.loads(json_result.stdout)
    assert decision["result"] == "EXPLICIT_DENY"
    assert [ref["sid"] for ref in decision["deciding"]] == ["OfficeOnly"]


def test_post_is_an_implicit_deny_with_a_fix(policies: dict[str, Path]) -> None:
    args = ["--output", "json", "explain", f"{API}/prod/POST/products"]
    result = CliRunner().invoke(cli, [*args, *_explain(policies, "--source-ip", "203.0.113.9")])
    assert result.exit_code == ExitCode.ACCESS_DENIED
    decision = json.loads(result.stdout)
    assert decision["result"] == "IMPLICIT_DENY"
    assert decision["fixes"], "an implicit deny comes with the smallest fix"


def test_url_form_takes_method_and_owner_from_options(policies: dict[str, Path]) -> None:
    url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/products"
    args = ["explain", url, "--method", "GET", "--api-owner-account", OWNER]
    result = CliRunner().invoke(cli, [*args, *_explain(policies, "--source-ip", "203.0.113.9")])
    assert result.exit_code == ExitCode.OK, result.output


def test_who_can_lists_the_partner_and_the_range(policies: dict[str, Path]) -> None:
    args = [
        "explain",
        f"{API}/prod/GET/",
        "--resource-policy",
        str(policies["resource"]),
        "--who-can",
        "GET",
        "/products",
        "--output",
        "json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == ExitCode.OK, result.output
    answer = json.loads(result.stdout)
    grant = next(g for g in answer["grants"] if g["statement"]["sid"] == "PartnerReads")
    assert TESTER in grant["principals"]
    assert grant["source_cidrs"] == ["203.0.113.0/24"]
    text = CliRunner().invoke(cli, args[:-2])
    assert "PartnerReads" in text.stdout and "203.0.113.0/24" in text.stdout


def test_a_malformed_policy_is_one_line_naming_the_json_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    broken = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": "*",
                "Condition": {"IpAddress": "1.2.3.4"},
            }
        ],
    }
    bad.write_text(json.dumps(broken), encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", f"{API}/prod/GET/", "--resource-policy", str(bad)])
    assert result.exit_code == ExitCode.INVALID_DOCUMENT
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("apiclient: error: Statement[0].Condition")
    assert "bad.json" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--debug", "explain", f"{API}/prod/GET/", "--resource-policy", str(bad)]
    )
    assert result.exit_code == ExitCode.INVALID_DOCUMENT
    assert "Traceback" in result.stderr


@pytest.mark.parametrize(
    "target", ["arn:aws:execute-api:us-east-1:nope", "https://example.com/prod/x", "http://[::1/"]
)
def test_a_bad_target_is_one_line(target: str) -> None:
    result = CliRunner().invoke(cli, ["--region", "us-east-1", "explain", target, "--principal", READER])
    assert result.exit_code == ExitCode.USAGE
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_json_errors_on_stdout_with_output_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["explain", "arn:aws:execute-api:bad", "--output", "json"])
    error = json.loads(result.stdout)["error"]
    assert error["exit_code"] == ExitCode.USAGE == result.exit_code
    assert error["type"] == "EndpointError"


def test_context_keys_authorization_and_lint_warnings(tmp_path: Path) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FromOurEndpoint",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
                "Condition": {
                    "StringEquals": {"aws:SourceVpce": "vpce-0abc"},
                    "IpAddress": {"aws:SourceIp": " 203.0.113.0/24"},  # whitespace: a lint warning
                },
            }
        ],
    }
    path = tmp_path / "private.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    base = ["explain", f"{API}/prod/GET/x", "--resource-policy", str(path), "--authorization", "NONE"]
    base += ["--source-ip", "203.0.113.5"]
    ours = CliRunner().invoke(cli, [*base, "--context", "aws:SourceVpce=vpce-0abc", "--output", "json"])
    assert ours.exit_code == ExitCode.OK, ours.output
    decision = json.loads(ours.stdout)
    assert [ref["sid"] for ref in decision["deciding"]] == ["FromOurEndpoint"]
    assert "cidr-whitespace" in {warning["code"] for warning in decision["lint"]}
    other = CliRunner().invoke(cli, [*base, "--context", "aws:SourceVpce=vpce-other"])
    assert other.exit_code == ExitCode.ACCESS_DENIED
    assert "Lint warnings:" in other.stdout and "[cidr-whitespace]" in other.stdout


def test_context_pairs() -> None:
    assert parse_context_keys(("a=1", "b=x=y", "a=2")) == {"a": ["1", "2"], "b": "x=y"}
    result = CliRunner().invoke(cli, ["explain", f"{API}/prod/GET/x", "--context", "novalue"])
    assert result.exit_code == ExitCode.USAGE
    assert "novalue" in result.stderr


def test_a_time_that_is_not_iso_8601_is_a_usage_error() -> None:
    arn = "arn:aws:execute-api:us-west-2:222222222222:a1b2c3d4e5/prod/GET/products"
    result = CliRunner().invoke(cli, ["explain", "--time", "yesterday", "--method", "GET", arn])
    assert result.exit_code == ExitCode.USAGE
    assert "not an ISO 8601 time" in result.output
    assert "Traceback" not in result.output
