"""``Client``: calls to one API, each attempt and each redirect hop signed afresh.

What it adds to ``requests`` (issue 2, item 5): https unless the host is loopback; retries
of idempotent methods with backoff and Retry-After; clock-skew correction from API
Gateway's Date header; one forced credential refresh when a token is refused; redirects
followed here so that same-origin hops are re-signed and cross-origin hops carry no
credential; curl-style ``connect_to``; and a 401/403 raised as ``AccessDenied`` with a
diagnosis.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from apiclient._clock import SkewClock, server_time
from apiclient._redact import redact_url
from apiclient._redirects import REDIRECT_STATUSES, next_hop, origin, strip_credentials
from apiclient._retry import IDEMPOTENT_METHODS, RETRYABLE_STATUSES, Backoff, retry_after_seconds
from apiclient._transport import ConnectToAdapter, parse_address
from apiclient.auth import SigV4Auth
from apiclient.credentials.base import CredentialProvider, Credentials, Refreshable, snapshot
from apiclient.endpoint import Endpoint, is_loopback, parse_url
from apiclient.errors import AccessDenied, CredentialsError, EndpointError, RedirectError

if TYPE_CHECKING:
    from apiclient.diagnostics import DiagnoseOptions, Diagnosis

__all__ = ["Backoff", "Client"]

_log = logging.getLogger("apiclient.session")

_SEND_OPTIONS = ("timeout", "verify", "cert", "proxies", "stream")
_REFUSED_TOKEN = frozenset({"token_invalid", "token_expired"})
# Enough pooled connections for many threads sharing one Client.
_POOL_SIZE = 32

Timeout = float | tuple[float, float]


def _default_credentials() -> CredentialProvider:
    # Imported here so that a Client given credentials never loads the default chain.
    from apiclient.credentials import default  # noqa: PLC0415

    return default()


def _replayable(request: requests.PreparedRequest) -> bool:
    """A body that can be sent again as is (a stream is consumed by the first attempt)."""
    return request.body is None or isinstance(request.body, bytes | str)


class Client:
    """A signed, retrying, redirect-aware client for one API.

    Args:
        base_url: the API's URL, e.g. ``https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod``.
        credentials: ``Credentials`` or a provider; None uses ``apiclient.credentials.default()``.
        region, service: the signing scope; taken from an AWS host name when None. A custom
            domain or a loopback URL needs ``region``.
        timeout: (connect, read) seconds, or one number for both.
        retries: attempts in all for idempotent methods (GET HEAD OPTIONS PUT DELETE) on connection
            errors and 429/502/503/504; 1 disables retrying.
        backoff: the waits between those attempts.
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

    Raises:
        EndpointError: a base URL that cannot be called (bad URL, unknown region, plain http).

    One Client may be shared by many threads: the only state it changes after construction
    is the clock offset, which is replaced in one assignment.
    """

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials | CredentialProvider | None = None,
        region: str | None = None,
        service: str | None = None,
        timeout: Timeout = (5.0, 30.0),
        retries: int = 3,
        backoff: Backoff | None = None,
        api_key: str | None = None,
        connect_to: str | None = None,
        allow_http: bool = False,
        max_redirects: int = 5,
        cross_origin_redirects: Literal["strip", "refuse"] = "strip",
        raise_for_access_denied: bool = True,
        session: requests.Session | None = None,
        headers: Mapping[str, str] | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
        diagnose_options: DiagnoseOptions | None = None,
    ) -> None:
        if retries < 1:
            raise ValueError(f"retries counts all attempts and must be at least 1, not {retries}")
        if cross_origin_redirects not in ("strip", "refuse"):
            raise ValueError(
                f"cross_origin_redirects must be 'strip' or 'refuse', not {cross_origin_redirects!r}"
            )
        self.endpoint: Endpoint = parse_url(base_url, region=region, service=service)
        self.allow_http = allow_http
        self._check_transport(base_url, EndpointError)
        self.base_url = base_url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff or Backoff()
        self.max_redirects = max_redirects
        self.cross_origin_redirects = cross_origin_redirects
        self.raise_for_access_denied = raise_for_access_denied
        self.diagnose_options: DiagnoseOptions = diagnose_options or {}
        self.credentials = credentials if credentials is not None else _default_credentials()
        self._clock = SkewClock(clock)
        self._auth = SigV4Auth(
            self.credentials, self.endpoint.region, self.endpoint.service, clock=self._clock.now
        )
        self._headers = dict(headers or {})
        if api_key is not None:
            self._headers["x-api-key"] = api_key
        self._owns_session = session is None
        self._session = session or self._new_session()
        if connect_to is not None:
            self._route(connect_to)

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock when signing, learned from a skew refusal."""
        return self._clock.offset

    def __repr__(self) -> str:
        scope = f"region={self.endpoint.region!r}, service={self.endpoint.service!r}"
        return f"Client({self.base_url!r}, {scope})"

    # -- set-up ---------------------------------------------------------------------------

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=8, pool_maxsize=_POOL_SIZE)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def _route(self, connect_to: str) -> None:
        try:
            parse_address(connect_to)
        except ValueError as error:
            raise EndpointError(str(error)) from None
        adapter = ConnectToAdapter(self.base_url, connect_to, pool_connections=8, pool_maxsize=_POOL_SIZE)
        scheme, host, _port = origin(self.base_url)
        # The adapter itself checks host and port; the prefix keeps other hosts on their adapters.
        self._session.mount(f"{scheme}://{host}", adapter)

    def _check_transport(self, url: str, error: type[EndpointError] | type[RedirectError]) -> None:
        scheme, host, _port = origin(url)
        if scheme == "https" or self.allow_http or is_loopback(host):
            return
        raise error(
            f"refusing to send a signed request over plain http to {host}: use https "
            "(or allow_http=True if you really mean it)"
        )

    # -- requests ------------------------------------------------------------------------

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL as is; a path joined to ``base_url`` (a leading ``/`` is relative too)."""
        if urlsplit(path_or_url).scheme:
            return path_or_url
        if not path_or_url:
            return self.base_url
        return f"{self.base_url.rstrip('/')}/{path_or_url.lstrip('/')}"

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
        headers = {**self._headers, **(kwargs.pop("headers", None) or {})}
        prepared = self._session.prepare_request(
            requests.Request(method.upper(), url, headers=headers, **kwargs)
        )
        settings: dict[str, Any] = dict(
            self._session.merge_environment_settings(
                url,
                send_options.pop("proxies", {}),
                send_options.pop("stream", None),
                send_options.pop("verify", None),
                send_options.pop("cert", None),
            )
        )
        settings["timeout"] = send_options.pop("timeout", self.timeout)
        return self._call(prepared, settings, follow)

    def _call(
        self, first: requests.PreparedRequest, settings: dict[str, Any], follow: bool
    ) -> requests.Response:
        signing_origin = origin(first.url or "")
        request = first
        failures = hops = 0
        skew_corrected = token_refreshed = False
        while True:
            signed = origin(request.url or "") == signing_origin
            outgoing = request.copy()
            if signed:
                self._auth(outgoing)
            retryable = (request.method or "") in IDEMPOTENT_METHODS and _replayable(request)
            try:
                response = self._session.send(outgoing, allow_redirects=False, **settings)
            except requests.exceptions.SSLError:
                raise  # a certificate problem does not go away on a second attempt
            except requests.ConnectionError as error:
                failures += 1
                self._log(outgoing, f"connection error ({type(error).__name__})", failures, hops)
                if not (retryable and failures < self.retries):
                    raise
                time.sleep(self.backoff.delay(failures))
                continue
            status = response.status_code
            self._log(outgoing, str(status), failures + 1, hops)
            if status in RETRYABLE_STATUSES and retryable and failures + 1 < self.retries:
                failures += 1
                wait = self.backoff.delay(failures, retry_after_seconds(response.headers.get("Retry-After")))
                response.close()
                time.sleep(wait)
                continue
            if status in (401, 403) and signed and _replayable(request):
                # Imported on a refusal only: diagnostics is off the hot path and the cold start.
                from apiclient.diagnostics import classify  # noqa: PLC0415

                cause = classify(status, response.headers, response.content)
                if cause.cause == "clock_skew" and not skew_corrected:
                    # The request was refused before it ran, so even a POST may be sent again.
                    skew_corrected = self._correct_clock(response, cause)
                    if skew_corrected:
                        continue
                if cause.cause in _REFUSED_TOKEN and not token_refreshed and self._refresh():
                    token_refreshed = True
                    continue
            if follow and status in REDIRECT_STATUSES and "Location" in response.headers:
                hops += 1
                request = self._redirect(request, response, signing_origin, hops)
                response.close()
                continue
            if status in (401, 403) and self.raise_for_access_denied:
                raise AccessDenied(self._diagnose(response, outgoing), request=outgoing, response=response)
            return response

    def _correct_clock(self, response: requests.Response, diagnosis: Diagnosis) -> bool:
        server = server_time(response.headers, diagnosis.details)
        if server is None:
            return False
        offset = self._clock.correct_to(server)
        _log.debug("clock skew: signing with an offset of %+.0f s from the server's Date", offset)
        return True

    def _refresh(self) -> bool:
        if not isinstance(self.credentials, Refreshable):
            return False
        _log.debug("security token refused: refreshing the credentials once")
        self.credentials.force_refresh()
        return True

    def _redirect(
        self,
        request: requests.PreparedRequest,
        response: requests.Response,
        signing_origin: tuple[str, str, int | None],
        hops: int,
    ) -> requests.PreparedRequest:
        if hops > self.max_redirects:
            last = redact_url(response.headers["Location"])
            raise RedirectError(f"more than {self.max_redirects} redirects (the last to {last})")
        hop = next_hop(request, response)
        if response.status_code in (307, 308) and not _replayable(hop):
            raise RedirectError(f"cannot replay a streamed body to follow a {response.status_code} redirect")
        target = hop.url or ""
        self._check_transport(target, RedirectError)
        if origin(target) != signing_origin:
            if self.cross_origin_redirects == "refuse":
                raise RedirectError(
                    f"refused a redirect to another origin ({redact_url(target)}); "
                    "pass cross_origin_redirects='strip' to follow it without credentials"
                )
            strip_credentials(hop)
        return hop

    def _diagnose(self, response: requests.Response, sent: requests.PreparedRequest) -> Diagnosis:
        from apiclient.diagnostics import diagnose  # noqa: PLC0415

        credentials: Credentials | None
        try:
            credentials = snapshot(self.credentials)
        except CredentialsError:
            credentials = None
        return diagnose(
            response,
            signature=getattr(sent, "apiclient_signature", None),
            endpoint=self.endpoint,
            credentials=credentials,
            clock_offset=self.clock_offset,
            **self.diagnose_options,
        )

    @staticmethod
    def _log(request: requests.PreparedRequest, outcome: str, attempt: int, hops: int) -> None:
        _log.debug(
            "%s %s -> %s (attempt %d, redirects %d)",
            request.method, redact_url(request.url or ""), outcome, attempt, hops,
        )  # fmt: skip

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
