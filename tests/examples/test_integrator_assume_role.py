"""examples/integrator_assume_role.py: the right external ID gets the role; a wrong one gets STS's refusal."""

from __future__ import annotations

import pytest
from examples_support import RunExample

from apiclient.gateway import Gateway

ROLE_ARN = "arn:aws:iam::222222222222:role/partner-integration"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"  # the condition of the role's trust policy (walkthrough.yaml)


@pytest.fixture
def integrator_env(gw: Gateway, example_env: dict[str, str]) -> dict[str, str]:
    """The integrator's own keys in the environment, and where the customer's role and API are."""
    keys = gw.credentials_for("integrator")
    return {
        **example_env,
        "AWS_ACCESS_KEY_ID": keys.access_key,
        "AWS_SECRET_ACCESS_KEY": keys.secret_key,
        "ROLE_ARN": ROLE_ARN,
        "STS_ENDPOINT_URL": gw.sts_url,
        "API_URL": gw.api_url(),
        "API_REGION": "us-west-2",
    }


def test_the_agreed_external_id_calls_the_api_as_the_role(
    gw: Gateway, integrator_env: dict[str, str], run_example: RunExample
) -> None:
    done = run_example(["integrator_assume_role.py"], env={**integrator_env, "EXTERNAL_ID": EXTERNAL_ID})
    assert done.returncode == 0, done.stderr
    session = "arn:aws:sts::222222222222:assumed-role/partner-integration/example-integrator"
    assert done.stdout.splitlines()[0] == f"200 as {session}"
    assert gw.access_log[-1]["caller"] == session


def test_a_wrong_external_id_gets_a_credentials_error_quoting_sts(
    integrator_env: dict[str, str], run_example: RunExample
) -> None:
    done = run_example(["integrator_assume_role.py", "--external-id", "guessed-EXAMPLE"], env=integrator_env)
    assert done.returncode == 2
    assert done.stdout == ""
    message = done.stderr.strip()
    assert message.startswith(f"cannot assume the role: STS AssumeRole for {ROLE_ARN} failed: AccessDenied: ")
    assert "user/integrator is not authorized to perform: sts:AssumeRole" in message
    assert "Traceback" not in done.stderr


def test_missing_settings_are_named(example_env: dict[str, str], run_example: RunExample) -> None:
    done = run_example(["integrator_assume_role.py"], env=example_env)
    assert done.returncode == 2
    assert "--role-arn, --external-id and --url" in done.stderr
    assert "Traceback" not in done.stderr
