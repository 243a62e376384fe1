"""examples/ec2_service.py: threads sharing one Client, signed with the instance role from IMDSv2."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

from examples_support import EXAMPLES, RunExample

from apiclient.gateway import Gateway

INSTANCE_ROLE_SESSION = "arn:aws:sts::222222222222:assumed-role/app-instance/"


def _service_env(gw: Gateway, example_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in example_env.items() if k != "AWS_EC2_METADATA_DISABLED"}
    return {
        **env,
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": gw.imds_url,
        "API_URL": gw.api_url(),
        "API_REGION": "us-west-2",
    }


def _tally(stdout: str) -> tuple[int, int]:
    found = re.search(r"^calls=(\d+) failed=(\d+) ", stdout, re.MULTILINE)
    assert found, stdout
    return int(found[1]), int(found[2])


def test_every_worker_call_is_signed_as_the_instance_role(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    seen = len(gw.access_log)
    done = run_example(
        ["ec2_service.py", "--threads", "4", "--seconds", "1", "--interval", "0.02"],
        env=_service_env(gw, example_env),
    )
    assert done.returncode == 0, done.stderr
    calls, failed = _tally(done.stdout)
    records = gw.access_log[seen:]
    api_calls = [r for r in records if r["service"] == "execute-api"]
    # The gateway saw exactly the calls the service counted, all as the instance role's session.
    assert (failed, len(api_calls)) == (0, calls)
    assert calls >= 4
    assert all(r["caller"].startswith(INSTANCE_ROLE_SESSION) and r["status"] == "200" for r in api_calls)
    # IMDSv2: a session token was requested before the role's credentials.
    imds = [(r["httpMethod"], r["path"]) for r in records if r["service"] == "imds"]
    assert imds[0] == ("PUT", "/latest/api/token")
    assert ("GET", "/latest/meta-data/iam/security-credentials/app-instance") in imds


def test_sigterm_stops_the_workers_and_reports(gw: Gateway, example_env: dict[str, str]) -> None:
    seen = len(gw.access_log)
    service = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "ec2_service.py"), "--threads", "2"],
        env=_service_env(gw, example_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not any(r["service"] == "execute-api" for r in gw.access_log[seen:]):
            assert time.monotonic() < deadline and service.poll() is None, "the service never called the API"
            time.sleep(0.05)
        service.send_signal(signal.SIGTERM)
        stdout, stderr = service.communicate(timeout=30)
    finally:
        service.kill()
    assert service.returncode == 0, stderr
    assert "SIGTERM: stopping" in stderr
    calls, failed = _tally(stdout)
    assert calls >= 1 and failed == 0


def test_without_instance_metadata_it_says_so_and_exits_2(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    env = {**example_env, "API_URL": gw.api_url(), "API_REGION": "us-west-2"}  # IMDS disabled
    done = run_example(["ec2_service.py", "--seconds", "1"], env=env)
    assert done.returncode == 2
    assert "no instance credentials" in done.stderr
    assert "Traceback" not in done.stderr
