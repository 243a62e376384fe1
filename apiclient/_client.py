"""What ``Client`` and ``AsyncClient`` are made of around the call engine: ``ClientBase`` (the
endpoint, the credentials, the call plan, the headers of every call), the AWS settings that apply to
an execute-api call (the region order of the AWS CLI v2, ``AWS_CA_BUNDLE``, the Lambda trace header,
the User-Agent), and the small helpers both drivers share.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from apiclient._botocore_logs import guard_http_logs
from apiclient._call import Attempt, CallPlan, SkewClock, check_transport
from apiclient._version import __version__
from apiclient.credentials.base import CredentialProvider, Credentials
from apiclient.endpoint import Endpoint, origin, parse_url, region_of
from apiclient.errors import EndpointError
from apiclient.retry import Retry

if TYPE_CHECKING:
    from apiclient.diagnostics import DiagnoseOptions, Diagnosis, RefusedCall

__all__ = [
    "USER_AGENT",
    "ClientBase",
    "as_credentials",
    "botocore_region",
    "ca_bundle",
    "default_credentials",
    "diagnose_refusal",
    "environment_region",
    "host_header",
    "join_url",
    "parse_address",
    "resolve_endpoint",
    "trace_headers",
]


# -- what both drivers share ---------------------------------------------------------------------


def default_credentials() -> CredentialProvider:
    """``apiclient.credentials.default()``, imported only when a client is given no credentials."""
    from apiclient.credentials import default  # noqa: PLC0415

    return default()


def as_credentials(source: object) -> Credentials | CredentialProvider:
    """What a ``credentials=`` argument may be: ``Credentials``, a provider, or a boto3/botocore
    session or credentials object (whose refresh stays botocore's)."""
    if isinstance(source, Credentials | CredentialProvider):
        return source
    from apiclient.credentials import from_botocore  # noqa: PLC0415

    return from_botocore(source)


def diagnose_refusal(refused: RefusedCall, options: DiagnoseOptions | Mapping[str, Any] | None) -> Diagnosis:
    """The diagnosis of a refused call (the policy engine and STS are asked only when told to)."""
    from apiclient.diagnostics import DiagnoseOptions, diagnose_call  # noqa: PLC0415

    if options is not None and not isinstance(options, DiagnoseOptions):
        options = DiagnoseOptions(**options)
    return diagnose_call(refused, options)


def join_url(base_url: str, path_or_url: str) -> str:
    """An absolute URL as is; a path joined to ``base_url`` (a leading ``/`` is relative too)."""
    if urlsplit(path_or_url).scheme:
        return path_or_url
    if not path_or_url:
        return base_url
    return f"{base_url.rstrip('/')}/{path_or_url.lstrip('/')}"


def parse_address(address: str) -> tuple[str, int]:
    """``"127.0.0.1:8443"`` or ``"[::1]:8443"`` -> (host, port); ValueError names the problem."""
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise ValueError(f"connect_to must be 'HOST:PORT' (e.g. '127.0.0.1:8443'), not {address!r}")
    return host, int(port)


def host_header(url: str) -> str:
    """The Host header for ``url``: the port only when it is not the scheme's default."""
    scheme, host, port = origin(url)
    shown = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return shown if port == default else f"{shown}:{port}"


def botocore_region(credentials: object) -> str | None:
    """The region of a boto3 or botocore session given as credentials (None for anything else)."""
    if credentials is None or isinstance(credentials, Credentials | CredentialProvider):
        return None
    value = getattr(credentials, "region_name", None)
    if isinstance(value, str) and value:
        return value
    get_config = getattr(credentials, "get_config_variable", None)
    if callable(get_config):
        value = get_config("region")
        return value if isinstance(value, str) and value else None
    return None


# -- the AWS settings that apply to an execute-api call ------------------------------------------

# Appended to the HTTP library's own User-Agent, as AWS tools identify themselves.
USER_AGENT = f"apiclient/{__version__}"


def environment_region(environ: Mapping[str, str] | None = None) -> str | None:
    """``AWS_REGION``, else ``AWS_DEFAULT_REGION``, else the profile's ``region`` (``AWS_PROFILE``
    or ``default`` in ``AWS_CONFIG_FILE``), read without botocore as the AWS CLI v2 orders them."""
    env = os.environ if environ is None else environ
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if env.get(name):
            return env[name].strip()
    profile = env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    path = env.get("AWS_CONFIG_FILE") or os.path.join(os.path.expanduser("~"), ".aws", "config")
    import configparser  # noqa: PLC0415 - only when neither the URL nor the environment names a region

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None
    section = "default" if profile == "default" else f"profile {profile}"
    value = parser.get(section, "region", fallback=None)
    return value.strip() if value else None


def resolve_endpoint(
    base_url: str, *, region: str | None, service: str | None, stage: str | None, credentials: object
) -> Endpoint:
    """The endpoint, its region chosen as the AWS CLI v2 does: ``region=`` > the URL's region >
    a boto3 session's region > ``AWS_REGION`` > ``AWS_DEFAULT_REGION`` > the profile's region."""
    chosen = region or region_of(base_url) or botocore_region(credentials) or environment_region()
    return parse_url(base_url, region=chosen, service=service, stage=stage)


def ca_bundle(verify: bool | str | None) -> bool | str | None:
    """``verify`` as given, else ``AWS_CA_BUNDLE`` (botocore honours it for every AWS call)."""
    if verify is not None:
        return verify
    return os.environ.get("AWS_CA_BUNDLE") or None


def trace_headers() -> dict[str, str]:
    """Inside Lambda, the invocation's X-Ray trace header, forwarded as botocore forwards it."""
    trace = os.environ.get("_X_AMZN_TRACE_ID")
    if trace and os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return {"X-Amzn-Trace-Id": trace}
    return {}


# -- what both clients are made of -------------------------------------------------------------


class ClientBase:
    """What ``Client`` and ``AsyncClient`` share: the endpoint, the credentials, the call plan, the
    headers sent with every call; each subclass adds only its HTTP library (see ``Client`` for the
    arguments)."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: object,
        region: str | None,
        service: str | None,
        stage: str | None,
        retry: Retry | None,
        api_key: str | None,
        allow_http: bool,
        max_redirects: int,
        cross_origin_redirects: Literal["strip", "refuse"],
        raise_for_access_denied: bool,
        headers: Mapping[str, str] | None,
        clock: Callable[[], _dt.datetime] | None,
        diagnose_options: DiagnoseOptions | Mapping[str, Any] | None,
        on_attempt: Callable[[Attempt], None] | None,
        user_agent: str,
    ) -> None:
        if cross_origin_redirects not in ("strip", "refuse"):
            raise ValueError(
                f"cross_origin_redirects must be 'strip' or 'refuse', not {cross_origin_redirects!r}"
            )
        source = as_credentials(credentials) if credentials is not None else default_credentials()
        self.endpoint: Endpoint = resolve_endpoint(
            base_url, region=region, service=service, stage=stage, credentials=credentials
        )
        check_transport(base_url, allow_http, EndpointError)
        self.base_url = base_url
        self.credentials = source
        self.diagnose_options = diagnose_options
        self.on_attempt = on_attempt
        self._clock = SkewClock(clock)
        self._plan = CallPlan(
            credentials=source,
            region=self.endpoint.region,
            service=self.endpoint.service,
            endpoint=self.endpoint,
            retry=(retry or Retry.from_environment()).check(),
            clock=self._clock,
            max_redirects=max_redirects,
            cross_origin_redirects=cross_origin_redirects,
            allow_http=allow_http,
            raise_for_access_denied=raise_for_access_denied,
        )
        self._headers = {"User-Agent": f"{user_agent} {USER_AGENT}", **(headers or {})}
        if api_key is not None:
            self._headers["x-api-key"] = api_key
        # Read once: a process is in Lambda or not; the trace ID itself changes per invocation.
        self._in_lambda = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))
        guard_http_logs()

    @property
    def retry(self) -> Retry:
        """The retry settings in force."""
        return self._plan.retry

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock when signing, learned from a skew refusal."""
        return self._clock.offset

    def __repr__(self) -> str:
        scope = f"region={self.endpoint.region!r}, service={self.endpoint.service!r}"
        return f"{type(self).__name__}({self.base_url!r}, {scope})"

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL as is; a path joined to ``base_url`` (a leading ``/`` is relative too)."""
        return join_url(self.base_url, path_or_url)

    def headers_for(self, given: Mapping[str, str] | None) -> dict[str, str]:
        """The headers of one call: the client's, the Lambda trace header, then the caller's."""
        if self._in_lambda:
            return {**self._headers, **trace_headers(), **(given or {})}
        return {**self._headers, **given} if given else dict(self._headers)
