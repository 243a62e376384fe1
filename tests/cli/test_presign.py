"""``apiclient presign``: a presigned URL the local gateway accepts, masked unless asked for."""

from __future__ import annotations

from collections.abc import Callable

import requests
from click.testing import Result

from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway


def _long_term(gw: Gateway, name: str) -> Credentials:
    user = next(user for user in gw.config.users if user.name == name)
    key = user.access_keys[0]
    return Credentials(key.access_key_id, key.secret_access_key)


def test_the_url_is_masked_unless_asked_for(
    apiclient_gateway: Gateway, run_cli: Callable[..., Result]
) -> None:
    keys = _long_term(apiclient_gateway, "reader")
    url = apiclient_gateway.api_url() + "/products"
    done = run_cli("presign", "GET", url, "--region", "us-west-2", credentials=keys)
    assert done.exit_code == 0, done.output
    assert "X-Amz-Signature=<redacted>" in done.stdout
    assert "--show-secrets" in done.stderr


def test_the_usable_url_is_accepted_by_the_gateway_and_a_tampered_one_refused(
    apiclient_gateway: Gateway, run_cli: Callable[..., Result]
) -> None:
    keys = _long_term(apiclient_gateway, "reader")
    url = apiclient_gateway.api_url() + "/products"
    done = run_cli("presign", "GET", url, "--region", "us-west-2", "--show-secrets", credentials=keys)
    assert done.exit_code == 0, done.output
    presigned = done.stdout.strip()
    assert presigned.startswith(url + "?") and "X-Amz-Signature=" in presigned
    assert requests.get(presigned, timeout=10).status_code == 200  # a browser-style GET, no headers
    tampered = presigned.replace("/products?", "/products/42?")
    assert requests.get(tampered, timeout=10).status_code == 403


def test_expires_in_is_bounded(apiclient_gateway: Gateway, run_cli: Callable[..., Result]) -> None:
    keys = _long_term(apiclient_gateway, "reader")
    url = apiclient_gateway.api_url() + "/products"
    for bad in ("0", "604801"):
        done = run_cli("presign", "GET", url, "--region", "us-west-2", "--expires-in", bad, credentials=keys)
        assert done.exit_code == 2
        assert "--expires-in" in done.output
