"""Fixtures for the credentials tests: moto's STS and IMDS behind a recording proxy, a clock, a clean env."""

from __future__ import annotations

import datetime as _dt
import io
import json
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from apiclient.credentials import static
from apiclient.credentials.static import StaticProvider

SOURCE_ACCESS_KEY = "AKIDEXAMPLESOURCE"
SOURCE_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

StartResponse = Callable[..., Any]


@dataclass
class RecordedCall:
    """One request the recording proxy saw."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def action(self) -> str | None:
        return self.params.get("Action")

    @property
    def signing_access_key(self) -> str | None:
        """The access key in the SigV4 Authorization header (None when unsigned)."""
        auth = self.headers.get("Authorization", "")
        if "Credential=" not in auth:
            return None
        return auth.split("Credential=")[1].split("/")[0]

    @property
    def signing_region(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        return auth.split("Credential=")[1].split("/")[2] if "Credential=" in auth else None


@dataclass
class RecordingProxy:
    """WSGI middleware in front of moto: records every request, can hold or fail STS calls.

    ``hold()`` makes STS calls wait until ``release()`` (to observe who blocks
    during a refresh); ``fail_next`` queues STS-shaped error responses.
    """

    app: Any
    calls: list[RecordedCall] = field(default_factory=list)
    failures: deque[tuple[int, str, str]] = field(default_factory=deque)
    gate: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def __post_init__(self) -> None:
        self.gate.set()

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.failures.clear()
        self.gate.set()

    def hold(self) -> None:
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def fail_next(self, code: str, message: str, status: int = 403) -> None:
        self.failures.append((status, code, message))

    def sts_calls(self, action: str = "AssumeRole") -> list[RecordedCall]:
        with self.lock:
            return [call for call in self.calls if call.action == action]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        params = {key: values[0] for key, values in parse_qs(body.decode("utf-8")).items()}
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        call = RecordedCall(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), params, headers)
        with self.lock:
            self.calls.append(call)
        if call.action and call.action.startswith("AssumeRole"):
            self.gate.wait(timeout=30)
            if self.failures:
                status, code, message = self.failures.popleft()
                return self._sts_error(start_response, status, code, message)
        return self.app(environ, start_response)  # type: ignore[no-any-return]

    @staticmethod
    def _sts_error(start_response: StartResponse, status: int, code: str, message: str) -> list[bytes]:
        # The query-protocol error shape STS returns (AWS STS API reference, "Common Errors").
        xml = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
        ).encode()
        start_response(f"{status} Error", [("Content-Type", "text/xml"), ("Content-Length", str(len(xml)))])
        return [xml]


@pytest.fixture(scope="session")
def moto_proxy() -> Iterator[RecordingProxy]:
    """moto's server (STS and the instance-metadata endpoints) on 127.0.0.1, a free port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # The same pieces moto.server.ThreadedMotoServer assembles, with our recorder in front.
    proxy = RecordingProxy(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, proxy, threaded=True)
    proxy.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield proxy
    server.shutdown()
    thread.join()


@pytest.fixture
def sts(moto_proxy: RecordingProxy) -> Iterator[RecordingProxy]:
    """The moto proxy, with no recorded calls and no queued failures."""
    moto_proxy.reset()
    yield moto_proxy
    moto_proxy.reset()


class Clock:
    """A clock the test moves by hand; it starts at the real time because moto's expiries do."""

    def __init__(self) -> None:
        self.now = _dt.datetime.now(_dt.timezone.utc)

    def __call__(self) -> _dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += _dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def source() -> StaticProvider:
    """Long-term keys that sign the AssumeRole calls (moto does not check them)."""
    return static(SOURCE_ACCESS_KEY, SOURCE_SECRET_KEY)


@pytest.fixture(autouse=True)
def clean_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No AWS_* variable from the developer's shell, no real ~/.aws, and no 169.254.169.254."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "missing-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "missing-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@dataclass
class ContainerCredentialsServer:
    """The ECS/EKS container credentials endpoint: checks the Authorization token, serves keys."""

    url: str
    token: str
    credentials: dict[str, str]
    requests: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def container_server() -> Iterator[ContainerCredentialsServer]:
    expiry = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(hours=6)
    state = ContainerCredentialsServer(
        url="",
        token="container-authorization-EXAMPLE",
        credentials={
            "AccessKeyId": "ASIACONTAINEREXAMPLE",
            "SecretAccessKey": "containerSecretEXAMPLEKEY",
            "Token": "containerSessionTokenEXAMPLE",
            "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers.items()))
            if self.headers.get("Authorization") != state.token:
                self._reply(401, {"message": "invalid authorization token"})
                return
            self._reply(200, state.credentials)

        def _reply(self, status: int, body: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/v2/credentials/EXAMPLE"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()
