"""``apiclient invoke`` as curl, httpie and AWS CLI users expect it: region order, TLS, -X, -v, -i, bytes,
timeouts, stdin, redirects, --dry-run and --print-curl, colour on a terminal, profile completion."""

from __future__ import annotations

import json
import os
import pty
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from apiclient.cli import ExitCode, cli
from apiclient.credentials.base import Credentials
from apiclient.gateway import Gateway, running

RunCli = Callable[..., Result]  # the run_cli fixture of conftest.py

REGION = "us-west-2"
ACCOUNT = "444444444444"
KEY_ID, SECRET = "AKIAEXAMPLEHABITS001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYHABITSKEY"
# No trailing newline, non-ASCII, and a NUL: what an added newline or a text decode would change.
EXACT_BODY = "caf\u00e9\u0000\u2603 no newline at the end"


def _config() -> dict[str, Any]:
    return {
        "accounts": [{"id": ACCOUNT}],
        "users": [
            {
                "name": "curl-user",
                "account": ACCOUNT,
                "access_keys": [{"id": KEY_ID, "secret": SECRET}],
                "policies": [
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
                    }
                ],
            }
        ],
        "apis": [
            {
                "id": "h4b1t5",
                "region": REGION,
                "account": ACCOUNT,
                "stages": ["prod"],
                "routes": [
                    {"method": "GET", "path": "/exact", "response": {"body": EXACT_BODY}},
                    {"method": "GET", "path": "/json", "response": {"body": {"name": "pen", "price": 3}}},
                    {
                        "method": "GET",
                        "path": "/moved",
                        "response": {"status": 302, "headers": {"Location": "/prod/exact"}},
                    },
                    {"method": "PUT", "path": "/echo"},
                    {"method": "POST", "path": "/echo"},
                    {"method": "DELETE", "path": "/echo"},
                ],
            }
        ],
    }


CREDENTIALS = Credentials(KEY_ID, SECRET)


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    with running(_config()) as gw:
        yield gw


@pytest.fixture(scope="module")
def tls_gateway() -> Iterator[Gateway]:
    with running(_config(), tls=True) as gw:
        yield gw


def _real_url(gateway: Gateway, path: str, scheme: str = "http") -> str:
    return f"{scheme}://{gateway.host_for()}/prod{path}"


def _to(gateway: Gateway) -> tuple[str, ...]:
    return ("--connect-to", f"127.0.0.1:{gateway.port}")


# --- region: the AWS CLI v2's order -------------------------------------------------------------------


def test_the_urls_region_beats_aws_default_region(run_cli: RunCli, gateway: Gateway) -> None:
    url = _real_url(gateway, "/json")
    env = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "eu-west-1"}
    args = ("invoke", "GET", url, *_to(gateway), "--allow-http")
    result = run_cli(*args, credentials=CREDENTIALS, env=env)
    # Before: the root --region read $AWS_DEFAULT_REGION, signed for us-east-1: 403 wrong_region, exit 3.
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout_bytes) == {"name": "pen", "price": 3}
    explicit = run_cli(*args, "--region", "us-east-1", credentials=CREDENTIALS, env=env)
    assert explicit.exit_code == ExitCode.ACCESS_DENIED  # --region still beats the URL
    assert "wrong_region" in explicit.stdout


def test_a_loopback_url_takes_the_region_from_the_environment_then_the_profile(
    run_cli: RunCli, gateway: Gateway, tmp_path: Path
) -> None:
    url = gateway.api_url() + "/json"
    by_env = run_cli("invoke", "GET", url, credentials=CREDENTIALS, env={"AWS_DEFAULT_REGION": REGION})
    assert by_env.exit_code == ExitCode.OK, by_env.output
    config = tmp_path / "config"
    config.write_text(f"[profile habits]\nregion = {REGION}\n", encoding="utf-8")
    shared = tmp_path / "credentials"
    shared.write_text(f"[habits]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    env = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(shared),
        "AWS_PROFILE": "habits",
    }
    by_profile = run_cli("invoke", "GET", url, env=env)
    assert by_profile.exit_code == ExitCode.OK, by_profile.output


# --- TLS ------------------------------------------------------------------------------------------


def test_tls_failures_show_the_ssl_reason_and_ca_bundle_or_insecure_cure_them(
    run_cli: RunCli, tls_gateway: Gateway
) -> None:
    url = _real_url(tls_gateway, "/json", "https")
    args = ("invoke", "GET", url, *_to(tls_gateway))
    refused = run_cli(*args, credentials=CREDENTIALS)
    assert refused.exit_code == ExitCode.ERROR
    # Before: "cannot connect to ...", the SSL reason dropped.
    assert "certificate verify failed" in refused.stderr and "cannot connect" not in refused.stderr
    assert "--ca-bundle" in refused.stderr
    assert tls_gateway.cert_path is not None
    for option in ("--ca-bundle", "--cacert"):
        trusted = run_cli(*args, option, str(tls_gateway.cert_path), credentials=CREDENTIALS)
        assert trusted.exit_code == ExitCode.OK, trusted.output
        assert trusted.stderr == ""
    by_env = run_cli(*args, credentials=CREDENTIALS, env={"AWS_CA_BUNDLE": str(tls_gateway.cert_path)})
    assert by_env.exit_code == ExitCode.OK, by_env.output
    insecure = run_cli(*args, "-k", credentials=CREDENTIALS)
    assert insecure.exit_code == ExitCode.OK, insecure.output
    assert insecure.stderr.count("warning") == 1 and "not checked" in insecure.stderr


# --- curl's options --------------------------------------------------------------------------------


def test_dash_x_sets_the_method_and_the_positional_method_still_works(
    run_cli: RunCli, gateway: Gateway
) -> None:
    url = gateway.api_url() + "/echo"
    for args in (("-X", "PUT", url), (url, "-X", "put"), ("PUT", url), ("PUT", url, "-X", "PUT")):
        result = run_cli("invoke", *args, "-d", "x", "--region", REGION, credentials=CREDENTIALS)
        assert result.exit_code == ExitCode.OK, (args, result.output)
        assert json.loads(result.stdout_bytes)["request"]["httpMethod"] == "PUT"
    clash = run_cli("invoke", "GET", url, "-X", "PUT", "--region", REGION, credentials=CREDENTIALS)
    assert clash.exit_code == ExitCode.USAGE and "two methods" in clash.stderr
    # No method at all: GET, or POST with a body, as curl and httpie choose.
    posted = run_cli("invoke", url, "name=pen", "--region", REGION, credentials=CREDENTIALS)
    assert json.loads(posted.stdout_bytes)["request"]["httpMethod"] == "POST"


def test_verbose_shows_the_response_headers_and_include_the_protocol(
    run_cli: RunCli, gateway: Gateway
) -> None:
    url = gateway.api_url() + "/json"
    result = run_cli("invoke", "GET", url, "-v", "-i", "--region", REGION, credentials=CREDENTIALS)
    assert result.exit_code == ExitCode.OK
    assert "> GET " in result.stderr
    assert "< HTTP/1.1 200 OK" in result.stderr and "< Content-Type: application/json" in result.stderr
    assert result.stdout.startswith("HTTP/1.1 200 OK\n")  # before: "HTTP 200 OK"


def test_the_body_on_stdout_is_byte_exact(run_cli: RunCli, gateway: Gateway, tmp_path: Path) -> None:
    url = gateway.api_url() + "/exact"
    result = run_cli("invoke", "GET", url, "--region", REGION, credentials=CREDENTIALS)
    assert result.exit_code == ExitCode.OK
    # Before: a newline was added (and the text re-encoded).
    assert result.stdout_bytes == EXACT_BODY.encode()
    saved = tmp_path / "saved"
    run_cli("invoke", "GET", url, "-o", str(saved), "--region", REGION, credentials=CREDENTIALS)
    assert saved.read_bytes() == result.stdout_bytes


def _silent_server(*, accept: bool) -> tuple[socket.socket, list[socket.socket]]:
    """A listener that never answers: it accepts and says nothing, or (``accept=False``) its full
    backlog leaves new connections waiting in SYN-SENT."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    held: list[socket.socket] = []
    if accept:

        def take() -> None:
            while True:
                try:
                    held.append(listener.accept()[0])
                except OSError:
                    return

        threading.Thread(target=take, daemon=True).start()
    else:
        filler = socket.create_connection(listener.getsockname())  # fills the backlog of 0 (+1)
        held.append(filler)
    return listener, held


def test_max_time_bounds_a_server_that_never_answers(run_cli: RunCli) -> None:
    listener, held = _silent_server(accept=True)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/prod/x"
    try:
        started = time.monotonic()
        result = run_cli("invoke", "GET", url, "--max-time", "1", "--region", REGION, credentials=CREDENTIALS)
        elapsed = time.monotonic() - started
    finally:
        listener.close()
        for sock in held:
            sock.close()
    assert result.exit_code == ExitCode.ERROR
    assert "timed out" in result.stderr
    assert elapsed < 5  # before: no option, a fixed 30-second read timeout


def test_connect_timeout_bounds_the_connection(run_cli: RunCli) -> None:
    listener, held = _silent_server(accept=False)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/prod/x"
    env = {"AWS_MAX_ATTEMPTS": "1"}
    try:
        started = time.monotonic()
        args = ("invoke", "GET", url, "--connect-timeout", "0.5", "--region", REGION)
        result = run_cli(*args, credentials=CREDENTIALS, env=env)
        elapsed = time.monotonic() - started
    finally:
        listener.close()
        for sock in held:
            sock.close()
    assert result.exit_code == ExitCode.ERROR
    assert "timed out" in result.stderr
    assert elapsed < 4  # before: a fixed 5-second connect timeout


def test_a_piped_body_is_sent(run_cli: RunCli, gateway: Gateway) -> None:
    url = gateway.api_url() + "/echo"
    result = run_cli(
        "invoke", "PUT", url, "--region", REGION, credentials=CREDENTIALS, input=b'{"piped": 1}\n'
    )
    assert result.exit_code == ExitCode.OK, result.output
    echoed = json.loads(result.stdout_bytes)["request"]
    assert echoed["body"] == '{"piped": 1}\n'  # before: sent empty
    ignored = run_cli(
        "invoke", "PUT", url, "--ignore-stdin", "--region", REGION, credentials=CREDENTIALS, input=b"x"
    )
    assert json.loads(ignored.stdout_bytes)["request"]["body"] in (None, "")


def test_a_piped_body_through_a_real_pipe(gateway: Gateway, isolated_env: dict[str, str | None]) -> None:
    env = {k: v for k, v in {**os.environ, **isolated_env}.items() if v is not None}
    env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET)
    command = [sys.executable, "-m", "apiclient.cli", "invoke", "PUT", gateway.api_url() + "/echo"]
    done = subprocess.run(
        [*command, "--region", REGION], input=b"{}\n", capture_output=True, env=env, timeout=60, check=False
    )
    assert done.returncode == ExitCode.OK, done.stderr
    assert json.loads(done.stdout)["request"]["body"] == "{}\n"


def test_data_binary_sends_a_files_bytes_exactly(run_cli: RunCli, gateway: Gateway, tmp_path: Path) -> None:
    payload = tmp_path / "payload.txt"
    payload.write_bytes(b"line one\r\nline two\n\n")
    url = gateway.api_url() + "/echo"
    args = ("invoke", "POST", url, "--data-binary", f"@{payload}", "--region", REGION)
    result = run_cli(*args, credentials=CREDENTIALS)
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout_bytes)["request"]["body"] == "line one\r\nline two\n\n"
    both = run_cli(*args, "-d", "x", credentials=CREDENTIALS)
    assert both.exit_code == ExitCode.USAGE


def test_redirects_are_shown_and_followed_only_with_location(run_cli: RunCli, gateway: Gateway) -> None:
    url = gateway.api_url() + "/moved"
    shown = run_cli("invoke", "GET", url, "-i", "--region", REGION, credentials=CREDENTIALS)
    # Before: always followed, the 302 never seen.
    assert shown.exit_code == ExitCode.OK
    assert shown.stdout.startswith("HTTP/1.1 302")
    assert "Location: /prod/exact" in shown.stdout
    assert "not followed (add -L" in shown.stderr
    followed = run_cli("invoke", "GET", url, "-L", "--region", REGION, credentials=CREDENTIALS)
    assert followed.exit_code == ExitCode.OK
    assert followed.stdout_bytes == EXACT_BODY.encode()


# --- send nothing: --dry-run and --print-curl ---------------------------------------------------------


def test_dry_run_prints_the_signed_request_and_sends_nothing(run_cli: RunCli, gateway: Gateway) -> None:
    before = len(gateway.access_log)
    url = gateway.api_url() + "/echo"
    result = run_cli("invoke", "POST", url, "a=1", "--dry-run", "--region", REGION, credentials=CREDENTIALS)
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.startswith(f"POST {url}\n")
    assert "Authorization: AWS4-HMAC-SHA256 Credential=" + KEY_ID in result.stdout
    assert "Signature=<redacted>" in result.stdout
    assert result.stdout.rstrip().endswith('{"a": "1"}')
    assert "nothing was sent" in result.stderr
    assert len(gateway.access_log) == before


def test_print_curl_masks_by_default_and_its_command_runs_with_show_secrets(
    run_cli: RunCli, gateway: Gateway
) -> None:
    url = gateway.api_url() + "/exact"
    masked = run_cli("invoke", "GET", url, "--print-curl", "--region", REGION, credentials=CREDENTIALS)
    assert masked.exit_code == ExitCode.OK
    assert masked.stdout.startswith("curl -X GET ")
    assert "Signature=<redacted>" in masked.stdout and "--show-secrets" in masked.stdout
    before = len(gateway.access_log)
    shown = run_cli(
        "invoke", "GET", url, "--print-curl", "--show-secrets", "--region", REGION, credentials=CREDENTIALS
    )
    assert len(gateway.access_log) == before  # nothing sent
    assert SECRET not in shown.stdout  # the secret key never leaves: only its signature does
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the printed command cannot be run")
    command = shlex.split(shown.stdout.splitlines()[0])
    by_curl = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert by_curl.returncode == 0, by_curl.stderr
    # The very request curl sent was accepted, and its bytes are the ones invoke prints.
    assert by_curl.stdout == EXACT_BODY.encode()
    ours = run_cli("invoke", "GET", url, "--region", REGION, credentials=CREDENTIALS)
    assert ours.stdout_bytes == by_curl.stdout


# --- a terminal: colour and pretty JSON; a pipe: neither ------------------------------------------


def _on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "apiclient.cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(terminal)
        shown = b""
        while chunk := _read(controller):
            shown += chunk
    finally:
        os.close(controller)
    assert done.returncode in (ExitCode.OK, ExitCode.EXPECTATION_FAILED), done.stderr
    return shown


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO once the terminal side is closed and drained (Linux)
        return b""


def _environment(isolated_env: dict[str, str | None], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in {**os.environ, **isolated_env}.items() if v is not None}
    env.pop("NO_COLOR", None)
    env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, TERM="xterm", **extra)
    return env


def test_json_is_pretty_and_coloured_on_a_terminal_and_plain_when_piped(
    run_cli: RunCli, gateway: Gateway, isolated_env: dict[str, str | None]
) -> None:
    args = ["invoke", "GET", gateway.api_url() + "/json", "--region", REGION]
    coloured = _on_a_terminal(args, _environment(isolated_env))
    assert b"\x1b[" in coloured and b'\n  "' in coloured.replace(b"\r\n", b"\n").replace(
        b"\x1b[34m\x1b[1m", b""
    )
    no_colour = _on_a_terminal(args, _environment(isolated_env, NO_COLOR="1"))
    assert b"\x1b[" not in no_colour
    assert json.loads(no_colour) == {"name": "pen", "price": 3}
    assert b'\n  "name": "pen"' in no_colour.replace(b"\r\n", b"\n")  # still pretty: NO_COLOR is about colour
    piped = run_cli(*args, credentials=CREDENTIALS)
    assert piped.stdout_bytes == b'{"name":"pen","price":3}'  # what the API sent, untouched


def test_check_colours_ok_and_fail_on_a_terminal(
    gateway: Gateway, isolated_env: dict[str, str | None], tmp_path: Path
) -> None:
    matrix = tmp_path / "matrix.json"
    matrix.write_text(
        json.dumps(
            {
                "url": gateway.api_url(),
                "region": REGION,
                "identities": {"user": {"access_key": KEY_ID, "secret_key": SECRET}},
                "requests": [
                    {"method": "GET", "path": "/json", "expect": {"user": "allow"}},
                    {"method": "GET", "path": "/exact", "expect": {"user": "deny"}},
                ],
            }
        ),
        encoding="utf-8",
    )
    shown = _on_a_terminal(["check", str(matrix)], _environment(isolated_env))
    assert b"\x1b[32mok\x1b[0m" in shown, shown
    assert b"FAIL\x1b[0m" in shown and b"\x1b[31m" in shown
    plain = _on_a_terminal(["check", str(matrix)], _environment(isolated_env, NO_COLOR="1"))
    assert b"\x1b[" not in plain and b" ok" in plain and b"FAIL" in plain


# --- shell completion of profile names -------------------------------------------------------------


def test_profile_names_complete_from_the_aws_files(tmp_path: Path) -> None:
    config, shared = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[default]\nregion = us-east-1\n[profile team-a]\n[profile team-b]\n", encoding="utf-8")
    shared.write_text("[tester]\naws_access_key_id = x\n[team-c]\n", encoding="utf-8")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(shared)}
    for words, cword in (("apiclient --profile team", "2"), ("apiclient invoke GET u --profile te", "5")):
        completion = {"_APICLIENT_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
        result = CliRunner().invoke(cli, [], prog_name="apiclient", env={**env, **completion})
        assert result.exit_code == 0
        offered = [line.split(",", 1)[1] for line in result.output.splitlines()]
        prefix = words.rsplit(" ", 1)[1]
        expected = [n for n in ("default", "team-a", "team-b", "team-c", "tester") if n.startswith(prefix)]
        assert offered == expected
