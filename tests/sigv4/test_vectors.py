"""AWS's own SigV4 test suite, all 34 cases, read in place (never copied into the repository).

The suite's paths are encoded once, S3 style (suite README, "get-space and get-utf8"), so every
case is signed with ``double_encode_path=False``.
"""

from __future__ import annotations

from typing import Any

from apiclient import sigv4


def test_the_whole_suite_is_there(vectors: list[Any]) -> None:
    assert len(vectors) == 34


def test_canonical_request(vector: Any, suite_kwargs: dict[str, Any]) -> None:
    r = vector.request
    text = sigv4.canonical_request(
        r.method, r.url, r.headers, r.body,
        credentials=vector.credentials, double_encode_path=False, **suite_kwargs,
    )  # fmt: skip
    assert text == vector.creq


def test_string_to_sign_and_authorization(vector: Any, suite_kwargs: dict[str, Any]) -> None:
    r = vector.request
    kwargs = {"credentials": vector.credentials, "double_encode_path": False, **suite_kwargs}
    signature = sigv4.sign(r.method, r.url, r.headers, r.body, **kwargs)
    assert signature.string_to_sign == vector.sts
    assert signature.headers["Authorization"] == vector.authz
    assert signature.headers["X-Amz-Date"] == "20150830T123600Z"
    assert sigv4.sign_request(r.method, r.url, r.headers, r.body, **kwargs) == signature.headers


def test_session_token_is_added_and_signed(vectors: list[Any], suite_kwargs: dict[str, Any]) -> None:
    vector = next(v for v in vectors if v.name == "get-vanilla-with-session-token")
    r = vector.request
    headers = sigv4.sign_request(
        r.method, r.url, r.headers, r.body,
        credentials=vector.credentials, double_encode_path=False, **suite_kwargs,
    )  # fmt: skip
    assert headers["X-Amz-Security-Token"] == vector.credentials.token
    assert "SignedHeaders=host;x-amz-date;x-amz-security-token," in headers["Authorization"]
