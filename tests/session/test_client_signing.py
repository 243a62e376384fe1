"""Signed requests verified by botocore on a real loopback socket; connect_to; https rules; threads."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from session_helpers import ACCESS_KEY, FAST, SECRET_KEY, TOKEN, self_signed, tls_context
from verifying_server import VerifyingServer

from apiclient import Credentials, EndpointError
from apiclient.session import Client


def test_signed_get_passes_botocore_verification(server: VerifyingServer, credentials: Credentials) -> None:
    with Client(f"{server.url}/prod", credentials=credentials, region="us-east-1") as client:
        response = client.get("/pets/a b", params={"kind": "dog", "limit": "2"})
    assert response.status_code == 200
    seen = server.seen[-1]
    assert seen.verdict == "ok"
    assert seen.path == "/prod/pets/a%20b?kind=dog&limit=2"


def test_post_with_session_token_and_api_key_verifies(server: VerifyingServer) -> None:
    temporary = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    with Client(
        f"{server.url}/prod", credentials=temporary, region="us-east-1", api_key="EXAMPLEAPIKEY"
    ) as client:
        response = client.post("orders", json={"item": "book"})
    assert response.json()["body"] == '{"item": "book"}'
    seen = server.seen[-1]
    assert seen.verdict == "ok"
    assert seen.header("X-Amz-Security-Token") == TOKEN
    assert seen.header("x-api-key") == "EXAMPLEAPIKEY"


def test_a_wrong_secret_is_refused_by_the_verifier(server: VerifyingServer) -> None:
    wrong = Credentials(ACCESS_KEY, "wrongEXAMPLEKEY")
    client = Client(server.url, credentials=wrong, region="us-east-1", raise_for_access_denied=False)
    assert client.get("/x").status_code == 403
    assert server.seen[-1].verdict == "mismatch"


def test_connect_to_signs_for_the_real_host(server: VerifyingServer, credentials: Credentials) -> None:
    host = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    with Client(
        f"http://{host}/prod", credentials=credentials, allow_http=True, connect_to=f"127.0.0.1:{server.port}"
    ) as client:
        assert client.endpoint.region == "us-east-1"  # from the host name: no region= needed
        response = client.get("/pets")
    assert response.status_code == 200
    seen = server.seen[-1]
    assert seen.header("Host") == host
    assert seen.verdict == "ok"
    assert "/us-east-1/execute-api/aws4_request" in (seen.header("Authorization") or "")


def test_bad_connect_to_is_an_endpoint_error(credentials: Credentials) -> None:
    with pytest.raises(EndpointError, match="HOST:PORT"):
        Client(
            "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
            credentials=credentials,
            connect_to="localhost",
        )


def test_https_is_required_except_for_loopback(credentials: Credentials) -> None:
    with pytest.raises(EndpointError, match="plain http"):
        Client("http://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", credentials=credentials)
    Client("http://127.0.0.1:9/prod", credentials=credentials, region="us-east-1")
    Client("http://localhost:9/prod", credentials=credentials, region="us-east-1")
    Client("http://api.example.com/prod", credentials=credentials, region="us-east-1", allow_http=True)


def test_loopback_and_custom_domains_need_a_region(credentials: Credentials) -> None:
    with pytest.raises(EndpointError, match="region="):
        Client("http://127.0.0.1:9/prod", credentials=credentials)
    with pytest.raises(EndpointError, match="region="):
        Client("https://api.example.com/v1", credentials=credentials)


def test_lambda_url_signs_for_lambda(credentials: Credentials) -> None:
    client = Client(
        "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/", credentials=credentials
    )
    assert (client.endpoint.region, client.endpoint.service) == ("eu-west-1", "lambda")


def test_auth_argument_is_rejected(server: VerifyingServer, credentials: Credentials) -> None:
    client = Client(server.url, credentials=credentials, region="us-east-1")
    with pytest.raises(TypeError, match="auth="):
        client.get("/", auth=("user", "pass"))


def test_many_threads_share_one_client(server: VerifyingServer, credentials: Credentials) -> None:
    with (
        Client(server.url, credentials=credentials, region="us-east-1") as client,
        ThreadPoolExecutor(8) as pool,
    ):
        statuses = list(pool.map(lambda n: client.get(f"/item/{n}").status_code, range(80)))
    assert statuses == [200] * 80
    assert len(server.seen) == 80
    assert {seen.verdict for seen in server.seen} == {"ok"}


def test_debug_logs_have_no_secrets(server: VerifyingServer, caplog: pytest.LogCaptureFixture) -> None:
    server.fail_next(None)
    server.redirects["/old"] = (302, "/new")
    temporary = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    caplog.set_level(logging.DEBUG, logger="apiclient")
    client = Client(
        server.url, credentials=temporary, region="us-east-1", api_key="EXAMPLEAPIKEY", retry=FAST
    )
    assert client.get("/old").status_code == 200
    session_lines = [r.getMessage() for r in caplog.records if r.name == "apiclient.session"]
    assert any("attempt 2" in line for line in session_lines)
    assert any("/new -> 200" in line and "redirects 1" in line for line in session_lines)
    for secret in (SECRET_KEY, TOKEN, "EXAMPLEAPIKEY"):
        assert secret not in caplog.text


HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"


def test_connect_to_over_https_keeps_sni_and_certificate_for_the_real_host(
    tmp_path: Path, credentials: Credentials
) -> None:
    cert, key = self_signed(HOST, tmp_path)
    sni: list[str | None] = []
    server = VerifyingServer({ACCESS_KEY: SECRET_KEY}, tls=tls_context(cert, key, sni)).start()
    try:
        with Client(
            f"https://{HOST}/prod", credentials=credentials, connect_to=f"127.0.0.1:{server.port}"
        ) as client:
            assert client.get("/pets", verify=str(cert)).status_code == 200
        assert sni == [HOST]
        assert server.seen[-1].verdict == "ok"
        assert server.seen[-1].header("Host") == HOST
    finally:
        server.stop()


def test_connect_to_over_https_checks_the_certificate_name(tmp_path: Path, credentials: Credentials) -> None:
    cert, key = self_signed("other.example.com", tmp_path)
    server = VerifyingServer({ACCESS_KEY: SECRET_KEY}, tls=tls_context(cert, key, [])).start()
    try:
        client = Client(
            f"https://{HOST}/prod", credentials=credentials, connect_to=f"127.0.0.1:{server.port}"
        )
        with pytest.raises(requests.exceptions.SSLError):
            client.get("/pets", verify=str(cert))
        assert server.seen == []
    finally:
        server.stop()


def test_connect_to_bypasses_proxies_from_the_environment(
    server: VerifyingServer, credentials: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = Client(
        f"http://{HOST}/prod", credentials=credentials, allow_http=True, connect_to=f"127.0.0.1:{server.port}"
    )
    assert client.get("/pets").status_code == 200
    assert server.seen[-1].verdict == "ok"
