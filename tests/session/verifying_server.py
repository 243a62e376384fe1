"""A small HTTP server on 127.0.0.1 that checks SigV4 with botocore, and misbehaves on request.

It recomputes each signature with botocore's ``SigV4Auth`` at the request's own X-Amz-Date
(botocore, not apiclient.sigv4: the two sides of the test stay independent) and answers
with API Gateway's exact refusal bodies (tests/data/apigateway_errors.json). Tests
script it through ``VerifyingServer``: queue failures (503/429/502/504, with Retry-After, or
a dropped connection), add redirects and canned responses, skew its clock, refuse tokens.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hmac
import json
import re
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

AMZ_DATE = "%Y%m%dT%H%M%SZ"
SKEW_WINDOW = dt.timedelta(minutes=5)  # execute-api's window (errors.md observation 7)
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)"
    r"/aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass
class Seen:
    """One request as the server received it, and what the verifier made of it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    verdict: str  # "ok", "unsigned", or why the signature was refused
    amz_date: str | None

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def refusal(status: int, error_type: str | None, message: str, key: str = "message") -> Reply:
    """An API Gateway style refusal: compact JSON and x-amzn-ErrorType."""
    headers = {"Content-Type": "application/json", "x-amz-apigw-id": "TestId="}
    if error_type:
        headers["x-amzn-ErrorType"] = error_type
    return Reply(status, headers, json.dumps({key: message}, separators=(",", ":")).encode())


class VerifyingServer:
    """The server and its script; start() binds a free port on 127.0.0.1."""

    def __init__(
        self,
        secrets: dict[str, str],
        *,
        region: str = "us-east-1",
        service: str = "execute-api",
        verify: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.secrets = dict(secrets)
        self.region = region
        self.service = service
        self.verify = verify
        self.clock_offset = dt.timedelta(0)
        self.refused_tokens: set[str] = set()
        self.redirects: dict[str, tuple[int, str]] = {}
        self.replies: dict[str, Reply] = {}
        self.failures: deque[Reply | None] = deque()  # None drops the connection
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            self.scheme = "https"
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> VerifyingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + self.clock_offset

    def fail_next(self, *replies: Reply | None) -> None:
        """Answer the next requests with these (None: close the connection without a reply)."""
        self.failures.extend(replies)

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def next_failure(self) -> tuple[bool, Reply | None]:
        with self._lock:
            if not self.failures:
                return False, None
            return True, self.failures.popleft()

    # -- verification (botocore) --------------------------------------------------------

    def check(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[str, Reply | None]:
        """(verdict, refusal or None) for one request."""
        lower = {name.lower(): value for name, value in headers.items()}
        authorization = lower.get("authorization")
        if authorization is None:
            return "unsigned", refusal(
                403, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        match = _AUTHORIZATION.match(authorization)
        amz_date = lower.get("x-amz-date")
        if match is None or amz_date is None:
            return "incomplete", refusal(
                403, "IncompleteSignatureException", f"Authorization header requires 'Credential' parameter. "
                f"Authorization={authorization}",
            )  # fmt: skip
        skew = self._skew_refusal(amz_date)
        if skew is not None:
            return "skew", skew
        if match["region"] != self.region:
            return "region", refusal(
                403, "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{match['region']}'. ",
            )  # fmt: skip
        if match["service"] != self.service:
            return "service", refusal(
                403,
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{self.service}'. ",
            )
        secret = self.secrets.get(match["key"])
        token = lower.get("x-amz-security-token")
        if secret is None or (token is not None and token in self.refused_tokens):
            return "token", refusal(
                403, "AccessDeniedException", "The security token included in the request is invalid."
            )
        expected = self._botocore_signature(method, path, lower, body, match, amz_date, secret, token)
        if not hmac.compare_digest(expected, match["signature"]):
            return "mismatch", refusal(403, "InvalidSignatureException", MISMATCH)
        return "ok", None

    def _skew_refusal(self, amz_date: str) -> Reply | None:
        try:
            signed = dt.datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return refusal(403, "IncompleteSignatureException", "Date must be in ISO-8601 'basic format'.")
        now = self.now().replace(microsecond=0)
        if signed < now - SKEW_WINDOW:
            text = f"Signature expired: {amz_date} is now earlier than {(now - SKEW_WINDOW):{AMZ_DATE}} "
            return refusal(403, "InvalidSignatureException", text + f"({now:{AMZ_DATE}} - 5 min.)")
        if signed > now + SKEW_WINDOW:
            text = (
                f"Signature not yet current: {amz_date} is still later than {(now + SKEW_WINDOW):{AMZ_DATE}} "
            )
            return refusal(403, "InvalidSignatureException", text + f"({now:{AMZ_DATE}} + 5 min.)")
        return None

    def _botocore_signature(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        match: re.Match[str],
        amz_date: str,
        secret: str,
        token: str | None,
    ) -> str:
        signed_names = match["signed"].split(";")
        request = AWSRequest(
            method=method,
            url=f"http://{headers.get('host', '')}{path}",
            headers={name: headers.get(name, "") for name in signed_names},
            data=body,
        )
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(BotoCredentials(match["key"], secret, token), self.service, self.region)
        canonical = signer.canonical_request(request)
        return str(signer.signature(signer.string_to_sign(request, canonical), request))


def _handler_for(server: VerifyingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One write per reply: headers and body in separate small writes meet Nagle's algorithm
        # and delayed ACKs, costing ~40 ms per keep-alive request.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.seen`` instead."""

        def date_time_string(self, timestamp: float | None = None) -> str:
            # The Date header follows the server's settable clock, as API Gateway's follows its own.
            return email.utils.format_datetime(server.now(), usegmt=True)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name: value for name, value in self.headers.items()}
            path = self.path
            verdict, refused = ("unchecked", None)
            if server.verify:
                verdict, refused = server.check(self.command, path, headers, body)
            lower = {name.lower(): value for name, value in headers.items()}
            server.record(Seen(self.command, path, headers, body, verdict, lower.get("x-amz-date")))
            has_failure, failure = server.next_failure()
            if has_failure and failure is None:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            reply = failure or refused or self._scripted(path, body)
            self._send(reply)

        def _scripted(self, path: str, body: bytes) -> Reply:
            route = path.split("?", 1)[0]
            if route in server.redirects:
                status, location = server.redirects[route]
                return Reply(status, {"Location": location})
            if route in server.replies:
                return server.replies[route]
            echo = {"method": self.command, "path": path, "body": body.decode("utf-8", "replace")}
            return Reply(200, {"Content-Type": "application/json"}, json.dumps(echo).encode())

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return Handler
