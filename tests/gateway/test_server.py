"""Lifecycle and access log: start, serve, stop cleanly (keep-alive connections included), log every call."""

from __future__ import annotations

import json
import logging
import socket
import threading

import pytest
import requests
from gateway_helpers import Key, send, signed, user_key

from apiclient.gateway import Gateway, GatewayConfig, running, serve
from apiclient.gateway.app import GatewayApp
from apiclient.gateway.wire import WireRequest


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_stop_closes_keep_alive_connections_and_the_port(config: GatewayConfig) -> None:
    with running(config) as gw, requests.Session() as http:
        assert http.get(gw.api_url() + "/products", timeout=10).status_code == 403  # connection now pooled
        port = gw.port
        gw.stop()
        assert _refused(port)
        with pytest.raises(requests.exceptions.ConnectionError):
            http.get(gw.api_url() + "/products", timeout=10)
        gw.stop()  # idempotent


def test_serve_blocks_until_stopped(config: GatewayConfig) -> None:
    started: list[Gateway] = []
    ready = threading.Event()

    def on_ready(gateway: Gateway) -> None:
        started.append(gateway)
        ready.set()

    thread = threading.Thread(target=serve, args=(config,), kwargs={"port": 0, "ready": on_ready})
    thread.start()
    assert ready.wait(10)
    gateway = started[0]
    assert requests.get(gateway.api_url() + "/products", timeout=10).status_code == 403
    gateway.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert _refused(gateway.port)


def test_access_log_records_each_request(
    gw: Gateway, http: requests.Session, config: GatewayConfig, caplog: pytest.LogCaptureFixture
) -> None:
    reader = user_key(config, "reader")
    with caplog.at_level(logging.INFO, logger="apiclient.gateway"):
        allowed = send(http, signed("GET", gw.api_url() + "/products", reader))
        denied = send(
            http,
            signed("POST", gw.api_url() + "/products", reader, body=b"{}"),
            **{"X-Forwarded-For": "203.0.113.9"},
        )
    records = {r["requestId"]: r for r in gw.access_log}
    ok = records[allowed.headers["x-amzn-RequestId"]]
    refused = records[denied.headers["x-amzn-RequestId"]]
    assert ok["caller"] == refused["caller"] == "arn:aws:iam::222222222222:user/staff/reader"
    assert (ok["httpMethod"], ok["resourcePath"], ok["status"], ok["errorMessage"]) == (
        "GET",
        "/products",
        "200",
        "-",
    )
    assert (refused["ip"], refused["status"]) == ("203.0.113.9", "403")
    assert refused["errorMessage"] == denied.json()["Message"]
    assert int(ok["responseLatency"]) >= 0
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "apiclient.gateway"]
    assert ok in logged
    assert refused in logged


def test_no_secret_reaches_the_log(config: GatewayConfig, caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="apiclient"),
        running(config) as gw,
        requests.Session() as http,
    ):
        session = gw.credentials_for("partner-integration")
        assert session.token is not None
        send(http, signed("GET", gw.api_url() + "/products", Key(session.access_key, "wrong", session.token)))
        http.get(
            gw.api_url() + "/products", headers={"Authorization": "Bearer EXAMPLEsecretbearer"}, timeout=10
        )
        http.get(gw.container_credentials_url, headers={"Authorization": gw.container_token}, timeout=10)
        records = json.dumps(gw.access_log)
    text = caplog.text + records
    assert "apiclient.gateway" in caplog.text  # the gateway did log these calls
    for secret in (session.token, session.secret_key, "EXAMPLEsecretbearer", gw.container_token):
        assert secret not in text


def test_reprs_hide_request_and_answer_secrets(config: GatewayConfig) -> None:
    app = GatewayApp(config)
    request = WireRequest(
        "GET",
        "/container-credentials",
        (("Authorization", app.credentials.container_token),),
        b"",
        "127.0.0.1",
    )
    answer = app.answer(request)
    assert answer.status == 200
    secret = json.loads(answer.body)["SecretAccessKey"]
    assert app.credentials.container_token not in repr(request)
    assert secret not in repr(answer)
