"""WebSocket APIs on the gateway: a presigned $connect completed by the ``websockets`` client, messages
routed and echoed, and the @connections API under execute-api:ManageConnections (over real sockets)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator

import pytest
import requests
from flavour_helpers import OWNER, REGION, WS_API, flavours_config, key_of, presign, ws_connect
from gateway_helpers import Key, signed
from websockets.exceptions import ConnectionClosed, InvalidStatus

from apiclient.gateway import Gateway, running, server

CONFIG = flavours_config()
CONNECT_ARN = f"arn:aws:execute-api:{REGION}:********{OWNER[-4:]}:{WS_API}/prod/$connect"


@pytest.fixture(scope="module")
def gw() -> Iterator[Gateway]:
    with running(CONFIG) as gateway:
        yield gateway


def connect_url(gw: Gateway, key: Key, **kwargs: object) -> str:
    """The presigned $connect URL (wss:// as a browser gets it; ws:// here: the gateway has no TLS)."""
    url = presign("GET", f"https://{gw.host_for(WS_API)}/prod", key, **kwargs)  # type: ignore[arg-type]
    return "ws://" + url.removeprefix("https://")


def refusal(gw: Gateway, url: str) -> tuple[int, dict[str, str], bytes]:
    with pytest.raises(InvalidStatus) as error:
        ws_connect(gw.port, url)
    response = error.value.response
    return response.status_code, dict(response.headers.raw_items()), bytes(response.body)


def manage(gw: Gateway, method: str, connection_id: str, key: Key, body: bytes = b"") -> requests.Response:
    """The @connections API, signed with botocore's SigV4Auth (as ApiGatewayManagementApi signs)."""
    host = gw.host_for(WS_API)
    path = f"/prod/@connections/{connection_id}"
    request = signed(method, f"http://{host}{path}", key, body=body, region=REGION)
    headers = {**dict(request.prepare().headers), "Host": host}
    return requests.request(method, gw.url + path, headers=headers, data=body, timeout=10)


def newest_connection(gw: Gateway, before: set[str]) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        fresh = set(gw.websocket_connections) - before
        if fresh:
            return fresh.pop()
        time.sleep(0.01)
    raise AssertionError("the gateway registered no new connection")


def test_a_presigned_connect_is_accepted_and_default_echoes(gw: Gateway) -> None:
    with ws_connect(gw.port, connect_url(gw, key_of(CONFIG, "chatter"))) as ws:
        ws.send("hello")
        assert ws.recv(timeout=5) == "hello"
        ws.send(b"\x00\xff")
        assert ws.recv(timeout=5) == b"\x00\xff"
        ws.send(json.dumps({"action": "ping"}))
        assert json.loads(ws.recv(timeout=5)) == {"pong": True}
        ws.send(json.dumps({"action": "unknown", "x": 1}))  # no such route: $default
        assert json.loads(ws.recv(timeout=5)) == {"action": "unknown", "x": 1}
    log = next(r for r in reversed(gw.access_log) if r["resourcePath"] == "$connect")
    assert log["status"] == "101"
    assert log["caller"] == f"arn:aws:iam::{OWNER}:user/chatter"
    assert "X-Amz-Signature" not in json.dumps(gw.access_log)


def test_a_tampered_connect_url_is_refused(gw: Gateway) -> None:
    url = connect_url(gw, key_of(CONFIG, "chatter"))
    signature = url.rsplit("X-Amz-Signature=", 1)[1]
    tampered = url.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    status, headers, body = refusal(gw, tampered)
    assert status == 403
    assert headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert json.loads(body)["message"].startswith("The request signature we calculated does not match")


def test_an_expired_connect_url_is_refused(gw: Gateway) -> None:
    an_hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    status, _, body = refusal(gw, connect_url(gw, key_of(CONFIG, "chatter"), expires=600, at=an_hour_ago))
    assert status == 403
    message = json.loads(body)["message"]
    assert message.startswith(f"Signature expired: {an_hour_ago:%Y%m%dT%H%M%SZ} is now earlier than ")
    assert message.endswith(" - 10 min.)")


def test_an_unsigned_connect_is_refused(gw: Gateway) -> None:
    status, headers, body = refusal(gw, f"ws://{gw.host_for(WS_API)}/prod")
    assert (status, body) == (403, b'{"message":"Missing Authentication Token"}')
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_connect_needs_invoke_on_the_connect_route_arn(gw: Gateway) -> None:
    status, _, body = refusal(gw, connect_url(gw, key_of(CONFIG, "backend")))
    assert status == 403
    assert json.loads(body) == {
        "Message": f"User: arn:aws:iam::{OWNER}:user/backend is not authorized to perform: "
        f"execute-api:Invoke on resource: {CONNECT_ARN}"
    }


def test_connections_api_posts_describes_and_closes(gw: Gateway) -> None:
    backend = key_of(CONFIG, "backend")
    before = set(gw.websocket_connections)
    with ws_connect(
        gw.port, connect_url(gw, key_of(CONFIG, "chatter")), user_agent_header="chat-test/1"
    ) as ws:
        connection_id = newest_connection(gw, before)
        posted = manage(gw, "POST", connection_id, backend, b'{"news":"from the backend"}')
        assert posted.status_code == 200, posted.text
        assert json.loads(ws.recv(timeout=5)) == {"news": "from the backend"}
        described = manage(gw, "GET", connection_id, backend)
        assert described.status_code == 200
        info = described.json()
        assert info["identity"] == {"sourceIp": "127.0.0.1", "userAgent": "chat-test/1"}
        assert info["connectedAt"].endswith("Z") and info["lastActiveAt"].endswith("Z")
        assert manage(gw, "DELETE", connection_id, backend).status_code == 204
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=5)
    gone = manage(gw, "POST", connection_id, backend, b"late")
    assert gone.status_code == 410
    assert gone.headers["x-amzn-ErrorType"] == "GoneException"


def test_an_unknown_connection_is_gone(gw: Gateway) -> None:
    response = manage(gw, "GET", "bm90LWEtY29ubmVjdGlvbg=", key_of(CONFIG, "backend"))
    assert response.status_code == 410
    assert response.headers["x-amzn-ErrorType"] == "GoneException"


def test_connections_api_needs_manage_connections(gw: Gateway) -> None:
    # chatter may Invoke $connect; posting to a connection is execute-api:ManageConnections.
    response = manage(gw, "POST", "abc=", key_of(CONFIG, "chatter"), b"x")
    assert response.status_code == 403
    assert response.json() == {
        "Message": f"User: arn:aws:iam::{OWNER}:user/chatter is not authorized to perform: "
        f"execute-api:ManageConnections on resource: "
        f"arn:aws:execute-api:{REGION}:********{OWNER[-4:]}:{WS_API}/prod/POST/@connections/abc="
    }


def test_connections_api_must_be_signed(gw: Gateway) -> None:
    host = gw.host_for(WS_API)
    response = requests.post(
        gw.url + "/prod/@connections/abc=", headers={"Host": host}, data=b"x", timeout=10
    )
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_an_open_connection_ends_with_the_gateway() -> None:
    with (
        running(CONFIG) as gateway,
        ws_connect(gateway.port, connect_url(gateway, key_of(CONFIG, "chatter"))) as ws,
    ):
        gateway.stop()
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=5)


def test_an_idle_connection_is_closed_going_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server._Handler, "timeout", 0.5)  # the server's read timeout, shortened
    with (
        running(CONFIG) as gateway,
        ws_connect(gateway.port, connect_url(gateway, key_of(CONFIG, "chatter"))) as ws,
    ):
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
