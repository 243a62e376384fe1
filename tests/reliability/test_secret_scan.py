"""No secret in what the CLI prints or logs, and a scanner that does find one when it is there.

Every test in this folder is scanned at teardown (conftest.py's ``exposure``); this
file adds the library's refusals and reprs, the CLI's output (``demo`` in text and JSON, ``invoke`` with
``-v``, ``--debug``, ``--output json``, ``--dry-run`` and ``--print-curl``, granted, refused, with a
signature mismatch quoting the token and API key, a token in the URL's query, through an assumed role;
``check``'s text and JUnit report), and proves the scan, the whole-run plugin's included, is not blind.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from reliability_support import EXTERNAL_ID, Exposure, run_cli

from apiclient.cli import ExitCode
from apiclient.credentials import assume_role, static
from apiclient.credentials.base import Credentials
from apiclient.errors import AccessDenied, CredentialsError
from apiclient.gateway import Gateway, GatewayConfig, running
from apiclient.session import Client

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


def test_library_errors_and_reprs_carry_no_secret(gateway: Gateway, exposure: Exposure) -> None:
    session = gateway.credentials_for("partner-integration")
    exposure.know(session)
    role = gateway.config.role("partner-integration")
    assert role is not None
    api = gateway.config.apis[0]
    with Client(gateway.api_url(), credentials=session, region=api.region) as client:
        exposure.shown("repr(client)", repr(client))
        exposure.shown("repr(credentials)", repr(session))
        with pytest.raises(AccessDenied) as refused:  # the role may only GET
            client.post("/products", json={"name": "pen"})
    exposure.shown_error("AccessDenied", refused.value)
    exposure.shown("diagnosis text", refused.value.diagnosis.to_text())
    exposure.shown("diagnosis dict", json.dumps(refused.value.to_dict(), default=str))
    integrator = gateway.credentials_for("integrator")
    wrong_id = assume_role(
        role.arn,
        source=static(integrator.access_key, integrator.secret_key),
        external_id="EXAMPLE-wrong-id",
        sts_endpoint_url=gateway.sts_url,
        region=api.region,
    )
    exposure.shown("repr(provider)", repr(wrong_id))
    with pytest.raises(CredentialsError) as not_assumed:
        wrong_id.get()
    exposure.shown_error("CredentialsError", not_assumed.value)


def test_demo_json_output_carries_no_secret(exposure: Exposure, isolated_env: dict[str, str | None]) -> None:
    result = run_cli(exposure, isolated_env, "demo", "--output", "json")
    assert result.exit_code == ExitCode.OK, result.output


def test_invoke_verbose_granted_and_refused_carries_no_secret(
    gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None]
) -> None:
    session = gateway.credentials_for("partner-integration")  # temporary: it has a session token
    exposure.know(session)
    products = gateway.api_url() + "/products"
    with_session = {
        **isolated_env,
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
    gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None]
) -> None:
    integrator = gateway.credentials_for("integrator")
    role = gateway.config.role("partner-integration")
    assert role is not None
    with_keys = {
        **isolated_env,
        "AWS_ACCESS_KEY_ID": integrator.access_key,
        "AWS_SECRET_ACCESS_KEY": integrator.secret_key,
    }
    args = ["--role-arn", role.arn, "--external-id", EXTERNAL_ID, "--sts-endpoint-url", gateway.sts_url]
    url = gateway.api_url() + "/products"
    result = run_cli(exposure, with_keys, "invoke", "GET", url, "-v", "--debug", "--region", REGION, *args)
    assert result.exit_code == ExitCode.OK, result.output + result.stderr


def _run_planted(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """pytest on ``folder`` with the whole-run scan plugin, in a subprocess."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    command = [sys.executable, "-m", "pytest", str(folder), "-p", "no:cacheprovider", "-p", "whole_run_scan"]
    return subprocess.run([*command, *options], env=environment, capture_output=True, text=True, check=False)


def test_the_whole_run_plugin_fails_a_run_whose_tests_log_a_secret(
    tmp_path: Path, config: GatewayConfig
) -> None:
    secret = config.users[0].access_keys[0].secret_access_key
    (tmp_path / "test_planted.py").write_text(
        "import logging\n"
        f"def test_leaks():\n    logging.getLogger('x').debug('key %s', {secret!r})\n"
        "def test_clean():\n    logging.getLogger('x').debug('nothing to see')\n"
    )
    leaky = _run_planted(tmp_path, "-o", "log_level=DEBUG")
    assert leaky.returncode == pytest.ExitCode.TESTS_FAILED, leaky.stdout
    assert "test_planted.py::test_leaks [Captured log call]" in leaky.stdout
    assert "test_clean" not in leaky.stdout.split("secrets in captured output")[1]
    # Without DEBUG capture the planted line is never recorded: the run passes, as the docstring says.
    quiet = _run_planted(tmp_path)
    assert quiet.returncode == pytest.ExitCode.OK, quiet.stdout


# --- every CLI output path, driven with a session token and an API key -----------------------------------

API_KEY = "EXAMPLEapikey0123456789"  # the sample API's key: a secret like any other


def _session_env(
    isolated_env: dict[str, str | None], session: Credentials, *, secret: str | None = None
) -> dict[str, str | None]:
    return {
        **isolated_env,
        "AWS_ACCESS_KEY_ID": session.access_key,
        "AWS_SECRET_ACCESS_KEY": secret or session.secret_key,
        "AWS_SESSION_TOKEN": session.token,
    }


def test_invoke_json_masks_the_token_and_api_key_quoted_in_a_signature_mismatch(
    gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None]
) -> None:
    session = gateway.credentials_for("partner-integration")
    assert session.token is not None
    exposure.know(session)
    exposure.secrets.add(API_KEY)
    # A wrong secret with a valid token: API Gateway answers with the canonical request it expected,
    # quoting every signed header, the session token and the API key included.
    env = _session_env(isolated_env, session, secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGSECRET")
    url = gateway.api_url() + "/products"
    args = ["invoke", "GET", url, "--api-key", API_KEY, "--region", REGION]
    as_json = run_cli(exposure, env, *args, "--output", "json", "-v")
    assert as_json.exit_code == ExitCode.ACCESS_DENIED, as_json.output
    shown = json.loads(as_json.stdout)
    assert shown["diagnosis"]["cause"] == "signature_mismatch"
    assert "x-amz-security-token:<redacted>" in json.dumps(shown["body"])  # the quote is there, masked
    assert session.token not in as_json.stdout and API_KEY not in as_json.stdout  # before: 4 of 4 runs leaked
    as_text = run_cli(exposure, env, *args, "-i", "--debug")
    assert as_text.exit_code == ExitCode.ACCESS_DENIED


def test_invoke_verbose_masks_tokens_and_signatures_in_the_url_query(
    gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None]
) -> None:
    session = gateway.credentials_for("partner-integration")
    exposure.know(session)
    signature = "f" * 64
    exposure.secrets.add(signature)
    query = f"X-Amz-Security-Token={quote(session.token or '', safe='')}&X-Amz-Signature={signature}&page=2"
    url = f"{gateway.api_url()}/products?{query}"
    env = _session_env(isolated_env, session)
    for extra in (["-v"], ["-v", "--debug", "--output", "json"], ["--dry-run"], ["--print-curl"]):
        result = run_cli(exposure, env, "invoke", "GET", url, "--region", REGION, *extra)
        assert result.exit_code in (ExitCode.OK, ExitCode.ACCESS_DENIED), result.output
        assert "X-Amz-Security-Token=<redacted>" in result.stdout + result.stderr, extra


def test_dry_run_and_print_curl_mask_unless_secrets_are_asked_for(
    gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None]
) -> None:
    session = gateway.credentials_for("partner-integration")
    exposure.know(session)
    exposure.secrets.add(API_KEY)
    env = _session_env(isolated_env, session)
    url = gateway.api_url() + "/products"
    for option in ("--dry-run", "--print-curl"):
        result = run_cli(
            exposure, env, "invoke", "POST", url, "a=1", "--api-key", API_KEY, option, "--region", REGION
        )
        assert result.exit_code == ExitCode.OK, result.output
        assert (
            "X-Amz-Security-Token: <redacted>" in result.stdout and "x-api-key: <redacted>" in result.stdout
        )


def test_check_junit_and_text_carry_no_secret(
    gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None], tmp_path: Path
) -> None:
    integrator = gateway.credentials_for("integrator")
    role = gateway.config.role("partner-integration")
    assert role is not None
    matrix = tmp_path / "matrix.json"
    matrix.write_text(
        json.dumps(
            {
                "url": gateway.api_url(),
                "region": REGION,
                "sts_endpoint_url": gateway.sts_url,
                "identities": {
                    "integrator": {"access_key": integrator.access_key, "secret_key": integrator.secret_key},
                    "partner": {"role_arn": role.arn, "external_id": EXTERNAL_ID, "source": "integrator"},
                },
                # A surprise on purpose: its diagnosis goes into the text and the JUnit report.
                "requests": [
                    {
                        "method": "POST",
                        "path": "/products",
                        "expect": {"partner": "allow", "integrator": "deny"},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    junit = tmp_path / "report.xml"
    result = run_cli(exposure, isolated_env, "check", str(matrix), "--junit", str(junit), "--debug")
    assert result.exit_code == ExitCode.EXPECTATION_FAILED, result.output
    exposure.shown("check --junit file", junit.read_text(encoding="utf-8"))


def test_demo_text_carries_no_secret(exposure: Exposure, isolated_env: dict[str, str | None]) -> None:
    result = run_cli(exposure, isolated_env, "demo", "--debug")
    assert result.exit_code == ExitCode.OK, result.output
    assert "$ AWS_ACCESS_KEY_ID=" in result.stdout and "AWS_SECRET_ACCESS_KEY=..." in result.stdout


def test_the_whole_run_plugin_scans_what_the_cli_printed(tmp_path: Path, config: GatewayConfig) -> None:
    secret = config.users[0].access_keys[0].secret_access_key
    (tmp_path / "test_cli_planted.py").write_text(
        "import click\nfrom click.testing import CliRunner\n"
        f"@click.command()\ndef leaky():\n    click.echo({secret!r})\n"
        "def test_cli_leaks():\n    assert CliRunner().invoke(leaky, []).exit_code == 0\n"
    )
    run = _run_planted(tmp_path)
    # CliRunner's output never reaches pytest's capture: before, this run passed.
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout
    assert "test_cli_planted.py::test_cli_leaks [apiclient" in run.stdout
