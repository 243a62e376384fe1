"""default(): the environment first, then botocore's chain (container, IMDSv2), or a clear error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import Refreshable, default
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from conftest import ContainerCredentialsServer, RecordingProxy


def test_environment_comes_first(
    monkeypatch: pytest.MonkeyPatch, container_server: ContainerCredentialsServer
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_server.url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", container_server.token)
    provider = default()
    assert provider.describe()["source"] == "environment"
    assert provider.get().access_key == "AKIDEXAMPLE"
    assert container_server.requests == []


def test_partial_environment_is_reported_not_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    with pytest.raises(CredentialsError, match="AWS_SECRET_ACCESS_KEY is not set"):
        default()


def test_container_credentials_with_an_authorization_token(
    monkeypatch: pytest.MonkeyPatch, container_server: ContainerCredentialsServer
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_server.url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", container_server.token)
    provider = default()
    credentials = provider.get()

    served = container_server.credentials
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        served["AccessKeyId"],
        served["SecretAccessKey"],
        served["Token"],
    )
    assert credentials.expiry is not None
    assert credentials.expiry.strftime("%Y-%m-%dT%H:%M:%SZ") == served["Expiration"]
    assert container_server.requests[0]["Authorization"] == container_server.token
    info = provider.describe()
    assert info["source"] == "container-role" and info["expiry"] == credentials.expiry.isoformat()
    assert served["SecretAccessKey"] not in str(info) + repr(provider)

    assert isinstance(provider, Refreshable)
    provider.force_refresh()
    assert len(container_server.requests) == 2


def test_container_endpoint_refusing_the_token_is_a_credentials_error(
    monkeypatch: pytest.MonkeyPatch, container_server: ContainerCredentialsServer
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_server.url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token")
    with pytest.raises(
        CredentialsError,
        match=r"botocore's credential chain failed: .*container-role.*401.*invalid authorization token",
    ):
        default()


def test_instance_metadata_through_moto_with_an_imdsv2_token(
    monkeypatch: pytest.MonkeyPatch, sts: RecordingProxy
) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", sts.url + "/")
    provider = default()
    credentials = provider.get()

    # moto's instance-metadata responses (moto/instance_metadata/responses.py)
    assert (credentials.access_key, credentials.token) == ("test-key", "test-session-token")
    assert provider.describe()["source"] == "iam-role"
    metadata = [c for c in sts.calls if c.path.startswith("/latest/")]
    assert (metadata[0].method, metadata[0].path) == ("PUT", "/latest/api/token")
    assert metadata[0].headers["X-Aws-Ec2-Metadata-Token-Ttl-Seconds"]
    role_reads = [c for c in metadata if c.path.startswith("/latest/meta-data/iam/security-credentials/")]
    assert role_reads and all(
        c.headers.get("X-Aws-Ec2-Metadata-Token") == "fake-imdsv2-token" for c in role_reads
    )


def test_nothing_found_lists_what_was_tried() -> None:
    with pytest.raises(CredentialsError) as raised:
        default()
    message = str(raised.value)
    assert message.startswith("no AWS credentials found; tried the environment variables AWS_ACCESS_KEY_ID")
    for method in ("env", "shared-credentials-file", "config-file", "container-role", "iam-role"):
        assert method in message
