"""static(), and no secret or token in any repr, describe(), error or log line."""

from __future__ import annotations

import datetime as _dt
import logging
from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import assume_role, from_environment, from_web_identity, static
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Clock, RecordingProxy

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "sessionTokenEXAMPLEdoNotLeak"


def test_static_returns_the_given_snapshot() -> None:
    expiry = _dt.datetime(2030, 1, 1, tzinfo=_dt.timezone.utc)
    provider = static("AKIDEXAMPLE", SECRET, TOKEN, expiry)
    credentials = provider.get()
    assert (credentials.access_key, credentials.secret_key, credentials.token, credentials.expiry) == (
        "AKIDEXAMPLE",
        SECRET,
        TOKEN,
        expiry,
    )
    assert provider.get() is credentials
    assert provider.describe() == {
        "source": "static",
        "access_key": "AKIDEXAMPLE",
        "expiry": expiry.isoformat(),
    }


def test_static_refuses_empty_keys() -> None:
    with pytest.raises(CredentialsError, match="both an access key ID and a secret access key"):
        static("AKIDEXAMPLE", "")


def test_static_and_environment_never_show_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    for provider in (static("AKIDEXAMPLE", SECRET, TOKEN), from_environment()):
        shown = f"{provider!r} {provider} {provider.describe()} {provider.get()!r} {provider.get()}"
        assert SECRET not in shown and TOKEN not in shown
        assert "AKIDEXAMPLE" in shown


def test_assume_role_never_shows_or_logs_secrets(
    sts: RecordingProxy, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    source = static("AKIDEXAMPLESOURCE", SECRET, TOKEN)
    role = assume_role(
        "arn:aws:iam::111111111111:role/Quiet", source=source, sts_endpoint_url=sts.url, clock=clock
    )
    with caplog.at_level(logging.DEBUG, logger="apiclient"):
        first = role.get()
        clock.advance(minutes=46)
        sts.fail_next("AccessDenied", "denied")
        role.get()  # advisory failure: logged
        clock.advance(minutes=5)
        sts.fail_next("AccessDenied", "denied")
        with pytest.raises(CredentialsError) as raised:
            role.get()  # mandatory failure: raised
        second = role.get()
    secrets = {SECRET, TOKEN, first.secret_key, first.token, second.secret_key, second.token}
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("apiclient"))
    assert "refreshed credentials" in ours and "advisory refresh" in ours
    shown = f"{ours} {role!r} {role.describe()} {raised.value} {first!r} {second}"
    assert not [s for s in secrets if s and s in shown]


def test_botocore_debug_logs_carry_no_credentials(
    sts: RecordingProxy, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """botocore logs STS bodies and canonical requests at DEBUG; the providers mask them."""
    source = static("AKIDEXAMPLESOURCE", SECRET, TOKEN)
    token_file = tmp_path / "token"
    token_file.write_text("webIdentityTokenEXAMPLEdoNotLeak")
    with caplog.at_level(logging.DEBUG):
        role = assume_role(
            "arn:aws:iam::111111111111:role/Quiet",
            source=source,
            sts_endpoint_url=sts.url,
            mfa_serial="arn:aws:iam::111111111111:mfa/me",
            token_code=lambda: "918273",
        )
        assumed = role.get()
        web = from_web_identity(
            "arn:aws:iam::111111111111:role/Web", token_file, sts_endpoint_url=sts.url
        ).get()
    secrets = {
        SECRET,
        TOKEN,
        "webIdentityTokenEXAMPLEdoNotLeak",
        "918273",
        assumed.secret_key,
        assumed.token,
        web.secret_key,
        web.token,
    }
    botocore_lines = [r.getMessage() for r in caplog.records if r.name.startswith("botocore")]
    assert any("Response body" in line for line in botocore_lines)  # botocore did log the bodies
    leaked = {s for s in secrets for line in botocore_lines if s and s in line}
    assert leaked == set()
