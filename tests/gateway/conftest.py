"""Fixtures for the gateway tests: a walkthrough gateway per module, started and stopped here."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from apiclient.gateway import Gateway, GatewayConfig, running, sample_config

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def config() -> GatewayConfig:
    return sample_config()


@pytest.fixture(scope="module")
def gw(config: GatewayConfig) -> Iterator[Gateway]:
    """The walkthrough gateway, trusting X-Forwarded-For so source-IP conditions can be exercised."""
    with running(config, trust_forwarded_for=True) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
