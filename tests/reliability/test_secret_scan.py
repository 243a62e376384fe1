"""No secret in what the CLI prints or logs, and a scanner that does find one when it is there.

Issue 6, item 5. Every test in this folder is scanned at teardown (conftest.py's ``exposure``); this
file adds the CLI's output (``demo --output json``, ``invoke -v`` granted, refused and through an
assumed role) and proves the scan is not blind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from conftest import EXTERNAL_ID
from reliability_support import Exposure, run_cli

from apiclient.cli.errors import ExitCode
from apiclient.gateway import Gateway, GatewayConfig, running

pytestmark = pytest.mark.reliability

REGION = "us-west-2"


@pytest.fixture(scope="module")
def gateway(config: GatewayConfig) -> Iterator[Gateway]:
    with running(config) as gw:
        yield gw


def test_the_scan_finds_secrets_in_logs_reprs_and_token_shaped_text(config: GatewayConfig) -> None:
    ledger = Exposure()
    ledger.know_config(config)
    secret = config.users[0].access_keys[0].secret_access_key
    planted = logging.LogRecord("x", logging.DEBUG, __file__, 1, "key=%s", (secret,), None)
    assert ledger.leaks([planted]) != []
    ledger.shown("repr", "Credentials(secret_key=<redacted>)")
    assert ledger.leaks([]) == []
    ledger.shown("unknown token", "X-Amz-Security-Token: " + "Ab_-" * 32)
    assert ledger.leaks([]) != []


def test_demo_json_output_carries_no_secret(
    exposure: Exposure, cli_environment: dict[str, str | None]
) -> None:
    result = run_cli(exposure, cli_environment, "demo", "--output", "json")
    assert result.exit_code == ExitCode.OK, result.output


def test_invoke_verbose_granted_and_refused_carries_no_secret(
    gateway: Gateway, exposure: Exposure, cli_environment: dict[str, str | None]
) -> None:
    session = gateway.credentials_for("partner-integration")  # temporary: it has a session token
    exposure.know(session)
    products = gateway.api_url() + "/products"
    with_session = {
        **cli_environment,
        "AWS_ACCESS_KEY_ID": session.access_key,
        "AWS_SECRET_ACCESS_KEY": session.secret_key,
        "AWS_SESSION_TOKEN": session.token,
    }
    granted = run_cli(exposure, with_session, "invoke", "GET", products, "-v", "--region", REGION)
    assert granted.exit_code == ExitCode.OK, granted.output
    assert "> X-Amz-Security-Token: <redacted>" in granted.stderr  # -v did show the signed request
    refused = run_cli(
        exposure, with_session, "invoke", "POST", products, "name=pen", "-v", "--debug", "--region", REGION
    )
    assert refused.exit_code == ExitCode.ACCESS_DENIED, refused.output


def test_invoke_through_an_assumed_role_carries_no_secret(
    gateway: Gateway, exposure: Exposure, cli_environment: dict[str, str | None]
) -> None:
    integrator = gateway.credentials_for("integrator")
    role = gateway.config.role("partner-integration")
    assert role is not None
    with_keys = {
        **cli_environment,
        "AWS_ACCESS_KEY_ID": integrator.access_key,
        "AWS_SECRET_ACCESS_KEY": integrator.secret_key,
    }
    args = ["--role-arn", role.arn, "--external-id", EXTERNAL_ID, "--sts-endpoint-url", gateway.sts_url]
    url = gateway.api_url() + "/products"
    result = run_cli(exposure, with_keys, "invoke", "GET", url, "-v", "--debug", "--region", REGION, *args)
    assert result.exit_code == ExitCode.OK, result.output + result.stderr
