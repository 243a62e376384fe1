"""The AWS settings and habits a Client honours: region order, CA bundle, User-Agent, trace header."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from verifying_server import VerifyingServer

from apiclient import Client, Credentials
from apiclient.credentials.environment import read_environment
from apiclient.errors import CredentialsError, EndpointError

AWS_HOST = "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod"
REGION_VARIABLES = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
)


@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in REGION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    return monkeypatch


def test_the_urls_region_beats_the_environment(
    no_region: pytest.MonkeyPatch, credentials: Credentials
) -> None:
    no_region.setenv("AWS_DEFAULT_REGION", "us-east-1")
    no_region.setenv("AWS_REGION", "eu-west-1")
    assert Client(AWS_HOST, credentials=credentials).endpoint.region == "us-west-2"
    assert Client(AWS_HOST, credentials=credentials, region="ap-south-1").endpoint.region == "ap-south-1"


@pytest.mark.parametrize(
    ("variables", "profile_region", "expected"),
    [
        ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"}, "ap-south-1", "eu-west-1"),
        ({"AWS_DEFAULT_REGION": "us-east-1"}, "ap-south-1", "us-east-1"),
        ({}, "ap-south-1", "ap-south-1"),
        ({"AWS_PROFILE": "tester"}, "sa-east-1", "sa-east-1"),
    ],
)
def test_a_local_url_takes_the_region_from_the_environment_then_the_profile(
    no_region: pytest.MonkeyPatch,
    tmp_path: Path,
    credentials: Credentials,
    variables: dict[str, str],
    profile_region: str,
    expected: str,
) -> None:
    for name, value in variables.items():
        no_region.setenv(name, value)
    section = "profile tester" if variables.get("AWS_PROFILE") == "tester" else "default"
    (tmp_path / "config").write_text(f"[{section}]\nregion = {profile_region}\n")
    assert Client("http://127.0.0.1:9/prod", credentials=credentials).endpoint.region == expected


def test_no_region_anywhere_names_the_setting(
    no_region: pytest.MonkeyPatch, credentials: Credentials
) -> None:
    with pytest.raises(EndpointError, match="AWS_REGION"):
        Client("http://127.0.0.1:9/prod", credentials=credentials)


def test_aws_ca_bundle_is_used_for_the_call_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: VerifyingServer, credentials: Credentials
) -> None:
    missing = tmp_path / "corporate-ca.pem"
    monkeypatch.setenv("AWS_CA_BUNDLE", str(missing))
    https = server.url.replace("http://", "https://")
    client = Client(https, credentials=credentials, region="us-east-1")
    # requests refuses a CA bundle path that does not exist before it connects: proof it was used.
    with pytest.raises(OSError, match=r"corporate-ca\.pem"):
        client.get("/pets")
    plain = Client(https, credentials=credentials, region="us-east-1", verify=False)
    with pytest.raises(Exception) as raised:
        plain.get("/pets")
    assert "corporate-ca.pem" not in str(raised.value)


def test_the_user_agent_names_apiclient(server: VerifyingServer, credentials: Credentials) -> None:
    Client(server.url, credentials=credentials, region="us-east-1").get("/pets")
    agent = server.seen[-1].header("User-Agent") or ""
    assert agent.startswith("python-requests/") and agent.endswith(" apiclient/0.1.0")


def test_the_lambda_trace_header_is_forwarded(
    monkeypatch: pytest.MonkeyPatch, server: VerifyingServer, credentials: Credentials
) -> None:
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    monkeypatch.setenv("_X_AMZN_TRACE_ID", trace)
    Client(server.url, credentials=credentials, region="us-east-1").get("/pets")
    assert server.seen[-1].header("X-Amzn-Trace-Id") is None  # outside Lambda: not forwarded
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "products")
    client = Client(server.url, credentials=credentials, region="us-east-1")
    assert client.get("/pets").status_code == 200  # forwarded, and the signature still verifies
    assert server.seen[-1].header("X-Amzn-Trace-Id") == trace
    later = "Root=1-5759e988-bd862e3fe1be46a994272794;Parent=53995c3f42cd8ad9;Sampled=1"
    monkeypatch.setenv("_X_AMZN_TRACE_ID", later)  # the next invocation's
    client.get("/pets")
    assert server.seen[-1].header("X-Amzn-Trace-Id") == later


def test_aws_session_expiration_is_read_as_older_aws_vault_writes_it() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "EXAMPLEKEY",
        "AWS_SESSION_TOKEN": "T",
    }
    expiring = read_environment({**env, "AWS_SESSION_EXPIRATION": "2030-01-01T00:00:00Z"})
    assert expiring.expiry == dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    both = {
        **env,
        "AWS_SESSION_EXPIRATION": "2030-01-01T00:00:00Z",
        "AWS_CREDENTIAL_EXPIRATION": "2031-01-01T00:00:00Z",
    }
    assert read_environment(both).expiry == dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(CredentialsError, match="AWS_SESSION_EXPIRATION"):
        read_environment({**env, "AWS_SESSION_EXPIRATION": "tomorrow"})
