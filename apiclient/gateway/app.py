"""The gateway's services behind one port: execute-api, STS, IMDS and container credentials."""

from __future__ import annotations

import datetime as dt
import logging
import time
from io import BufferedIOBase

from apiclient.gateway.accesslog import AccessLog, Entry, trace_id, with_trace
from apiclient.gateway.config import GatewayConfig
from apiclient.gateway.identities import IdentityStore
from apiclient.gateway.imds import CredentialEndpoints
from apiclient.gateway.invoke import invoke
from apiclient.gateway.responses import Answer, mock_answer
from apiclient.gateway.routing import target_of
from apiclient.gateway.sts import StsService
from apiclient.gateway.websocket import WebSocketService
from apiclient.gateway.wire import WireRequest

__all__ = ["GatewayApp"]

logger = logging.getLogger("apiclient.gateway")


class GatewayApp:
    """Routes each request to its service and writes the access log; knows nothing of sockets."""

    def __init__(self, config: GatewayConfig, *, credential_lifetime: dt.timedelta | None = None) -> None:
        self.config = config
        self.store = IdentityStore(config)
        self.sts = StsService(config, self.store, credential_lifetime)
        self.credentials = CredentialEndpoints(config, self.sts)
        self.access_log = AccessLog()
        self.websockets = WebSocketService(config, self.store, self.access_log)

    def take_over(self, request: WireRequest, rfile: BufferedIOBase, wfile: BufferedIOBase) -> bool:
        """Serve a WebSocket API's upgrade request on this connection until it closes; False (and
        nothing read or written) for any other request."""
        try:
            return self.websockets.take_over(request, rfile, wfile)
        except Exception:
            logger.exception("internal error serving a WebSocket connection on %s", request.path)
            return True

    def answer(self, request: WireRequest) -> Answer:
        started = time.perf_counter()
        try:
            entry = self._dispatch(request, started)
        except Exception:
            # A bug must not kill the connection thread; API Gateway's own 500 text, details to the log.
            logger.exception("internal error answering %s %s", request.method, request.path)
            answer = mock_answer(
                request.stamp, 500, {}, b'{"message": "Internal server error"}', "application/json"
            )
            entry = Entry(request, answer, _ms_since(started))
        self.access_log.write(entry)
        return entry.answer

    def _dispatch(self, request: WireRequest, started: float) -> Entry:
        target = target_of(request, self.config)
        if target == "sts":
            answer, key = self.sts.handle(request)
            return Entry(request, answer, _ms_since(started), key.principal if key else None, service="sts")
        if target == "imds":
            return Entry(request, self.credentials.imds(request), _ms_since(started), service="imds")
        if target == "container":
            return Entry(
                request, self.credentials.container(request), _ms_since(started), service="container"
            )
        assert not isinstance(target, str)
        if target.api is not None and target.api.type == "WEBSOCKET":
            result = self.websockets.http(request, target)
        else:
            result = invoke(request, target, self.store, self.config)
        match, answer, trace = result.match, result.answer, None
        # Only REST APIs trace with X-Ray (API Gateway Developer Guide, "Tracing user requests to REST
        # APIs using X-Ray"): their answers carry the trace ID back.
        if target.api is not None and target.api.type == "REST":
            trace = trace_id(request)
            answer = with_trace(answer, trace)
        return Entry(
            request,
            answer,
            _ms_since(started),
            result.principal,
            match.resource_path if match else None,
            target.api.id if target.api else None,
            match.stage if match else None,
            cause=result.cause,
            decision=result.decision,
            trace_id=trace,
        )


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
