"""The signer's caches (canonical pieces per request shape, the date per second, HMAC pad states)
never change what is signed: every signature gets its own timestamp, token and headers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from typing import Any

import pytest

from apiclient import sigv4
from apiclient.credentials.base import Credentials
from apiclient.errors import SigningError

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
URL = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1"
WHEN = dt.datetime(2026, 11, 22, 12, 0, 0, 250_000, tzinfo=dt.timezone.utc)
SCOPE: dict[str, Any] = {"region": "us-east-1", "service": "execute-api"}


def _signing(token: str | None = "TOKEN-ONE", when: dt.datetime = WHEN) -> dict[str, Any]:
    return {"credentials": Credentials("AKIDEXAMPLE", SECRET, token), "timestamp": when, **SCOPE}


def test_the_same_request_twice_matches_botocore_each_time(botocore_sign: Any) -> None:
    headers = [("Accept", "application/json"), ("X-Custom", "a  b")]
    for token, when in [
        ("TOKEN-ONE", WHEN),
        ("TOKEN-ONE", WHEN + dt.timedelta(seconds=1)),  # same shape, next second
        ("TOKEN-TWO", WHEN + dt.timedelta(seconds=1)),  # a refreshed token
        (None, WHEN + dt.timedelta(days=1)),  # no token, another day (another signing key)
        ("TOKEN-ONE", WHEN),  # back to the first: the cached pieces are reused
    ]:
        signing = _signing(token, when)
        text, authorization = botocore_sign(
            "GET", URL, headers, None, query_pairs=[("b", "2"), ("a", "1")], **signing
        )
        added = sigv4.sign_request("GET", URL, headers, None, **signing)
        assert sigv4.canonical_request("GET", URL, headers, None, **signing) == text
        assert added["Authorization"] == authorization
        assert added.get("X-Amz-Security-Token") == token


def test_a_header_changed_between_calls_is_signed_as_changed() -> None:
    headers = {"X-Trace": "one"}
    first = sigv4.canonical_request("GET", URL, headers, None, **_signing())
    headers["X-Trace"] = "two"
    second = sigv4.canonical_request("GET", URL, headers, None, **_signing())
    assert "x-trace:one\n" in first and "x-trace:two\n" in second


def test_bodies_are_hashed_per_call() -> None:
    one = sigv4.canonical_request("POST", URL, {}, b"one", **_signing())
    two = sigv4.canonical_request("POST", URL, {}, b"two", **_signing())
    assert one.rsplit("\n", 1)[1] == hashlib.sha256(b"one").hexdigest()
    assert two.rsplit("\n", 1)[1] == hashlib.sha256(b"two").hexdigest()


def test_the_date_is_that_of_each_timestamp() -> None:
    def date(when: dt.datetime) -> str:
        return sigv4.sign_request("GET", URL, {}, None, **_signing(when=when))["X-Amz-Date"]

    assert date(WHEN) == date(WHEN.replace(microsecond=999_999)) == "20261122T120000Z"
    assert date(WHEN + dt.timedelta(seconds=1)) == "20261122T120001Z"
    assert date(WHEN - dt.timedelta(minutes=10)) == "20261122T115000Z"  # a clock corrected backwards
    eastern = dt.timezone(dt.timedelta(hours=-5))
    assert date(WHEN.astimezone(eastern)) == "20261122T120000Z"
    assert date(dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=eastern)) == "20000101T045959Z"
    now = sigv4.sign_request("GET", URL, {}, None, credentials=Credentials("AKIDEXAMPLE", SECRET), **SCOPE)
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    stamped = dt.datetime.strptime(now["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    assert before <= stamped <= before + dt.timedelta(seconds=10)


def test_signature_is_the_hmac_of_the_string_to_sign() -> None:
    signature = sigv4.sign("GET", URL, {"x-api-key": "KEY"}, None, **_signing())
    key = sigv4.signing_key(SECRET, "20261122", "us-east-1", "execute-api")
    expected = hmac.new(key, signature.string_to_sign.encode(), hashlib.sha256).hexdigest()
    assert signature.headers["Authorization"].endswith(f"Signature={expected}")


def test_shown_canonical_request_is_masked_on_every_call() -> None:
    headers = {"x-api-key": "KEY-VALUE", "Cookie": "id=COOKIE-VALUE"}
    for token in ("TOKEN-ONE", "TOKEN-ONE", "TOKEN-TWO"):
        shown = sigv4.sign("GET", URL, headers, b"{}", **_signing(token)).canonical_request
        full = sigv4.canonical_request("GET", URL, headers, b"{}", **_signing(token))
        assert shown == (
            full.replace(token, "<redacted>")
            .replace("KEY-VALUE", "<redacted>")
            .replace("id=COOKIE-VALUE", "<redacted>")
        )


def test_the_cache_of_canonical_pieces_is_bounded() -> None:
    for index in range(sigv4._TEMPLATES_MAX + 50):
        sigv4.sign_request("GET", f"{URL}&n={index}", {}, None, **_signing())
    assert 0 < len(sigv4._TEMPLATES) <= sigv4._TEMPLATES_MAX


def test_unhashable_header_values_are_signed_or_refused_as_before() -> None:
    text = sigv4.canonical_request("GET", URL, [("X-List", b"ok")], None, **_signing())
    assert "x-list:ok\n" in text
    with pytest.raises(SigningError, match="bytearray"):
        sigv4.sign_request("GET", URL, [("X-Bad", bytearray(b"x"))], None, **_signing())  # type: ignore[list-item]


def test_threads_signing_many_shapes_and_tokens_agree_with_a_fresh_signer(botocore_sign: Any) -> None:
    problems: list[str] = []

    def worker(number: int) -> None:
        for index in range(300):
            token = f"TOKEN-{number}-{index % 3}"
            url = f"{URL}&n={index % 7}"
            when = WHEN + dt.timedelta(seconds=index % 5)
            signing = _signing(token, when)
            added = sigv4.sign_request("GET", url, {"X-Thread": str(number)}, None, **signing)
            if index % 50 == 0:
                pairs = [("b", "2"), ("a", "1"), ("n", str(index % 7))]
                _, expected = botocore_sign(
                    "GET", url, [("X-Thread", str(number))], None, query_pairs=pairs, **signing
                )
                if added["Authorization"] != expected:
                    problems.append(f"thread {number} call {index}: signature differs from botocore")
            if (
                added["X-Amz-Security-Token"] != token
                or "x-amz-security-token;x-thread," not in added["Authorization"]
            ):
                problems.append(f"thread {number} call {index}: another call's pieces")

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
