"""Fixtures: the local gateway with the walkthrough scenario, and a way to send it real requests.

Requests go to the API's real host name (signed for it) and connect to the gateway on
127.0.0.1, as ``curl --connect-to`` does, so the endpoint parses as an execute-api URL.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

# --import-mode=importlib and no __init__.py (preamble): the helper module is found by path.
sys.path.insert(0, str(Path(__file__).parent))

from diagnose_helpers import Send, send_through

from apiclient import Credentials
from apiclient.endpoint import Endpoint, parse_url
from apiclient.gateway import Gateway, running, sample_config


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    # X-Forwarded-For lets a loopback test call from the flagged 198.51.100.0/24 range.
    with running(sample_config(), trust_forwarded_for=True) as gw:
        yield gw


@pytest.fixture(scope="module")
def api_url(gateway: Gateway) -> str:
    return f"http://{gateway.host_for()}/prod"


@pytest.fixture(scope="module")
def endpoint(api_url: str) -> Endpoint:
    return parse_url(api_url)


@pytest.fixture
def send(gateway: Gateway, api_url: str) -> Send:
    """``send(credentials, path, **options)``: a request to the sample API's prod stage."""

    def sender(credentials: Credentials | None, path: str, **options: Any) -> requests.Response:
        return send_through(gateway, api_url + path, credentials, **options)

    return sender
