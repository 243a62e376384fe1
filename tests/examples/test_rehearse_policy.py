"""examples/rehearse_policy.py: the policy engine and the served gateway agree, and catch a missing Deny."""

from __future__ import annotations

import json
import re
from pathlib import Path

from examples_support import EXAMPLES, RunExample

POLICY = EXAMPLES / "policies" / "products-api.json"


def _lines(stdout: str, stage: str) -> list[list[str]]:
    return [line.split() for line in stdout.splitlines() if line.startswith(stage)]


def test_the_candidate_policy_passes_offline_and_served(
    example_env: dict[str, str], run_example: RunExample
) -> None:
    done = run_example(["rehearse_policy.py"], env=example_env)
    assert done.returncode == 0, done.stdout + done.stderr
    offline, served = _lines(done.stdout, "offline"), _lines(done.stdout, "served")
    assert len(offline) == len(served) == 6
    assert all(line[1] == "ok" for line in offline + served)
    # Read-only: GET yes, POST no, as the engine says and the gateway enforces.
    assert offline[0][-1] == "ALLOW" and served[0][-1] == "200"
    assert offline[1][-1] == "IMPLICIT_DENY" and served[1][-2:] == ["403", "no_allow"]
    # The flagged range: an explicit deny, even for the account's admin.
    assert [line[-1] for line in offline[4:]] == ["EXPLICIT_DENY", "EXPLICIT_DENY"]
    assert [line[-1] for line in served[4:]] == ["explicit_deny", "explicit_deny"]
    assert "denied to everyone: 198.51.100.0/24" in done.stdout
    refused = re.findall(r"^  (\S+) +403 ", done.stdout, re.MULTILINE)
    assert refused == ["192.0.2.10", "198.51.100.1", "198.51.100.1"]
    assert done.stdout.splitlines()[-1] == "0 surprise(s): ready to deploy"


def test_a_policy_without_the_deny_is_caught_before_deploying(
    tmp_path: Path, example_env: dict[str, str], run_example: RunExample
) -> None:
    policy = json.loads(POLICY.read_text())
    policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != "BlockFlaggedRange"]
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps(policy))
    done = run_example(["rehearse_policy.py", str(draft)], env=example_env)
    assert done.returncode == 1
    surprises = [line for line in done.stdout.splitlines() if "SURPRISE" in line]
    # Two calls from the flagged range, offline and served, and the range not denied to everyone.
    assert len(surprises) == 5
    assert "SURPRISE: 198.51.100.0/24 is not denied to everyone" in surprises
    assert done.stdout.splitlines()[-1] == "5 surprise(s): do not deploy yet"


def test_another_flagged_range_is_checked_against_the_policy(
    example_env: dict[str, str], run_example: RunExample
) -> None:
    done = run_example(["rehearse_policy.py", "--flagged", "203.0.113.0/24"], env=example_env)
    assert done.returncode == 1
    assert "SURPRISE: 203.0.113.0/24 is not denied to everyone" in done.stdout


def test_a_malformed_policy_is_named_without_a_traceback(
    tmp_path: Path, example_env: dict[str, str], run_example: RunExample
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}))
    done = run_example(["rehearse_policy.py", str(broken)], env=example_env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"cannot rehearse {broken}: ")
    assert "Traceback" not in done.stderr
