"""The HTTP side: a threaded HTTP/1.1 server on loopback with keep-alive and optional TLS."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import re
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
from apiclient.gateway.wire import WireRequest, valid_host

__all__ = ["HttpServer"]

_MAX_BODY = 10 * 1024 * 1024  # API Gateway's REST payload limit
_IDLE_TIMEOUT = 60.0
# Line limits: a request line, one header line (a 26 kB User-Agent must still reach the policy engine),
# all header lines together, one chunk-size line, one trailer line.
_MAX_REQUEST_LINE = 16 * 1024
_MAX_HEADER_LINE = 64 * 1024
_MAX_HEADER_BYTES = 256 * 1024
_MAX_HEADERS = 100
_MAX_CHUNK_LINE = 1024
_MAX_TRAILER_LINE = 8 * 1024
# RFC 9110 section 5.6.2: a method and a field name are tokens.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_VERSION = re.compile(r"HTTP/1\.[01]")


class _Refusal(Exception):
    """A request that cannot be framed or read: answered with a 4xx, then the connection is closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _bad(message: str = "Bad Request") -> _Refusal:
    return _Refusal(400, message)


class _Handler(BaseHTTPRequestHandler):
    """A strict HTTP/1.1 reader (RFC 9112) on the standard library's connection loop.

    ``http.server`` tolerates what request smuggling feeds on (a ``Transfer-Encoding`` matched as a
    substring, signed chunk sizes, unbounded chunk and trailer lines, conflicting ``Content-Length``
    values) and answers malformed requests with an HTML page; here every request line, header line
    and chunk is read under a limit and every refusal is a JSON 4xx that closes the connection.
    """

    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT
    server: _Server
    header_list: list[tuple[str, str]]

    def handle_one_request(self) -> None:
        self.command, self.request_version, self.header_list = None, "HTTP/1.1", []  # type: ignore[assignment]
        self.header_index: dict[str, list[str]] = {}
        readline = self.rfile.readline
        try:
            line = readline(_MAX_REQUEST_LINE + 1)
            if line in (b"\r\n", b"\n"):
                # RFC 9112 section 2.2: an empty line before a request line is ignored (a stray CRLF
                # some clients send after a body).
                line = readline(_MAX_REQUEST_LINE + 1)
            if not line:
                self.close_connection = True
                return
            self._read_head(line)
            body = self._read_body()
        except _Refusal as refusal:
            self._refuse(refusal)
            return
        except TimeoutError:
            self.close_connection = True
            return
        request = WireRequest(
            method=self.command,
            target=self.path,
            headers=tuple(self.header_list),
            body=body,
            source_ip=self._source_ip(),
            secure=self.server.tls,
            stamp=Stamp(),
        )
        app = self.server.app
        # A WebSocket API's upgrade: the connection is the WebSocket session's until it closes.
        if app.take_over(request, self.rfile, self.wfile):
            self.close_connection = True
            return
        self._write(app.answer(request))

    def _read_head(self, line: bytes) -> None:
        if len(line) > _MAX_REQUEST_LINE:
            raise _Refusal(414, "Request-URI Too Long")
        if not line.endswith(b"\n"):
            raise _bad()  # the peer stopped mid-line
        self.requestline = line.rstrip(b"\r\n").decode("latin-1")
        parts = self.requestline.split(" ")
        if len(parts) != 3:
            raise _bad()
        method, target, version = parts
        if not _TOKEN.fullmatch(method) or not target.startswith("/") or not _VERSION.fullmatch(version):
            raise _bad()
        self.command, self.path, self.request_version = method, target, version
        self._read_fields()
        index = self.header_index
        hosts = index.get("host", ())
        # RFC 9112 section 3.2: a missing Host (HTTP/1.1), several, or an invalid one is a 400.
        if len(hosts) > 1 or (not hosts and version == "HTTP/1.1") or (hosts and not valid_host(hosts[0])):
            raise _bad()
        connection = index.get("connection")
        tokens = {t.strip().lower() for v in connection for t in v.split(",")} if connection else set()
        self.close_connection = "close" in tokens or (version == "HTTP/1.0" and "keep-alive" not in tokens)

    def _read_fields(self) -> None:
        """Header lines one at a time, each checked and kept in order, indexed by lower-cased name."""
        readline, fields, index = self.rfile.readline, self.header_list, self.header_index
        total = 0
        while True:
            raw = readline(_MAX_HEADER_LINE + 1)
            total += len(raw)
            if len(raw) > _MAX_HEADER_LINE or total > _MAX_HEADER_BYTES:
                raise _Refusal(431, "Request Header Fields Too Large")
            if raw in (b"\r\n", b"\n"):
                break
            if not raw.endswith(b"\n"):
                raise _bad()
            if len(fields) >= _MAX_HEADERS:
                raise _Refusal(431, "Request Header Fields Too Large")
            name, value = field = _field(raw)
            fields.append(field)
            key = name.lower()
            found = index.get(key)
            if found is None:
                index[key] = [value]
            else:
                found.append(value)

    def _values(self, name: str) -> list[str] | tuple[()]:
        return self.header_index.get(name, ())

    def _read_body(self) -> bytes:
        codings = [t.strip().lower() for v in self._values("transfer-encoding") for t in v.split(",")]
        lengths = [t.strip() for v in self._values("content-length") for t in v.split(",")]
        if codings:
            # RFC 9112 section 6.1/6.3: chunked, once and last, is the only coding read here; together
            # with Content-Length it is a smuggling attempt, refused (and the connection closed).
            if codings != ["chunked"] or lengths or self.request_version == "HTTP/1.0":
                raise _bad()
            self._continue()
            return self._read_chunked()
        if not lengths:
            return b""
        # RFC 9110 section 8.6: a list of identical values may be taken as one; anything else is a 400.
        if len(set(lengths)) != 1 or not _DIGITS.fullmatch(lengths[0]):
            raise _bad()
        digits = lengths[0].lstrip("0")
        length = int(digits or "0") if len(digits) <= 9 else _MAX_BODY + 1
        if length > _MAX_BODY:
            raise _Refusal(413, "Request Too Long")
        if length == 0:
            return b""
        self._continue()
        body = self.rfile.read(length)
        if len(body) != length:
            raise _bad()  # the peer closed early
        return bytes(body)

    def _continue(self) -> None:
        if any(v.strip().lower() == "100-continue" for v in self._values("expect")):
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_MAX_CHUNK_LINE + 1)
            if len(line) > _MAX_CHUNK_LINE or not line.endswith(b"\n"):
                raise _bad()
            # chunk-size = 1*HEXDIG, then optional ";name=value" extensions (RFC 9112 section 7.1).
            size_text = line.split(b";", 1)[0].rstrip(b"\r\n").rstrip(b" \t")
            if not _HEX.fullmatch(size_text.decode("latin-1")):
                raise _bad()
            digits = size_text.lstrip(b"0")
            size = int(digits or b"0", 16) if len(digits) <= 8 else _MAX_BODY + 1
            if size == 0:
                self._read_trailers()
                return b"".join(chunks)
            total += size
            if total > _MAX_BODY:
                raise _Refusal(413, "Request Too Long")
            data = self.rfile.read(size)
            if len(data) != size or self.rfile.read(2) != b"\r\n":
                raise _bad()
            chunks.append(data)

    def _read_trailers(self) -> None:
        for _ in range(_MAX_HEADERS + 1):
            line = self.rfile.readline(_MAX_TRAILER_LINE + 1)
            if len(line) > _MAX_TRAILER_LINE or not line.endswith(b"\n"):
                raise _bad()
            if line in (b"\r\n", b"\n"):
                return
            _field(line)  # trailers are checked and dropped: none changes how the request is answered
        raise _Refusal(431, "Request Header Fields Too Large")

    def _refuse(self, refusal: _Refusal) -> None:
        text = json.dumps({"message": refusal.message}, separators=(",", ":")).encode()
        headers = (("Content-Type", "application/json"), ("Content-Length", str(len(text))))
        self._write(Answer(refusal.status, headers, text, refusal.message), close=True)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Never Python's HTML page: a JSON 4xx (no path of this handler is expected to get here)."""
        status = code if 400 <= code < 500 else 400
        self._refuse(_Refusal(status, self.responses.get(status, ("Bad Request",))[0]))

    def _source_ip(self) -> str:
        peer = str(self.client_address[0])
        if not self.server.trust_forwarded_for:
            return peer
        forwarded = self._values("x-forwarded-for")
        first = (forwarded[0] if forwarded else "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(first))
        except ValueError:
            return peer

    def _write(self, answer: Answer, close: bool = False) -> None:
        self.close_connection = self.close_connection or close
        head = "".join(
            [
                _status_line(answer.status),
                *[f"{name}: {value}\r\n" for name, value in answer.headers],
                "Connection: close\r\n\r\n" if self.close_connection else "Connection: keep-alive\r\n\r\n",
            ]
        ).encode("latin-1")
        # Head and body leave in one write: two small writes meet Nagle and delayed ACKs (40 ms a request).
        self.wfile.write(head if self.command == "HEAD" else head + answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the access log (apiclient.gateway.accesslog) records every request instead."""


@functools.lru_cache(maxsize=64)
def _status_line(status: int) -> str:
    reason = BaseHTTPRequestHandler.responses.get(status, ("",))[0]
    return f"HTTP/1.1 {status} {reason}\r\n"


def _field(raw: bytes) -> tuple[str, str]:
    """One ``name: value`` line; RFC 9112 section 5: no space before the colon, no obsolete line folding."""
    line = raw.rstrip(b"\r\n").decode("latin-1")
    name, colon, value = line.partition(":")
    if not colon or not _TOKEN.fullmatch(name):
        raise _bad()
    return name, value.strip(" \t")


class _Server(ThreadingHTTPServer):
    """Each connection in its own thread (TLS handshake included); ``close_connections`` ends keep-alives."""

    # socketserver's default backlog is 5: of 32 simultaneous connects, most waited a second or more.
    request_queue_size = 128

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
            # The key lives on in the context; off the disk, a SIGKILL (no stop(), no cleanup) leaves
            # only the public certificate behind.
            key_path.unlink()
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
