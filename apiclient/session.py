"""``Client``: the call engine (``apiclient._call``) driven over ``requests``.

The engine decides every retry, skew correction, token refresh, redirect and refusal; this
module only turns its attempts into ``requests`` calls, and adds what is particular to
``requests``: its sessions and connection pools, its environment settings (proxies, CA
bundles), and curl-style ``connect_to`` through a transport adapter.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, cast

import requests
from requests.adapters import HTTPAdapter

from apiclient._call import (
    Attempt,
    Reply,
    Request,
    SendFailed,
    call_flow,
    drive,
    needs_body,
    snapshot_of,
)
from apiclient._client import (
    ClientBase,
    ca_bundle,
    diagnose_refusal,
    host_header,
    parse_address,
)
from apiclient.credentials.base import CredentialProvider, Credentials
from apiclient.endpoint import origin
from apiclient.errors import AccessDenied, EndpointError
from apiclient.retry import Retry

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs

    from apiclient.diagnostics import DiagnoseOptions

__all__ = ["Client", "ConnectToAdapter", "parse_address"]

_SEND_OPTIONS = ("timeout", "verify", "cert", "proxies", "stream")
# Enough pooled connections for many threads sharing one Client.
_POOL_SIZE = 32

Timeout = float | tuple[float, float]


class Client(ClientBase):
    """A signed, retrying, redirect-aware client for one API, over ``requests``.

    Args:
        base_url: the API's URL, e.g. ``https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod``.
        credentials: ``Credentials``, a provider, or a ``boto3.Session`` / botocore session or
            credentials; None uses ``apiclient.credentials.default()``.
        region, service: the signing scope; taken from an AWS host name when None. A custom
            domain or a loopback URL needs ``region``.
        stage: ``"$default"`` when the URL has no stage segment (an HTTP API's default stage).
        timeout: (connect, read) seconds, or one number for both.
        retry: attempts, retried statuses and methods, backoff (default: ``Retry.from_environment()``,
            which reads ``AWS_MAX_ATTEMPTS`` and ``AWS_RETRY_MODE``).
        api_key: sent as ``x-api-key`` (stages behind a usage plan).
        connect_to: ``"HOST:PORT"`` to connect to instead of the base URL's host, which still
            appears in the URL, the Host header, the signature and (https) SNI and the certificate
            check, as curl's ``--connect-to`` does.
        allow_http: allow plain http to hosts other than loopback.
        max_redirects: hops followed before ``RedirectError``.
        cross_origin_redirects: ``"strip"`` follows them without any credential; ``"refuse"`` raises.
        raise_for_access_denied: raise ``AccessDenied`` on 401/403 (else return the response).
        session: a ``requests.Session`` to send through; ``close()`` leaves it open, and
            ``connect_to`` mounts an adapter on it for the base URL's host.
        headers: headers added to every request.
        clock: returns the current aware UTC time; the Client adds its skew correction to it.
        diagnose_options: what to tell ``apiclient.diagnose`` about a refusal (the resource and
            identity policies, ``identify=True`` to ask STS who signed, the API owner account...).
        on_attempt: called with each ``Attempt`` (method, URL, headers, the ``Signature``) just
            before it is sent, e.g. to show the canonical request.
        verify: False, or a CA bundle's path; default ``AWS_CA_BUNDLE``, else requests' own
            (``REQUESTS_CA_BUNDLE``, certifi).

    The region is ``region``, else the URL's, else a boto3 session's, else ``AWS_REGION``,
    ``AWS_DEFAULT_REGION`` or the profile's (the AWS CLI v2's order). Inside Lambda the
    invocation's ``X-Amzn-Trace-Id`` is forwarded; the User-Agent ends in ``apiclient/VERSION``.

    Raises:
        EndpointError: a base URL that cannot be called (bad URL, unknown region, plain http).

    One Client may be shared by many threads: the only state it changes after construction
    is the clock offset, which is replaced in one assignment.
    """

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials | CredentialProvider | Any | None = None,
        region: str | None = None,
        service: str | None = None,
        stage: str | None = None,
        timeout: Timeout = (5.0, 30.0),
        retry: Retry | None = None,
        api_key: str | None = None,
        connect_to: str | None = None,
        allow_http: bool = False,
        max_redirects: int = 5,
        cross_origin_redirects: Literal["strip", "refuse"] = "strip",
        raise_for_access_denied: bool = True,
        session: requests.Session | None = None,
        headers: Mapping[str, str] | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
        diagnose_options: DiagnoseOptions | Mapping[str, Any] | None = None,
        on_attempt: Callable[[Attempt], None] | None = None,
        verify: bool | str | None = None,
    ) -> None:
        super().__init__(
            base_url,
            credentials=credentials,
            region=region,
            service=service,
            stage=stage,
            retry=retry,
            api_key=api_key,
            allow_http=allow_http,
            max_redirects=max_redirects,
            cross_origin_redirects=cross_origin_redirects,
            raise_for_access_denied=raise_for_access_denied,
            headers=headers,
            clock=clock,
            diagnose_options=diagnose_options,
            on_attempt=on_attempt,
            user_agent=requests.utils.default_user_agent(),
        )
        self.timeout = timeout
        self.verify = ca_bundle(verify)
        self._owns_session = session is None
        self._session = session or _new_session()
        if connect_to is not None:
            self._route(connect_to)

    def _route(self, connect_to: str) -> None:
        try:
            parse_address(connect_to)
        except ValueError as error:
            raise EndpointError(str(error)) from None
        adapter = ConnectToAdapter(self.base_url, connect_to, pool_connections=8, pool_maxsize=_POOL_SIZE)
        scheme, host, _port = origin(self.base_url)
        # The adapter itself checks host and port; the prefix keeps other hosts on their adapters.
        self._session.mount(f"{scheme}://{host}", adapter)

    # -- requests ------------------------------------------------------------------------

    def request(self, method: str, path_or_url: str, **kwargs: Any) -> requests.Response:
        """Send a signed request; ``kwargs`` are those of ``requests.request`` except ``auth``.

        Raises:
            AccessDenied: a 401 or 403 (unless ``raise_for_access_denied=False``).
            RedirectError: too many hops, a refused cross-origin hop, or a hop to plain http.
            requests.RequestException: transport failures once the attempts are used up.
        """
        if "auth" in kwargs:
            raise TypeError("Client signs every request itself; remove auth=")
        follow = bool(kwargs.pop("allow_redirects", True))
        send_options = {name: kwargs.pop(name) for name in _SEND_OPTIONS if name in kwargs}
        url = self.url_for(path_or_url)
        headers = self.headers_for(kwargs.pop("headers", None))
        prepared = self._session.prepare_request(
            requests.Request(method.upper(), url, headers=headers, auth=_signed_later, **kwargs)
        )
        settings: dict[str, Any] = dict(
            self._session.merge_environment_settings(
                url,
                send_options.pop("proxies", {}),
                send_options.pop("stream", None),
                _given(send_options.pop("verify", None), self.verify),
                send_options.pop("cert", None),
            )
        )
        settings["timeout"] = send_options.pop("timeout", self.timeout)
        first = Request(prepared.method or method, prepared.url or url, prepared.headers, prepared.body)
        outcome = drive(
            call_flow(self._plan, first, follow_redirects=follow),
            credentials=self._snapshot,
            send=lambda attempt: self._send(attempt, prepared, settings),
            close=_close,
        )
        response = cast("requests.Response", outcome.reply.native)
        if outcome.refused is not None:
            diagnosis = diagnose_refusal(outcome.refused, self.diagnose_options)
            raise AccessDenied(diagnosis, request=response.request, response=response)
        return response

    def _snapshot(self, force_refresh: bool) -> Credentials:
        return snapshot_of(self.credentials, force_refresh)

    def _send(
        self, attempt: Attempt, template: requests.PreparedRequest, settings: dict[str, Any]
    ) -> Reply | SendFailed:
        if self.on_attempt is not None:
            self.on_attempt(attempt)
        # Not template.copy(): copying its cookie jar (a new CookieJar and its lock) and headers, both
        # replaced or only read, cost more than the signature (cProfile, signed keep-alive GET). The
        # jar is shared: requests reads it (on a copy) to describe a redirect it does not follow.
        outgoing = requests.PreparedRequest()
        outgoing.method = attempt.method
        outgoing.url = attempt.url
        outgoing.headers = requests.structures.CaseInsensitiveDict(attempt.headers)
        outgoing.body = attempt.body
        outgoing.hooks = template.hooks
        outgoing._cookies = template._cookies  # type: ignore[attr-defined]
        try:
            response = self._session.send(outgoing, allow_redirects=False, **settings)
        except requests.exceptions.SSLError:
            raise  # a certificate problem does not go away on a second attempt
        except requests.ConnectionError as error:
            return SendFailed(error, retryable=True)
        body = response.content if needs_body(response.status_code) else None
        return Reply(response.status_code, response.headers, body, response)

    def get(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed GET."""
        return self.request("GET", path_or_url, **kwargs)

    def head(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed HEAD."""
        return self.request("HEAD", path_or_url, **kwargs)

    def options(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed OPTIONS."""
        return self.request("OPTIONS", path_or_url, **kwargs)

    def post(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed POST (never retried on transient errors: it may have run)."""
        return self.request("POST", path_or_url, **kwargs)

    def put(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed PUT."""
        return self.request("PUT", path_or_url, **kwargs)

    def patch(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed PATCH (never retried on transient errors)."""
        return self.request("PATCH", path_or_url, **kwargs)

    def delete(self, path_or_url: str = "", **kwargs: Any) -> requests.Response:
        """A signed DELETE."""
        return self.request("DELETE", path_or_url, **kwargs)

    def close(self) -> None:
        """Close the connections of a session this Client created."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _signed_later(request: requests.PreparedRequest) -> requests.PreparedRequest:
    # An auth for prepare_request: without one requests stats ~/.netrc on every call, and the
    # Authorization it might add would be replaced by the signature anyway.
    return request


def _given(value: bool | str | None, default: bool | str | None) -> bool | str | None:
    return default if value is None else value


def _close(response: Any) -> None:
    cast("requests.Response", response).close()


def _new_session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=8, pool_maxsize=_POOL_SIZE)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# -- curl's --connect-to for requests ------------------------------------------------------------


class ConnectToAdapter(HTTPAdapter):
    """Route requests for ``real_url``'s origin to ``address``; others go where their URL says.

    The URL, the Host header and therefore the SigV4 signature stay those of the real host; only
    the TCP connection goes elsewhere (the local gateway, a tunnel), bypassing any proxy. Over
    https the TLS handshake also stays the real host's: SNI names it and the certificate must be
    valid for it (pass ``verify=`` a CA bundle for a local gateway's certificate).
    """

    def __init__(self, real_url: str, address: str, **kwargs: Any) -> None:
        self._real = origin(real_url)
        self._target = parse_address(address)
        super().__init__(**kwargs)

    def _reroutes(self, request: requests.PreparedRequest) -> bool:
        return origin(request.url or "") == self._real

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: str | tuple[str, str] | None = None
    ) -> tuple[_HostParams, _PoolKwargs]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if not self._reroutes(request):
            return host_params, pool_kwargs
        target_host, target_port = self._target
        host_params = {**host_params, "host": target_host, "port": target_port}
        if host_params["scheme"] == "https":
            # urllib3 uses server_hostname both for SNI and for the certificate's name check.
            pool_kwargs = cast("_PoolKwargs", {**pool_kwargs, "server_hostname": self._real[1]})
        return host_params, pool_kwargs

    def send(  # noqa: PLR0917 - HTTPAdapter.send's own signature
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if self._reroutes(request):
            # Without it http.client would send the connection's address as Host.
            request.headers.setdefault("Host", host_header(request.url or ""))
            # The chosen address wins over proxies from the environment, as with curl's --connect-to.
            proxies = None
        return super().send(request, stream, timeout, verify, cert, proxies)
