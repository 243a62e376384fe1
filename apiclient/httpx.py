"""httpx support: ``SigV4Auth`` (an ``httpx.Auth``, sync and async) and ``AsyncClient``.

``AsyncClient`` drives the same call engine as ``Client`` (``apiclient._call``) over
``httpx.AsyncClient``: every retry, skew correction, token refresh, redirect and refusal is
decided there, so an asyncio service gets exactly a threaded requests user's behaviour.
Credentials are refreshed off the event loop (``apiclient.credentials.aio``).

Install with ``pip install 'apiclient[httpx]'``; ``import apiclient`` never imports httpx.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import os
import ssl
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from functools import lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import httpx

from apiclient import sigv4
from apiclient._botocore_logs import guard_http_logs
from apiclient._call import (
    Attempt,
    Reply,
    Request,
    SendFailed,
    SkewClock,
    call_flow,
    drive_async,
    needs_body,
    server_time,
)
from apiclient._client import (
    ClientBase,
    as_credentials,
    ca_bundle,
    diagnose_refusal,
    host_header,
    parse_address,
)
from apiclient.credentials.aio import AsyncCredentials
from apiclient.credentials.base import CredentialProvider, Credentials, snapshot
from apiclient.endpoint import origin, parse_url
from apiclient.errors import AccessDenied, EndpointError
from apiclient.retry import Retry

if TYPE_CHECKING:
    from apiclient.diagnostics import DiagnoseOptions

__all__ = ["AsyncClient", "SigV4Auth"]

Timeout = float | tuple[float, float] | httpx.Timeout
# What requests calls a ConnectionError: no response came, so an idempotent request may go again.
_CONNECTION_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError)
# Left by an earlier signature of the same request: signed afresh.
_SIGNATURE_HEADERS = ("authorization", "x-amz-date", "x-amz-security-token")


@lru_cache(maxsize=256)
def _region_of_host(host: str) -> str:
    return parse_url(f"https://{host}/").region


class SigV4Auth(httpx.Auth):
    """Sign each httpx request with SigV4; for ``httpx.Client`` and ``httpx.AsyncClient``.

    Args:
        credentials: ``Credentials``, a provider, or a boto3/botocore session or credentials.
        region: the signing region; None derives it from an AWS host in the URL.
        service: the signing name, ``execute-api`` for API Gateway.
        clock: returns the signing time (aware UTC).

    A refusal for clock skew is answered inside the flow, as httpx intends an auth to: the
    request is signed once more with the server's time, and later requests keep that offset.
    In async code a credential refresh runs in a worker thread, never on the event loop.

    httpx runs the auth flow again for each redirect hop it follows (``follow_redirects=True``),
    including hops to another origin: to be sure no credential leaves the API's origin, leave
    redirects off (httpx's default) or use ``AsyncClient``, which strips them.

    Raises (when a request is signed):
        EndpointError: ``region`` is None and the URL's host does not name a region.
        SigningError: a body or header that cannot be signed.
    """

    def __init__(
        self,
        credentials: Credentials | CredentialProvider | Any,
        region: str | None = None,
        service: str = "execute-api",
        *,
        clock: Callable[[], _dt.datetime] | None = None,
    ) -> None:
        self.credentials = as_credentials(credentials)
        self.region = region
        self.service = service
        self._clock = SkewClock(clock)
        self._async = AsyncCredentials(self.credentials)
        guard_http_logs()

    def __repr__(self) -> str:
        return f"SigV4Auth(region={self.region!r}, service={self.service!r}, credentials={self.credentials})"

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock when signing, learned from a skew refusal."""
        return self._clock.offset

    def sign(self, request: httpx.Request, credentials: Credentials | None = None) -> sigv4.Signature:
        """Sign ``request`` in place (its body must be read); returns what the signature covered."""
        for name in _SIGNATURE_HEADERS:
            request.headers.pop(name, None)
        signature = sigv4.sign(
            request.method,
            str(request.url),
            request.headers.multi_items(),
            request.content,
            credentials=credentials if credentials is not None else snapshot(self.credentials),
            region=self.region or _region_of_host(request.url.host),
            service=self.service,
            timestamp=self._clock.now(),
        )
        request.headers.update(signature.headers)
        return signature

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        self.sign(request)
        response = yield request
        if self._skewed(response, response.read()):
            self.sign(request)
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        self.sign(request, await self._async.get())
        response = yield request
        if self._skewed(response, await response.aread() if needs_body(response.status_code) else b""):
            self.sign(request, await self._async.get())
            yield request

    def _skewed(self, response: httpx.Response, body: bytes) -> bool:
        """True (and the clock corrected) when the refusal is for clock skew."""
        if not needs_body(response.status_code):
            return False
        from apiclient.diagnostics import CAUSE_TABLE, classify  # noqa: PLC0415 - only on a refusal

        classified = classify(response.status_code, response.headers, body)
        if CAUSE_TABLE[classified.cause].on_refusal != "correct_clock":
            return False
        server = server_time(response.headers, classified.details)
        if server is None:
            return False
        self._clock.correct_to(server)
        return True


class AsyncClient(ClientBase):
    """``Client``'s constructor and behaviour over ``httpx.AsyncClient``, for asyncio.

    ``async with AsyncClient(url) as api: response = await api.get("/products")`` returns an
    ``httpx.Response``; a 401/403 raises ``AccessDenied`` with the diagnosis. Arguments are
    ``Client``'s (see ``apiclient.Client``); ``client`` is an ``httpx.AsyncClient`` to send
    through (left open by ``aclose()``), and ``verify``/``cert`` are httpx's TLS settings.
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
        client: httpx.AsyncClient | None = None,
        headers: Mapping[str, str] | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
        diagnose_options: DiagnoseOptions | Mapping[str, Any] | None = None,
        on_attempt: Callable[[Attempt], None] | None = None,
        verify: bool | str | None = None,
        cert: str | tuple[str, str] | None = None,
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
            user_agent=f"python-httpx/{httpx.__version__}",
        )
        self._snapshots = AsyncCredentials(self.credentials)
        self._connect_to = _address(connect_to) if connect_to is not None else None
        self._origin = origin(base_url)
        guard_http_logs()
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=_timeout(timeout), verify=_verify(ca_bundle(verify)), cert=cert
        )

    async def request(self, method: str, path_or_url: str, **kwargs: Any) -> httpx.Response:
        """Send a signed request; ``kwargs`` are those of ``httpx.AsyncClient.request`` except
        ``auth`` (``params``, ``headers``, ``content``, ``data``, ``files``, ``json``, ``timeout``,
        ``follow_redirects``, ``extensions``).

        Raises:
            AccessDenied: a 401 or 403 (unless ``raise_for_access_denied=False``).
            RedirectError: too many hops, a refused cross-origin hop, or a hop to plain http.
            httpx.HTTPError: transport failures once the attempts are used up.
        """
        if "auth" in kwargs:
            raise TypeError("AsyncClient signs every request itself; remove auth=")
        follow = bool(kwargs.pop("follow_redirects", True))
        headers = self.headers_for(kwargs.pop("headers", None))
        built = self._client.build_request(
            method.upper(), self.url_for(path_or_url), headers=headers, **kwargs
        )
        body = await built.aread()
        first = Request(built.method, str(built.url), dict(built.headers.items()), body or None)
        outcome = await drive_async(
            call_flow(self._plan, first, follow_redirects=follow),
            credentials=self._snapshot,
            send=lambda attempt: self._send(attempt, built, first.url),
            close=_aclose,
            sleep=asyncio.sleep,
        )
        response: httpx.Response = outcome.reply.native
        await response.aread()
        if outcome.refused is not None:
            # Off the loop: the policy engine is CPU work, and identify=True asks STS.
            diagnosis = await asyncio.to_thread(diagnose_refusal, outcome.refused, self.diagnose_options)
            raise AccessDenied(diagnosis, request=response.request, response=response)
        return response

    async def _snapshot(self, force_refresh: bool) -> Credentials:
        if force_refresh:
            return await self._snapshots.force_refresh()
        return await self._snapshots.get()

    async def _send(self, attempt: Attempt, template: httpx.Request, first_url: str) -> Reply | SendFailed:
        if self.on_attempt is not None:
            self.on_attempt(attempt)
        if self._connect_to is None and attempt.url == first_url and attempt.method == template.method:
            # The request httpx built (its URL parsed and encoded once), with this attempt's headers:
            # a second httpx.Request per call costs more than the signature.
            template.headers = httpx.Headers(attempt.headers)
            outgoing = template
        else:
            outgoing = self._request_for(attempt, template)
        try:
            response = await self._client.send(outgoing, stream=True, follow_redirects=False)
        except _CONNECTION_ERRORS as error:
            if _is_tls(error):
                raise  # a certificate problem does not go away on a second attempt
            return SendFailed(error, retryable=True)
        body = await response.aread() if needs_body(response.status_code) else None
        return Reply(response.status_code, response.headers, body, response)

    def _request_for(self, attempt: Attempt, template: httpx.Request) -> httpx.Request:
        url = attempt.url
        headers = dict(attempt.headers)
        extensions = dict(template.extensions)
        if self._connect_to is not None and origin(url) == self._origin:
            # curl's --connect-to: the URL's host stays in Host, the signature and TLS (SNI and the
            # certificate check); only the TCP connection goes to the given address.
            if not any(name.lower() == "host" for name in headers):
                headers["Host"] = host_header(url)
            extensions["sni_hostname"] = self._origin[1]
            url = str(httpx.URL(url).copy_with(host=self._connect_to[0], port=self._connect_to[1]))
        return httpx.Request(
            attempt.method, url, headers=headers, content=attempt.body, extensions=extensions
        )

    async def get(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed GET."""
        return await self.request("GET", path_or_url, **kwargs)

    async def head(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed HEAD."""
        return await self.request("HEAD", path_or_url, **kwargs)

    async def options(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed OPTIONS."""
        return await self.request("OPTIONS", path_or_url, **kwargs)

    async def post(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed POST (never retried on transient errors: it may have run)."""
        return await self.request("POST", path_or_url, **kwargs)

    async def put(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed PUT."""
        return await self.request("PUT", path_or_url, **kwargs)

    async def patch(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed PATCH (never retried on transient errors)."""
        return await self.request("PATCH", path_or_url, **kwargs)

    async def delete(self, path_or_url: str = "", **kwargs: Any) -> httpx.Response:
        """A signed DELETE."""
        return await self.request("DELETE", path_or_url, **kwargs)

    async def aclose(self) -> None:
        """Close the connections of an ``httpx.AsyncClient`` this client created."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()


async def _aclose(response: Any) -> None:
    await response.aclose()


def _timeout(timeout: Timeout) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, tuple):
        connect, read = timeout
        return httpx.Timeout(read, connect=connect)
    return httpx.Timeout(timeout)


def _verify(verify: bool | str | None) -> bool | ssl.SSLContext:
    # httpx deprecates a path for verify=: a CA bundle file (or directory) becomes a context.
    if verify is None:
        return True
    if isinstance(verify, bool):
        return verify
    if os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)


def _address(connect_to: str) -> tuple[str, int]:
    try:
        return parse_address(connect_to)
    except ValueError as error:
        raise EndpointError(str(error)) from None


def _is_tls(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False
