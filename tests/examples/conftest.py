"""Run the scripts of examples/ as a user would: a subprocess, its environment, the local gateway."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiclient.gateway import Gateway, running, sample_config

sys.path.insert(0, str(Path(__file__).parent))

from examples_support import EXAMPLES, RunExample


@pytest.fixture(scope="module")
def gw() -> Iterator[Gateway]:
    """The walkthrough gateway (its identities and keys: apiclient/gateway/samples/walkthrough.yaml)."""
    with running(sample_config()) as gateway:
        yield gateway


@pytest.fixture
def example_env(tmp_path: Path) -> dict[str, str]:
    """The test runner's environment without any AWS or API setting, and no AWS files or IMDS to find."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "API_", "APICLIENT_"))}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


@pytest.fixture
def run_example(gw: Gateway) -> RunExample:
    """``run_example(argv, env=...)``: run ``python examples/ARGV[0] ARGV[1:]``; argv[0] may be ``-c``.

    Fails the test when the output shows a secret of the gateway's users or one of ``secrets``.
    """

    def run(
        argv: list[str], *, env: dict[str, str], secrets: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        script = argv if argv[0] == "-c" else [str(EXAMPLES / argv[0]), *argv[1:]]
        done = subprocess.run(
            [sys.executable, *script],
            env=env,
            cwd=EXAMPLES.parent,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        user_secrets = [key.secret_access_key for user in gw.config.users for key in user.access_keys]
        for secret in (*user_secrets, *secrets):
            assert secret not in done.stdout + done.stderr, f"a secret leaked in the output of {argv[0]}"
        return done

    return run


@pytest.fixture
def profiles(tmp_path: Path, gw: Gateway, example_env: dict[str, str]) -> dict[str, str]:
    """``example_env`` with AWS profiles for the walkthrough's identities, whose STS is the gateway's.

    ``partner`` is a role profile: the integrator's keys assume partner-integration with its external ID.
    """
    keys = {
        name: gw.credentials_for(name) for name in ("reader", "team-a-tester", "team-a-intern", "integrator")
    }
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(
        "".join(
            f"[{name}]\naws_access_key_id = {key.access_key}\naws_secret_access_key = {key.secret_key}\n"
            for name, key in keys.items()
        )
    )
    config_file = tmp_path / "config"
    config_file.write_text(
        "[profile partner]\n"
        "role_arn = arn:aws:iam::222222222222:role/partner-integration\n"
        "source_profile = integrator\n"
        "external_id = EXAMPLE-external-id-7f3a\n"
        "region = us-west-2\n"
    )
    return {
        **example_env,
        "AWS_CONFIG_FILE": str(config_file),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file),
        "AWS_ENDPOINT_URL_STS": gw.sts_url,
        "AWS_REGION": "us-west-2",
    }
