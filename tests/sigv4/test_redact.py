"""apiclient._redact: what the signer's DEBUG log, the CLI's -v and the diagnostics may show."""

from __future__ import annotations

import datetime as dt

import requests

from apiclient import sigv4
from apiclient._redact import redact_canonical_request, redact_headers, redact_url
from apiclient.credentials.base import Credentials

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////TOKEN=="


def _signed_headers() -> dict[str, str]:
    return sigv4.sign_request(
        "GET",
        "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
        {},
        None,
        credentials=Credentials("AKIDEXAMPLE", SECRET, TOKEN),
        region="us-east-1",
        service="execute-api",
        timestamp=dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc),
    )


def test_signed_headers_keep_scope_and_lose_signature_and_token() -> None:
    signed = _signed_headers()
    shown = redact_headers({**signed, "x-api-key": "EXAMPLEkey", "Cookie": "a=EXAMPLE", "Accept": "*/*"})
    head, _, signature = signed["Authorization"].partition("Signature=")
    assert shown["Authorization"] == f"{head}Signature=<redacted>"
    assert signature not in str(shown)
    assert shown["X-Amz-Security-Token"] == "<redacted>"
    assert shown["x-api-key"] == shown["Cookie"] == "<redacted>"
    assert shown["Accept"] == "*/*" and shown["X-Amz-Date"] == "20261122T000000Z"


def test_other_authorization_schemes_keep_only_the_scheme() -> None:
    assert redact_headers({"Authorization": "Bearer EXAMPLEjwt"}) == {"Authorization": "Bearer <redacted>"}


def test_pairs_with_repeated_names_and_requests_headers() -> None:
    pairs = [("Set-Cookie", "a=EXAMPLE1"), ("Set-Cookie", "b=EXAMPLE2"), ("Via", "1.1 a"), ("Via", "1.1 b")]
    assert redact_headers(pairs) == {"Set-Cookie": "<redacted>, <redacted>", "Via": "1.1 a, 1.1 b"}
    prepared = requests.Request("GET", "https://example.com", headers=_signed_headers()).prepare()
    assert redact_headers(prepared.headers)["X-Amz-Security-Token"] == "<redacted>"


def test_canonical_request_lines() -> None:
    template = "GET\n/\n\nhost:h\nx-amz-security-token:{}\nx-api-key:{}\n\nhost;x-amz-security-token\nabc"
    text = template.format("EXAMPLEtoken", "EXAMPLEkey")
    assert redact_canonical_request(text) == template.format("<redacted>", "<redacted>")


def test_presigned_url() -> None:
    url = "https://h/p?X-Amz-Credential=AKIDEXAMPLE%2F20261122&X-Amz-Signature=abc123&x-amz-security-token=T#frag"
    assert redact_url(url) == (
        "https://h/p?X-Amz-Credential=AKIDEXAMPLE%2F20261122&X-Amz-Signature=<redacted>"
        "&x-amz-security-token=<redacted>#frag"
    )
    assert redact_url("https://h/p") == "https://h/p"
