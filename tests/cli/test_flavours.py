"""``explain`` and ``invoke`` across execute-api flavours: @connections, WebSocket routes, HTTP APIs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from apiclient.cli import ExitCode, cli

OWNER = "222222222222"
API = f"arn:aws:execute-api:us-east-1:{OWNER}:a1b2c3d4e5"
BACKEND = f"arn:aws:iam::{OWNER}:role/backend"


def _policy(tmp_path: Path, name: str, action: str, resource: str) -> str:
    path = tmp_path / f"{name}.json"
    statement = {"Sid": name, "Effect": "Allow", "Action": action, "Resource": resource}
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}), encoding="utf-8")
    return str(path)


def _explain(*args: str) -> tuple[int, dict[str, object]]:
    done = CliRunner().invoke(cli, ["explain", *args, "--output", "json"])
    return done.exit_code, json.loads(done.output)


def test_an_at_connections_arn_is_judged_as_manage_connections(tmp_path: Path) -> None:
    target = f"{API}/prod/POST/@connections/abc="
    manage = _policy(tmp_path, "Manage", "execute-api:ManageConnections", f"{API}/prod/POST/@connections/*")
    code, decision = _explain(target, "--identity-policy", manage, "--principal", BACKEND)
    assert code == 0, decision
    assert decision["result"] == "ALLOW"


def test_an_invoke_grant_does_not_cover_at_connections_and_the_fix_names_the_right_action(
    tmp_path: Path,
) -> None:
    target = f"{API}/prod/POST/@connections/abc="
    invoke_only = _policy(tmp_path, "InvokeAll", "execute-api:Invoke", f"{API}/*")
    code, decision = _explain(target, "--identity-policy", invoke_only, "--principal", BACKEND)
    assert code == ExitCode.ACCESS_DENIED
    fixes = json.dumps(decision.get("fixes"))
    assert "execute-api:ManageConnections" in fixes
    # The action can still be forced: as Invoke, the same grant allows it.
    code, forced = _explain(
        target, "--identity-policy", invoke_only, "--principal", BACKEND, "--action", "execute-api:Invoke"
    )
    assert code == 0 and forced["result"] == "ALLOW"


def test_a_websocket_route_arn_is_judged_on_its_route(tmp_path: Path) -> None:
    connect = _policy(tmp_path, "Connect", "execute-api:Invoke", f"{API}/prod/$connect")
    code, decision = _explain(f"{API}/prod/$connect", "--identity-policy", connect, "--principal", BACKEND)
    assert code == 0, decision
    code, other = _explain(f"{API}/prod/sendmessage", "--identity-policy", connect, "--principal", BACKEND)
    assert code == ExitCode.ACCESS_DENIED, other


def test_an_http_api_on_default_is_judged_by_identity_policies_alone(tmp_path: Path) -> None:
    url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/products/42"
    reader = _policy(tmp_path, "Reads", "execute-api:Invoke", f"{API}/$default/GET/products/*")
    wide_open = tmp_path / "open.json"
    everyone = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    wide_open.write_text(json.dumps({"Version": "2012-10-17", "Statement": [everyone]}), encoding="utf-8")
    args = [
        "--stage",
        "$default",
        "--identity-policy",
        reader,
        "--principal",
        f"arn:aws:iam::{OWNER}:user/john",
    ]
    code, decision = _explain(url, *args, "--api-owner-account", OWNER)
    assert code == 0, decision
    code, post = _explain(
        url, *args, "--api-owner-account", OWNER, "--method", "POST", "--resource-policy", wide_open
    )
    assert code == ExitCode.ACCESS_DENIED  # the resource policy would allow it, but HTTP APIs have none
    assert "resource polic" in json.dumps(post).lower()
