"""Clients we did not write get through (curl --aws-sigv4, requests-aws4auth, botocore), over real sockets."""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
import subprocess
from urllib.parse import quote

import pytest
import requests
from gateway_helpers import API_ID, REGION, Key, reference_body, send, signed, user_key
from requests_aws4auth import AWS4Auth

from apiclient.errors import AccessDenied
from apiclient.gateway import Gateway, GatewayConfig, running

CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed")


def _curl(*args: str) -> tuple[int, bytes]:
    assert CURL is not None
    done = subprocess.run(
        [CURL, "-s", "-o", "-", "-w", "\n%{http_code}", *args], capture_output=True, check=True, timeout=20
    )
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


@needs_curl
def test_curl_signed_get_is_answered(gw: Gateway, config: GatewayConfig) -> None:
    key = user_key(config, "reader")
    status, body = _curl(
        "--aws-sigv4",
        f"aws:amz:{REGION}:execute-api",
        "--user",
        f"{key.access_key}:{key.secret_key}",
        gw.api_url() + "/products",
    )
    assert status == 200
    assert json.loads(body)["caller"]["arn"] == "arn:aws:iam::222222222222:user/staff/reader"


@needs_curl
def test_curl_with_wrong_secret_gets_the_exact_mismatch(gw: Gateway, config: GatewayConfig) -> None:
    key = user_key(config, "reader")
    status, body = _curl(
        "--aws-sigv4",
        f"aws:amz:{REGION}:execute-api",
        "--user",
        f"{key.access_key}:wrong-secret-EXAMPLE",
        gw.api_url() + "/products",
    )
    assert status == 403
    message = json.loads(body)["message"]
    first = json.loads(reference_body('{"message":"The request signature'))["message"]
    head, canonical, middle, string_to_sign, tail = message.split("'")
    assert head == f"{first}\n\nThe Canonical String for this request should have been\n"
    assert middle == "\n\nThe String-to-Sign should have been\n"
    assert tail == "\n"
    # The string to sign hashes the canonical request it shows; both describe curl's GET.
    assert string_to_sign.splitlines()[-1] == hashlib.sha256(canonical.encode()).hexdigest()
    assert canonical.splitlines()[:3] == ["GET", "/prod/products", ""]
    assert body == json.dumps({"message": message}, separators=(",", ":")).encode()


@needs_curl
def test_curl_with_session_token_and_real_host_name(gw: Gateway) -> None:
    # Sign for the real execute-api host and connect to loopback, as --connect-to does.
    session = gw.credentials_for("partner-integration")
    assert session.token is not None
    host = gw.host_for()
    status, body = _curl(
        "--aws-sigv4",
        f"aws:amz:{REGION}:execute-api",
        "--user",
        f"{session.access_key}:{session.secret_key}",
        "-H",
        f"x-amz-security-token: {session.token}",
        "--connect-to",
        f"{host}:80:127.0.0.1:{gw.port}",
        f"http://{host}/prod/products/42",
    )
    assert status == 200
    document = json.loads(body)
    assert (
        document["caller"]["arn"]
        == "arn:aws:sts::222222222222:assumed-role/partner-integration/apiclient-testing"
    )
    assert document["request"]["pathParameters"] == {"id": "42"}


def test_requests_aws4auth_get_and_post(gw: Gateway, config: GatewayConfig) -> None:
    key = user_key(config, "admin")
    auth = AWS4Auth(key.access_key, key.secret_key, REGION, "execute-api")
    with requests.Session() as http:
        got = http.get(
            gw.api_url() + "/products", params={"q": "green tea", "page": "2"}, auth=auth, timeout=10
        )
        posted = http.post(gw.api_url() + "/products", json={"name": "tea"}, auth=auth, timeout=10)
    assert got.status_code == 200
    assert got.json()["request"]["queryStringParameters"] == {"q": "green tea", "page": "2"}
    assert (posted.status_code, posted.json()) == (201, {"created": True})


@pytest.mark.parametrize(
    ("raw_id", "query"),
    [
        ("plain", ""),
        ("with space", "a=1&b=x%20y"),
        ("semi;colon$dollar", "z=%2F&a=b%2Bc&a=a"),  # repeated keys are sorted by value
        ("ü-unicode", "k=%E2%9C%93"),
        ("tilde~dash-under_dot.", "empty="),
    ],
)
def test_botocore_signed_paths_and_queries(
    gw: Gateway, http: requests.Session, config: GatewayConfig, raw_id: str, query: str
) -> None:
    url = f"{gw.api_url()}/products/{quote(raw_id, safe='')}" + (f"?{query}" if query else "")
    response = send(http, signed("GET", url, user_key(config, "admin")))
    assert response.status_code == 200, response.text
    assert response.json()["request"]["pathParameters"] == {"id": raw_id}


def test_signed_post_body(gw: Gateway, http: requests.Session, config: GatewayConfig) -> None:
    body = json.dumps({"name": "tea", "price": 3}).encode()
    request = signed(
        "PUT",
        gw.api_url() + "/products/7",
        user_key(config, "admin"),
        body=body,
        headers={"Content-Type": "application/json"},
    )
    response = send(http, request)
    assert response.status_code == 200
    assert response.json()["request"]["body"] == body.decode()


@pytest.mark.parametrize("style", ["host", "api-id-header", "path"])
def test_routing_styles(gw: Gateway, http: requests.Session, config: GatewayConfig, style: str) -> None:
    key = user_key(config, "reader")
    if style == "host":
        request = signed("GET", f"http://{gw.host_for()}/prod/products", key)
        prepared = request.prepare()
        headers = {**dict(prepared.headers), "Host": gw.host_for()}  # botocore signs a Host it does not set
        response = http.get(gw.url + "/prod/products", headers=headers, timeout=10)
    elif style == "api-id-header":
        response = send(
            http, signed("GET", gw.url + "/prod/products", key, headers={"x-apigw-api-id": API_ID})
        )
    else:
        response = send(http, signed("GET", f"{gw.url}/restapis/{API_ID}/prod/_user_request_/products", key))
    assert response.status_code == 200, response.text
    assert response.json()["request"]["resourcePath"] == "/products"


def test_keep_alive_serves_many_requests_on_one_connection(gw: Gateway, config: GatewayConfig) -> None:
    key = user_key(config, "reader")
    connection = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        sockets = set()
        for _ in range(5):
            request = signed("GET", gw.api_url() + "/products", key).prepare()
            connection.request("GET", "/prod/products", headers=dict(request.headers))
            response = connection.getresponse()
            assert response.status == 200
            assert response.getheader("Connection") == "keep-alive"
            response.read()
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


def test_tls_with_generated_certificate(config: GatewayConfig) -> None:
    key = user_key(config, "reader")
    with running(config, tls=True) as gw, requests.Session() as http:
        assert gw.url.startswith("https://127.0.0.1:")
        assert gw.cert_path is not None
        response = send_verified(http, gw, key)
        assert response.status_code == 200
        assert response.json()["caller"]["arn"].endswith(":user/staff/reader")
        with pytest.raises(requests.exceptions.SSLError):
            http.get(gw.api_url() + "/products", timeout=10, verify=True)
    assert not gw.cert_path.exists()  # stop() removes the generated key and certificate


def send_verified(http: requests.Session, gw: Gateway, key: Key) -> requests.Response:
    prepared = signed("GET", gw.api_url() + "/products", key).prepare()
    return http.get(prepared.url, headers=dict(prepared.headers), timeout=10, verify=str(gw.cert_path))


def test_apiclient_client_through_the_fixture(gateway_client: object) -> None:
    reader = gateway_client("reader")  # type: ignore[operator]
    assert reader.get("/products").status_code == 200
    with pytest.raises(AccessDenied):
        reader.post("/products", json={"name": "tea"})


def test_chunked_body_is_read_and_verified(gw: Gateway, config: GatewayConfig) -> None:
    body = b'{"name":"chunked tea"}'
    request = signed("PUT", gw.api_url() + "/products/3", user_key(config, "admin"), body=body).prepare()
    connection = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        chunks = iter([body[:5], body[5:]])
        connection.request(
            "PUT", "/prod/products/3", body=chunks, headers=dict(request.headers), encode_chunked=True
        )
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["request"]["body"] == body.decode()
    finally:
        connection.close()
