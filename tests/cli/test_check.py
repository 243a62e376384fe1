"""``apiclient check``: an access matrix run against the local gateway, its surprises, JUnit, offline."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from apiclient.cli import ExitCode
from apiclient.gateway import Gateway

RunCli = Callable[..., Result]  # the run_cli fixture of conftest.py


PARTNER_ROLE = "arn:aws:iam::222222222222:role/partner-integration"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"  # the sample role's trust policy condition
FLAGGED = {"X-Forwarded-For": "198.51.100.7"}  # inside the sample's BlockFlaggedRange


def _matrix(gateway: Gateway, *, intern_get: str = "deny") -> dict[str, Any]:
    return {
        # Signed for the real host and sent to the gateway: the same file works --offline.
        "url": f"http://{gateway.host_for()}/prod",
        "connect_to": f"127.0.0.1:{gateway.port}",
        "allow_http": True,
        "sts_endpoint_url": gateway.sts_url,
        "region": "us-west-2",
        "gateway_config": "sample",
        "source_ip": "127.0.0.1",  # what the gateway sees, for --offline
        "identities": {
            "reader": {"sample": "reader"},
            "tester": {"sample": "team-a-tester"},
            "intern": {"sample": "team-a-intern"},
            "integrator": {"sample": "integrator"},
            "nobody": {"anonymous": True},
            "partner": {
                "role_arn": PARTNER_ROLE,
                "external_id": EXTERNAL_ID,
                "source": "integrator",
                "principal": PARTNER_ROLE,
            },
        },
        "requests": [
            {
                "method": "GET",
                "path": "/products",
                "expect": {
                    "reader": "allow",
                    "tester": 200,
                    "intern": intern_get,
                    "partner": "allow",
                    "nobody": {"outcome": "deny", "cause": "missing_auth_or_route"},  # unsigned, AWS_IAM
                },
            },
            # authorization NONE, and the resource policy admits 127.0.0.0/8 (sample OfficeNetworkStatusPage)
            {"method": "GET", "path": "/status", "expect": {"nobody": "allow", "reader": "allow"}},
            {
                "method": "POST",
                "path": "/products",
                "expect": {"reader": {"outcome": "deny", "cause": "no_allow"}, "partner": "deny"},
            },
            {
                "name": "GET /products from a flagged address",
                "method": "GET",
                "path": "/products",
                "headers": FLAGGED,
                "expect": {"tester": {"outcome": "deny", "cause": "explicit_deny"}},
            },
        ],
    }


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "MATRIX.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_matrix_that_holds_exits_0(run_cli: RunCli, apiclient_gateway: Gateway, tmp_path: Path) -> None:
    result = run_cli("check", str(_write(tmp_path, _matrix(apiclient_gateway))))
    assert result.exit_code == ExitCode.OK, result.output
    assert "10/10 expectations met" in result.stdout
    assert "checking" not in result.output  # no progress bar off a terminal


def test_a_surprise_is_caught_with_its_diagnosis_and_junit(
    run_cli: RunCli, apiclient_gateway: Gateway, tmp_path: Path
) -> None:
    matrix = _write(tmp_path, _matrix(apiclient_gateway, intern_get="allow"))  # wrong on purpose
    report = tmp_path / "junit.xml"
    result = run_cli("check", str(matrix), "--junit", str(report))
    assert result.exit_code == ExitCode.EXPECTATION_FAILED
    assert "SURPRISE intern: GET /products: expected allow, got deny (403 no_allow)" in result.stdout
    assert "team-a-intern is not authorized" in result.stdout  # the diagnosis, under the surprise
    suite = ET.parse(report).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("10", "1", "0")
    failure = suite.find("testcase[@name='intern']/failure")
    assert failure is not None and failure.get("type") == "no_allow"


def test_json_report(run_cli: RunCli, apiclient_gateway: Gateway, tmp_path: Path) -> None:
    result = run_cli("check", str(_write(tmp_path, _matrix(apiclient_gateway))), "--output", "json")
    report = json.loads(result.stdout)
    assert report["passed"] is True and report["total"] == 10
    partner_post = next(r for r in report["results"] if r["identity"] == "partner" and r["method"] == "POST")
    assert partner_post["actual"]["status"] == 403


def test_offline_agrees_with_the_gateway(run_cli: RunCli, apiclient_gateway: Gateway, tmp_path: Path) -> None:
    matrix = _write(tmp_path, _matrix(apiclient_gateway))
    online = json.loads(run_cli("check", str(matrix), "--output", "json").stdout)
    offline_run = run_cli("check", str(matrix), "--offline", "--output", "json")
    assert offline_run.exit_code == ExitCode.OK, offline_run.output
    offline = json.loads(offline_run.stdout)
    assert offline["offline"] is True
    pairs = zip(online["results"], offline["results"], strict=True)
    for called, judged in pairs:
        assert (called["actual"]["outcome"], called["actual"]["cause"]) == (
            judged["actual"]["outcome"],
            judged["actual"]["cause"],
        ), called["identity"] + " " + called["request"]


def test_offline_calls_nothing(run_cli: RunCli, apiclient_gateway: Gateway, tmp_path: Path) -> None:
    data = _matrix(apiclient_gateway, intern_get="allow")
    data["connect_to"] = "127.0.0.1:9"  # the discard port: any call would fail
    data["sts_endpoint_url"] = "http://127.0.0.1:9/sts"
    before = len(apiclient_gateway.access_log)
    result = run_cli("check", str(_write(tmp_path, data)), "--offline")
    assert result.exit_code == ExitCode.EXPECTATION_FAILED
    assert "SURPRISE intern: GET /products" in result.stdout
    assert len(apiclient_gateway.access_log) == before


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (
            {"requests": [{"method": "GET", "path": "/x", "expect": {"ghost": "allow"}}]},
            "requests[0].expect.ghost",
        ),
        ({"identities": {"reader": {"sample": "nobody-here"}}}, "identities.reader.sample"),
    ],
)
def test_a_bad_matrix_is_one_line_naming_the_field(
    run_cli: RunCli, apiclient_gateway: Gateway, tmp_path: Path, change: dict[str, Any], fragment: str
) -> None:
    data = {**_matrix(apiclient_gateway), **change}
    if "identities" in change:
        data["requests"] = [{"method": "GET", "path": "/products", "expect": {"reader": "allow"}}]
    result = run_cli("check", str(_write(tmp_path, data)))
    assert result.exit_code == ExitCode.INVALID_DOCUMENT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]


def test_the_progress_bar_shows_on_a_terminal(apiclient_gateway: Gateway, tmp_path: Path) -> None:
    matrix = _write(tmp_path, _matrix(apiclient_gateway))
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "apiclient.cli", "check", str(matrix), "--offline"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=60,
            check=False,
        )
        os.close(terminal)
        drawn = b""
        while chunk := _read(controller):
            drawn += chunk
    finally:
        os.close(controller)
    assert done.returncode == ExitCode.OK
    assert b"checking" in drawn and b"100%" in drawn
    assert b"checking" not in done.stdout


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO once the terminal side is closed and drained (Linux)
        return b""


def test_unreachable_cells_are_junit_errors(run_cli: RunCli, tmp_path: Path) -> None:
    data = {
        "url": "http://127.0.0.1:9/prod",  # the discard port: nothing listens
        "region": "us-west-2",
        "identities": {"nobody": {"anonymous": True}},
        "requests": [{"method": "GET", "path": "/products", "expect": {"nobody": "deny"}}],
    }
    report = tmp_path / "junit.xml"
    result = run_cli("check", str(_write(tmp_path, data)), "--junit", str(report))
    assert result.exit_code == ExitCode.EXPECTATION_FAILED
    assert "got error: cannot connect to http://127.0.0.1:9/prod/products" in result.stdout
    suite = ET.parse(report).getroot()
    assert (suite.get("failures"), suite.get("errors")) == ("0", "1")


def test_url_override_and_profile_identities(
    run_cli: RunCli, apiclient_gateway: Gateway, tester_profile: Path, tmp_path: Path
) -> None:
    data = {
        "url": "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod",  # the real stage
        "identities": {"tester": {"profile": "tester"}},
        "requests": [
            {"method": "GET", "path": "/products", "expect": {"tester": 200}},
            {"method": "DELETE", "path": "/products/1", "expect": {"tester": 204}},
        ],
    }
    args = (
        "--region",
        "us-west-2",
        "check",
        str(_write(tmp_path, data)),
        "--url",
        apiclient_gateway.api_url(),
    )
    result = run_cli(*args, env={"AWS_SHARED_CREDENTIALS_FILE": str(tester_profile)})
    assert result.exit_code == ExitCode.OK, result.output
    assert "2/2 expectations met" in result.stdout


def test_a_matrix_nested_too_deep_is_one_line_naming_the_path(run_cli: RunCli, tmp_path: Path) -> None:
    matrix = tmp_path / "MATRIX.yaml"
    matrix.write_text("identities:\n  deep: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    result = run_cli("check", str(matrix))
    assert result.exit_code == ExitCode.INVALID_DOCUMENT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "identities.deep[0][0]" in lines[0] and "nested more than" in lines[0]
