"""Fixtures for the httpx tests: the botocore-verifying servers of tests/session, and the gateway."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# --import-mode=importlib and no __init__.py: the session tests' helpers are found by path.
sys.path.insert(0, str(Path(__file__).parents[1] / "session"))

from session_helpers import ACCESS_KEY, SECRET_KEY
from verifying_server import VerifyingServer

from apiclient import Credentials
from apiclient.gateway import Gateway, running, sample_config


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(ACCESS_KEY, SECRET_KEY)


@pytest.fixture
def server() -> Iterator[VerifyingServer]:
    started = VerifyingServer({ACCESS_KEY: SECRET_KEY}).start()
    yield started
    started.stop()


@pytest.fixture
def foreign() -> Iterator[VerifyingServer]:
    """Another origin that only records what it receives."""
    started = VerifyingServer({}, verify=False).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def gw() -> Iterator[Gateway]:
    with running(sample_config()) as gateway:
        yield gateway
