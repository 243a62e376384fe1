"""fetch_policy=True: the resource policy read with apigateway:GET (GetRestApi) from a moto server.

The refusal is the local gateway's; the policy comes from moto's API Gateway, where the same API
ID holds the scenario's policy in the escaped form AWS returns.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import boto3
import pytest
from diagnose_helpers import Send
from moto.server import ThreadedMotoServer

from apiclient.diagnostics import DiagnoseOptions, diagnose
from apiclient.endpoint import Endpoint
from apiclient.gateway import Gateway

OWNER = "222222222222"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def apigateway(gateway: Gateway) -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    api = gateway.config.apis[0]
    client = boto3.client(
        "apigateway", region_name=api.region, endpoint_url=url,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )  # fmt: skip
    # GetRestApi returns the policy's quotes backslash-escaped; store it that way.
    escaped = json.dumps(api.resource_policy).replace('"', '\\"')
    client.create_rest_api(name="products", policy=escaped, tags={"_custom_id_": api.id})
    yield url
    server.stop()


def test_a_fetched_policy_gives_the_verdict(
    gateway: Gateway, send: Send, endpoint: Endpoint, apigateway: str
) -> None:
    intern = gateway.credentials_for("team-a-intern")
    diagnosis = diagnose(
        send(intern, "/products"),
        endpoint=endpoint,
        credentials=intern,
        options=DiagnoseOptions(
            identify=True,
            sts_endpoint_url=gateway.sts_url,
            fetch_policy=True,
            apigateway_endpoint_url=apigateway,
            api_owner_account=OWNER,
            source_ip="127.0.0.1",
        ),
    )
    assert diagnosis.details["resource_policy_source"] == "fetched"
    assert diagnosis.details["policy_verdict"]["result"] == "IMPLICIT_DENY"
    # The resource policy (fetched) allows Team A's account, so the fix is on the caller's side.
    assert "The resource policy allows the call." in diagnosis.to_text()
    assert diagnosis.to_dict()["fixes"][0]["where"].endswith("in account 111111111111")


def test_a_failed_fetch_is_evidence(gateway: Gateway, send: Send, endpoint: Endpoint) -> None:
    intern = gateway.credentials_for("team-a-intern")
    diagnosis = diagnose(
        send(intern, "/products"),
        endpoint=endpoint,
        credentials=intern,
        options=DiagnoseOptions(
            fetch_policy=True,
            apigateway_endpoint_url=gateway.url,  # not an API Gateway control plane: GetRestApi fails
            api_owner_account=OWNER,
        ),
    )
    assert diagnosis.cause == "no_allow"
    assert diagnosis.decision is None
    assert "resource_policy_error" in diagnosis.details
    failed = "could not fetch the resource policy of a1b2c3d4e5"
    assert any(line.startswith(failed) for line in diagnosis.evidence)
