"""from_web_identity against moto's AssumeRoleWithWebIdentity; the token file is read on every refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import from_web_identity
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Clock, RecordingProxy

ROLE = "arn:aws:iam::111111111111:role/WebIdentity"


def test_token_is_exchanged_unsigned_and_reread_on_refresh(
    sts: RecordingProxy, tmp_path: Path, clock: Clock
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("eyJhbGciOiJSUzI1NiJ9.first.EXAMPLE\n")
    provider = from_web_identity(
        ROLE, token_file, session_name="pod-1", sts_endpoint_url=sts.url, clock=clock
    )

    first = provider.get()
    token_file.write_text("eyJhbGciOiJSUzI1NiJ9.rotated.EXAMPLE")
    clock.advance(minutes=51)
    second = provider.get()

    calls = sts.sts_calls("AssumeRoleWithWebIdentity")
    assert [c.params["WebIdentityToken"] for c in calls] == [
        "eyJhbGciOiJSUzI1NiJ9.first.EXAMPLE",
        "eyJhbGciOiJSUzI1NiJ9.rotated.EXAMPLE",
    ]
    assert all(c.params["RoleArn"] == ROLE and c.signing_access_key is None for c in calls)
    assert second.access_key != first.access_key
    info = provider.describe()
    assert info["source"] == "web-identity"
    assert info["principal"] == "arn:aws:sts::111111111111:assumed-role/WebIdentity/pod-1"
    assert info["token_file"] == str(token_file)
    assert "rotated" not in repr(provider) + str(info)


def test_missing_token_file_is_named(sts: RecordingProxy, tmp_path: Path) -> None:
    provider = from_web_identity(ROLE, tmp_path / "absent", sts_endpoint_url=sts.url)
    with pytest.raises(CredentialsError, match=r"cannot read the web identity token file .*absent"):
        provider.get()
    assert sts.sts_calls("AssumeRoleWithWebIdentity") == []


def test_empty_token_file_is_refused(sts: RecordingProxy, tmp_path: Path) -> None:
    (tmp_path / "token").write_text("\n")
    provider = from_web_identity(ROLE, tmp_path / "token", sts_endpoint_url=sts.url)
    with pytest.raises(CredentialsError, match="is empty"):
        provider.get()
