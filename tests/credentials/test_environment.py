"""from_environment: full, partial and legacy variables, the expiry, and no SDK import."""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import from_environment
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from conftest import Clock

ACCESS = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "sessionTokenEXAMPLE"


def test_full_set_with_session_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    credentials = from_environment().get()
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (ACCESS, SECRET, TOKEN)
    assert credentials.expiry is None
    assert from_environment().describe() == {"source": "environment", "access_key": ACCESS}


def test_legacy_security_token_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SECURITY_TOKEN", TOKEN)
    assert from_environment().get().token == TOKEN


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({"AWS_ACCESS_KEY_ID": ACCESS}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}, "AWS_ACCESS_KEY_ID"),
        ({"AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": ""}, "AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_partial_variables_name_the_missing_one(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: str
) -> None:
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CredentialsError, match=f"^{missing} is not set"):
        from_environment()


def test_token_without_keys_names_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    with pytest.raises(CredentialsError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"):
        from_environment()


def test_nothing_set_says_so() -> None:
    with pytest.raises(CredentialsError, match="AWS credentials are not set in the environment"):
        from_environment()


@pytest.mark.parametrize(
    "text",
    ["2030-01-02T03:04:05Z", "2030-01-02T03:04:05+00:00", "2030-01-02T05:04:05+02:00", "2030-01-02T03:04:05"],
)
def test_expiration_is_parsed_as_utc(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", text)
    provider = from_environment()
    assert provider.get().expiry == _dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=_dt.timezone.utc)
    assert provider.describe()["expiry"] == "2030-01-02T03:04:05+00:00"


def test_unparseable_expiration_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "tomorrow")
    with pytest.raises(
        CredentialsError, match="AWS_CREDENTIAL_EXPIRATION='tomorrow' is not an ISO 8601 time"
    ):
        from_environment()


def test_expired_environment_credentials_are_read_again_then_refused(
    monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    soon = clock() + _dt.timedelta(minutes=5)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", soon.isoformat())
    provider = from_environment(clock=clock)
    assert provider.get().access_key == ACCESS

    clock.advance(minutes=6)
    later = clock() + _dt.timedelta(hours=1)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLERENEWED")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", later.isoformat())
    assert provider.get().access_key == "AKIDEXAMPLERENEWED"  # someone renewed the environment

    clock.advance(hours=2)
    with pytest.raises(CredentialsError, match="the credentials in the environment expired at"):
        provider.get()


def test_import_and_environment_path_load_no_sdk() -> None:
    script = (
        "import sys, apiclient.credentials as c\n"
        "c.from_environment().get(); c.default().get()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'click'}))\n"
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": SECRET}
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"
