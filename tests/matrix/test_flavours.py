"""Matrices across execute-api flavours: an HTTP API on $default with group members, an instance
role, @connections (ManageConnections) and WebSocket routes, judged offline and over real sockets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apiclient.errors import ConfigError
from apiclient.gateway import load_config, running
from apiclient.matrix import load_matrix, run

SEED004 = Path(__file__).resolve().parents[2] / "examples" / "seed004.yaml"
HTTP_URL = "https://abc123def4.execute-api.us-east-1.amazonaws.com"


def seed004_matrix(url: str = HTTP_URL, john_post: object = "deny", **extra: object) -> dict[str, object]:
    return {
        "url": url,
        "stage": "$default",
        "region": "us-east-1",
        "gateway_config": str(SEED004),
        "identities": {"john": {"sample": "john-readonly"}, "jane": {"sample": "jane-admin"}},
        "requests": [
            {"method": "GET", "path": "/products", "expect": {"john": "allow", "jane": "allow"}},
            {
                "method": "POST",
                "path": "/products",
                "expect": {"john": john_post, "jane": "allow"},
            },
        ],
        **extra,
    }


def test_an_http_api_on_default_with_groups_offline() -> None:
    # Offline the policy engine names the cause; online an HTTP API answers a bare Forbidden.
    report = run(
        load_matrix(seed004_matrix(john_post={"outcome": "deny", "cause": "no_allow"})), offline=True
    )
    assert report.ok, report.to_dict()
    denied = next(
        result
        for result in report.results
        if result.case.identity.name == "john" and result.actual.outcome != "allow"
    )
    assert "ReadOnly-Group" in (denied.actual.detail or "") + (denied.actual.summary or "")


def test_an_http_api_on_default_with_groups_online() -> None:
    with running(load_config(SEED004)) as gw:
        matrix = seed004_matrix(url=gw.api_url("abc123def4"))
        report = run(load_matrix({**matrix, "region": "us-east-1"}))
    assert report.ok, report.to_dict()


def test_manage_connections_and_routes_offline(tmp_path: Path) -> None:
    api = "arn:aws:execute-api:us-east-1:111122223333:wsapi12345"
    policy = tmp_path / "backend.json"
    statements = [
        {
            "Effect": "Allow",
            "Action": "execute-api:ManageConnections",
            "Resource": f"{api}/prod/POST/@connections/*",
        },
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{api}/prod/$connect"},
    ]
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}), encoding="utf-8")
    matrix = {
        "url": "https://wsapi12345.execute-api.us-east-1.amazonaws.com/prod",
        "api_type": "WEBSOCKET",
        "api_owner_account": "111122223333",
        "identities": {
            "backend": {
                "access_key": "AKIAEXAMPLEBACKEND01",
                "secret_key": "EXAMPLEKEY",
                "principal": "arn:aws:iam::111122223333:role/backend",
                "identity_policies": [str(policy)],
            }
        },
        "requests": [
            {"method": "POST", "path": "/@connections/abc=", "expect": {"backend": "allow"}},
            {
                "method": "POST",
                "path": "/@connections/abc=",
                "action": "execute-api:Invoke",
                "expect": {"backend": "deny"},
            },
            {"method": "GET", "path": "/", "route_key": "$connect", "expect": {"backend": "allow"}},
            {"method": "GET", "path": "/", "route_key": "sendmessage", "expect": {"backend": "deny"}},
        ],
    }
    report = run(load_matrix(matrix, base_dir=tmp_path), offline=True)
    assert report.ok, report.to_dict()


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [("action", "execute-api:Delete", "action"), ("api_type", "GRAPHQL", "api_type")],
)
def test_bad_flavour_fields_are_named(field: str, value: str, named: str) -> None:
    matrix = seed004_matrix()
    if field == "action":
        matrix["requests"][0][field] = value  # type: ignore[index]
    else:
        matrix[field] = value
    with pytest.raises(ConfigError) as raised:
        load_matrix(matrix)
    assert named in str(raised.value)
