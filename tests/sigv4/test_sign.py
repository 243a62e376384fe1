"""sign_request / sign / canonical_request beyond the wire rules: bodies, credentials, errors, logging."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import subprocess
import sys
from typing import Any

import pytest

from apiclient import sigv4
from apiclient.credentials.base import Credentials
from apiclient.errors import SigningError

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////TOKEN=="
API_KEY = "EXAMPLEapikey0123456789"
CREDENTIALS = Credentials("AKIDEXAMPLE", SECRET, TOKEN)
URL = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1"
WHEN = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)
SIGNING: dict[str, Any] = {
    "credentials": CREDENTIALS, "region": "us-east-1", "service": "execute-api", "timestamp": WHEN,
}  # fmt: skip


def _payload_line(text: str) -> str:
    return text.rsplit("\n", 1)[1]


def test_returns_exactly_the_headers_to_add() -> None:
    headers = sigv4.sign_request("GET", URL, {}, None, **SIGNING)
    assert set(headers) == {"Authorization", "X-Amz-Date", "X-Amz-Security-Token"}
    assert headers["X-Amz-Date"] == "20261122T120000Z"
    assert headers["X-Amz-Security-Token"] == TOKEN
    without_token = sigv4.sign_request(
        "GET", URL, {}, None, **{**SIGNING, "credentials": Credentials("AKIDEXAMPLE", SECRET)}
    )
    assert set(without_token) == {"Authorization", "X-Amz-Date"}


def test_sign_exposes_every_step_with_the_token_masked() -> None:
    signature = sigv4.sign("GET", URL, {"x-api-key": API_KEY}, None, **SIGNING)
    full = sigv4.canonical_request("GET", URL, {"x-api-key": API_KEY}, None, **SIGNING)
    assert TOKEN in full and API_KEY in full  # the caller's own debugging text is the true one
    assert signature.canonical_request == full.replace(TOKEN, "<redacted>").replace(API_KEY, "<redacted>")
    digest = hashlib.sha256(full.encode()).hexdigest()
    assert signature.string_to_sign == f"AWS4-HMAC-SHA256\n20261122T120000Z\n{signature.scope}\n{digest}"
    assert signature.scope == "20261122/us-east-1/execute-api/aws4_request"
    assert signature.signed_headers == "host;x-amz-date;x-amz-security-token;x-api-key"
    assert (signature.timestamp, signature.region, signature.service) == (
        "20261122T120000Z",
        "us-east-1",
        "execute-api",
    )
    assert signature.access_key == "AKIDEXAMPLE"
    assert signature.headers == sigv4.sign_request("GET", URL, {"x-api-key": API_KEY}, None, **SIGNING)
    shown = repr(signature)
    assert TOKEN not in shown and SECRET not in shown
    assert signature.headers["Authorization"].rpartition("=")[2] not in shown


def test_other_timezones_are_converted_to_utc() -> None:
    local = WHEN.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert sigv4.sign_request("GET", URL, {}, None, **{**SIGNING, "timestamp": local}) == sigv4.sign_request(
        "GET", URL, {}, None, **SIGNING
    )


def test_naive_timestamp_is_refused() -> None:
    with pytest.raises(SigningError, match="timezone-aware"):
        sigv4.sign_request("GET", URL, {}, None, **{**SIGNING, "timestamp": dt.datetime(2026, 1, 1)})


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", "no scheme"),
        ("https:///prod", "without a host"),
    ],
)
def test_unsignable_urls(url: str, problem: str) -> None:
    with pytest.raises(SigningError, match=problem):
        sigv4.sign_request("GET", url, {}, None, **SIGNING)


def test_region_is_required() -> None:
    with pytest.raises(SigningError, match="region"):
        sigv4.sign_request("GET", URL, {}, None, **{**SIGNING, "region": ""})


def test_non_text_header_value_is_refused() -> None:
    with pytest.raises(SigningError, match="header values must be str or bytes, not int"):
        sigv4.sign_request("GET", URL, {"X-Count": 3}, None, **SIGNING)  # type: ignore[arg-type]


@pytest.mark.parametrize("body", [b'{"a": 1}', bytearray(b'{"a": 1}'), memoryview(b'{"a": 1}'), '{"a": 1}'])
def test_in_memory_bodies(body: Any) -> None:
    text = sigv4.canonical_request("POST", URL, {}, body, **SIGNING)
    assert _payload_line(text) == hashlib.sha256(b'{"a": 1}').hexdigest()


def test_str_body_is_hashed_as_utf8() -> None:
    text = sigv4.canonical_request("POST", URL, {}, "café €", **SIGNING)
    assert _payload_line(text) == hashlib.sha256("café €".encode()).hexdigest()


@pytest.mark.parametrize("body", [None, b"", ""])
def test_empty_bodies(body: Any) -> None:
    assert (
        _payload_line(sigv4.canonical_request("GET", URL, {}, body, **SIGNING))
        == hashlib.sha256().hexdigest()
    )


def test_seekable_file_is_hashed_from_its_position_which_is_restored() -> None:
    content = bytes(range(256)) * 10_000  # larger than one chunk
    body = io.BytesIO(b"HEADER" + content)
    body.seek(6)
    text = sigv4.canonical_request("PUT", URL, {}, body, **SIGNING)
    assert _payload_line(text) == hashlib.sha256(content).hexdigest()
    assert body.tell() == 6


def test_text_file_is_hashed_as_utf8() -> None:
    text = sigv4.canonical_request("PUT", URL, {}, io.StringIO("héllo"), **SIGNING)
    assert _payload_line(text) == hashlib.sha256("héllo".encode()).hexdigest()


class _Pipe(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


def test_non_seekable_file_is_refused() -> None:
    with pytest.raises(SigningError, match="non-seekable _Pipe"):
        sigv4.sign_request("PUT", URL, {}, _Pipe(), **SIGNING)


def test_generator_body_needs_unsigned_payload() -> None:
    with pytest.raises(SigningError, match="unsigned_payload=True"):
        sigv4.sign_request("PUT", URL, {}, (chunk for chunk in [b"a"]), **SIGNING)
    headers = sigv4.sign_request("PUT", URL, {}, (c for c in [b"a"]), **SIGNING, unsigned_payload=True)
    assert headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD"
    text = sigv4.canonical_request("PUT", URL, {}, (c for c in [b"a"]), **SIGNING, unsigned_payload=True)
    assert "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n" in text
    assert _payload_line(text) == "UNSIGNED-PAYLOAD"


def test_other_body_types_are_refused() -> None:
    with pytest.raises(SigningError, match="body of type dict"):
        sigv4.sign_request("POST", URL, {}, {"a": 1}, **SIGNING)


def test_declared_payload_hash_is_used_and_signed(botocore_sign: Any) -> None:
    headers = [("X-Amz-Content-SHA256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    text = sigv4.canonical_request("PUT", URL.partition("?")[0], headers, b"ignored", **SIGNING)
    expected, _ = botocore_sign("PUT", URL.partition("?")[0], headers, b"ignored", query_pairs=[], **SIGNING)
    assert text == expected


def test_a_provider_is_refused_the_signer_does_no_io() -> None:
    """A provider's get() may refresh over the network: the glue takes the snapshot, not the signer."""

    class Provider:
        def get(self) -> Credentials:
            raise AssertionError("the signer must not call get()")

        def describe(self) -> dict[str, Any]:
            return {"source": "test"}

    with pytest.raises(SigningError, match="Credentials snapshot"):
        sigv4.sign_request("GET", URL, {}, None, **{**SIGNING, "credentials": Provider()})


def test_signing_key_is_cached_per_day_region_service() -> None:
    sigv4.signing_key.cache_clear()
    for _ in range(3):
        sigv4.sign_request("GET", URL, {}, None, **SIGNING)
    sigv4.sign_request("GET", URL, {}, None, **{**SIGNING, "region": "eu-west-1"})
    info = sigv4.signing_key.cache_info()
    assert (info.misses, info.hits) == (2, 2)


def test_debug_log_shows_the_steps_and_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    headers = {"x-api-key": API_KEY, "Cookie": "session=EXAMPLEcookie"}
    with caplog.at_level(logging.DEBUG, logger="apiclient"):
        signed = sigv4.sign_request("POST", URL, headers, b"{}", **SIGNING)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert all(record.name == "apiclient.sigv4" for record in caplog.records)
    assert "canonical request:\nPOST\n/prod/items\na=1&b=2\n" in logged
    assert "x-amz-security-token:<redacted>" in logged and "x-api-key:<redacted>" in logged
    assert "string to sign:\nAWS4-HMAC-SHA256\n20261122T120000Z\n" in logged
    signature_hex = signed["Authorization"].rpartition("Signature=")[2]
    for secret in (SECRET, TOKEN, API_KEY, "EXAMPLEcookie", signature_hex):
        assert secret not in logged


def test_signing_imports_no_botocore() -> None:
    """sigv4 is pure; a Lambda cold start must not pay for botocore."""
    code = (
        "import sys, datetime as dt\n"
        "from apiclient import sigv4\n"
        "from apiclient.credentials.base import Credentials\n"
        "keys = Credentials('AKIDEXAMPLE', 'EXAMPLEKEY')\n"
        "sigv4.sign_request('GET', 'https://h/', {}, None, credentials=keys, region='r', service='s')\n"
        "print(sorted({'boto3', 'botocore', 'click'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("headers", "named"),
    [({"X-Name": "€"}, "X-Name"), ({"é": "x"}, "é"), ({"X-Emoji": "ok \U0001f600"}, "X-Emoji")],
)
def test_headers_http_cannot_send_are_refused_by_name(headers: dict[str, str], named: str) -> None:
    # http.client sends names as ASCII and values as Latin-1; anything else would escape as a
    # UnicodeEncodeError from deep inside the transport (found by tests/reliability fuzzing).
    with pytest.raises(SigningError, match=repr(named).replace("\\", "\\\\")):
        sigv4.sign_request("GET", URL, headers, None, **SIGNING)


def test_latin1_header_values_are_signed_as_sent() -> None:
    headers = sigv4.sign_request("GET", URL, {"X-Name": "café"}, None, **SIGNING)
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 ")
