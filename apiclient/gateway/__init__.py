"""A local execute-api gateway: SigV4 verification, IAM authorization, STS, IMDSv2, container credentials.

    with apiclient.gateway.running(apiclient.gateway.sample_config()) as gw:
        requests.get(gw.api_url() + "/products", auth=...)

One port serves everything: execute-api (by Host ``{api_id}.execute-api.{region}.amazonaws.com``, by
``x-apigw-api-id``, by ``/restapis/{api_id}/{stage}/_user_request_/...`` or, with one API, by
``/{stage}/...``), STS at ``/sts``, IMDS at ``/latest/...`` and container credentials at
``/container-credentials``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from apiclient._botocore_logs import guard_botocore_logs
from apiclient.credentials.base import Credentials
from apiclient.errors import ConfigError
from apiclient.gateway.app import GatewayApp
from apiclient.gateway.config import Api, GatewayConfig, load_config, sample_config
from apiclient.gateway.routing import CONTAINER_PATH, STS_PATH
from apiclient.gateway.server import HttpServer

__all__ = ["Gateway", "GatewayConfig", "load_config", "running", "sample_config", "serve"]

ConfigSource = GatewayConfig | Mapping[str, Any] | str | Path


class Gateway:
    """A gateway listening on 127.0.0.1 (or ``host``); use ``running()`` or ``serve()`` to get one."""

    def __init__(
        self,
        config: ConfigSource,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        tls: bool = False,
        trust_forwarded_for: bool = False,
        credential_lifetime: float | dt.timedelta | None = None,
    ) -> None:
        self.config = load_config(config)
        self._app = GatewayApp(self.config, credential_lifetime=_lifetime(credential_lifetime))
        self._server = HttpServer(
            self._app, host=host, port=port, tls=tls, trust_forwarded_for=trust_forwarded_for
        )
        self.url = f"{'https' if tls else 'http'}://{host}:{self._server.port}"
        self.port = self._server.port
        self.cert_path = self._server.cert_path
        self.sts_url = self.url + STS_PATH
        self.imds_url = self.url + "/"
        self.container_credentials_url = self.url + CONTAINER_PATH

    @property
    def container_token(self) -> str:
        """The value clients must send as ``Authorization`` (AWS_CONTAINER_AUTHORIZATION_TOKEN)."""
        return self._app.credentials.container_token

    @property
    def websocket_connections(self) -> list[str]:
        """The IDs of the WebSocket connections open now (for the ``@connections`` API)."""
        return self._app.websockets.connection_ids

    @property
    def access_log(self) -> list[dict[str, str]]:
        """A copy of the access-log records so far, oldest first."""
        return self._app.access_log.records()

    def add_access_listener(self, listener: Callable[[Mapping[str, str]], None]) -> Callable[[], None]:
        """Call ``listener(record)`` with each access-log record as it is written (in the request's
        thread, before the answer leaves); returns the function that removes it."""
        return self._app.access_log.listen(listener)

    def api_url(self, api_id: str | None = None, stage: str | None = None) -> str:
        """The invoke URL of a stage on this server: ``{url}/{stage}`` with one API, else the path style."""
        api = self._api(api_id)
        stage = stage or api.stages[0]
        if len(self.config.apis) == 1:
            # An HTTP API's $default stage is served at the root (no stage segment).
            return self.url if stage == "$default" else f"{self.url}/{stage}"
        return f"{self.url}/restapis/{api.id}/{stage}/_user_request_"

    def host_for(self, api_id: str | None = None) -> str:
        """The real ``{api_id}.execute-api.{region}.amazonaws.com`` host a client signs for."""
        return self._api(api_id).host

    def credentials_for(self, name: str, *, session_name: str = "apiclient-testing") -> Credentials:
        """Credentials for a configured user (its first access key) or role (a new session, trust not asked).

        Raises:
            ConfigError: no user or role has that name, or the user has no access key.
        """
        for user in self.config.users:
            if user.name == name:
                if not user.access_keys:
                    raise ConfigError(f"user {name!r} has no access key", "users")
                key = user.access_keys[0]
                return Credentials(key.access_key_id, key.secret_access_key)
        role = self.config.role(name)
        if role is None:
            raise ConfigError(f"no user or role named {name!r} is configured", "users")
        session = self._app.sts.issue(role, session_name, role.max_session_duration)
        return Credentials(session.access_key_id, session.secret_access_key, session.token, session.expiry)

    def start(self) -> Gateway:
        guard_botocore_logs()  # botocore's verifier logs canonical requests with the token at DEBUG
        self._server.start()
        return self

    def serve_forever(self) -> None:
        guard_botocore_logs()
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop listening, close open keep-alive connections and remove the TLS files."""
        self._server.stop()

    def _api(self, api_id: str | None) -> Api:
        if api_id is None:
            return self.config.apis[0]
        for api in self.config.apis:
            if api.id == api_id:
                return api
        raise ConfigError(f"no API with id {api_id!r} is configured", "apis")


@contextmanager
def running(
    config: ConfigSource,
    *,
    port: int = 0,
    tls: bool = False,
    trust_forwarded_for: bool = False,
    credential_lifetime: float | dt.timedelta | None = None,
) -> Iterator[Gateway]:
    """A gateway serving in a background thread for the duration of the ``with`` block.

    Args:
        config: a ``GatewayConfig``, a parsed mapping, or a YAML/JSON file path.
        port: 0 picks a free port.
        tls: serve HTTPS with a generated self-signed certificate (``gw.cert_path``).
        trust_forwarded_for: take the source IP from X-Forwarded-For (for IP-condition tests from loopback).
        credential_lifetime: seconds (or a timedelta) issued credentials last (overrides DurationSeconds).

    Raises:
        ConfigError: the configuration is invalid; ``path`` names the field.
    """
    gateway = Gateway(
        config,
        port=port,
        tls=tls,
        trust_forwarded_for=trust_forwarded_for,
        credential_lifetime=credential_lifetime,
    ).start()
    try:
        yield gateway
    finally:
        gateway.stop()


def serve(
    config: ConfigSource,
    *,
    port: int,
    host: str = "127.0.0.1",
    tls: bool = False,
    trust_forwarded_for: bool = False,
    credential_lifetime: float | dt.timedelta | None = None,
    ready: Callable[[Gateway], None] | None = None,
) -> None:
    """Serve in the calling thread until interrupted (Ctrl-C); ``ready(gateway)`` is called once listening."""
    gateway = Gateway(
        config,
        port=port,
        host=host,
        tls=tls,
        trust_forwarded_for=trust_forwarded_for,
        credential_lifetime=credential_lifetime,
    )
    try:
        if ready is not None:
            ready(gateway)
        gateway.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.stop()


def _lifetime(value: float | dt.timedelta | None) -> dt.timedelta | None:
    if value is None or isinstance(value, dt.timedelta):
        return value
    if value <= 0:
        raise ConfigError("must be a positive number of seconds", "credential_lifetime")
    return dt.timedelta(seconds=value)
