"""The execute-api anatomy: what a URL names, the ARNs built from it, API types, authorizations.

Everything the product knows about execute-api addresses lives here: URL -> ``Endpoint``,
request and route ARNs built and parsed (partition-aware), an origin for redirect and
signing decisions, the API types (REST, HTTP, WebSocket) and the method authorization names.

Host shapes (API Gateway Developer Guide, "Invoking a REST API" and "Invoking a private API"):

- ``{api_id}.execute-api.{region}.amazonaws.com`` (``.amazonaws.com.cn`` in China): kind ``execute-api``
- ``{api_id}-{vpce_id}.execute-api.{region}.vpce.amazonaws.com``: kind ``private``
- ``{vpce_id}[-...].execute-api.{region}.vpce.amazonaws.com``, called with ``x-apigw-api-id``: kind ``vpce``
- ``{url_id}.lambda-url.{region}.on.aws``: kind ``lambda-url``, service ``lambda``
- a loopback host (127.0.0.0/8, ::1, localhost): kind ``local``, region required
- anything else: kind ``custom-domain``, region required

An HTTP API's ``$default`` stage has no path segment: ``stage="$default"`` says so, and its
ARNs name the stage ``$default`` ("Control access to HTTP APIs with IAM authorization").
A ``wss://`` URL is a WebSocket API, whose routes are authorized as ``{api_id}/{stage}/{route_key}``
("Control access to WebSocket APIs with IAM authorization").
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple
from urllib.parse import SplitResult, urlsplit

from apiclient.errors import EndpointError

__all__ = [
    "API_TYPES",
    "AUTHORIZATIONS",
    "DEFAULT_STAGE",
    "ApiType",
    "Endpoint",
    "ExecuteApiArn",
    "Origin",
    "api_arn",
    "is_loopback",
    "origin",
    "parse_arn",
    "parse_url",
    "partition_for_region",
    "region_of",
    "request_arn",
    "route_arn",
]

ApiType = Literal["REST", "HTTP", "WEBSOCKET"]
API_TYPES: tuple[ApiType, ...] = ("REST", "HTTP", "WEBSOCKET")
# Method authorization types of REST APIs (the ``authorizationType`` of a Method resource).
AUTHORIZATIONS = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
# An HTTP API's default stage: served at the root of the host, named ``$default`` in ARNs.
DEFAULT_STAGE = "$default"

_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d+")
# Each partition's DNS suffix is botocore's endpoints.json "dnsSuffix".
_EXECUTE_API_SUFFIXES = frozenset(
    {
        "amazonaws.com",
        "amazonaws.com.cn",
        "amazonaws.eu",
        "c2s.ic.gov",
        "sc2s.sgov.gov",
        "cloud.adc-e.uk",
        "csp.hci.ic.gov",
    }
)
_VPCE_SUFFIXES = frozenset({"vpce.amazonaws.com", "vpce.amazonaws.com.cn"})

# Region prefix -> partition, from botocore's endpoints.json "regionRegex" per partition.
_PARTITIONS = (
    ("us-gov-", "aws-us-gov"),
    ("cn-", "aws-cn"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
    ("eusc-", "aws-eusc"),
)
_STAGED_KINDS = frozenset({"execute-api", "private", "vpce"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_WEBSOCKET_SCHEMES = frozenset({"ws", "wss"})
_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):execute-api:(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.*)$", re.DOTALL
)

Origin = tuple[str, str, int | None]


def origin(url: str) -> Origin:
    """(scheme, host, port) with the scheme's default port filled in (RFC 6454, section 4).

    A URL with a malformed port has the port None, so that it never equals a signing origin.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return scheme, (parts.hostname or "").lower(), None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


class Endpoint(NamedTuple):
    """A parsed API URL.

    ``stage`` is the first path segment on execute-api hosts (None elsewhere, where a base path
    mapping hides it), or ``$default`` when the caller said so; ``path`` is the rest of the path
    after the stage. ``base_url`` is scheme, host, port and (when in the path) the stage: join a
    resource path to it. ``api_type`` is ``WEBSOCKET`` for a ``wss://`` URL, ``HTTP`` for the
    ``$default`` stage, and otherwise None: a URL cannot tell a REST API from an HTTP API.
    """

    api_id: str | None
    region: str
    stage: str | None
    service: str
    partition: str
    kind: str
    host: str
    base_url: str
    scheme: str
    port: int | None
    path: str
    vpce_id: str | None = None
    api_type: ApiType | None = None

    @property
    def is_local(self) -> bool:
        """True for a loopback host, where plain http is acceptable."""
        return self.kind == "local"

    def request_arn(self, *, account: str, method: str, path: str | None = None) -> str:
        """The execute-api ARN a call to ``path`` (default: this URL's path) is authorized against.

        Raises:
            EndpointError: the URL names no API ID or stage (a custom domain, a VPC endpoint host).
        """
        if self.api_id is None or self.stage is None:
            raise EndpointError(
                f"cannot build a request ARN for {self.base_url}: the URL does not name the API ID and stage"
            )
        return request_arn(
            partition=self.partition, region=self.region, account=account, api_id=self.api_id,
            stage=self.stage, method=method, path=self.path if path is None else path,
        )  # fmt: skip


def partition_for_region(region: str) -> str:
    """The AWS partition (``aws``, ``aws-cn``, ``aws-us-gov``...) a region belongs to."""
    if not _REGION.fullmatch(region):
        raise EndpointError(f"{region!r} is not an AWS region name (expected e.g. 'us-east-1')")
    return next((partition for prefix, partition in _PARTITIONS if region.startswith(prefix)), "aws")


def api_arn(*, partition: str, region: str, account: str, api_id: str) -> str:
    """``arn:{partition}:execute-api:{region}:{account}:{api_id}``: what a resource policy's
    ``execute-api:/`` expands to, and the prefix of every request ARN of the API."""
    return f"arn:{partition}:execute-api:{region}:{account}:{api_id}"


def request_arn(
    *, partition: str, region: str, account: str, api_id: str, stage: str, method: str, path: str
) -> str:
    """``arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{METHOD}/{path}``.

    ``path`` is the resource path (a leading ``/`` is dropped), so the root gives ``.../GET/``.
    """
    api = api_arn(partition=partition, region=region, account=account, api_id=api_id)
    return f"{api}/{stage}/{method.upper()}/{path.lstrip('/')}"


def route_arn(*, partition: str, region: str, account: str, api_id: str, stage: str, route_key: str) -> str:
    """A WebSocket route's ARN: ``arn:...:{api_id}/{stage}/{route_key}`` (``$connect``...)."""
    api = api_arn(partition=partition, region=region, account=account, api_id=api_id)
    return f"{api}/{stage}/{route_key}"


class ExecuteApiArn(NamedTuple):
    """An execute-api ARN taken apart; ``method`` and ``path`` are None for a route ARN or a
    shorter resource (``{api_id}/{stage}``), ``path`` keeps its leading ``/``."""

    partition: str
    region: str
    account: str
    api_id: str
    stage: str | None
    method: str | None
    path: str | None
    resource: str

    @property
    def route_key(self) -> str | None:
        """The WebSocket route key when the resource is ``{api_id}/{stage}/{route_key}``."""
        return self.method if self.method is not None and self.path is None else None


def parse_arn(arn: str) -> ExecuteApiArn:
    """Take an execute-api ARN apart (the account may be masked, e.g. ``********``).

    Raises:
        EndpointError: ``arn`` is not an execute-api ARN.
    """
    found = _ARN.match(arn.strip()) if isinstance(arn, str) else None
    if found is None:
        raise EndpointError(
            f"{arn!r} is not an execute-api ARN "
            "(arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH)"
        )
    resource = found["resource"]
    api_id, _, rest = resource.partition("/")
    stage, _, rest = rest.partition("/") if rest else (None, "", "")
    method, slash, path = rest.partition("/") if rest else (None, "", "")
    return ExecuteApiArn(
        partition=found["partition"],
        region=found["region"],
        account=found["account"],
        api_id=api_id,
        stage=stage,
        method=method or None,
        path=f"/{path}" if slash else None,
        resource=resource,
    )


def is_loopback(host: str) -> bool:
    """True for localhost names and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress  # noqa: PLC0415 - 1.3 ms at import, paid only when a host is checked

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_label(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _classify_host(host: str) -> tuple[str, str | None, str | None, str | None]:
    """``(kind, api_id, vpce_id, region)``; region is None when the host does not name one."""
    first, _, rest = host.partition(".")
    service_label, _, rest = rest.partition(".")
    region, _, suffix = rest.partition(".")
    if _REGION.fullmatch(region):
        if service_label == "execute-api" and suffix in _EXECUTE_API_SUFFIXES and _is_label(first):
            return "execute-api", first, None, region
        if service_label == "execute-api" and suffix in _VPCE_SUFFIXES:
            api_id, private, vpce_rest = first.partition("-vpce-")
            if private and _is_label(api_id):
                return "private", api_id, f"vpce-{vpce_rest}", region
            if first.startswith("vpce-"):  # vpce-{id}[-{suffix}[-{zone}]]
                return "vpce", None, "-".join(first.split("-")[:2]), region
        if service_label == "lambda-url" and suffix == "on.aws" and _is_label(first):
            return "lambda-url", None, None, region
    return ("local" if is_loopback(host) else "custom-domain"), None, None, None


def _split(url: str) -> tuple[SplitResult, str, int | None]:
    """urlsplit with every malformation turned into an EndpointError that names it."""
    if not isinstance(url, str) or not url:
        raise EndpointError(
            f"expected a URL like 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod', not {url!r}"
        )
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise EndpointError(f"{url!r} is not a valid URL: {error}") from None
    if not parts.scheme or "://" not in url:
        raise EndpointError(f"{url!r} has no scheme: write it as https://{url.lstrip('/')}")
    if parts.scheme not in _DEFAULT_PORTS:
        raise EndpointError(
            f"{url!r} uses {parts.scheme!r}: "
            "only http and https URLs (and wss for WebSocket APIs) can be called"
        )
    host = parts.hostname
    if not host:
        raise EndpointError(f"{url!r} has no host")
    try:
        port = parts.port
    except ValueError:
        raise EndpointError(f"{url!r} has a bad port: expected a number from 1 to 65535") from None
    if port == 0:
        raise EndpointError(f"{url!r} has a bad port: expected a number from 1 to 65535")
    return parts, host, port


def _stage_and_rest(path: str) -> tuple[str | None, str]:
    segments = path.lstrip("/")
    stage, _, rest = segments.partition("/")
    return (stage or None), "/" + rest


def _origin(parts: SplitResult, host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")


def region_of(url: str) -> str | None:
    """The region an execute-api (or Lambda URL) host names; None for any other URL."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return _classify_host(host)[3]


def parse_url(
    url: str, *, region: str | None = None, service: str | None = None, stage: str | None = None
) -> Endpoint:
    """Parse an API URL; ``region``/``service`` override what the host says.

    ``stage="$default"`` says the URL has no stage segment (an HTTP API's default stage); any
    other ``stage`` must be the URL's first path segment.

    Raises:
        EndpointError: a URL that is malformed, one whose region cannot be known (a custom
            domain or a loopback host) when ``region`` is not given, or a ``stage`` the URL
            does not start with.
    """
    parts, host, port = _split(url)
    kind, api_id, vpce_id, host_region = _classify_host(host)
    chosen_region = region or host_region
    if chosen_region is None:
        where = "a loopback URL" if kind == "local" else "a custom domain"
        raise EndpointError(
            f"cannot tell the AWS region of {url!r} ({where}); pass region= "
            "(e.g. region='us-east-1'; --region on the command line) or set AWS_REGION"
        )
    in_path = kind in _STAGED_KINDS or (stage is not None and stage != DEFAULT_STAGE)
    if stage == DEFAULT_STAGE:
        path_stage, path = None, parts.path or "/"
    elif in_path:
        path_stage, path = _stage_and_rest(parts.path)
        if stage is not None and path_stage != stage:
            raise EndpointError(
                f"{url!r} does not start with the stage {stage!r}: give the stage's URL "
                f"(or stage='$default' for an HTTP API's default stage)"
            )
    else:
        path_stage, path = None, parts.path or "/"
    api_type: ApiType | None = None
    if parts.scheme in _WEBSOCKET_SCHEMES:
        api_type = "WEBSOCKET"
    elif stage == DEFAULT_STAGE:
        api_type = "HTTP"
    root = _origin(parts, host, port)
    return Endpoint(
        api_id=api_id,
        region=chosen_region,
        stage=stage if stage == DEFAULT_STAGE else path_stage,
        service=service or ("lambda" if kind == "lambda-url" else "execute-api"),
        partition=partition_for_region(chosen_region),
        kind=kind,
        host=host,
        base_url=f"{root}/{path_stage}" if path_stage else root,
        scheme=parts.scheme,
        port=port,
        path=path,
        vpce_id=vpce_id,
        api_type=api_type,
    )
