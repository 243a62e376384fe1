"""``apiclient serve`` until Ctrl-C, and ``apiclient demo``'s walkthrough in text and JSON."""

from __future__ import annotations

import _thread
import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner, Result

from apiclient.auth import SigV4Auth
from apiclient.cli import ExitCode, cli
from apiclient.credentials.base import Credentials
from apiclient.diagnostics import CAUSES
from apiclient.gateway import sample_config

RunCli = Callable[..., Result]  # the run_cli fixture of conftest.py


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call_then_interrupt(port: int, statuses: list[int]) -> None:
    """Wait for the server, make one signed call as the reader, then press Ctrl-C (in the main thread)."""
    reader = next(u for u in sample_config().users if u.name == "reader")
    key = reader.access_keys[0]
    auth = SigV4Auth(Credentials(key.access_key_id, key.secret_access_key), "us-west-2")
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            try:
                statuses.append(
                    requests.get(f"http://127.0.0.1:{port}/prod/products", auth=auth, timeout=5).status_code
                )
                return
            except requests.ConnectionError:
                time.sleep(0.05)
    finally:
        _thread.interrupt_main()


def test_serve_prints_the_urls_serves_and_stops_on_ctrl_c(run_cli: RunCli, tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "accounts": [{"id": "222222222222"}],
                "apis": [
                    {
                        "id": "a1b2c3d4e5",
                        "region": "us-west-2",
                        "account": "222222222222",
                        "stages": ["prod"],
                        "routes": [{"method": "GET", "path": "/products", "authorization": "NONE"}],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    port = _free_port()
    statuses: list[int] = []
    helper = threading.Thread(target=_call_then_interrupt, args=(port, statuses))
    helper.start()
    try:
        result = run_cli("serve", "--config", str(config), "--port", str(port))
    finally:
        helper.join(timeout=30)
    assert result.exit_code == ExitCode.OK, result.output
    assert f"http://127.0.0.1:{port}" in result.stdout
    assert "a1b2c3d4e5.execute-api.us-west-2.amazonaws.com" in result.stdout
    assert result.stdout.rstrip().endswith("stopped")
    assert statuses == [200]


def test_serve_rejects_a_bad_config_in_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(yaml.safe_dump({"accounts": [{"id": "12"}], "apis": []}), encoding="utf-8")
    result = run_cli("serve", "--config", str(config))
    assert result.exit_code == ExitCode.INVALID_DOCUMENT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "accounts[0].id" in lines[0]


@pytest.fixture(scope="module")
def demo_json() -> dict[str, object]:
    result = CliRunner().invoke(cli, ["--output", "json", "demo"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_demo_json_statuses_causes_and_deciding_statements(demo_json: dict[str, object]) -> None:
    calls = {call["step"]: call for call in demo_json["calls"]}  # type: ignore[attr-defined]
    assert {step: call["status"] for step, call in calls.items()} == {
        "a": 200,
        "b": 403,
        "c": 403,
        "d": 403,
        "e": 200,
    }
    refusals = [call for call in calls.values() if call["status"] == 403]
    for call in refusals:
        assert call["cause"] in CAUSES
        assert call["deciding"], call["step"]
        for statement in call["deciding"]:
            assert {"policy", "index", "sid"} <= statement.keys()
    assert [call["cause"] for call in refusals] == ["no_allow", "explicit_deny", "no_allow"]
    # (c): the sample's Deny on the flagged range decided it.
    assert [(s["policy"], s["index"], s["sid"], s["role"]) for s in calls["c"]["deciding"]] == [
        ("resource policy", 2, "BlockFlaggedRange", "deciding")
    ]
    # (b): the reader's own read-only Allow came close but does not cover POST.
    assert any(s["sid"] == "ReadProductList" and s["role"] == "closest_allow" for s in calls["b"]["deciding"])
    # (d): the resource policy allows Team A; the intern's identity side is what is missing (Table B).
    assert [s["sid"] for s in calls["d"]["deciding"] if s["role"] == "applied_allow"] == ["TeamAAccount"]
    # (e): refused for skew first, then corrected by about ten minutes.
    assert calls["e"]["first_attempt"] == {"status": 403, "cause": "clock_skew"}
    assert abs(calls["e"]["clock_offset_seconds"] + 600) <= 5


def test_demo_json_agrees_with_the_engines_decision(demo_json: dict[str, object]) -> None:
    for call in demo_json["calls"]:  # type: ignore[attr-defined]
        if call["status"] == 403:
            decision = call["diagnosis"]["decision"]
            expected = {"IMPLICIT_DENY": "no_allow", "EXPLICIT_DENY": "explicit_deny"}[decision["result"]]
            assert call["cause"] == expected


def test_demo_output_option_on_the_command_and_text(run_cli: RunCli) -> None:
    shown = run_cli("demo", "--output", "json")
    assert [call["status"] for call in json.loads(shown.stdout)["calls"]] == [200, 403, 403, 403, 200]
    text = run_cli("demo")
    assert text.exit_code == ExitCode.OK
    assert "team-a-tester: GET /products -> 200" in text.stdout
    assert "reader: POST /products -> 403" in text.stdout
    assert "403 explicit_deny" in text.stdout and "BlockFlaggedRange" in text.stdout
    assert "-> 403 clock_skew" in text.stdout
