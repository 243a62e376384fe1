"""``apiclient serve`` until Ctrl-C, and ``apiclient demo``'s walkthrough in text and JSON."""

from __future__ import annotations

import _thread
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


SAMPLE = sample_config()
FLAGGED_IP = "198.51.100.7"  # in the sample resource policy's BlockFlaggedRange
LINE_FIELDS = ("cause=", "caller=", "deciding=", "ip=", "protocol=", "responseLength=", "responseLatency=")


def _auth(name: str, region: str = "us-west-2") -> SigV4Auth:
    key = next(u for u in SAMPLE.users if u.name == name).access_keys[0]
    return SigV4Auth(Credentials(key.access_key_id, key.secret_access_key), region)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


def _calls(port: int) -> list[requests.Response]:
    """The walkthrough's answers: allowed, no Allow, an explicit Deny, unsigned."""
    url = f"http://127.0.0.1:{port}/prod/products"
    with requests.Session() as http:
        return [
            http.get(url, auth=_auth("reader"), timeout=5),
            http.post(url, auth=_auth("reader"), timeout=5),
            http.get(url, auth=_auth("team-a-tester"), headers={"X-Forwarded-For": FLAGGED_IP}, timeout=5),
            http.get(url, timeout=5),
        ]


def _serve_while(
    run_cli: RunCli, args: list[str], action: Callable[[int], object]
) -> tuple[Result, list[object]]:
    """Run ``apiclient ARGS serve --port P`` in-process, do ``action(P)`` from a thread, then Ctrl-C."""
    port = _free_port()
    done: list[object] = []

    def act() -> None:
        try:
            _wait_for(port)
            done.append(action(port))
        finally:
            _thread.interrupt_main()

    helper = threading.Thread(target=act)
    helper.start()
    try:
        result = run_cli(*args, "--port", str(port))
    finally:
        helper.join(timeout=30)
    assert result.exit_code == ExitCode.OK, result.output
    assert done, "the calls did not complete"
    return result, done


def _call_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if " cause=" in line]


def test_serve_prints_one_line_per_call_with_cause_and_deciding_statement(run_cli: RunCli) -> None:
    result, done = _serve_while(run_cli, ["serve", "--trust-forwarded-for"], _calls)
    (responses,) = done
    lines = _call_lines(result.stdout)
    assert len(lines) == 4, result.stdout
    for line, response in zip(lines, responses, strict=True):  # type: ignore[call-overload]
        assert f"/prod/products {response.status_code} " in line
        assert all(field in line for field in LINE_FIELDS)
        assert f"requestId={response.headers['x-amzn-RequestId']}" in line
        # The trace ID the caller got back is the one logged.
        assert response.headers["X-Amzn-Trace-Id"] == "Root=" + line.rsplit("xrayTraceId=", 1)[1]
    allowed, no_allow, denied, unsigned = lines
    assert allowed.split("] ", 1)[1].startswith("GET /prod/products 200 cause=- ")
    assert 'deciding="identity policy 1 Statement[0] (Sid ReadProductList)"' in allowed
    assert "caller=arn:aws:iam::222222222222:user/staff/reader" in allowed
    assert "POST /prod/products 403 cause=no_allow " in no_allow
    assert "403 cause=explicit_deny caller=arn:aws:iam::111111111111:user/team-a-tester " in denied
    assert 'deciding="resource policy Statement[2] (Sid BlockFlaggedRange)"' in denied
    assert f"ip={FLAGGED_IP} " in denied
    assert "403 cause=missing_auth_or_route caller=anonymous " in unsigned
    # Piped (not a terminal): no colour.
    assert "\x1b[" not in result.stdout
    assert result.stdout.rstrip().endswith("stopped")


def test_a_line_escapes_control_characters_of_the_path(run_cli: RunCli) -> None:
    def raw(port: int) -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"GET /prod/\x1b[2Jproducts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return connection.recv(4096)

    result, _ = _serve_while(run_cli, ["serve"], raw)
    (line,) = _call_lines(result.stdout)
    assert "GET /prod/\\x1b[2Jproducts 403 cause=missing_auth_or_route" in line
    assert "\x1b" not in result.stdout


def test_a_refused_signature_names_no_caller(run_cli: RunCli) -> None:
    def wrong_region(port: int) -> int:
        url = f"http://127.0.0.1:{port}/prod/products"
        return requests.get(url, auth=_auth("reader", "us-east-1"), timeout=5).status_code

    result, done = _serve_while(run_cli, ["serve"], wrong_region)
    assert done == [403]
    (line,) = _call_lines(result.stdout)
    assert "403 cause=wrong_region caller=unverified " in line


def test_serve_access_log_writes_json_records_and_quiet_drops_the_lines(
    run_cli: RunCli, tmp_path: Path
) -> None:
    log = tmp_path / "access.jsonl"
    log.write_text('{"earlier":"run"}\n', encoding="utf-8")
    result, done = _serve_while(
        run_cli, ["serve", "--trust-forwarded-for", "--access-log", str(log), "--quiet"], _calls
    )
    (responses,) = done
    assert _call_lines(result.stdout) == []
    earlier, *records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert earlier == {"earlier": "run"}  # appended, never truncated
    assert [r["requestId"] for r in records] == [r.headers["x-amzn-RequestId"] for r in responses]  # type: ignore[attr-defined]
    assert [(r["status"], r["cause"]) for r in records] == [
        ("200", "-"),
        ("403", "no_allow"),
        ("403", "explicit_deny"),
        ("403", "missing_auth_or_route"),
    ]
    assert records[2]["deciding"] == "resource policy Statement[2] (Sid BlockFlaggedRange)"
    for record in records:
        assert {"requestId", "ip", "caller", "requestTime", "httpMethod", "resourcePath", "status"} <= set(
            record
        )
        assert {"protocol", "responseLength", "responseLatency", "xrayTraceId"} <= set(record)
    secrets = [u.access_keys[0].secret_access_key for u in SAMPLE.users if u.access_keys]
    assert not [s for s in secrets if s in log.read_text(encoding="utf-8")]


def test_serve_output_json_prints_each_call_as_a_json_line(run_cli: RunCli) -> None:
    def one_call(port: int) -> int:
        url = f"http://127.0.0.1:{port}/prod/products"
        return requests.post(url, auth=_auth("reader"), timeout=5).status_code

    result, done = _serve_while(run_cli, ["--output", "json", "serve"], one_call)
    assert done == [403]
    lines = result.stdout.splitlines()
    record = json.loads(lines[-1])
    assert (record["httpMethod"], record["status"], record["cause"]) == ("POST", "403", "no_allow")
    urls = json.loads("\n".join(lines[:-1]))
    assert urls["url"].startswith("http://127.0.0.1:")


def test_serve_debug_keeps_the_decision_dump_beside_the_lines(run_cli: RunCli) -> None:
    def one_call(port: int) -> int:
        url = f"http://127.0.0.1:{port}/prod/products"
        return requests.post(url, auth=_auth("reader"), timeout=5).status_code

    result, _ = _serve_while(run_cli, ["serve", "--debug"], one_call)
    assert "refused POST /prod/products" in result.stderr
    assert "Deciding statement" in result.stderr or "DENIED" in result.stderr
    (line,) = _call_lines(result.stdout)
    assert "403 cause=no_allow" in line


@contextmanager
def _serve_on_a_terminal(env: dict[str, str]) -> Iterator[tuple[int, Callable[[str], str]]]:
    """``apiclient serve`` in a subprocess whose stdout is a pseudo-terminal; yields the port and a
    reader that returns what the terminal showed until a text appears."""
    port = _free_port()
    primary, secondary = pty.openpty()
    code = "from apiclient.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    os.close(secondary)
    shown = bytearray()

    def read_until(text: str) -> str:
        deadline = time.monotonic() + 20
        while text.encode() not in shown and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    shown.extend(os.read(primary, 65536))
                except OSError:
                    break
        return shown.decode("utf-8", "replace")

    try:
        yield port, read_until
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
            os.close(primary)
            assert process.stderr is not None
            process.stderr.close()


@pytest.mark.parametrize("no_color", [False, True])
def test_serve_colours_the_status_on_a_terminal_unless_no_color(no_color: bool) -> None:
    env = {"NO_COLOR": "1"} if no_color else {"NO_COLOR": "", "TERM": "xterm"}
    with _serve_on_a_terminal(env) as (port, read_until):
        read_until("Press Ctrl-C")
        url = f"http://127.0.0.1:{port}/prod/products"
        assert requests.get(url, auth=_auth("reader"), timeout=10).status_code == 200
        assert requests.post(url, auth=_auth("reader"), timeout=10).status_code == 403
        shown = read_until("cause=no_allow")
    green, red = (
        re.search(r"\x1b\[32m(?:\x1b\[1m)?200", shown),
        re.search(r"\x1b\[31m(?:\x1b\[1m)?403", shown),
    )
    if no_color:
        assert "\x1b[" not in shown and " 200 cause=- " in shown and " 403 cause=no_allow " in shown
    else:
        assert green and red, shown


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


def test_serve_keeps_answering_when_its_reader_goes_away() -> None:
    # `apiclient serve | head -3`: once the pipe closes, lines stop but calls are still answered.
    port = _free_port()
    code = "from apiclient.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        _wait_for(port)
        process.stdout.close()
        url = f"http://127.0.0.1:{port}/prod/products"
        statuses = [requests.get(url, auth=_auth("reader"), timeout=10).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, errors = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert b"listener failed" not in errors
