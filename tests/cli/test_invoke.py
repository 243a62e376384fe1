"""``apiclient invoke`` against the local gateway: calls, items, refusals diagnosed, nothing secret shown."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from apiclient.cli import ExitCode
from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway, running

RunCli = Callable[..., Result]  # the run_cli fixture of conftest.py


REGION = "us-west-2"


@pytest.fixture
def products(apiclient_gateway: Gateway) -> str:
    return apiclient_gateway.api_url() + "/products"


def test_granted_get_prints_the_body(
    run_cli: RunCli, products: str, gateway_identity: Callable[[str], Credentials], apiclient_gateway: Gateway
) -> None:
    result = run_cli("invoke", "GET", products, "--region", REGION, credentials=gateway_identity("reader"))
    assert result.exit_code == ExitCode.OK, result.output
    caller = json.loads(result.stdout)["caller"]
    reader = next(u for u in apiclient_gateway.config.users if u.name == "reader")
    assert caller["arn"] == reader.arn  # the gateway's own account of who signed


def test_items_headers_and_query_reach_the_api(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    url = apiclient_gateway.api_url() + "/products/7"
    args = ("invoke", "PUT", url, "name=pen", "price:=3", "limit==5", "--region", REGION, "--output", "json")
    result = run_cli(*args, credentials=gateway_identity("admin"))
    assert result.exit_code == ExitCode.OK, result.output
    shown = json.loads(result.stdout)
    assert shown["status"] == 200
    echoed = shown["body"]["request"]
    assert echoed["queryStringParameters"] == {"limit": "5"}
    assert json.loads(echoed["body"]) == {"name": "pen", "price": 3}


def test_data_from_a_file_and_from_stdin(
    run_cli: RunCli,
    apiclient_gateway: Gateway,
    gateway_identity: Callable[[str], Credentials],
    tmp_path: Path,
) -> None:
    url = apiclient_gateway.api_url() + "/products/7"
    body = tmp_path / "body.json"
    body.write_text('{"from": "file"}', encoding="utf-8")
    admin = gateway_identity("admin")
    from_file = run_cli("invoke", "PUT", url, "-d", f"@{body}", "--region", REGION, credentials=admin)
    assert json.loads(json.loads(from_file.stdout)["request"]["body"]) == {"from": "file"}
    from_stdin = run_cli("invoke", "PUT", url, "-d", "@-", "--region", REGION, credentials=admin, input="a=1")
    assert json.loads(from_stdin.stdout)["request"]["body"] == "a=1"


def test_include_and_output_file(
    run_cli: RunCli, products: str, gateway_identity: Callable[[str], Credentials], tmp_path: Path
) -> None:
    saved = tmp_path / "out.json"
    args = ("invoke", "GET", products, "-i", "-o", str(saved), "--region", REGION)
    result = run_cli(*args, credentials=gateway_identity("reader"))
    assert result.exit_code == ExitCode.OK
    assert result.stdout.startswith("HTTP/1.1 200")  # with the protocol version, as curl -i shows it
    assert "x-amzn-RequestId:" in result.stdout
    assert json.loads(saved.read_bytes())["request"]["path"] == "/products"


def test_connect_to_signs_for_the_real_host(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    url = f"http://{apiclient_gateway.host_for()}/prod/products"
    connect = f"127.0.0.1:{apiclient_gateway.port}"
    args = ("invoke", "GET", url, "--connect-to", connect, "--allow-http", "--output", "json")
    result = run_cli(*args, credentials=gateway_identity("team-a-tester"))
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["body"]["caller"]["account"] == "111111111111"


def test_refused_post_prints_the_diagnosis_and_exits_3(
    run_cli: RunCli, products: str, gateway_identity: Callable[[str], Credentials]
) -> None:
    reader = gateway_identity("reader")
    text = run_cli("invoke", "POST", products, "name=pen", "--region", REGION, credentials=reader)
    assert text.exit_code == ExitCode.ACCESS_DENIED
    assert text.stdout.startswith("403 no_allow: ")
    assert "Traceback" not in text.output
    shown = run_cli("--output", "json", "invoke", "POST", products, "--region", REGION, credentials=reader)
    assert shown.exit_code == ExitCode.ACCESS_DENIED
    data = json.loads(shown.stdout)
    assert (data["status"], data["diagnosis"]["cause"]) == (403, "no_allow")


def test_policy_files_explain_the_refusal(
    run_cli: RunCli,
    products: str,
    apiclient_gateway: Gateway,
    gateway_identity: Callable[[str], Credentials],
    tmp_path: Path,
) -> None:
    api = apiclient_gateway.config.apis[0]
    reader = next(u for u in apiclient_gateway.config.users if u.name == "reader")
    policy, identity = tmp_path / "api.json", tmp_path / "reader.json"
    policy.write_text(json.dumps(api.resource_policy), encoding="utf-8")
    identity.write_text(json.dumps(reader.policies[0]), encoding="utf-8")
    args = ("invoke", "POST", products, "--region", REGION, "--policy", str(policy))
    result = run_cli(
        *args, "--identity-policy", str(identity), "--output", "json", credentials=gateway_identity("reader")
    )
    assert result.exit_code == ExitCode.ACCESS_DENIED
    decision = json.loads(result.stdout)["diagnosis"]["decision"]
    assert decision["result"] == "IMPLICIT_DENY"
    # The owner was masked to ********2222 in the message and recovered from the policy.
    assert decision["resource"] == f"arn:aws:execute-api:{REGION}:{api.account}:{api.id}/prod/POST/products"


def test_fail_exits_22_on_an_error_status(
    run_cli: RunCli, gateway_identity: Callable[[str], Credentials]
) -> None:
    config = _broken_api_config()
    with running(config) as gateway:
        key = config["users"][0]["access_keys"][0]
        credentials = Credentials(key["id"], key["secret"])
        url = gateway.api_url() + "/broken"
        plain = run_cli("invoke", "GET", url, "--region", REGION, credentials=credentials)
        failing = run_cli("invoke", "GET", url, "--region", REGION, "--fail", credentials=credentials)
    assert plain.exit_code == ExitCode.OK
    assert failing.exit_code == ExitCode.HTTP_ERROR


def _broken_api_config() -> dict[str, Any]:
    return {
        "accounts": [{"id": "444444444444"}],
        "users": [
            {
                "name": "ops",
                "account": "444444444444",
                "access_keys": [
                    {"id": "AKIAEXAMPLEOPS000001", "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYOPSEXAMPLE"}
                ],
                "policies": [
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
                    }
                ],
            }
        ],
        "apis": [
            {
                "id": "b0rk3n",
                "region": REGION,
                "account": "444444444444",
                "stages": ["prod"],
                "routes": [{"method": "GET", "path": "/broken", "response": {"status": 502}}],
            }
        ],
    }


def test_verbose_and_debug_show_the_signed_request_without_secrets(
    run_cli: RunCli,
    products: str,
    gateway_identity: Callable[[str], Credentials],
    secrets_of: Callable[[Credentials], list[str]],
) -> None:
    session = gateway_identity("partner-integration")  # temporary: it has a session token
    assert session.token
    result = run_cli("--debug", "invoke", "GET", products, "-v", "--region", REGION, credentials=session)
    assert result.exit_code == ExitCode.OK, result.output
    assert "> GET " in result.stderr
    assert "> X-Amz-Security-Token: <redacted>" in result.stderr
    assert "canonical request" in result.stderr
    assert re.search(r"Signature=<redacted>", result.stderr)
    everything = result.output + result.stderr
    for secret in secrets_of(session):
        assert secret not in everything
    signature = re.search(r"Signature=([0-9a-f]{64})", everything)
    assert signature is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [("not a url", "not a url"), ("https://api.example.com/prod/x", "region"), ("ftp://127.0.0.1/x", "ftp")],
)
def test_bad_urls_are_one_line_usage_errors(run_cli: RunCli, url: str, fragment: str) -> None:
    result = run_cli("invoke", "GET", url)  # no credentials either: the URL is reported first
    assert result.exit_code == ExitCode.USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("apiclient: error: ")
    assert fragment in lines[0]


def test_no_credentials_exit_4(run_cli: RunCli, products: str) -> None:
    result = run_cli("invoke", "GET", products, "--region", REGION)
    assert result.exit_code == ExitCode.CREDENTIALS, result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [(("POST", "price:=nope"), "price:=nope"), (('"',), "is not an HTTP method"), (("GET", "x y"), "'x y'")],
)
def test_bad_methods_and_items_are_usage_errors(
    run_cli: RunCli, products: str, args: tuple[str, ...], named: str
) -> None:
    method, *items = args
    result = run_cli("invoke", method, products, *items, "--region", REGION)
    assert result.exit_code == ExitCode.USAGE
    assert named in result.stderr


def test_debug_logs_the_canonical_request_and_string_to_sign_redacted(
    run_cli: RunCli,
    products: str,
    gateway_identity: Callable[[str], Credentials],
    secrets_of: Callable[[Credentials], list[str]],
) -> None:
    session = gateway_identity("partner-integration")
    result = run_cli("invoke", "GET", products, "--region", REGION, "--debug", credentials=session)
    assert result.exit_code == ExitCode.OK, result.output
    assert "DEBUG apiclient" in result.stderr
    assert "canonical request" in result.stderr and "AWS4-HMAC-SHA256" in result.stderr
    assert "x-amz-security-token:<redacted>" in result.stderr
    for secret in secrets_of(session):
        assert secret not in result.stderr + result.stdout
    quiet = run_cli("invoke", "GET", products, "--region", REGION, credentials=session)
    assert quiet.stderr == ""


def test_invoke_as_a_role_with_an_external_id(
    run_cli: RunCli, products: str, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    args = ["invoke", "GET", products, "--region", REGION, "--output", "json"]
    args += ["--role-arn", "arn:aws:iam::222222222222:role/partner-integration"]
    args += ["--external-id", "EXAMPLE-external-id-7f3a", "--sts-endpoint-url", apiclient_gateway.sts_url]
    result = run_cli(*args, credentials=gateway_identity("integrator"))
    assert result.exit_code == ExitCode.OK, result.output
    caller = json.loads(result.stdout)["body"]["caller"]["arn"]
    assert caller.startswith("arn:aws:sts::222222222222:assumed-role/partner-integration/")
