"""Redirects followed by the Client: re-signed on the same origin, stripped (or refused) across origins."""

from __future__ import annotations

import json

import pytest
from session_helpers import ACCESS_KEY, SECRET_KEY, TOKEN
from verifying_server import VerifyingServer

from apiclient import Credentials, RedirectError
from apiclient.session import Client

TEMPORARY = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)


def client_for(server: VerifyingServer, **options: object) -> Client:
    return Client(server.url, credentials=TEMPORARY, region="us-east-1", api_key="EXAMPLEAPIKEY", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_same_origin_hop_is_resigned_and_verified(server: VerifyingServer, status: int) -> None:
    server.redirects["/old"] = (status, "/new?page=2")
    response = client_for(server).get("/old")
    assert response.status_code == 200
    first, second = server.seen
    assert (first.path, second.path) == ("/old", "/new?page=2")
    assert second.verdict == "ok"  # a stale signature for /old would fail verification here


@pytest.mark.parametrize(
    ("status", "method", "body"),
    [
        (301, "GET", ""),
        (302, "GET", ""),
        (303, "GET", ""),
        (307, "POST", '{"n": 1}'),
        (308, "POST", '{"n": 1}'),
    ],
)
def test_post_redirects_follow_rfc_9110(server: VerifyingServer, status: int, method: str, body: str) -> None:
    server.redirects["/submit"] = (status, "/landed")
    response = client_for(server).post("/submit", json={"n": 1})
    echo = response.json()
    assert (echo["method"], echo["body"]) == (method, body)
    assert server.seen[-1].verdict == "ok"
    if method == "GET":
        assert server.seen[-1].header("Content-Type") is None


def test_cross_origin_hop_carries_no_credentials(server: VerifyingServer, foreign: VerifyingServer) -> None:
    server.redirects["/away"] = (302, f"{foreign.url}/landing")
    response = client_for(server).get("/away")
    assert response.status_code == 200
    (arrived,) = foreign.seen
    names = {name.lower() for name in arrived.headers}
    assert "authorization" not in names
    assert "x-api-key" not in names
    assert not [name for name in names if name.startswith("x-amz-")]
    assert TOKEN not in json.dumps(arrived.headers)


def test_cross_origin_hop_can_be_refused(server: VerifyingServer, foreign: VerifyingServer) -> None:
    server.redirects["/away"] = (307, f"{foreign.url}/landing")
    with pytest.raises(RedirectError, match="another origin"):
        client_for(server, cross_origin_redirects="refuse").get("/away")
    assert foreign.seen == []


def test_hop_back_to_the_signing_origin_is_signed_again(
    server: VerifyingServer, foreign: VerifyingServer
) -> None:
    server.redirects["/away"] = (302, f"{foreign.url}/bounce")
    foreign.redirects["/bounce"] = (302, f"{server.url}/home")
    assert client_for(server).get("/away").status_code == 200
    assert server.seen[-1].path == "/home"
    assert server.seen[-1].verdict == "ok"
    assert foreign.seen[0].header("Authorization") is None


def test_redirect_loop_stops_at_max_hops(server: VerifyingServer) -> None:
    server.redirects["/a"] = (302, "/b")
    server.redirects["/b"] = (302, "/a")
    with pytest.raises(RedirectError, match="more than 3 redirects"):
        client_for(server, max_redirects=3).get("/a")
    assert len(server.seen) == 4


def test_redirect_to_plain_http_elsewhere_is_refused(server: VerifyingServer) -> None:
    server.redirects["/old"] = (301, "http://api.example.com/new")
    with pytest.raises(RedirectError, match="plain http"):
        client_for(server).get("/old")


def test_redirects_can_be_left_to_the_caller(server: VerifyingServer) -> None:
    server.redirects["/old"] = (301, "/new")
    response = client_for(server).get("/old", allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (301, "/new")
    assert len(server.seen) == 1
