"""``apiclient whoami`` against the gateway's STS: users, assumed roles with an external ID, refusals."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from apiclient.cli import ExitCode
from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway

RunCli = Callable[..., Result]  # the run_cli fixture of conftest.py


PARTNER_ROLE = "arn:aws:iam::222222222222:role/partner-integration"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"


def test_a_user(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    args = (
        "--output",
        "json",
        "--region",
        "us-west-2",
        "whoami",
        "--sts-endpoint-url",
        apiclient_gateway.sts_url,
    )
    result = run_cli(*args, credentials=gateway_identity("reader"))
    assert result.exit_code == ExitCode.OK, result.output
    shown = json.loads(result.stdout)
    reader = next(u for u in apiclient_gateway.config.users if u.name == "reader")
    assert (shown["principal"], shown["account"]) == (reader.arn, reader.account)
    assert shown["access_key"] == reader.access_keys[0].access_key_id
    assert shown["source"] and shown["region"] == "us-west-2"
    assert shown["expiry"] is None


def test_an_assumed_role_with_an_external_id(
    run_cli: RunCli,
    apiclient_gateway: Gateway,
    gateway_identity: Callable[[str], Credentials],
    secrets_of: Callable[[Credentials], list[str]],
) -> None:
    integrator = gateway_identity("integrator")
    args = (
        "whoami",
        "--role-arn",
        PARTNER_ROLE,
        "--external-id",
        EXTERNAL_ID,
        "--session-name",
        "cli-test",
        "--sts-endpoint-url",
        apiclient_gateway.sts_url,
        "--region",
        "us-west-2",
    )
    result = run_cli(*args, "--output", "json", credentials=integrator)
    assert result.exit_code == ExitCode.OK, result.output
    shown = json.loads(result.stdout)
    assert shown["principal"] == "arn:aws:sts::222222222222:assumed-role/partner-integration/cli-test"
    assert dt.datetime.fromisoformat(shown["expiry"]) > dt.datetime.now(dt.timezone.utc)
    text = run_cli(*args, credentials=integrator)
    assert "assumed-role/partner-integration/cli-test" in text.stdout
    for secret in secrets_of(integrator):
        assert secret not in text.output + result.output


def test_a_wrong_external_id_is_one_line_exit_4(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    args = (
        "whoami",
        "--role-arn",
        PARTNER_ROLE,
        "--external-id",
        "wrong",
        "--sts-endpoint-url",
        apiclient_gateway.sts_url,
        "--region",
        "us-west-2",
    )
    result = run_cli(*args, credentials=gateway_identity("integrator"))
    assert result.exit_code == ExitCode.CREDENTIALS
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "AccessDenied" in lines[0]


def test_an_unknown_key_is_refused_by_sts(run_cli: RunCli, apiclient_gateway: Gateway) -> None:
    stranger = Credentials("AKIAEXAMPLEUNKNOWN01", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYUNKNOWNEXAMPLE")
    result = run_cli("whoami", "--sts-endpoint-url", apiclient_gateway.sts_url, credentials=stranger)
    assert result.exit_code == ExitCode.CREDENTIALS
    assert "InvalidClientTokenId" in result.stderr
    assert stranger.secret_key not in result.output


def test_mfa_serial_prompts_for_the_code(
    run_cli: RunCli, apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    role = "arn:aws:iam::222222222222:role/admin-mfa"  # its trust policy needs aws:MultiFactorAuthPresent
    args = ("whoami", "--role-arn", role, "--sts-endpoint-url", apiclient_gateway.sts_url, "--output", "json")
    admin = gateway_identity("admin")
    prompted = run_cli(
        *args, "--mfa-serial", "arn:aws:iam::222222222222:mfa/admin", credentials=admin, input="123456\n"
    )
    assert prompted.exit_code == ExitCode.OK, prompted.output
    assert "MFA code for arn:aws:iam::222222222222:mfa/admin" in prompted.stderr
    assert json.loads(prompted.stdout)["principal"].startswith(
        "arn:aws:sts::222222222222:assumed-role/admin-mfa/"
    )
    without = run_cli(*args, credentials=admin)
    assert without.exit_code == ExitCode.CREDENTIALS


def test_profile_and_region_come_from_the_environment(
    run_cli: RunCli, apiclient_gateway: Gateway, tester_profile: Path
) -> None:
    tester = next(u for u in apiclient_gateway.config.users if u.name == "team-a-tester")
    env = {
        "AWS_SHARED_CREDENTIALS_FILE": str(tester_profile),
        "AWS_PROFILE": "tester",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }
    result = run_cli("--output", "json", "whoami", "--sts-endpoint-url", apiclient_gateway.sts_url, env=env)
    assert result.exit_code == ExitCode.OK, result.output
    shown = json.loads(result.stdout)
    assert (shown["principal"], shown["region"]) == (tester.arn, "eu-west-1")
    overridden = run_cli(
        "--output",
        "json",
        "whoami",
        "--region",
        "us-east-2",
        "--sts-endpoint-url",
        apiclient_gateway.sts_url,
        env={**env, "AWS_REGION": "ap-south-1"},
    )
    assert json.loads(overridden.stdout)["region"] == "us-east-2"
    by_env = run_cli(
        "--output",
        "json",
        "whoami",
        "--sts-endpoint-url",
        apiclient_gateway.sts_url,
        env={**env, "AWS_REGION": "ap-south-1"},
    )
    assert json.loads(by_env.stdout)["region"] == "ap-south-1"  # AWS_REGION before AWS_DEFAULT_REGION
