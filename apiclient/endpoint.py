"""What an API Gateway URL says: API ID, region, stage, service, partition; and request ARNs.

Host shapes (API Gateway Developer Guide, "Invoking a REST API" and "Invoking a private API"):

- ``{api_id}.execute-api.{region}.amazonaws.com`` (``.amazonaws.com.cn`` in China): kind ``execute-api``
- ``{api_id}-{vpce_id}.execute-api.{region}.vpce.amazonaws.com``: kind ``private``
- ``{vpce_id}[-...].execute-api.{region}.vpce.amazonaws.com``, called with ``x-apigw-api-id``: kind ``vpce``
- ``{url_id}.lambda-url.{region}.on.aws``: kind ``lambda-url``, service ``lambda``
- a loopback host (127.0.0.0/8, ::1, localhost): kind ``local``, region required
- anything else: kind ``custom-domain``, region required
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from apiclient.errors import EndpointError

__all__ = ["Endpoint", "is_loopback", "parse_url", "partition_for_region", "request_arn"]

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


class Endpoint(NamedTuple):
    """A parsed API URL.

    ``stage`` is the first path segment on execute-api hosts (None elsewhere, where a base path
    mapping hides it); ``path`` is the rest of the path after the stage. ``base_url`` is
    scheme, host, port and (when known) the stage: join a resource path to it.
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


def request_arn(
    *, partition: str, region: str, account: str, api_id: str, stage: str, method: str, path: str
) -> str:
    """``arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{METHOD}/{path}``.

    ``path`` is the resource path (a leading ``/`` is dropped), so the root gives ``.../GET/``.
    """
    resource = f"{api_id}/{stage}/{method.upper()}/{path.lstrip('/')}"
    return f"arn:{partition}:execute-api:{region}:{account}:{resource}"


def is_loopback(host: str) -> bool:
    """True for localhost names and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
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
    if parts.scheme not in ("http", "https"):
        raise EndpointError(f"{url!r} uses {parts.scheme!r}: only http and https URLs can be called")
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


def parse_url(url: str, *, region: str | None = None, service: str | None = None) -> Endpoint:
    """Parse an API URL; ``region``/``service`` override what the host says.

    Raises:
        EndpointError: a URL that is malformed, or one whose region cannot be known
            (a custom domain or a loopback host) when ``region`` is not given.
    """
    parts, host, port = _split(url)
    kind, api_id, vpce_id, host_region = _classify_host(host)
    chosen_region = region or host_region
    if chosen_region is None:
        where = "a loopback URL" if kind == "local" else "a custom domain"
        raise EndpointError(
            f"cannot tell the AWS region of {url!r} ({where}); pass region= "
            "(e.g. region='us-east-1'; --region on the command line)"
        )
    if kind in _STAGED_KINDS:
        stage, path = _stage_and_rest(parts.path)
    else:
        stage, path = None, parts.path or "/"
    origin = _origin(parts, host, port)
    return Endpoint(
        api_id=api_id,
        region=chosen_region,
        stage=stage,
        service=service or ("lambda" if kind == "lambda-url" else "execute-api"),
        partition=partition_for_region(chosen_region),
        kind=kind,
        host=host,
        base_url=f"{origin}/{stage}" if stage else origin,
        scheme=parts.scheme,
        port=port,
        path=path,
        vpce_id=vpce_id,
    )
