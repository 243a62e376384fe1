"""The verifier's lean request view signs exactly what botocore's own AWSRequest would, on every input shape.

The gateway hands botocore's ``SigV4Auth`` a small object holding what its canonical steps read, instead
of an ``AWSRequest`` with an email-parser header map. Each case here is computed both ways and must give
the same canonical request and signature; the end-to-end cases send such requests over a socket.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials, ReadOnlyCredentials
from raw_http import exchange

from apiclient.gateway import Gateway, GatewayConfig
from apiclient.gateway.verify import SignedRequest, verifier
from apiclient.gateway.wire import WireRequest

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "EXAMPLEtoken//+=="
HOST = "abc123.execute-api.us-west-2.amazonaws.com"
WHEN = dt.datetime(2026, 11, 29, 23, 58, 30, tzinfo=dt.timezone.utc)


class _Reference(SigV4Auth):  # type: ignore[misc]
    """botocore's signer over an AWSRequest and HTTPHeaders, choosing the caller's signed headers."""

    def __init__(self, signed: tuple[str, ...], region: str) -> None:
        super().__init__(ReadOnlyCredentials("AKIDEXAMPLE", SECRET, TOKEN), "execute-api", region)
        self.names = signed

    def headers_to_sign(self, request: Any) -> Any:
        chosen = HTTPHeaders()
        for name in self.names:
            for value in request.headers.get_all(name) or ():
                chosen[name] = value
        return chosen


def _reference(
    request: WireRequest, url: str, signed: tuple[str, ...], when: dt.datetime, *, signed_only: bool
) -> tuple[str, str]:
    signer = _Reference(signed, "us-west-2")
    aws_request = AWSRequest(method=request.method, url=url, data=request.body)
    headers = HTTPHeaders()
    for name, value in request.headers:
        if not signed_only or name.lower() in signed:
            headers[name] = value
    aws_request.headers = headers
    aws_request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    canonical = signer.canonical_request(aws_request)
    return canonical, signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)


def _lean(
    request: WireRequest, url: str, signed: tuple[str, ...], when: dt.datetime, *, signed_only: bool
) -> tuple[str, str]:
    signer = verifier("AKIDEXAMPLE", SECRET, TOKEN, "execute-api", "us-west-2")
    lean = SignedRequest(request, url, signed, when.strftime("%Y%m%dT%H%M%SZ"), signed_only=signed_only)
    canonical = signer.canonical_request(lean)
    return canonical, signer.signature(signer.string_to_sign(lean, canonical), lean)


CASES = {
    "plain GET": (
        "GET",
        "/prod/products",
        (("Host", HOST), ("X-Amz-Date", "x")),
        b"",
        ("host", "x-amz-date"),
    ),
    "repeated header, odd spacing and case": (
        "GET",
        "/prod/a%20b/../c",
        (("host", HOST), ("X-Multi", "  one   two "), ("x-multi", "three"), ("X-AMZ-DATE", "x")),
        b"",
        ("host", "x-multi", "x-amz-date"),
    ),
    "a name signed twice": ("GET", "/prod/p", (("Host", HOST), ("X-A", "1")), b"", ("host", "x-a", "x-a")),
    "unsigned payload hash header": (
        "POST",
        "/prod/p?b=2&a=%E2%82%AC&a=1",
        (("Host", HOST), ("X-Amz-Content-SHA256", hashlib.sha256(b"body").hexdigest())),
        b"body",
        ("host",),
    ),
    "body without a hash header": ("PUT", "/prod/p", (("Host", HOST),), b'{"k": 1}', ("host",)),
    "signed header absent": ("GET", "/", (("Host", HOST),), b"", ("host", "x-missing")),
}


@pytest.mark.parametrize("signed_only", [False, True], ids=["header auth", "presigned"])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("when", [WHEN, WHEN + dt.timedelta(minutes=3)], ids=["before", "after midnight"])
def test_lean_request_signs_what_botocore_signs(case: str, signed_only: bool, when: dt.datetime) -> None:
    method, target, headers, body, signed = CASES[case]
    request = WireRequest(method, target, headers, body, "127.0.0.1")
    url = f"https://{HOST}{request.path}" + (f"?{request.query}" if request.query else "")
    assert _lean(request, url, signed, when, signed_only=signed_only) == _reference(
        request, url, signed, when, signed_only=signed_only
    )


def test_signing_key_is_per_date() -> None:
    # The same verifier, alternating between two dates: each signature uses its own date's key.
    request = WireRequest("GET", "/prod/p", (("Host", HOST),), b"", "127.0.0.1")
    url = f"https://{HOST}/prod/p"
    days = [WHEN, WHEN + dt.timedelta(days=1), WHEN, WHEN + dt.timedelta(days=2), WHEN + dt.timedelta(days=1)]
    for when in days:
        assert _lean(request, url, ("host",), when, signed_only=False) == _reference(
            request, url, ("host",), when, signed_only=False
        )


def _raw_signed(gw: Gateway, config: GatewayConfig, extra: list[tuple[str, str]], tamper: bool) -> int:
    reader = next(u for u in config.users if u.name == "reader").access_keys[0]
    url = gw.api_url() + "/products"
    request = AWSRequest(method="GET", url=url)
    for name, value in extra:
        request.headers[name] = value  # HTTPHeaders keeps repeated names: both are signed
    SigV4Auth(
        Credentials(reader.access_key_id, reader.secret_access_key), "execute-api", "us-west-2"
    ).add_auth(request)
    lines = [f"GET /{config.apis[0].stages[0]}/products HTTP/1.1", f"Host: 127.0.0.1:{gw.port}"]
    for name, value in request.headers.items():
        sent = value.replace("two", "TWO") if tamper and name == "X-Multi" else value
        lines.append(f"{name}: {sent}")
    raw = ("\r\n".join(lines) + "\r\nConnection: close\r\n\r\n").encode()
    return exchange(gw.port, raw, check_closed=False).status


@pytest.mark.parametrize("tamper", [False, True], ids=["as signed", "a signed value changed"])
def test_repeated_signed_headers_verify_end_to_end(gw: Gateway, config: GatewayConfig, tamper: bool) -> None:
    extra = [("X-Multi", "one  two"), ("X-Multi", "three")]
    assert _raw_signed(gw, config, extra, tamper) == (403 if tamper else 200)
