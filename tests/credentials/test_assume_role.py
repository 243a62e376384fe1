"""assume_role against moto's STS on 127.0.0.1: what is sent, chaining, endpoints, bad arguments."""

from __future__ import annotations

import json
import re
import socket
from typing import TYPE_CHECKING, Any

import pytest

from apiclient.credentials import CredentialProvider, Refreshable, assume_role, static
from apiclient.credentials._sts_client import sts_client
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from conftest import RecordingProxy

    from apiclient.credentials.static import StaticProvider

ROLE_A = "arn:aws:iam::111111111111:role/RoleA"
ROLE_B = "arn:aws:iam::222222222222:role/RoleB"
STS_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)


def test_external_id_session_name_and_duration_are_sent(sts: RecordingProxy, source: StaticProvider) -> None:
    provider = assume_role(
        ROLE_A,
        source=source,
        external_id="ext-EXAMPLE-42",
        session_name="tester",
        duration_seconds=1800,
        sts_endpoint_url=sts.url,
        region="eu-west-1",
    )
    credentials = provider.get()

    [call] = sts.sts_calls()
    assert call.params["RoleArn"] == ROLE_A
    assert call.params["ExternalId"] == "ext-EXAMPLE-42"
    assert call.params["RoleSessionName"] == "tester"
    assert call.params["DurationSeconds"] == "1800"
    assert call.signing_access_key == source.get().access_key
    assert call.signing_region == "eu-west-1"
    assert credentials.token and credentials.expiry is not None
    info = provider.describe()
    assert info["principal"] == "arn:aws:sts::111111111111:assumed-role/RoleA/tester"
    assert info["access_key"] == credentials.access_key
    assert info["expiry"] == credentials.expiry.isoformat()
    assert isinstance(provider, CredentialProvider) and isinstance(provider, Refreshable)


def test_mfa_code_from_a_callable_is_asked_for_on_every_refresh(
    sts: RecordingProxy, source: StaticProvider
) -> None:
    codes = iter(["123456", "654321"])
    provider = assume_role(
        ROLE_A,
        source=source,
        mfa_serial="arn:aws:iam::111111111111:mfa/tester",
        token_code=lambda: next(codes),
        sts_endpoint_url=sts.url,
    )
    provider.get()
    provider.force_refresh()

    calls = sts.sts_calls()
    assert [c.params["SerialNumber"] for c in calls] == ["arn:aws:iam::111111111111:mfa/tester"] * 2
    assert [c.params["TokenCode"] for c in calls] == ["123456", "654321"]


def test_a_fixed_mfa_code_is_used_once_and_a_refresh_asks_for_a_callable(
    sts: RecordingProxy, source: StaticProvider
) -> None:
    provider = assume_role(
        ROLE_A,
        source=source,
        mfa_serial="arn:aws:iam::111111111111:mfa/tester",
        token_code="123456",
        sts_endpoint_url=sts.url,
    )
    provider.get()
    with pytest.raises(CredentialsError, match="needs a new MFA code: pass token_code as a callable"):
        provider.force_refresh()
    assert len(sts.sts_calls()) == 1


def test_mfa_serial_without_a_code_is_refused_before_any_call(
    sts: RecordingProxy, source: StaticProvider
) -> None:
    with pytest.raises(CredentialsError, match="needs token_code"):
        assume_role(ROLE_A, source=source, mfa_serial="arn:aws:iam::111111111111:mfa/tester")


@pytest.mark.parametrize("as_text", [False, True])
def test_session_policy_tags_and_source_identity_are_sent(
    sts: RecordingProxy, source: StaticProvider, as_text: bool
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
    }
    provider = assume_role(
        ROLE_A,
        source=source,
        policy=json.dumps(policy) if as_text else policy,
        tags={"team": "payments", "env": "test"},
        source_identity="alice",
        sts_endpoint_url=sts.url,
    )
    provider.get()

    [call] = sts.sts_calls()
    assert json.loads(call.params["Policy"]) == policy
    sent_tags = {call.params[f"Tags.member.{i}.Key"]: call.params[f"Tags.member.{i}.Value"] for i in (1, 2)}
    assert sent_tags == {"team": "payments", "env": "test"}
    assert call.params["SourceIdentity"] == "alice"


def test_role_chaining_signs_the_second_call_with_the_first_roles_credentials(
    sts: RecordingProxy, source: StaticProvider
) -> None:
    role_a = assume_role(ROLE_A, source=source, session_name="hop-a", sts_endpoint_url=sts.url)
    role_b = assume_role(ROLE_B, source=role_a, session_name="hop-b", sts_endpoint_url=sts.url)

    credentials_b = role_b.get()

    first, second = sts.sts_calls()
    assert first.params["RoleArn"] == ROLE_A and first.signing_access_key == source.get().access_key
    assert second.params["RoleArn"] == ROLE_B and second.signing_access_key == role_a.get().access_key
    assert credentials_b.access_key != role_a.get().access_key
    info = role_b.describe()
    assert info["principal"] == "arn:aws:sts::222222222222:assumed-role/RoleB/hop-b"
    assert info["source_credentials"]["principal"] == "arn:aws:sts::111111111111:assumed-role/RoleA/hop-a"


def test_a_credentials_snapshot_is_accepted_as_source(sts: RecordingProxy, source: StaticProvider) -> None:
    snapshot = source.get()
    provider = assume_role(ROLE_A, source=snapshot, session_name="from-a-snapshot", sts_endpoint_url=sts.url)
    assert provider.get().token is not None
    assert provider.describe()["source_credentials"]["access_key"] == source.get().access_key


def test_default_session_name_is_traceable_and_accepted_by_sts(
    sts: RecordingProxy, source: StaticProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "DOMAIN\\a very long user name with spaces and ümlauts " * 2)
    provider = assume_role(ROLE_A, source=source, sts_endpoint_url=sts.url)
    provider.get()

    name = sts.sts_calls()[0].params["RoleSessionName"]
    assert STS_SESSION_NAME.fullmatch(name), name
    assert name.startswith("apiclient-DOMAIN-a-very-long-user")
    assert re.search(r"-\d{10}$", name)


def test_default_session_name_for_an_ordinary_user(
    sts: RecordingProxy, source: StaticProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "alice")
    assume_role(ROLE_A, source=source, sts_endpoint_url=sts.url).get()
    assert re.fullmatch(r"apiclient-alice-\d{10}", sts.sts_calls()[0].params["RoleSessionName"])


def test_source_defaults_to_the_default_chain(sts: RecordingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    provider = assume_role(ROLE_A, sts_endpoint_url=sts.url)
    provider.get()
    assert sts.sts_calls()[0].signing_access_key == "AKIDEXAMPLEFROMENV"
    assert provider.describe()["source_credentials"]["source"] == "environment"


def test_sts_refusal_is_a_credentials_error_quoting_sts(sts: RecordingProxy, source: StaticProvider) -> None:
    sts.fail_next(
        "AccessDenied", "User: arn:aws:iam::111111111111:user/x is not authorized to perform: sts:AssumeRole"
    )
    provider = assume_role(ROLE_A, source=source, sts_endpoint_url=sts.url)
    with pytest.raises(CredentialsError) as raised:
        provider.get()
    message = str(raised.value)
    assert "AccessDenied" in message and "is not authorized to perform: sts:AssumeRole" in message
    assert ROLE_A in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_unreachable_sts_is_a_credentials_error(source: StaticProvider) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = assume_role(ROLE_A, source=source, sts_endpoint_url=f"http://127.0.0.1:{port}")
    with pytest.raises(
        CredentialsError, match=f"STS AssumeRole for {re.escape(ROLE_A)} failed: Could not connect"
    ):
        provider.get()


@pytest.mark.parametrize(
    ("region", "env_region", "expected"),
    [
        ("eu-west-1", None, "https://sts.eu-west-1.amazonaws.com"),
        (None, "ap-southeast-2", "https://sts.ap-southeast-2.amazonaws.com"),
        (None, None, "https://sts.us-east-1.amazonaws.com"),
    ],
)
def test_sts_client_uses_the_regional_endpoint_never_the_global_one(
    monkeypatch: pytest.MonkeyPatch, region: str | None, env_region: str | None, expected: str
) -> None:
    if env_region:
        monkeypatch.setenv("AWS_REGION", env_region)
    client = sts_client(
        credentials=static("AKIDEXAMPLE", "secretEXAMPLE").get(), region=region, endpoint_url=None
    )
    assert client.meta.endpoint_url == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role_arn": "RoleA"}, "is not an IAM role ARN"),
        ({"role_arn": "arn:aws:iam::111111111111:user/alice"}, "is not an IAM role ARN"),
        ({"session_name": "has space"}, "must be 2 to 64 characters"),
        ({"session_name": "x" * 65}, "must be 2 to 64 characters"),
        ({"duration_seconds": 899}, "outside STS's range 900..43200"),
        ({"duration_seconds": 43201}, "outside STS's range 900..43200"),
        ({"policy": "{not json"}, "session policy is not valid JSON"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_error(
    source: StaticProvider, kwargs: dict[str, Any], message: str
) -> None:
    arguments = {"role_arn": ROLE_A, "source": source, **kwargs}
    with pytest.raises(CredentialsError, match=message):
        assume_role(**arguments)
