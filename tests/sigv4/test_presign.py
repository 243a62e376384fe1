"""``presign_url``: query-string SigV4, equal to botocore's ``SigV4QueryAuth`` for the same inputs."""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

from apiclient import sigv4
from apiclient.credentials.base import Credentials
from apiclient.errors import SigningError

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////TOKEN=="
HOST = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"


def botocore_presigned(url: str, token: str | None, expires: int = 300) -> str:
    request = AWSRequest(method="GET", url=url)
    auth = SigV4QueryAuth(
        BotocoreCredentials("AKIDEXAMPLE", SECRET, token), "execute-api", "us-east-1", expires
    )
    auth.add_auth(request)
    return str(request.url)


def ours_at_the_same_time(url: str, theirs: str, token: str | None, expires: int = 300) -> str:
    stamp = re.search(r"X-Amz-Date=(\d{8}T\d{6}Z)", theirs)
    assert stamp is not None
    when = dt.datetime.strptime(stamp[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    return sigv4.presign_url(
        "GET",
        url,
        credentials=Credentials("AKIDEXAMPLE", SECRET, token),
        region="us-east-1",
        service="execute-api",
        expires_in=expires,
        timestamp=when,
    )


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize(
    "url",
    [
        f"{HOST}/prod/products",
        f"{HOST}/prod/products/42?b=2&a=1",
        f"{HOST}/prod/caf%C3%A9/%24price",
        f"{HOST}/prod/a%20b?q=x%20y",
        "http://127.0.0.1:8080/prod/products?flag=",
    ],
)
def test_equal_to_botocore(url: str, token: str | None) -> None:
    theirs = botocore_presigned(url, token)
    assert ours_at_the_same_time(url, theirs, token) == theirs


_SEGMENT = st.text(alphabet="abcXYZ019-._~ $é/", min_size=1, max_size=12).map(
    lambda text: "".join(c if c.isascii() and c not in " $" else f"%{ord(c):02X}" for c in text)
)


@settings(max_examples=150, deadline=None)
@given(
    path=st.lists(_SEGMENT, min_size=1, max_size=4),
    keys=st.dictionaries(
        st.text(alphabet="abcdef", min_size=1, max_size=5), st.text(alphabet="xyz019", max_size=5)
    ),
)
def test_random_requests_agree_with_botocore(path: list[str], keys: dict[str, str]) -> None:
    query = "&".join(f"{key}={value}" for key, value in keys.items())
    url = f"{HOST}/prod/" + "/".join(segment.strip("/") or "x" for segment in path)
    url = f"{url}?{query}" if query else url
    theirs = botocore_presigned(url, TOKEN)
    ours = ours_at_the_same_time(url, theirs, TOKEN)
    # botocore re-serialises the caller's query; compare the signature and the parameters.
    assert ours.rsplit("X-Amz-Signature=", 1)[1] == theirs.rsplit("X-Amz-Signature=", 1)[1]
    assert sorted(parse_qsl(urlsplit(ours).query, keep_blank_values=True)) == sorted(
        parse_qsl(urlsplit(theirs).query, keep_blank_values=True)
    )


def test_the_query_keeps_its_order_and_the_signature_comes_last() -> None:
    url = sigv4.presign_url(
        "GET", f"{HOST}/prod/x?z=1&a=2#frag", credentials=Credentials("AKIDEXAMPLE", SECRET, TOKEN),
        region="us-east-1", service="execute-api",
    )  # fmt: skip
    query = urlsplit(url).query
    names = [name for name, _ in parse_qsl(query)]
    assert names[:2] == ["z", "a"]
    assert names[-1] == "X-Amz-Signature"
    assert "X-Amz-SignedHeaders=host" in query
    assert url.endswith("#frag")


def test_a_websocket_url_is_signed_as_its_https_handshake() -> None:
    keys = Credentials("AKIDEXAMPLE", SECRET, TOKEN)
    when = dt.datetime(2026, 11, 29, 12, tzinfo=dt.timezone.utc)
    common = {"credentials": keys, "region": "us-east-1", "service": "execute-api", "timestamp": when}
    wss = sigv4.presign_url("GET", "wss://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", **common)
    https = sigv4.presign_url("GET", f"{HOST}/prod", **common)
    assert wss.startswith("wss://")
    assert wss.split("?", 1)[1] == https.split("?", 1)[1]


@pytest.mark.parametrize("expires", [0, -1, 604801, True, 1.5, "60"])
def test_expires_in_is_validated(expires: object) -> None:
    with pytest.raises(SigningError, match="expires_in"):
        sigv4.presign_url(
            "GET", f"{HOST}/prod", credentials=Credentials("AKIDEXAMPLE", SECRET),
            region="us-east-1", service="execute-api", expires_in=expires,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.mark.parametrize("expires", [1, 604800])
def test_the_bounds_are_accepted(expires: int) -> None:
    url = sigv4.presign_url(
        "GET", f"{HOST}/prod", credentials=Credentials("AKIDEXAMPLE", SECRET),
        region="us-east-1", service="execute-api", expires_in=expires,
    )  # fmt: skip
    assert f"X-Amz-Expires={expires}&" in url


def test_the_debug_log_masks_the_token_and_the_signature(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="apiclient.sigv4")
    url = sigv4.presign_url(
        "GET", f"{HOST}/prod", credentials=Credentials("AKIDEXAMPLE", SECRET, TOKEN),
        region="us-east-1", service="execute-api",
    )  # fmt: skip
    assert "canonical request (presigned)" in caplog.text
    assert "X-Amz-Security-Token=<redacted>" in caplog.text
    assert url.rsplit("=", 1)[1] not in caplog.text
    for secret in (TOKEN, "IQoJb3JpZ2luX2VjEXAMPLE"):
        assert secret not in caplog.text
