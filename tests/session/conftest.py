"""Fixtures: botocore-verifying servers on 127.0.0.1, started and stopped by each test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# --import-mode=importlib and no __init__.py (preamble): the helper modules are found by path.
sys.path.insert(0, str(Path(__file__).parent))

from session_helpers import ACCESS_KEY, SECRET_KEY
from verifying_server import VerifyingServer

from apiclient import Credentials


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(ACCESS_KEY, SECRET_KEY)


@pytest.fixture
def server() -> Iterator[VerifyingServer]:
    running = VerifyingServer({ACCESS_KEY: SECRET_KEY}).start()
    yield running
    running.stop()


@pytest.fixture
def foreign() -> Iterator[VerifyingServer]:
    """Another origin (another port) that only records what it receives."""
    running = VerifyingServer({}, verify=False).start()
    yield running
    running.stop()
