"""apiclient.endpoint: URL -> Endpoint, partitions (checked against botocore's endpoint data), ARNs."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from apiclient.endpoint import Endpoint, parse_url, partition_for_region, request_arn
from apiclient.errors import EndpointError

_ENDPOINT_DATA = botocore.session.get_session().get_component("data_loader").load_data("endpoints")
_PARTITIONS = [(p["partition"], p["dnsSuffix"], sorted(p["regions"])) for p in _ENDPOINT_DATA["partitions"]]
_REGIONS = [(region, partition) for partition, _, regions in _PARTITIONS for region in regions]


@pytest.mark.parametrize(("region", "partition"), _REGIONS)
def test_partition_of_every_region_botocore_knows(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition


@pytest.mark.parametrize(("partition", "dns_suffix", "regions"), _PARTITIONS)
def test_execute_api_host_in_every_partition(partition: str, dns_suffix: str, regions: list[str]) -> None:
    endpoint = parse_url(f"https://a1b2c3d4e5.execute-api.{regions[0]}.{dns_suffix}/prod/items")
    assert (endpoint.kind, endpoint.region, endpoint.partition) == ("execute-api", regions[0], partition)


def _fields(endpoint: Endpoint) -> dict[str, Any]:
    keys = (
        "kind",
        "api_id",
        "region",
        "stage",
        "service",
        "partition",
        "host",
        "base_url",
        "path",
        "vpce_id",
    )
    return {key: getattr(endpoint, key) for key in keys}


@pytest.mark.parametrize(
    ("url", "kwargs", "expected"),
    [
        (
            "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/products/42?x=1",
            {},
            {"kind": "execute-api", "api_id": "a1b2c3d4e5", "region": "us-east-1", "stage": "prod",
             "service": "execute-api", "partition": "aws",
             "host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
             "base_url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
             "path": "/products/42", "vpce_id": None},
        ),
        (
            "https://A1B2C3D4E5.Execute-Api.cn-north-1.amazonaws.com.cn",
            {},
            {"kind": "execute-api", "api_id": "a1b2c3d4e5", "region": "cn-north-1", "stage": None,
             "service": "execute-api", "partition": "aws-cn",
             "host": "a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn",
             "base_url": "https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn",
             "path": "/", "vpce_id": None},
        ),
        (
            "https://a1b2c3d4e5.execute-api.us-gov-west-1.amazonaws.com/dev/",
            {},
            {"kind": "execute-api", "api_id": "a1b2c3d4e5", "region": "us-gov-west-1", "stage": "dev",
             "service": "execute-api", "partition": "aws-us-gov",
             "host": "a1b2c3d4e5.execute-api.us-gov-west-1.amazonaws.com",
             "base_url": "https://a1b2c3d4e5.execute-api.us-gov-west-1.amazonaws.com/dev", "path": "/",
             "vpce_id": None},
        ),
        (
            "https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.eu-west-1.vpce.amazonaws.com/prod/x",
            {},
            {"kind": "private", "api_id": "a1b2c3d4e5", "region": "eu-west-1", "stage": "prod",
             "service": "execute-api", "partition": "aws",
             "host": "a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.eu-west-1.vpce.amazonaws.com",
             "base_url": "https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.eu-west-1.vpce.amazonaws.com/prod",
             "path": "/x", "vpce_id": "vpce-0123456789abcdef0"},
        ),
        (
            "https://vpce-0123456789abcdef0-abcdefgh.execute-api.eu-west-1.vpce.amazonaws.com/prod/x",
            {},
            {"kind": "vpce", "api_id": None, "region": "eu-west-1", "stage": "prod", "service": "execute-api",
             "partition": "aws",
             "host": "vpce-0123456789abcdef0-abcdefgh.execute-api.eu-west-1.vpce.amazonaws.com",
             "base_url": "https://vpce-0123456789abcdef0-abcdefgh.execute-api.eu-west-1.vpce.amazonaws.com/prod",
             "path": "/x", "vpce_id": "vpce-0123456789abcdef0"},
        ),
        (
            "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws/hook",
            {},
            {"kind": "lambda-url", "api_id": None, "region": "ap-southeast-2", "stage": None,
             "service": "lambda", "partition": "aws",
             "host": "abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws",
             "base_url": "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws",
             "path": "/hook", "vpce_id": None},
        ),
        (
            "https://api.example.com/v1/items",
            {"region": "eu-central-1"},
            {"kind": "custom-domain", "api_id": None, "region": "eu-central-1", "stage": None,
             "service": "execute-api", "partition": "aws", "host": "api.example.com",
             "base_url": "https://api.example.com", "path": "/v1/items", "vpce_id": None},
        ),
        (
            "http://127.0.0.1:8080/prod/items",
            {"region": "us-west-2"},
            {"kind": "local", "api_id": None, "region": "us-west-2", "stage": None, "service": "execute-api",
             "partition": "aws", "host": "127.0.0.1", "base_url": "http://127.0.0.1:8080",
             "path": "/prod/items", "vpce_id": None},
        ),
        (
            "http://[::1]:9000",
            {"region": "us-west-2", "service": "custom"},
            {"kind": "local", "api_id": None, "region": "us-west-2", "stage": None, "service": "custom",
             "partition": "aws", "host": "::1", "base_url": "http://[::1]:9000", "path": "/",
             "vpce_id": None},
        ),
    ],
)  # fmt: skip
def test_parse_url(url: str, kwargs: dict[str, str], expected: dict[str, Any]) -> None:
    assert _fields(parse_url(url, **kwargs)) == expected


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.10", "[::1]", "app.localhost"])
def test_loopback_hosts_are_local(host: str) -> None:
    endpoint = parse_url(f"http://{host}:8000/", region="us-east-1")
    assert endpoint.kind == "local" and endpoint.is_local


def test_region_argument_overrides_the_host() -> None:
    endpoint = parse_url("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", region="eu-west-1")
    assert (endpoint.region, endpoint.api_id) == ("eu-west-1", "a1b2c3d4e5")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", "has no scheme"),
        ("ftp://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", "only http and https"),
        ("https:///prod", "has no host"),
        ("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com:99999/prod", "bad port"),
        ("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com:https/prod", "bad port"),
        ("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com:0/prod", "bad port"),
        ("https://api.example.com/v1", r"custom domain\); pass region="),
        ("http://127.0.0.1:8080/prod", r"loopback URL\); pass region="),
        ("http://[::1/prod", "not a valid URL"),
        ("", "expected a URL"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(EndpointError, match=message):
        parse_url(url)


def test_endpoint_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="pass region="):
        parse_url("https://api.example.com/")


@pytest.mark.parametrize("region", ["", "US-EAST-1", "useast1", "us-east"])
def test_bad_region_names(region: str) -> None:
    with pytest.raises(EndpointError, match="not an AWS region name"):
        partition_for_region(region)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/"),
        (
            "POST",
            "/products/42",
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/products/42",
        ),
        ("*", "products", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/products"),
    ],
)
def test_request_arn(method: str, path: str, expected: str) -> None:
    arn = request_arn(
        partition="aws", region="us-east-1", account="123456789012", api_id="a1b2c3d4e5",
        stage="prod", method=method, path=path,
    )  # fmt: skip
    assert arn == expected


def test_endpoint_request_arn() -> None:
    endpoint = parse_url("https://a1b2c3d4e5.execute-api.us-gov-west-1.amazonaws.com/prod/products/42")
    assert endpoint.request_arn(account="123456789012", method="delete") == (
        "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/prod/DELETE/products/42"
    )
    assert endpoint.request_arn(account="123456789012", method="GET", path="/") == (
        "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/prod/GET/"
    )


def test_request_arn_needs_api_id_and_stage() -> None:
    endpoint = parse_url("https://api.example.com/v1", region="us-east-1")
    with pytest.raises(EndpointError, match="does not name the API ID and stage"):
        endpoint.request_arn(account="123456789012", method="GET")


@pytest.mark.parametrize(
    ("host", "kind", "vpce_id"),
    [
        ("vpce-0abc.execute-api.us-east-1.vpce.amazonaws.com", "vpce", "vpce-0abc"),
        ("vpce-0abc-xyz-us-east-1a.execute-api.us-east-1.vpce.amazonaws.com", "vpce", "vpce-0abc"),
        ("a1b2c3d4e5-vpce-0abc.execute-api.cn-north-1.vpce.amazonaws.com.cn", "private", "vpce-0abc"),
        ("a1b2.execute-api.not-a-region.amazonaws.com", "custom-domain", None),
        ("execute-api.us-east-1.amazonaws.com", "custom-domain", None),
        ("a1b2.execute-api.us-east-1.example.com", "custom-domain", None),
        ("a-b.execute-api.us-east-1.amazonaws.com", "custom-domain", None),
        ("x.lambda-url.us-east-1.example.com", "custom-domain", None),
    ],
)
def test_host_shapes(host: str, kind: str, vpce_id: str | None) -> None:
    endpoint = parse_url(f"https://{host}/prod", region="us-east-1")
    assert (endpoint.kind, endpoint.vpce_id) == (kind, vpce_id)
