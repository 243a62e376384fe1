"""Shared names for the tests of examples/ (imported by name: conftest.py puts this folder on sys.path)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

RunExample = Callable[..., subprocess.CompletedProcess[str]]
"""The ``run_example`` fixture: ``run_example(argv, env=..., secrets=())``."""


def api_env(gw: Gateway, example_env: dict[str, str], credentials: Credentials) -> dict[str, str]:
    """``example_env`` plus the walkthrough API's URL and region and ``credentials`` as AWS_* variables."""
    env = {
        **example_env,
        "API_URL": gw.api_url(),
        "API_REGION": "us-west-2",
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
    }
    if credentials.token is not None:
        env["AWS_SESSION_TOKEN"] = credentials.token
    return env
