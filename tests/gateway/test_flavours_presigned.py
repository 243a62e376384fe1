"""Presigned (query-string SigV4) URLs on every API type, verified by the gateway with botocore and
presigned here by botocore's ``SigV4QueryAuth``: accepted, and refused tampered, expired or early."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests
from flavour_helpers import HTTP_API, OWNER, flavours_config, key_of, presign
from gateway_helpers import REGION, Key, user_key

from apiclient.gateway import Gateway, running, sample_config

CONFIG = flavours_config()


@pytest.fixture(scope="module")
def gw() -> Iterator[Gateway]:
    """The walkthrough gateway: a REST API."""
    with running(sample_config()) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def flavours() -> Iterator[Gateway]:
    with running(CONFIG) as gateway:
        yield gateway


def get(gw: Gateway, url: str, method: str = "GET") -> requests.Response:
    """A browser-style request for a presigned URL: no header but Host, sent to the gateway on loopback."""
    host, _, rest = url.removeprefix("https://").partition("/")
    return requests.request(method, f"{gw.url}/{rest}", headers={"Host": host}, timeout=10)


def rest_url(gw: Gateway, key: Key, path: str = "/prod/products", **kwargs: object) -> str:
    return presign("GET", f"https://{gw.host_for()}{path}", key, region=REGION, **kwargs)  # type: ignore[arg-type]


def test_a_presigned_get_on_a_rest_api(gw: Gateway) -> None:
    response = get(gw, rest_url(gw, user_key(gw.config, "reader")))
    assert response.status_code == 200, response.text
    assert response.json()["caller"]["arn"].endswith(":user/staff/reader")
    # The signature's parameters reach the integration as the query they are.
    assert "X-Amz-Signature" in response.json()["request"]["queryStringParameters"]


def test_a_presigned_url_keeps_its_own_query(gw: Gateway) -> None:
    response = get(gw, rest_url(gw, user_key(gw.config, "reader"), "/prod/products?color=red%20blue&size=1"))
    assert response.status_code == 200, response.text
    assert response.json()["request"]["queryStringParameters"]["color"] == "red blue"


def test_a_presigned_url_is_still_authorized(gw: Gateway) -> None:
    response = get(
        gw,
        presign(
            "POST", f"https://{gw.host_for()}/prod/products", user_key(gw.config, "reader"), region=REGION
        ),
        "POST",
    )
    assert response.status_code == 403
    assert response.json()["Message"].startswith(
        "User: arn:aws:iam::222222222222:user/staff/reader is not authorized"
    )


def test_temporary_credentials_presign_with_their_token(gw: Gateway) -> None:
    session = gw.credentials_for("partner-integration")
    key = Key(session.access_key, session.secret_key, session.token)
    url = rest_url(gw, key)
    assert "X-Amz-Security-Token=" in url
    assert get(gw, url).status_code == 200
    without_token = "&".join(p for p in url.split("&") if not p.startswith("X-Amz-Security-Token="))
    response = get(gw, without_token)
    assert response.status_code == 403
    assert response.json() == {"message": "The security token included in the request is invalid."}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace("/prod/products", "/prod/products/1"),
        lambda url: url.replace("X-Amz-Expires=300", "X-Amz-Expires=900"),
        lambda url: url + "&extra=1",
    ],
    ids=["path", "expires", "added-parameter"],
)
def test_a_tampered_url_is_refused(gw: Gateway, tamper: object) -> None:
    response = get(gw, tamper(rest_url(gw, user_key(gw.config, "reader"))))  # type: ignore[operator]
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert response.json()["message"].startswith("The request signature we calculated does not match")


def test_an_expired_url_is_refused_with_the_time_it_expired(gw: Gateway) -> None:
    signed_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=20)
    response = get(gw, rest_url(gw, user_key(gw.config, "reader"), expires=900, at=signed_at))
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    message = response.json()["message"]
    assert message.startswith(f"Signature expired: {signed_at:%Y%m%dT%H%M%SZ} is now earlier than ")
    assert message.endswith(" - 15 min.)")
    # Within its lifetime, an old URL is still good (unlike a signed header's 5 minutes).
    assert get(gw, rest_url(gw, user_key(gw.config, "reader"), expires=3600, at=signed_at)).status_code == 200


def test_a_url_signed_in_the_future_is_not_yet_valid(gw: Gateway) -> None:
    later = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(minutes=30)
    response = get(gw, rest_url(gw, user_key(gw.config, "reader"), at=later))
    assert response.status_code == 403
    message = response.json()["message"]
    assert message.startswith(f"Signature not yet current: {later:%Y%m%dT%H%M%SZ} is still later than ")
    assert message.endswith(" + 5 min.)")


@pytest.mark.parametrize("expires", [0, 604801])
def test_expires_must_be_one_second_to_a_week(gw: Gateway, expires: int) -> None:
    response = get(gw, rest_url(gw, user_key(gw.config, "reader"), expires=expires))
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"
    assert "X-Amz-Expires must be a number of seconds from 1 to 604800" in response.json()["message"]


def test_a_missing_parameter_is_named(gw: Gateway) -> None:
    url = "&".join(
        p for p in rest_url(gw, user_key(gw.config, "reader")).split("&") if not p.startswith("X-Amz-Date=")
    )
    response = get(gw, url)
    assert response.status_code == 403
    assert "must include 'X-Amz-Date'" in response.json()["message"]


def test_a_url_scoped_to_another_region_is_refused(gw: Gateway) -> None:
    response = get(
        gw,
        presign(
            "GET", f"https://{gw.host_for()}/prod/products", user_key(gw.config, "reader"), region="eu-west-1"
        ),
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Credential should be scoped to a valid region, not 'eu-west-1'. "


def test_a_presigned_get_on_an_http_api(flavours: Gateway) -> None:
    key = key_of(CONFIG, "john-readonly")
    url = presign("GET", f"https://{flavours.host_for(HTTP_API)}/products", key)
    response = get(flavours, url)
    assert response.status_code == 200, response.text
    assert response.json()["caller"]["arn"] == f"arn:aws:iam::{OWNER}:user/john-readonly"
    tampered = get(flavours, url.replace("/products", "/products/7"))
    assert tampered.status_code == 403
    assert "x-amzn-ErrorType" not in tampered.headers
    assert tampered.headers["apigw-requestid"]
