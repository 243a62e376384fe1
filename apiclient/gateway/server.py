"""The HTTP side: a threaded HTTP/1.1 server on loopback with keep-alive and optional TLS."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import shutil
import socket
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from apiclient.gateway.app import GatewayApp
from apiclient.gateway.responses import Answer, Stamp
from apiclient.gateway.tlscert import write_self_signed
from apiclient.gateway.wire import WireRequest

__all__ = ["HttpServer"]

_MAX_BODY = 10 * 1024 * 1024  # API Gateway's REST payload limit
_IDLE_TIMEOUT = 60.0


class _UnreadableBody(Exception):
    """A body that cannot be read: bad framing (400) or over the payload limit (413)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT
    server: _Server

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _UnreadableBody as problem:
            text = json.dumps({"message": problem.message}, separators=(",", ":")).encode()
            headers = (("Content-Type", "application/json"), ("Content-Length", str(len(text))))
            self._write(Answer(problem.status, headers, text, problem.message), close=True)
            return
        self._write(
            self.server.app.answer(
                WireRequest(
                    method=self.command,
                    target=self.path,
                    headers=tuple(self.headers.items()),
                    body=body,
                    source_ip=self._source_ip(),
                    secure=self.server.tls,
                    stamp=Stamp(),
                )
            )
        )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        try:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                return self._read_chunked()
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _UnreadableBody(400, "Bad Request") from None
        if length < 0:
            raise _UnreadableBody(400, "Bad Request")
        if length > _MAX_BODY:
            raise _UnreadableBody(413, "Request Too Long")
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > _MAX_BODY:
                raise _UnreadableBody(413, "Request Too Long")
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _source_ip(self) -> str:
        peer = str(self.client_address[0])
        if not self.server.trust_forwarded_for:
            return peer
        first = (self.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(first))
        except ValueError:
            return peer

    def _write(self, answer: Answer, close: bool = False) -> None:
        self.close_connection = self.close_connection or close
        reason = self.responses.get(answer.status, ("",))[0]
        lines = [f"{self.protocol_version} {answer.status} {reason}"]
        lines += [f"{name}: {value}" for name, value in answer.headers]
        lines.append(f"Connection: {'close' if self.close_connection else 'keep-alive'}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # Head and body leave in one write: two small writes meet Nagle and delayed ACKs (40 ms a request).
        self.wfile.write(head if self.command == "HEAD" else head + answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the access log (apiclient.gateway.accesslog) records every request instead."""


class _Server(ThreadingHTTPServer):
    """Each connection in its own thread (TLS handshake included); ``close_connections`` ends keep-alives."""

    def __init__(
        self,
        address: tuple[str, int],
        app: GatewayApp,
        ssl_context: ssl.SSLContext | None,
        trust_forwarded_for: bool,
    ) -> None:
        self.app = app
        self.tls = ssl_context is not None
        self.trust_forwarded_for = trust_forwarded_for
        self._ssl_context = ssl_context
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._ssl_context is not None:
                request = self._ssl_context.wrap_socket(request, server_side=True)
            super().finish_request(request, client_address)
        except (OSError, ssl.SSLError):
            pass  # the client went away or failed the handshake: nothing to answer
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_connections(self) -> None:
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)


class HttpServer:
    """Starts the gateway on ``host:port`` in a background thread; ``stop()`` ends it and its connections."""

    def __init__(
        self, app: GatewayApp, *, host: str, port: int, tls: bool, trust_forwarded_for: bool
    ) -> None:
        self._workdir: Path | None = None
        self.cert_path: Path | None = None
        context = None
        if tls:
            self._workdir = Path(tempfile.mkdtemp(prefix="apiclient-gateway-"))
            self.cert_path, key_path = write_self_signed(self._workdir, (api.host for api in app.config.apis))
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert_path, key_path)
        self._server = _Server((host, port), app, context, trust_forwarded_for)
        self.host, self.port = host, int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"apiclient-gateway-{self.port}",
            daemon=True,
        )
        self._serving = False
        self._stopped = False

    def start(self) -> None:
        self._serving = True
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` is called from another (or Ctrl-C)."""
        self._serving = True
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._serving:
            self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
