"""from_profile over temporary AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, with moto as STS."""

from __future__ import annotations

import datetime as _dt
import json
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import from_profile
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import RecordingProxy

STATIC_KEY = "AKIDEXAMPLEPROFILE"
STATIC_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
PROCESS_KEY = "ASIAPROCESSEXAMPLE"


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sts: RecordingProxy) -> Path:
    expiry = (_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    process = tmp_path / "credential_process.py"
    process.write_text(
        "import json\nprint(json.dumps("
        + repr(
            {
                "Version": 1,
                "AccessKeyId": PROCESS_KEY,
                "SecretAccessKey": "processSecretEXAMPLE",
                "SessionToken": "processTokenEXAMPLE",
                "Expiration": expiry,
            }
        )
        + "))\n"
    )
    (tmp_path / "credentials").write_text(
        textwrap.dedent(f"""\
        [static]
        aws_access_key_id = {STATIC_KEY}
        aws_secret_access_key = {STATIC_SECRET}
        """)
    )
    (tmp_path / "config").write_text(
        textwrap.dedent(f"""\
        [profile role]
        role_arn = arn:aws:iam::333333333333:role/ProfileRole
        source_profile = static
        external_id = ext-EXAMPLE-profile
        role_session_name = profile-session
        region = eu-central-1

        [profile from-env]
        role_arn = arn:aws:iam::333333333333:role/EnvSourced
        credential_source = Environment
        region = eu-central-1

        [profile process]
        credential_process = {sys.executable} {process}

        [profile empty]
        region = us-west-2
        """)
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    # botocore's service-specific endpoint setting: its role profiles then call moto's STS.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts.url)
    return tmp_path


def test_static_keys_profile(profiles: Path) -> None:
    provider = from_profile("static")
    assert provider.get().access_key == STATIC_KEY
    assert provider.describe() == {
        "source": "shared-credentials-file",
        "resolved_by": "botocore",
        "profile": "static",
        "access_key": STATIC_KEY,
    }


def test_role_profile_with_source_profile_and_external_id(profiles: Path, sts: RecordingProxy) -> None:
    provider = from_profile("role")
    credentials = provider.get()

    [call] = sts.sts_calls()
    assert call.params["RoleArn"] == "arn:aws:iam::333333333333:role/ProfileRole"
    assert call.params["ExternalId"] == "ext-EXAMPLE-profile"
    assert call.params["RoleSessionName"] == "profile-session"
    assert call.signing_access_key == STATIC_KEY
    assert credentials.token and credentials.expiry is not None
    info = provider.describe()
    assert info["source"] == "assume-role" and info["profile"] == "role"
    assert info["access_key"] == credentials.access_key and info["expiry"] == credentials.expiry.isoformat()
    assert provider.get() is credentials  # botocore's snapshot is reused while fresh


def test_role_profile_with_credential_source_environment(
    profiles: Path, sts: RecordingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", STATIC_SECRET)
    from_profile("from-env").get()
    [call] = sts.sts_calls()
    assert call.params["RoleArn"] == "arn:aws:iam::333333333333:role/EnvSourced"
    assert call.signing_access_key == "AKIDEXAMPLEENV"


def test_force_refresh_resolves_the_role_profile_again(profiles: Path, sts: RecordingProxy) -> None:
    provider = from_profile("role")
    first = provider.get()
    second = provider.force_refresh()
    assert second.access_key != first.access_key
    assert len(sts.sts_calls()) == 2


def test_credential_process_profile(profiles: Path) -> None:
    provider = from_profile("process")
    credentials = provider.get()
    assert (credentials.access_key, credentials.token) == (PROCESS_KEY, "processTokenEXAMPLE")
    assert provider.describe()["source"] == "custom-process"


def test_unknown_profile_is_named(profiles: Path) -> None:
    with pytest.raises(CredentialsError, match=r"profile 'nope' is not defined in .*config"):
        from_profile("nope")


def test_profile_without_credentials_says_so(profiles: Path) -> None:
    with pytest.raises(CredentialsError, match="profile 'empty' defines no credentials"):
        from_profile("empty")


def test_role_profile_refused_by_sts_quotes_sts(profiles: Path, sts: RecordingProxy) -> None:
    sts.fail_next("AccessDenied", "Not authorized to perform sts:AssumeRole")
    provider = from_profile("role")
    with pytest.raises(
        CredentialsError,
        match=r"profile 'role' \(assume-role\): could not get credentials: AccessDenied: Not authorized",
    ):
        provider.get()


def test_profile_describe_never_shows_secrets(profiles: Path) -> None:
    for name in ("static", "role", "process"):
        provider = from_profile(name)
        credentials = provider.get()
        shown = f"{provider!r} {json.dumps(provider.describe())} {credentials!r}"
        assert credentials.secret_key not in shown
        assert not credentials.token or credentials.token not in shown
