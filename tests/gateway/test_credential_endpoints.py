"""botocore's real instance-metadata and container providers fetch credentials from the gateway."""

from __future__ import annotations

import botocore.session
import pytest
import requests
from botocore.credentials import create_credential_resolver
from gateway_helpers import Key, send, signed

from apiclient.gateway import Gateway

INSTANCE_SESSION_PREFIX = "arn:aws:sts::222222222222:assumed-role/app-instance/"


def _provider(name: str) -> object:
    return create_credential_resolver(botocore.session.Session()).get_provider(name)


def _can_read_products(gw: Gateway, key: Key, http: requests.Session) -> requests.Response:
    return send(http, signed("GET", gw.api_url() + "/products", key))


def test_instance_metadata_provider(
    gw: Gateway, http: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", gw.imds_url)
    credentials = _provider("iam-role").load()  # type: ignore[attr-defined]
    assert credentials.method == "iam-role"
    frozen = credentials.get_frozen_credentials()
    response = _can_read_products(gw, Key(frozen.access_key, frozen.secret_key, frozen.token), http)
    assert response.status_code == 200
    assert response.json()["caller"]["arn"].startswith(INSTANCE_SESSION_PREFIX)


def test_container_provider(gw: Gateway, http: requests.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", gw.container_credentials_url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", gw.container_token)
    credentials = _provider("container-role").load()  # type: ignore[attr-defined]
    assert credentials.method == "container-role"
    frozen = credentials.get_frozen_credentials()
    response = _can_read_products(gw, Key(frozen.access_key, frozen.secret_key, frozen.token), http)
    assert response.status_code == 200
    assert response.json()["caller"]["arn"].startswith(INSTANCE_SESSION_PREFIX)


def test_container_endpoint_requires_its_token(gw: Gateway, http: requests.Session) -> None:
    assert http.get(gw.container_credentials_url, timeout=10).status_code == 401
    wrong = http.get(gw.container_credentials_url, headers={"Authorization": "EXAMPLE-wrong"}, timeout=10)
    assert wrong.status_code == 401
    right = http.get(gw.container_credentials_url, headers={"Authorization": gw.container_token}, timeout=10)
    assert right.status_code == 200
    assert set(right.json()) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}
    assert right.json()["RoleArn"] == "arn:aws:iam::222222222222:role/app-instance"


def test_imdsv2_token_rules(gw: Gateway, http: requests.Session) -> None:
    listing = gw.imds_url + "latest/meta-data/iam/security-credentials/"
    assert http.get(listing, timeout=10).status_code == 401  # IMDSv1 is off
    assert http.put(gw.imds_url + "latest/api/token", timeout=10).status_code == 400  # TTL header required
    too_long = {"X-aws-ec2-metadata-token-ttl-seconds": "21601"}
    assert http.put(gw.imds_url + "latest/api/token", headers=too_long, timeout=10).status_code == 400
    token = http.put(
        gw.imds_url + "latest/api/token", headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"}, timeout=10
    )
    assert token.status_code == 200
    assert token.headers["X-aws-ec2-metadata-token-ttl-seconds"] == "60"
    named = http.get(listing, headers={"X-aws-ec2-metadata-token": token.text}, timeout=10)
    assert (named.status_code, named.text) == (200, "app-instance")
    forged = http.get(listing, headers={"X-aws-ec2-metadata-token": "EXAMPLE-forged"}, timeout=10)
    assert forged.status_code == 401
    document = http.get(
        listing + "app-instance", headers={"X-aws-ec2-metadata-token": token.text}, timeout=10
    )
    assert document.json()["Code"] == "Success"
    assert document.json()["Type"] == "AWS-HMAC"
