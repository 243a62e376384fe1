"""WebSocket APIs: the ``$connect`` handshake, routed messages and the ``@connections`` API.

A client connects to ``wss://{api_id}.execute-api.{region}.amazonaws.com/{stage}``; with IAM
authorization on ``$connect`` the handshake is a presigned URL (or signed headers), authorized as
``execute-api:Invoke`` on ``{api_id}/{stage}/$connect``. Each message goes to the route named by its
JSON ``action`` (the default route selection expression ``$request.body.action``), else to
``$default``; the gateway's integration echoes it (or sends the route's configured ``response``
body). The backend reaches a client through ``/{stage}/@connections/{connection_id}``: POST sends a
message, GET describes the connection, DELETE closes it, each authorized as
``execute-api:ManageConnections``; a connection that is not open is 410 GoneException
(API Gateway Developer Guide, "Control access to WebSocket APIs with IAM authorization" and "Use
@connections commands in your backend service").

The WebSocket protocol itself (RFC 6455) is the ``websockets`` package's sans-I/O ``ServerProtocol``,
driven over the gateway's threaded HTTP server: the handler thread that read the upgrade request
reads the connection's frames, and any thread may send to it under the connection's lock.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BufferedIOBase
from urllib.parse import unquote

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from apiclient.diagnostics.causes import Cause, decision_cause
from apiclient.gateway import responses
from apiclient.gateway.accesslog import AccessLog, Entry
from apiclient.gateway.authz import ALLOW, EXPLICIT_DENY, Call, authorize_call
from apiclient.gateway.config import CONNECT_ROUTE, Api, GatewayConfig
from apiclient.gateway.identities import IdentityStore, Principal
from apiclient.gateway.invoke import Invocation, authenticate, refusal, rejection_cause, request_keys
from apiclient.gateway.responses import Answer
from apiclient.gateway.routing import ApiTarget, target_of
from apiclient.gateway.verify import Rejection
from apiclient.gateway.wire import WireRequest

__all__ = ["Connection", "WebSocketService", "is_upgrade"]

logger = logging.getLogger("apiclient.gateway")
# The protocol logs frames and the handshake (whose URL holds a presigned signature and token) at DEBUG.
_PROTOCOL_LOG = logging.getLogger("apiclient.gateway.websocket.protocol")
_PROTOCOL_LOG.setLevel(logging.INFO)

_CONNECTIONS = "@connections"
# API Gateway's WebSocket limits: 128 KB a message ("Amazon API Gateway quotas").
_MAX_MESSAGE = 128 * 1024
_READ_SIZE = 65536


def is_upgrade(request: WireRequest) -> bool:
    """A ``GET`` asking to switch to the WebSocket protocol (RFC 6455 section 4.1)."""
    upgrade = request.header("upgrade") or ""
    return request.method == "GET" and "websocket" in upgrade.lower()


def _connection_id() -> str:
    # Connection IDs look like "L0SM9cOFvHcCIhw=" (11 random bytes in base64); URL-safe here, so an ID
    # can be put in a path as it is.
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode()


def _iso(moment: dt.datetime) -> str:
    return (
        moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}Z"
    )


@dataclass
class Connection:
    """One open WebSocket connection; ``send`` and ``close`` may be called from any thread."""

    id: str
    api: Api
    stage: str
    principal: Principal | None
    source_ip: str
    user_agent: str | None
    protocol: ServerProtocol = field(repr=False)
    wfile: BufferedIOBase = field(repr=False)
    connected_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    last_active_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, data: bytes, *, text: bool = True) -> None:
        with self.lock:
            if text:
                self.protocol.send_text(data)
            else:
                self.protocol.send_binary(data)
            self._flush()

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake; the reading thread ends when the client answers."""
        with self.lock, contextlib.suppress(Exception):  # already closing or closed
            self.protocol.send_close(code, reason)
            self._flush()

    def _flush(self) -> None:
        out = b"".join(self.protocol.data_to_send())
        if out:
            with contextlib.suppress(OSError):  # the client is gone: the reading thread notices
                self.wfile.write(out)
                self.wfile.flush()

    def describe(self) -> dict[str, object]:
        """GetConnection's answer: when it connected, from where, when it was last active."""
        return {
            "connectedAt": _iso(self.connected_at),
            "identity": {"sourceIp": self.source_ip, "userAgent": self.user_agent},
            "lastActiveAt": _iso(self.last_active_at),
        }


class WebSocketService:
    """The WebSocket APIs of a configuration: open connections and their ``@connections`` API."""

    def __init__(self, config: GatewayConfig, store: IdentityStore, access_log: AccessLog) -> None:
        self.config = config
        self.store = store
        self.access_log = access_log
        self._connections: dict[str, Connection] = {}
        self._lock = threading.Lock()

    def connection(self, connection_id: str) -> Connection | None:
        with self._lock:
            return self._connections.get(connection_id)

    @property
    def connection_ids(self) -> list[str]:
        with self._lock:
            return list(self._connections)

    # The handshake and the connection's life, on the handler thread that read the upgrade request.

    def take_over(self, request: WireRequest, rfile: BufferedIOBase, wfile: BufferedIOBase) -> bool:
        """Serve a WebSocket upgrade to a WebSocket API until the connection closes.

        Returns False (and touches nothing) for any other request: the HTTP side answers it.
        """
        if not is_upgrade(request):
            return False
        target = target_of(request, self.config)
        if not isinstance(target, ApiTarget) or target.api is None or target.api.type != "WEBSOCKET":
            return False
        started = time.perf_counter()
        api = target.api
        stage = self._stage(api, target.stage_path)
        if stage is None:
            forbidden = responses.http_forbidden(request.stamp)
            self._refuse(request, forbidden, wfile, started, api=api, cause="missing_auth_or_route")
            return True
        connect = api.route(CONNECT_ROUTE)
        principal = None
        if connect is not None and connect.authorization == "AWS_IAM":
            try:
                principal = authenticate(request, self.store, api.region).principal
            except Rejection as rejection:
                answer, why = refusal(request, rejection), rejection_cause(rejection)
                self._refuse(request, answer, wfile, started, api=api, stage=stage, cause=why)
                return True
        call = Call(api, stage, "GET", "/", connect.authorization if connect else "NONE", CONNECT_ROUTE)
        decision = authorize_call(
            call,
            principal,
            group_policies=self.config.group_policies(principal.arn) if principal else (),
            source_ip=request.source_ip,
            now=request.stamp.now,
            secure=request.secure,
            request_keys=request_keys(request),
        )
        if decision.result != ALLOW:
            denied = responses.access_denied(
                request.stamp,
                principal.arn if principal else None,
                call.arn(),
                explicit=decision.result == EXPLICIT_DENY,
            )
            cause = decision_cause(decision, anonymous=principal is None, authorization=call.authorization)
            self._refuse(
                request, denied, wfile, started, api=api, stage=stage, principal=principal, cause=cause
            )
            return True
        self._run(request, rfile, wfile, api=api, stage=stage, principal=principal, started=started)
        return True

    def _stage(self, api: Api, stage_path: str) -> str | None:
        stage, _, rest = stage_path.partition("/")[2].partition("/")
        return stage if stage in api.stages and rest in ("", "/") else None

    def _refuse(
        self,
        request: WireRequest,
        answer: Answer,
        wfile: BufferedIOBase,
        started: float,
        *,
        api: Api,
        stage: str | None = None,
        principal: Principal | None = None,
        cause: Cause | None = None,
    ) -> None:
        head = [f"HTTP/1.1 {answer.status} {_REASONS.get(answer.status, 'Forbidden')}"]
        head += [f"{name}: {value}" for name, value in answer.headers]
        head.append("Connection: close")
        with contextlib.suppress(OSError):
            wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + answer.body)
            wfile.flush()
        self._log(request, answer, started, api=api, stage=stage, principal=principal, cause=cause)

    def _log(
        self,
        request: WireRequest,
        answer: Answer,
        started: float,
        *,
        api: Api,
        stage: str | None,
        principal: Principal | None,
        cause: Cause | None = None,
    ) -> None:
        latency = round((time.perf_counter() - started) * 1000)
        route = CONNECT_ROUTE if stage else None
        self.access_log.write(Entry(request, answer, latency, principal, route, api.id, stage, cause=cause))

    def _run(
        self,
        request: WireRequest,
        rfile: BufferedIOBase,
        wfile: BufferedIOBase,
        *,
        api: Api,
        stage: str,
        principal: Principal | None,
        started: float,
    ) -> None:
        protocol = ServerProtocol(max_size=_MAX_MESSAGE, logger=_PROTOCOL_LOG)
        # The head was read by the HTTP side: given to the protocol again as it arrived, so that its
        # parser moves on to frames.
        head = [f"GET {request.target} HTTP/1.1", *(f"{name}: {value}" for name, value in request.headers)]
        protocol.receive_data(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        parsed = next((event for event in protocol.events_received() if isinstance(event, Request)), None)
        response = (
            protocol.accept(parsed)
            if parsed is not None
            else protocol.reject(400, "Failed to open a WebSocket connection.\n")
        )
        connection_id = _connection_id()
        if response.status_code == 101:
            response.headers["x-amzn-RequestId"] = request.stamp.request_id
        protocol.send_response(response)
        connection = Connection(
            connection_id,
            api,
            stage,
            principal,
            request.source_ip,
            request.header("user-agent"),
            protocol,
            wfile,
        )
        with connection.lock:
            connection._flush()
        answer = Answer(response.status_code, tuple(response.headers.raw_items()), b"", None)
        self._log(request, answer, started, api=api, stage=stage, principal=principal)
        if response.status_code != 101:
            return  # not a valid handshake: websockets answered 400 or 426 and the connection closes
        with self._lock:
            self._connections[connection_id] = connection
        try:
            self._read(connection, rfile)
        finally:
            with self._lock:
                self._connections.pop(connection_id, None)

    def _read(self, connection: Connection, rfile: BufferedIOBase) -> None:
        pending: list[bytes] = []
        text = True
        while True:
            try:
                data = rfile.read1(_READ_SIZE)
            except TimeoutError:
                # Idle past the server's read timeout (API Gateway's own is 10 minutes): closed as
                # "going away", as API Gateway closes an idle connection.
                connection.close(1001, "Going away")
                return
            except OSError:
                data = b""
            with connection.lock:
                if data:
                    connection.protocol.receive_data(data)
                else:
                    connection.protocol.receive_eof()
                events = connection.protocol.events_received()
                connection._flush()
                done = not data or connection.protocol.close_expected()
            for frame in events:
                if not isinstance(frame, Frame):
                    continue
                if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
                    pending, text = [bytes(frame.data)], frame.opcode == Opcode.TEXT
                elif frame.opcode == Opcode.CONT:
                    pending.append(bytes(frame.data))
                else:
                    continue
                if frame.fin:
                    connection.last_active_at = dt.datetime.now(dt.timezone.utc)
                    self._route_message(connection, b"".join(pending), text)
                    pending = []
            if done:
                return

    def _route_message(self, connection: Connection, message: bytes, text: bool) -> None:
        """Send the message to its route: its ``action`` names one, else ``$default``."""
        api = connection.api
        route = None
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            body = json.loads(message)
            if isinstance(body, dict) and isinstance(body.get("action"), str):
                route = api.route(body["action"])
        route = route or api.route("$default")
        if route is None or route.route_key in (CONNECT_ROUTE, "$disconnect"):
            # No route for the message: API Gateway answers on the connection itself.
            refusal_text = {"message": "Forbidden", "connectionId": connection.id, "requestId": _request_id()}
            connection.send(json.dumps(refusal_text, separators=(",", ":")).encode())
            return
        if route.answer is not None:
            connection.send(route.answer.body.encode())
        else:
            connection.send(message, text=text)

    # The @connections API and any other plain HTTP request to a WebSocket API.

    def http(self, request: WireRequest, target: ApiTarget) -> Invocation:
        """Answer a plain HTTP request to a WebSocket API: the ``@connections`` API, else 403."""
        assert target.api is not None
        api, stamp = target.api, request.stamp
        stage, _, rest = target.stage_path.partition("/")[2].partition("/")
        segments = rest.split("/")
        missing: Cause = "missing_auth_or_route"
        if stage not in api.stages or segments[0] != _CONNECTIONS or len(segments) != 2 or not segments[1]:
            return Invocation(responses.missing_authentication_token(stamp), cause=missing)
        if request.method not in ("POST", "GET", "DELETE"):
            return Invocation(responses.missing_authentication_token(stamp), cause=missing)
        try:
            principal = authenticate(request, self.store, api.region).principal
        except Rejection as rejection:
            return Invocation(refusal(request, rejection), cause=rejection_cause(rejection))
        connection_id = unquote(segments[1])
        call = Call(api, stage, request.method, f"/{_CONNECTIONS}/{connection_id}")
        decision = authorize_call(
            call,
            principal,
            group_policies=self.config.group_policies(principal.arn),
            source_ip=request.source_ip,
            now=stamp.now,
            secure=request.secure,
            request_keys=request_keys(request),
        )
        if decision.result != ALLOW:
            answer = responses.access_denied(
                stamp,
                principal.arn,
                call.arn(),
                explicit=decision.result == EXPLICIT_DENY,
                action=call.action,
            )
            cause = decision_cause(decision, anonymous=False, authorization=call.authorization)
            return Invocation(answer, principal, cause=cause, decision=decision)
        connection = self.connection(connection_id)
        if connection is None:
            return Invocation(responses.gone(stamp), principal, cause="connection_gone", decision=decision)
        return Invocation(_MANAGE[request.method](self, connection, request), principal, decision=decision)

    def _post(self, connection: Connection, request: WireRequest) -> Answer:
        connection.send(request.body, text=_is_text(request.body))
        return responses.mock_answer(request.stamp, 200, {}, b"", "application/json")

    def _get(self, connection: Connection, request: WireRequest) -> Answer:
        body = json.dumps(connection.describe(), separators=(",", ":")).encode()
        return responses.mock_answer(request.stamp, 200, {}, body, "application/json")

    def _delete(self, connection: Connection, request: WireRequest) -> Answer:
        with self._lock:
            self._connections.pop(connection.id, None)
        connection.close()
        return responses.mock_answer(request.stamp, 204, {}, b"", "application/json")


_MANAGE: dict[str, Callable[[WebSocketService, Connection, WireRequest], Answer]] = {
    "POST": WebSocketService._post,
    "GET": WebSocketService._get,
    "DELETE": WebSocketService._delete,
}
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _request_id() -> str:
    return base64.b64encode(secrets.token_bytes(11)).decode()
