"""examples/access_matrix.py and examples/matrix.yaml: one matrix, by the library and by `apiclient check`.

Both run with AWS profiles (``profiles`` fixture) against the gateway; ``--offline`` judges the same
file with the policy engine, and must agree with the gateway cell by cell.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from examples_support import EXAMPLES, RunExample

from apiclient.gateway import Gateway

CELLS = 10  # the expectations written in matrix.yaml


def _check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "apiclient.cli",
            "check",
            str(EXAMPLES / "matrix.yaml"),
            "--output",
            "json",
            *args,
        ],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _cells(report: dict[str, Any]) -> list[tuple[str, str, str, str | None]]:
    return [
        (r["identity"], r["request"], r["actual"]["outcome"], r["actual"]["cause"]) for r in report["results"]
    ]


def test_library_matrix_meets_every_expectation(
    gw: Gateway, profiles: dict[str, str], run_example: RunExample
) -> None:
    seen = len(gw.access_log)
    done = run_example(["access_matrix.py", "--url", gw.api_url(), "--region", "us-west-2"], env=profiles)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "0 surprise(s)"
    assert len(lines) == 10 and all(line.startswith("ok ") for line in lines[:-1])
    callers = {r["caller"] for r in gw.access_log[seen:] if r["service"] == "execute-api"}
    users = {caller for caller in callers if ":user/" in caller}
    assert users == {
        "arn:aws:iam::222222222222:user/staff/reader",
        "arn:aws:iam::111111111111:user/team-a-tester",
        "arn:aws:iam::111111111111:user/team-a-intern",
    }
    # The partner profile assumed the role once and kept its session for every call.
    (partner,) = callers - users
    assert partner.startswith("arn:aws:sts::222222222222:assumed-role/partner-integration/")


def test_library_matrix_reports_a_surprise(
    gw: Gateway, profiles: dict[str, str], tmp_path: Path, run_example: RunExample
) -> None:
    # The intern's profile mistakenly holds the tester's keys: the intern may now read the products.
    credentials = Path(profiles["AWS_SHARED_CREDENTIALS_FILE"])
    tester = gw.credentials_for("team-a-tester")
    intern = gw.credentials_for("team-a-intern")
    credentials.write_text(
        credentials.read_text()
        .replace(intern.access_key, tester.access_key)
        .replace(intern.secret_key, tester.secret_key)
    )
    done = run_example(["access_matrix.py", "--url", gw.api_url(), "--region", "us-west-2"], env=profiles)
    assert done.returncode == 1
    assert "SURPRISE team-a-intern  GET /products: expected no_allow, got allow" in done.stdout
    assert done.stdout.splitlines()[-1] == "1 surprise(s)"


def test_library_matrix_writes_junit(
    gw: Gateway, profiles: dict[str, str], tmp_path: Path, run_example: RunExample
) -> None:
    junit = tmp_path / "library.xml"
    argv = ["access_matrix.py", "--url", gw.api_url(), "--region", "us-west-2", "--junit", str(junit)]
    done = run_example(argv, env=profiles)
    assert done.returncode == 0, done.stdout + done.stderr
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("9", "0", "0")
    assert {case.get("name") for case in suite.iter("testcase")} == {
        "reader",
        "team-a-tester",
        "team-a-intern",
        "partner",
    }


def test_library_matrix_names_a_missing_profile(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    done = run_example(["access_matrix.py", "--url", gw.api_url(), "--region", "us-west-2"], env=example_env)
    assert done.returncode == 2
    assert "profile 'partner' is not defined" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_check_runs_the_yaml_matrix_and_the_engine_agrees_offline(
    gw: Gateway, profiles: dict[str, str], tmp_path: Path
) -> None:
    junit = tmp_path / "matrix.xml"
    online = _check("--url", gw.api_url(), "--junit", str(junit), env=profiles)
    assert online.returncode == 0, online.stdout + online.stderr
    report = json.loads(online.stdout)
    assert (report["passed"], report["total"], report["failed"]) == (True, CELLS, 0)
    suite = ET.parse(junit).getroot().iter("testcase")
    assert len([case for case in suite if case.find("failure") is None]) == CELLS

    offline = _check("--offline", env=profiles)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert _cells(json.loads(offline.stdout)) == _cells(report)


@pytest.mark.parametrize(
    ("file", "policy_of"),
    [
        ("products-api.json", lambda gw: gw.config.apis[0].resource_policy),
        ("reader.json", lambda gw: _user(gw, "reader").policies[0]),
        ("team-a-tester.json", lambda gw: _user(gw, "team-a-tester").policies[0]),
        ("partner-integration.json", lambda gw: gw.config.role("partner-integration").policies[0]),
    ],
)
def test_offline_policy_files_are_what_the_gateway_enforces(gw: Gateway, file: str, policy_of: Any) -> None:
    assert json.loads((EXAMPLES / "policies" / file).read_text()) == dict(policy_of(gw))


def _user(gw: Gateway, name: str) -> Any:
    return next(user for user in gw.config.users if user.name == name)
