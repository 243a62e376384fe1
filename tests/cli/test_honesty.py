"""The CLI says what it did and what to do next: identity policies evaluated alone, the API owner's account,
method typos, network failures as network errors, external-ID and SSO hints, curly quotes, explain's
suggestions, and a demo that shows what each step runs."""

from __future__ import annotations

import json
import re
import shlex
import socket
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from apiclient.cli import ExitCode, cli
from apiclient.cli.commands.explain import explain
from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway

RunCli = Callable[..., Result]  # the run_cli fixture of conftest.py

REGION = "us-west-2"
PARTNER_ROLE = "arn:aws:iam::222222222222:role/partner-integration"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"  # the sample role's trust policy condition


def _write(path: Path, document: object) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_identity_policy_alone_is_evaluated(
    run_cli: RunCli,
    apiclient_gateway: Gateway,
    gateway_identity: Callable[[str], Credentials],
    tmp_path: Path,
) -> None:
    reader = next(u for u in apiclient_gateway.config.users if u.name == "reader")
    identity = _write(tmp_path / "reader.json", reader.policies[0])
    url = apiclient_gateway.api_url() + "/products"
    args = ("invoke", "POST", url, "--region", REGION, "--identity-policy", identity, "--output", "json")
    result = run_cli(*args, credentials=gateway_identity("reader"))
    assert result.exit_code == ExitCode.ACCESS_DENIED
    decision = json.loads(result.stdout)["diagnosis"]["decision"]
    assert decision["result"] == "IMPLICIT_DENY"
    assert decision["trace"][0]["policy"] == "identity policy 1"


def test_api_owner_account_lets_a_cross_account_refusal_be_evaluated(
    run_cli: RunCli,
    apiclient_gateway: Gateway,
    gateway_identity: Callable[[str], Credentials],
    tmp_path: Path,
) -> None:
    # Resource "*" names no account, and API Gateway masks the owner's: nothing to infer it from.
    wide = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "execute-api:*", "Resource": "*"}],
    }
    identity = _write(tmp_path / "wide.json", wide)
    url = apiclient_gateway.api_url() + "/products"
    args = ("invoke", "GET", url, "--region", REGION, "--identity-policy", identity)
    tester = gateway_identity("team-a-intern")  # account 111111111111; the API is 222222222222's
    unknown = run_cli(*args, credentials=tester)
    assert unknown.exit_code == ExitCode.ACCESS_DENIED
    # No silent no-op: the policies given were not evaluated, and the user is told so and how to fix it.
    assert "not evaluated" in unknown.stderr and "--api-owner-account" in unknown.stderr
    owner = apiclient_gateway.config.apis[0].account
    known = run_cli(*args, "--api-owner-account", owner, "--output", "json", credentials=tester)
    decision = json.loads(known.stdout)["diagnosis"]["decision"]
    assert decision["result"] == "EXPLICIT_DENY"
    assert f":{owner}:" in decision["resource"]


def test_a_method_typo_is_a_usage_error_naming_the_likely_method(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    url = apiclient_gateway.api_url() + "/products"
    typo = run_cli("invoke", "GTE", url, "--region", REGION, credentials=gateway_identity("reader"))
    # Before: sent as is; the gateway's answer (a 501 page, later a 403) and exit 0 or 3.
    assert typo.exit_code == ExitCode.USAGE
    assert "'GTE' is not a method API Gateway serves" in typo.stderr and "did you mean GET?" in typo.stderr
    sent = run_cli(
        "invoke", "GTE", url, "--any-method", "--region", REGION, credentials=gateway_identity("reader")
    )
    assert sent.exit_code not in (ExitCode.OK, ExitCode.USAGE)  # sent anyway, and refused


def test_an_unreachable_sts_is_a_network_error(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    sts = f"http://127.0.0.1:{_closed_port()}/"
    url = apiclient_gateway.api_url() + "/products"
    args = ("--role-arn", PARTNER_ROLE, "--external-id", EXTERNAL_ID, "--sts-endpoint-url", sts)
    env = {"AWS_MAX_ATTEMPTS": "1"}
    for command in (("invoke", "GET", url, "--region", REGION), ("whoami", "--region", REGION)):
        result = run_cli(*command, *args, credentials=gateway_identity("integrator"), env=env)
        assert result.exit_code == ExitCode.ERROR, (command, result.output)  # before: 4 (credentials)


def test_a_refused_assume_role_hints_at_the_external_id(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    url = apiclient_gateway.api_url() + "/products"
    base = ["invoke", "GET", url, "--region", REGION, "--role-arn", PARTNER_ROLE]
    base += ["--sts-endpoint-url", apiclient_gateway.sts_url]
    integrator = gateway_identity("integrator")
    missing = run_cli(*base, credentials=integrator)
    assert missing.exit_code == ExitCode.CREDENTIALS
    assert (
        "if its trust policy requires an external ID" in missing.stderr
        and "pass --external-id" in missing.stderr
    )
    wrong = run_cli(*base, "--external-id", "EXAMPLE-wrong", credentials=integrator)
    assert wrong.exit_code == ExitCode.CREDENTIALS
    assert "check --external-id" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1  # still one line
    as_json = run_cli(*base, "--output", "json", credentials=integrator)
    assert "--external-id" in json.loads(as_json.stdout)["error"]["hint"]


def test_an_expired_sso_login_hints_at_aws_sso_login(run_cli: RunCli, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile work-sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 111111111111\nsso_role_name = Tester\nregion = us-east-1\n",
        encoding="utf-8",
    )
    env = {"AWS_CONFIG_FILE": str(config), "HOME": str(tmp_path)}  # no SSO token cache under this home
    result = run_cli("whoami", "--profile", "work-sso", env=env)
    assert result.exit_code == ExitCode.CREDENTIALS
    assert "run `aws sso login --profile work-sso`" in result.stderr


def test_curly_quotes_in_a_pasted_policy_get_a_hint(run_cli: RunCli, tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.json"
    pasted.write_text(
        "{\u201cVersion\u201d: \u201c2012-10-17\u201d, \u201cStatement\u201d: []}", encoding="utf-8"
    )
    arn = "arn:aws:execute-api:us-west-2:222222222222:a1b2c3d4e5/prod/GET/products"
    result = run_cli("explain", arn, "--resource-policy", str(pasted))
    assert result.exit_code == ExitCode.INVALID_DOCUMENT
    assert (
        "typographic quotes" in result.stderr and "straight quotes" in result.stderr
    )  # before: bare "not valid JSON"


def test_explain_accepts_every_option_its_errors_suggest(run_cli: RunCli) -> None:
    result = run_cli("explain", "http://127.0.0.1:9/prod/products")
    assert result.exit_code == ExitCode.USAGE
    accepted = {name for param in explain.params for name in param.opts}
    suggested = set(re.findall(r"--[a-z][a-z-]+", result.stderr))
    assert suggested and suggested <= accepted, (
        suggested - accepted
    )  # before: --region was suggested, refused
    with_region = run_cli("explain", "http://127.0.0.1:9/prod/products", "--region", "us-east-1")
    assert with_region.exit_code == ExitCode.USAGE
    assert "No such option" not in with_region.stderr and "give the method ARN" in with_region.stderr


def test_the_demo_prints_what_each_step_runs(run_cli: RunCli) -> None:
    text = run_cli("demo")
    assert text.exit_code == ExitCode.OK, text.output
    commands = [line.strip()[2:] for line in text.stdout.splitlines() if line.strip().startswith("$ ")]
    assert len(commands) == 5
    for command in commands[:4]:
        words = [w for w in shlex.split(command) if "=" not in w or w.startswith("-")]
        assert words[0] == "apiclient"
        parsed = CliRunner().invoke(cli, [*words[1:], "--help"])  # a real command line of this CLI
        assert parsed.exit_code == 0, (command, parsed.output)
    assert commands[4].startswith("Client(") and "timedelta(minutes=10)" in commands[4]
    step_c = next(line for line in text.stdout.splitlines() if line.startswith("(c)"))
    # Before: "a call from outside the allowed IP range", while it shows a Deny of the flagged range.
    assert "Deny" in step_c and "198.51.100.0/24" in step_c
    shown = run_cli("demo", "--output", "json")
    assert all(call["command"] for call in json.loads(shown.stdout)["calls"])
