"""SigV4Auth over real loopback sockets, against a server that verifies signatures with botocore."""

from __future__ import annotations

import datetime as dt
import hmac
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from botocore.auth import SigV4Auth as BotocoreSigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials

from apiclient.auth import SigV4Auth
from apiclient.credentials.base import Credentials
from apiclient.errors import EndpointError, SigningError
from apiclient.sigv4 import Signature, sign_request

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////TOKEN=="
REGION = "eu-west-1"


@dataclass
class Seen:
    """What the verifying server received."""

    verified: bool
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class VerifyingServer:
    url: str
    seen: list[Seen] = field(default_factory=list)


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        body = b""
        while size := int(handler.rfile.readline().strip(), 16):
            body += handler.rfile.read(size)
            handler.rfile.readline()
        handler.rfile.readline()
        return body
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


def _botocore_verifies(handler: BaseHTTPRequestHandler, body: bytes) -> bool:
    """Recompute the signature with botocore from what arrived on the socket."""
    authorization = handler.headers.get("Authorization", "")
    fields = dict(
        part.strip().split("=", 1) for part in authorization.removeprefix("AWS4-HMAC-SHA256 ").split(",")
    )
    access_key, _date, region, service, _ = fields["Credential"].split("/")
    path, _, query = handler.path.partition("?")
    request = AWSRequest(
        method=handler.command,
        url=f"http://{handler.headers['Host']}{path}",
        data=body,
        params=parse_qsl(query, keep_blank_values=True),
    )
    for name in fields["SignedHeaders"].split(";"):
        for value in handler.headers.get_all(name, []):
            request.headers[name] = value
    token = handler.headers.get("X-Amz-Security-Token")
    signer = BotocoreSigV4Auth(BotocoreCredentials(access_key, SECRET_KEY, token), service, region)
    request.context["timestamp"] = handler.headers["X-Amz-Date"]
    signer._modify_request_before_signing(request)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    return (
        access_key == ACCESS_KEY and region == REGION and hmac.compare_digest(expected, fields["Signature"])
    )


@pytest.fixture
def server() -> Iterator[VerifyingServer]:
    state = VerifyingServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            body = _read_body(self)
            verified = "Authorization" in self.headers and _botocore_verifies(self, body)
            state.seen.append(Seen(verified, self.command, self.path, dict(self.headers.items()), body))
            payload = json.dumps({"verified": verified}).encode()
            self.send_response(200 if verified else 403)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _auth(**kwargs: Any) -> SigV4Auth:
    return SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, TOKEN), REGION, **kwargs)


def test_get_with_query_is_accepted(server: VerifyingServer) -> None:
    response = requests.get(
        f"{server.url}/prod/products/a b/$x",
        params=[("category", "books & more"), ("limit", "20"), ("sort", "+price"), ("sort", "name")],
        headers={"X-Trace": "several   spaces  "},
        auth=_auth(),
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert server.seen[-1].verified
    assert server.seen[-1].headers["X-Amz-Security-Token"] == TOKEN


@pytest.mark.parametrize("body", [b'{"name": "book"}', '{"name": "caf\u00e9"}', b""])
def test_post_bodies_are_accepted(server: VerifyingServer, body: bytes | str) -> None:
    response = requests.post(f"{server.url}/prod/items", data=body, auth=_auth(), timeout=5)
    assert response.status_code == 200
    assert server.seen[-1].body == (body.encode() if isinstance(body, str) else body)


def test_file_body_is_hashed_then_sent_whole(server: VerifyingServer) -> None:
    content = bytes(range(256)) * 5000
    response = requests.put(f"{server.url}/prod/upload", data=io.BytesIO(content), auth=_auth(), timeout=5)
    assert response.status_code == 200
    assert server.seen[-1].body == content


def test_streamed_body_needs_unsigned_payload(server: VerifyingServer) -> None:
    with pytest.raises(SigningError, match="unsigned_payload=True"):
        requests.put(f"{server.url}/prod/upload", data=iter([b"a", b"b"]), auth=_auth(), timeout=5)
    response = requests.put(
        f"{server.url}/prod/upload", data=iter([b"a", b"b"]), auth=_auth(unsigned_payload=True), timeout=5
    )
    assert response.status_code == 200
    assert server.seen[-1].headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD"
    assert server.seen[-1].body == b"ab"


def test_wrong_secret_is_refused_by_the_verifier(server: VerifyingServer) -> None:
    """The verifier can fail: a signature made with another secret does not pass."""
    auth = SigV4Auth(Credentials(ACCESS_KEY, "OTHERsecretEXAMPLEKEY", TOKEN), REGION)
    assert requests.get(f"{server.url}/prod", auth=auth, timeout=5).status_code == 403


def test_concurrent_calls_share_one_auth(server: VerifyingServer) -> None:
    auth = _auth()
    statuses: list[int] = []
    lock = threading.Lock()

    def call(index: int) -> None:
        with requests.Session() as session:
            for round_ in range(5):
                status = session.get(
                    f"{server.url}/prod/items/{index}?round={round_}", auth=auth, timeout=5
                ).status_code
                with lock:
                    statuses.append(status)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40


def test_region_is_derived_from_an_aws_host() -> None:
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY))
    prepared = requests.Request(
        "GET", "https://a1b2c3d4e5.execute-api.ap-south-1.amazonaws.com/prod/x"
    ).prepare()
    signature = auth.sign(prepared)
    assert isinstance(signature, Signature)
    assert signature.scope.endswith("/ap-south-1/execute-api/aws4_request")
    assert prepared.headers["Authorization"] == signature.headers["Authorization"]


def test_region_cannot_be_derived_from_a_local_url(server: VerifyingServer) -> None:
    with pytest.raises(EndpointError, match="pass region="):
        requests.get(f"{server.url}/prod", auth=SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY)), timeout=5)
    assert server.seen == []


def test_re_signing_replaces_the_previous_signature() -> None:
    times = iter(
        [dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)]
    )
    prepared = requests.Request(
        "GET", "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod"
    ).prepare()
    _auth(clock=lambda: next(times))(prepared)
    first = prepared.headers["Authorization"]
    # Signed again (a retry) by an auth holding long-term keys: no stale token may stay behind.
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), REGION, clock=lambda: next(times))(prepared)
    assert prepared.headers["X-Amz-Date"] == "20260102T000000Z"
    assert "X-Amz-Security-Token" not in prepared.headers
    assert prepared.headers["Authorization"] != first
    assert "SignedHeaders=host;x-amz-date," in prepared.headers["Authorization"]


def test_clock_sets_the_signing_time() -> None:
    when = dt.datetime(2030, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    prepared = requests.Request(
        "GET", "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod"
    ).prepare()
    _auth(clock=lambda: when)(prepared)
    assert prepared.headers["X-Amz-Date"] == "20300506T070809Z"


def test_repr_shows_no_secret() -> None:
    shown = repr(_auth())
    assert SECRET_KEY not in shown and TOKEN not in shown and ACCESS_KEY in shown


# -- one snapshot per signature, taken by the glue (moved here from the pure signer's tests) --

SECRET = SECRET_KEY
URL = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1"
WHEN = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)


class _CountingProvider:
    """A credential provider that hands out a new key pair on every get()."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def get(self) -> Credentials:
        with self._lock:
            self.calls += 1
            return Credentials(f"AKIDEXAMPLE{self.calls}", f"{SECRET}{self.calls}", f"{TOKEN}{self.calls}")

    def describe(self) -> dict[str, Any]:
        return {"source": "test"}


def _signed_by(credentials: Credentials | _CountingProvider) -> Signature:
    auth = SigV4Auth(credentials, "us-east-1", clock=lambda: WHEN)  # type: ignore[arg-type]
    return auth.sign(requests.Request("GET", URL).prepare())


def test_provider_is_read_once_per_signature() -> None:
    provider = _CountingProvider()
    signature = _signed_by(provider)
    assert provider.calls == 1
    snapshot = Credentials("AKIDEXAMPLE1", f"{SECRET}1", f"{TOKEN}1")
    assert signature.headers == sign_request(
        "GET", URL, {}, None, credentials=snapshot, region="us-east-1", service="execute-api", timestamp=WHEN
    )


def test_key_and_token_never_mix_across_threads() -> None:
    """requests-aws4auth mixes keys across threads with refreshing credentials; we do not."""
    provider = _CountingProvider()
    results: list[tuple[dict[str, str], int]] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(200):
            headers = _signed_by(provider).headers
            index = int(headers["X-Amz-Security-Token"].removeprefix(TOKEN))
            with lock:
                results.append((headers, index))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1600
    for headers, index in results[::37]:
        own = Credentials(f"AKIDEXAMPLE{index}", f"{SECRET}{index}", f"{TOKEN}{index}")
        assert headers == sign_request(
            "GET", URL, {}, None, credentials=own, region="us-east-1", service="execute-api", timestamp=WHEN
        )
    for headers, index in results:
        assert f"Credential=AKIDEXAMPLE{index}/" in headers["Authorization"]
