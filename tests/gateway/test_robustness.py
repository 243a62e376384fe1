"""Hostile input gets API Gateway's refusals or a plain 400/413, never a 500 or a dropped connection."""

from __future__ import annotations

import json
import socket

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apiclient.gateway import Gateway, sample_config
from apiclient.gateway.app import GatewayApp
from apiclient.gateway.wire import WireRequest

APP = GatewayApp(sample_config())
REFUSALS = {
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "AccessDeniedException",
    "MissingAuthenticationTokenException",
}
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=300)


def _answer(target: str, headers: tuple[tuple[str, str], ...]) -> tuple[int, dict[str, str], bytes]:
    answer = APP.answer(WireRequest("GET", target, (("Host", "127.0.0.1:1"), *headers), b"", "127.0.0.1"))
    return answer.status, dict(answer.headers), answer.body


@settings(max_examples=200, deadline=None)
@given(
    authorization=st.one_of(
        header_text,
        header_text.map(lambda tail: "AWS4-HMAC-SHA256 " + tail),
        st.builds(
            "AWS4-HMAC-SHA256 Credential={}, SignedHeaders={}, Signature={}".format,
            header_text.filter(lambda s: "," not in s),
            header_text.filter(lambda s: "," not in s),
            header_text.filter(lambda s: "," not in s),
        ),
    ),
    amz_date=st.one_of(st.none(), header_text, st.just("20260101T000000Z")),
)
def test_any_authorization_header_is_refused_cleanly(authorization: str, amz_date: str | None) -> None:
    headers = (("Authorization", authorization),) + (
        (("X-Amz-Date", amz_date),) if amz_date is not None else ()
    )
    status, sent, body = _answer("/prod/products", headers)
    assert status == 403
    assert sent["x-amzn-ErrorType"] in REFUSALS
    assert set(json.loads(body)) <= {"message", "Message"}


@settings(max_examples=200, deadline=None)
@given(
    target=st.sampled_from(
        ["/", "/prod/", "/prod/products/", "/restapis/a1b2c3d4e5/prod/_user_request_/"]
    ).flatmap(
        lambda prefix: st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=120).map(
            lambda rest: prefix + rest
        )
    )
)
def test_any_api_path_and_query_is_routed_or_refused(target: str) -> None:
    assume(not target.startswith(("/sts", "/latest/", "/container-credentials")))  # the other services
    status, sent, _ = _answer(target, ())
    assert status in (200, 403), target
    assert status == 200 or sent["x-amzn-ErrorType"] in REFUSALS | {"ForbiddenException"}


def _raw_exchange(gw: Gateway, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):  # the server closes after a framing error
            received += chunk
    return received


def test_bad_content_length_is_a_400_and_closes(gw: Gateway) -> None:
    reply = _raw_exchange(gw, b"POST /prod/products HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in reply


def test_oversized_body_is_a_413_without_reading_it(gw: Gateway) -> None:
    reply = _raw_exchange(gw, b"POST /prod/products HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert reply.endswith(b'{"message":"Request Too Long"}')
