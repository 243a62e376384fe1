"""The pytest plugin: light to import, and its fixtures give a gateway, identities and bound clients."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import requests
from gateway_helpers import Key, send, signed

from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway


def test_importing_the_plugin_starts_and_loads_nothing_heavy() -> None:
    heavy = "('botocore', 'apiclient.gateway', 'yaml')"
    probe = f"import sys, apiclient.testing; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_gateway_identity_for_users_and_roles(
    apiclient_gateway: Gateway, gateway_identity: Callable[[str], Credentials]
) -> None:
    tester = gateway_identity("team-a-tester")
    session = gateway_identity("partner-integration")
    assert not tester.is_temporary
    assert session.is_temporary
    with requests.Session() as http:
        for credentials in (tester, session):
            key = Key(credentials.access_key, credentials.secret_key, credentials.token)
            assert (
                send(http, signed("GET", apiclient_gateway.api_url() + "/products", key)).status_code == 200
            )


def test_gateway_client_is_bound_to_the_identity(gateway_client: Callable[..., object]) -> None:
    admin = gateway_client("admin")
    response = admin.post("/products", json={"name": "tea"})  # type: ignore[attr-defined]
    assert response.status_code == 201
