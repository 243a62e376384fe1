"""``apiclient.httpx.SigV4Auth``: a drop-in httpx auth, sync and async, verified by the gateway.

The cases are those that the httpx SigV4 packages on the index get wrong against execute-api:
spaces and UTF-8 in the path, reserved characters, repeated and empty query keys, and a host
with a port. The gateway verifies every signature with botocore, not with our signer.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from apiclient import Credentials
from apiclient import SigV4Auth as RequestsAuth
from apiclient.gateway import Gateway
from apiclient.httpx import SigV4Auth

CASES = [
    "/products",
    "/products/a%20b",
    "/products/caf%C3%A9",
    "/products/%24price",
    "/products/a%2Fb",
    "/products/42?q=a%20b&q=c",
    "/products/42?b=2&a=1&a=0",
    "/products/42?empty=&flag",
    "/products/42?plus=a+b&star=%2A",
]


@pytest.mark.parametrize("path", CASES)
def test_sync_requests_are_accepted(gw: Gateway, path: str) -> None:
    auth = SigV4Auth(gw.credentials_for("admin"), "us-west-2")
    with httpx.Client(auth=auth) as client:
        response = client.get(gw.api_url() + path)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", CASES)
def test_async_requests_are_accepted(gw: Gateway, path: str) -> None:
    auth = SigV4Auth(gw.credentials_for("admin"), "us-west-2")

    async def call() -> httpx.Response:
        async with httpx.AsyncClient(auth=auth) as client:
            return await client.get(gw.api_url() + path)

    response = asyncio.run(call())
    assert response.status_code == 200, response.text


def test_a_body_is_signed(gw: Gateway) -> None:
    auth = SigV4Auth(gw.credentials_for("admin"), "us-west-2")
    with httpx.Client(auth=auth) as client:
        response = client.post(gw.api_url() + "/products", json={"name": "pen", "price": 3})
    assert response.status_code == 201


def test_a_wrong_secret_is_refused_with_the_mismatch(gw: Gateway) -> None:
    good = gw.credentials_for("reader")
    auth = SigV4Auth(Credentials(good.access_key, "wrong-EXAMPLE-secret", good.token), "us-west-2")
    with httpx.Client(auth=auth) as client:
        response = client.get(gw.api_url() + "/products")
    assert response.status_code == 403
    assert "signature" in response.json()["message"].lower()


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_skewed_clock_is_corrected_inside_the_flow(gw: Gateway, flavour: str) -> None:
    late = lambda: dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)  # noqa: E731
    auth = SigV4Auth(gw.credentials_for("reader"), "us-west-2", clock=late)
    if flavour == "sync":
        with httpx.Client(auth=auth) as client:
            status = client.get(gw.api_url() + "/products").status_code
    else:

        async def call() -> int:
            async with httpx.AsyncClient(auth=auth) as client:
                return (await client.get(gw.api_url() + "/products")).status_code

        status = asyncio.run(call())
    assert status == 200
    assert auth.clock_offset == pytest.approx(30 * 60, abs=5)


def test_the_requests_auth_is_not_an_httpx_auth() -> None:
    # The AttributeError users hit before: apiclient.SigV4Auth is for requests only.
    assert not isinstance(RequestsAuth(Credentials("AKIDEXAMPLE", "EXAMPLEKEY"), "us-east-1"), httpx.Auth)
    assert isinstance(SigV4Auth(Credentials("AKIDEXAMPLE", "EXAMPLEKEY"), "us-east-1"), httpx.Auth)
