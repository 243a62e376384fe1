"""execute-api's wire rules, each checked against botocore (the SDK API Gateway's users rely on).

botocore is right about paths, headers and Host; for queries it is given decoded pairs
(``urllib.parse.parse_qsl``), because it copies a raw query string unencoded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl

import pytest

from apiclient import sigv4
from apiclient.credentials.base import Credentials

CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "EXAMPLE-session-token")
WHEN = dt.datetime(2026, 11, 22, 12, 0, 5, tzinfo=dt.timezone.utc)
HOST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
SIGNING: dict[str, Any] = {
    "credentials": CREDENTIALS,
    "region": "eu-west-1",
    "service": "execute-api",
    "timestamp": WHEN,
}

# (wire URL, canonical URI or None, canonical query or None): None where only botocore is asserted.
CASES = [
    (f"{HOST}/prod/a%20b", "/prod/a%2520b", ""),
    (f"{HOST}/prod/$price", "/prod/%24price", ""),
    (f"{HOST}/prod/a;b", "/prod/a%3Bb", ""),  # a raw ";" is path, not RFC 2396 parameters
    (f"{HOST}/prod/%24price", "/prod/%2524price", ""),
    (f"{HOST}/prod/a%2Fb/c", "/prod/a%252Fb/c", ""),
    (f"{HOST}/prod/a/./b/../c", "/prod/a/c", ""),
    (f"{HOST}/prod/a/b/../../../..", "/", ""),
    (f"{HOST}//prod//items/", "/prod/items/", ""),
    (HOST, "/", ""),
    (f"{HOST}/", "/", ""),
    (f"{HOST}/prod/%E1%88%B4", "/prod/%25E1%2588%25B4", ""),
    (f"{HOST}/prod/caf%C3%A9~x:y@z!*'(),;=+&", None, ""),
    (f"{HOST}/prod?q=a+b", "/prod", "q=a%20b"),
    (f"{HOST}/prod?q=a%2Bb", "/prod", "q=a%2Bb"),
    (f"{HOST}/prod?q=!'()*", "/prod", "q=%21%27%28%29%2A"),
    (f"{HOST}/prod?q=%21%27%28%29%2A", "/prod", "q=%21%27%28%29%2A"),
    (f"{HOST}/prod?path=%2Fa%2Fb&sym=%24%26%3D", "/prod", "path=%2Fa%2Fb&sym=%24%26%3D"),
    (f"{HOST}/prod?b=&a&=c", "/prod", "=c&a=&b="),
    (f"{HOST}/prod?a=2&a=10&a=1&B=0", "/prod", "B=0&a=1&a=10&a=2"),
    (f"{HOST}/prod?%E1%88%B4=%C3%A9&~x=y", "/prod", "%E1%88%B4=%C3%A9&~x=y"),
    # The all-unreserved fast path: pairs sort by key then value ("a" before "a-b"), and a raw "="
    # inside a value is still encoded.
    (f"{HOST}/prod?a-b=1&a=2", "/prod", "a=2&a-b=1"),
    (f"{HOST}/prod?a=1==2&a=1", "/prod", "a=1&a=1%3D%3D2"),
]


@pytest.mark.parametrize(("url", "uri", "query"), CASES)
def test_matches_botocore(url: str, uri: str | None, query: str | None, botocore_sign: Any) -> None:
    pairs = parse_qsl(url.partition("?")[2], keep_blank_values=True)
    expected_text, expected_auth = botocore_sign("GET", url, [], None, query_pairs=pairs, **SIGNING)
    text = sigv4.canonical_request("GET", url, [], None, **SIGNING)
    assert text == expected_text
    assert sigv4.sign_request("GET", url, [], None, **SIGNING)["Authorization"] == expected_auth
    lines = text.split("\n")
    if uri is not None:
        assert lines[1] == uri
    if query is not None:
        assert lines[2] == query


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (
            "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com:8443/prod",
            "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com:8443",
        ),
        (
            "https://A1B2C3D4E5.Execute-Api.eu-west-1.amazonaws.com:443/prod",
            "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
        ),
        ("http://127.0.0.1:80/prod", "127.0.0.1"),
        ("http://127.0.0.1:8080/prod", "127.0.0.1:8080"),
        ("http://user@[::1]:8080/prod", "[::1]:8080"),
        ("https://[::1]/prod", "[::1]"),
    ],
)
def test_host_header_from_url(url: str, host: str, botocore_sign: Any) -> None:
    expected_text, _ = botocore_sign("GET", url, [], None, query_pairs=[], **SIGNING)
    text = sigv4.canonical_request("GET", url, [], None, **SIGNING)
    assert text == expected_text
    assert f"\nhost:{host}\n" in text


def test_given_host_header_wins_over_the_url() -> None:
    text = sigv4.canonical_request("GET", f"{HOST}/prod", {"Host": "api.example.com"}, None, **SIGNING)
    assert "\nhost:api.example.com\n" in text


def test_headers_repeated_trimmed_and_unsigned(botocore_sign: Any) -> None:
    headers = [
        ("X-Tag", "  one  "),
        ("x-tag", "two   three"),
        ("Content-Type", 'application/json;  charset="a   b"'),
        ("User-Agent", "proxy-may-change-this"),
        ("Expect", "100-continue"),
        ("X-Amzn-Trace-Id", "Root=1-EXAMPLE"),
        ("Transfer-Encoding", "chunked"),
        ("Connection", "keep-alive"),
        ("Authorization", "stale"),
        ("X-Amz-Date", "19990101T000000Z"),
    ]
    url = f"{HOST}/prod/items"
    expected_text, expected_auth = botocore_sign("POST", url, headers, b"{}", query_pairs=[], **SIGNING)
    headers_out = sigv4.sign_request("POST", url, headers, b"{}", **SIGNING)
    assert sigv4.canonical_request("POST", url, headers, b"{}", **SIGNING) == expected_text
    assert headers_out["Authorization"] == expected_auth
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-tag," in expected_auth
    assert '\ncontent-type:application/json; charset="a b"\nhost:' in expected_text
    assert "\nx-tag:one,two three\n" in expected_text
