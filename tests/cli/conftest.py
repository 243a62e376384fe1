"""Helpers for driving the CLI with CliRunner against the local gateway (the apiclient pytest plugin)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from apiclient.cli import cli
from apiclient.credentials._model import Credentials


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str | None]:
    """An environment with no AWS configuration at all: no files, no IMDS, no variables."""
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
        "AWS_WEB_IDENTITY_TOKEN_FILE": None,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        "AWS_REGION": None,
        "AWS_DEFAULT_REGION": None,
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "AWS_SESSION_TOKEN": None,
        "AWS_ENDPOINT_URL_STS": None,
        "APICLIENT_OUTPUT": None,
        "APICLIENT_API_KEY": None,
    }


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
