"""Helpers for driving the CLI with CliRunner against the local gateway (the apiclient pytest plugin)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from apiclient.cli import cli
from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway

# --import-mode=importlib and no __init__.py: other test modules' helpers are found by path.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def run_cli(isolated_env: dict[str, str | None]) -> Callable[..., Result]:
    """Run ``apiclient ARGS`` in-process; credentials, when given, arrive as AWS_* variables.

    Any exception other than click's own exit is a bug (a traceback a user would see): it fails the test.
    """

    def run(
        *args: str,
        credentials: Credentials | None = None,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        variables = {**isolated_env, **(env or {})}
        if credentials is not None:
            variables["AWS_ACCESS_KEY_ID"] = credentials.access_key
            variables["AWS_SECRET_ACCESS_KEY"] = credentials.secret_key
            variables["AWS_SESSION_TOKEN"] = credentials.token
        result = CliRunner().invoke(cli, list(args), env=variables, input=input, prog_name="apiclient")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


@pytest.fixture
def secrets_of() -> Callable[[Credentials], list[str]]:
    """The strings that must never be shown for a set of credentials."""

    def secrets(credentials: Credentials) -> list[str]:
        return [s for s in (credentials.secret_key, credentials.token) if s]

    return secrets


@pytest.fixture
def tester_profile(apiclient_gateway: Gateway, tmp_path: Path) -> Path:
    """A shared credentials file holding Team A's tester (the sample gateway) as profile ``tester``."""
    tester = next(u for u in apiclient_gateway.config.users if u.name == "team-a-tester")
    key = tester.access_keys[0]
    path = tmp_path / "credentials"
    path.write_text(
        f"[tester]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n",
        encoding="utf-8",
    )
    return path
