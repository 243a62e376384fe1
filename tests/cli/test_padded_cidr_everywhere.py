"""A padded CIDR (" 203.0.113.0/24", as AWS's own example prints it) is read one way everywhere, and
``serve`` and ``check --offline`` say so with both readings, as ``explain`` and diagnoses do."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

OWNER = "222222222222"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OfficeOnly",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"IpAddress": {"aws:SourceIp": [" 203.0.113.0/24"]}},
        }
    ],
}


def test_check_offline_warns_with_both_readings(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    (tmp_path / "api.json").write_text(json.dumps(POLICY), encoding="utf-8")
    matrix = {
        "url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
        "resource_policy": "api.json",
        "api_owner_account": OWNER,
        "source_ip": "203.0.113.5",
        "identities": {"nobody": {"anonymous": True}},
        "requests": [
            {"method": "GET", "path": "/status", "authorization": "NONE", "expect": {"nobody": "allow"}}
        ],
    }
    path = tmp_path / "matrix.yaml"
    path.write_text(yaml.safe_dump(matrix), encoding="utf-8")
    done = run_cli("check", str(path), "--offline")
    assert done.exit_code == 0, done.output
    assert "warning: undocumented AWS behaviour" in done.stderr
    assert "Statement[0]" in done.stderr and "different outcome" in done.stderr
    as_json = run_cli("check", str(path), "--offline", "--output", "json")
    assert json.loads(as_json.stdout)["warnings"]


def test_serve_warns_at_start(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    # Through the real command: serve stops on its own once it has started (the helper interrupts it).
    from test_serve_and_demo import _call_then_interrupt, _free_port  # noqa: PLC0415

    config = tmp_path / "gateway.yaml"
    api = {
        "id": "a1b2c3d4e5",
        "region": "us-west-2",
        "account": OWNER,
        "stages": ["prod"],
        "routes": [{"method": "GET", "path": "/products", "authorization": "NONE"}],
        "resource_policy": POLICY,
    }
    config.write_text(yaml.safe_dump({"accounts": [{"id": OWNER}], "apis": [api]}), encoding="utf-8")
    port = _free_port()
    statuses: list[int] = []
    helper = threading.Thread(target=_call_then_interrupt, args=(port, statuses))
    helper.start()
    try:
        done = run_cli("serve", "--config", str(config), "--port", str(port))
    finally:
        helper.join(timeout=30)
    assert "warning:" in done.stderr and "' 203.0.113.0/24'" in done.stderr
    assert "OfficeOnly" in done.stderr or "Statement[0]" in done.stderr
