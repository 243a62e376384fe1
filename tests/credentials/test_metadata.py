"""from_instance_metadata (moto's IMDS) and from_container (a local endpoint), named explicitly."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import from_container, from_instance_metadata
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from conftest import ContainerCredentialsServer, RecordingProxy


def test_instance_metadata_wins_over_environment_keys(
    monkeypatch: pytest.MonkeyPatch, sts: RecordingProxy
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", sts.url + "/")
    provider = from_instance_metadata()
    assert provider.get().access_key == "test-key"  # moto's instance role
    assert provider.describe()["source"] == "iam-role"
    assert any(c.path == "/latest/api/token" and c.method == "PUT" for c in sts.calls)


def test_instance_metadata_disabled_says_so() -> None:
    with pytest.raises(CredentialsError, match="no credentials from the instance metadata service"):
        from_instance_metadata()


def test_container_endpoint(
    monkeypatch: pytest.MonkeyPatch, container_server: ContainerCredentialsServer
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_server.url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", container_server.token)
    provider = from_container()
    assert provider.get().access_key == container_server.credentials["AccessKeyId"]
    assert provider.describe()["source"] == "container-role"
    assert container_server.requests[0]["Authorization"] == container_server.token


def test_container_without_variables_names_them() -> None:
    with pytest.raises(CredentialsError, match="AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and"):
        from_container()
