"""One identity -> provider builder (``apiclient.credentials.settings``) for the CLI's options and the
matrix's identities: keys, a profile, the default chain, and a role assumed from any of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiclient.credentials import static
from apiclient.credentials.settings import CredentialSettings, build_provider
from apiclient.errors import CredentialsError
from apiclient.gateway import Gateway
from apiclient.matrix import load_matrix

PARTNER_ROLE = "arn:aws:iam::222222222222:role/partner-integration"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"


def test_keys_and_a_repr_without_the_secret() -> None:
    settings = CredentialSettings(access_key="AKIDEXAMPLE", secret_key="wJalrXUtnFEMI/K7MDENG", token="tok-1")
    credentials = build_provider(settings).get()
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG",
        "tok-1",
    )
    assert "wJalr" not in repr(settings) and "tok-1" not in repr(settings)


def test_a_key_without_its_secret_is_a_credentials_error() -> None:
    with pytest.raises(CredentialsError, match="secret key"):
        build_provider(CredentialSettings(access_key="AKIDEXAMPLE"))


def test_a_profile(tester_credentials_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tester_credentials_file))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tester_credentials_file.parent / "no-config"))
    assert build_provider(CredentialSettings(profile="tester")).get().access_key == "AKIDTESTERPROFILE1"
    with pytest.raises(CredentialsError, match="'ghost'"):
        build_provider(CredentialSettings(profile="ghost")).get()


def test_a_role_assumed_from_another_identity(apiclient_gateway: Gateway) -> None:
    integrator = apiclient_gateway.credentials_for("integrator")
    settings = CredentialSettings(
        role_arn=PARTNER_ROLE,
        external_id=EXTERNAL_ID,
        sts_endpoint_url=apiclient_gateway.sts_url,
        region="us-west-2",
    )
    provider = build_provider(settings, source=static(integrator.access_key, integrator.secret_key))
    credentials = provider.get()
    assert credentials.access_key.startswith("ASIA") and credentials.token
    assert credentials.access_key != integrator.access_key


def test_matrix_identities_become_settings() -> None:
    matrix = load_matrix(
        {
            "url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
            "identities": {
                "reader": {"profile": "readonly"},
                "partner": {
                    "role_arn": PARTNER_ROLE,
                    "external_id": "xyz",
                    "duration": 900,
                    "source": "reader",
                },
            },
            "requests": [{"method": "GET", "path": "/", "expect": {"partner": "allow"}}],
        }
    )
    settings = matrix.identities["partner"].credential_settings(
        sts_endpoint_url="http://sts", region="eu-west-1"
    )
    assert settings == CredentialSettings(
        role_arn=PARTNER_ROLE,
        external_id="xyz",
        duration=900,
        sts_endpoint_url="http://sts",
        region="eu-west-1",
    )
    assert matrix.identities["reader"].credential_settings() == CredentialSettings(profile="readonly")


@pytest.fixture
def tester_credentials_file(tmp_path: Path) -> Path:
    path = tmp_path / "credentials"
    path.write_text(
        "[tester]\naws_access_key_id = AKIDTESTERPROFILE1\naws_secret_access_key = tester-profile-secret\n",
        encoding="utf-8",
    )
    return path
