"""examples/seed004_http_api.py: seed 004's ProductAPI as an HTTP API on $default, granted through groups."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import yaml
from examples_support import EXAMPLES, RunExample

import apiclient
from apiclient.gateway import load_config, running
from apiclient.policy import IdentityPolicy

DEFAULT_ARN = "arn:aws:execute-api:us-east-1:111122223333:abc123def4/$default"
DOC = Path(__file__).resolve().parents[2] / "docs" / "flavours.md"
_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z")


def _doc_block(after: str) -> str:
    """The fenced block that follows the ``after`` marker line in docs/flavours.md."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(re.escape(after) + r"\n```\w*\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)
    assert found, f"no block after {after} in {DOC.name}"
    return found.group(1)


def test_groups_decide_on_the_default_stage(example_env: dict[str, str], run_example: RunExample) -> None:
    done = run_example(["seed004_http_api.py"], env=example_env)
    assert done.returncode == 0, done.stdout + done.stderr
    calls = re.findall(r"^(ok|SURPRISE) +(\S+) +(\S+) +(\S+) +(\d+)$", done.stdout, re.MULTILINE)
    assert calls == [
        ("ok", "john-readonly", "GET", "/products", "200"),
        ("ok", "john-readonly", "POST", "/products", "403"),
        ("ok", "jane-admin", "POST", "/products", "201"),
        ("ok", "jane-admin", "GET", "/products/42", "200"),
    ]
    # The refusal is diagnosed on the $default ARN, and the fix goes to the group's policy.
    assert "403 no_allow:" in done.stdout
    assert f"-> execute-api:Invoke on {DEFAULT_ARN}/POST/products" in done.stdout
    assert "group ReadOnly-Group policy 1 Statement[0] (Sid 'ReadProducts')" in done.stdout
    assert f"add {DEFAULT_ARN}/POST/products to the Resource of group ReadOnly-Group policy 1" in done.stdout
    assert done.stdout.splitlines()[-1] == "0 surprise(s)"
    # docs/flavours.md shows this very output (the signing instant aside).
    assert _AMZ_DATE.sub("<AMZ-DATE>", _doc_block("<!-- seed004 output -->")) == _AMZ_DATE.sub(
        "<AMZ-DATE>", done.stdout
    )


def test_a_surprise_is_reported(
    tmp_path: object, example_env: dict[str, str], run_example: RunExample
) -> None:
    # john joins Admin-Group too: his POST is no longer refused, and the script says so.
    data = yaml.safe_load((EXAMPLES / "seed004.yaml").read_text(encoding="utf-8"))
    data["users"][0]["groups"] = ["ReadOnly-Group", "Admin-Group"]
    config = tmp_path / "seed004.yaml"  # type: ignore[operator]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = run_example(["seed004_http_api.py", "--config", str(config)], env=example_env)
    assert done.returncode == 1
    assert re.search(r"^SURPRISE +john-readonly +POST +/products +201$", done.stdout, re.MULTILINE)


def test_the_seed_config_is_what_the_docs_describe() -> None:
    config = load_config(EXAMPLES / "seed004.yaml")
    (api,) = config.apis
    assert (api.type, api.stages, api.resource_policy) == ("HTTP", ("$default",), None)
    assert {u.name: u.groups for u in config.users} == {
        "john-readonly": ("ReadOnly-Group",),
        "jane-admin": ("Admin-Group",),
    }


def test_the_docs_show_the_seed_config() -> None:
    shown = yaml.safe_load(_doc_block("<!-- gateway config -->"))
    assert shown == yaml.safe_load((EXAMPLES / "seed004.yaml").read_text(encoding="utf-8"))


def test_async_client_gets_the_same_answers_from_the_seed() -> None:
    # The seed as served, called by AsyncClient (httpx) with stage="$default", as the script uses Client.
    config = load_config(EXAMPLES / "seed004.yaml")
    read_only = config.group("ReadOnly-Group", "111122223333")
    assert read_only is not None

    async def calls(port: int, cert: str, credentials: apiclient.Credentials) -> tuple[int, str]:
        async with apiclient.AsyncClient(
            "https://abc123def4.execute-api.us-east-1.amazonaws.com",
            stage="$default",
            credentials=credentials,
            connect_to=f"127.0.0.1:{port}",
            verify=cert,
            diagnose_options=apiclient.DiagnoseOptions(
                identity_policies=[IdentityPolicy.of_group("ReadOnly-Group", read_only.policies[0])],
                identity={"Arn": "arn:aws:iam::111122223333:user/john-readonly", "Account": "111122223333"},
            ),
        ) as api:
            status = (await api.get("/products")).status_code
            try:
                await api.post("/products", json={"name": "lamp"})
            except apiclient.AccessDenied as refused:
                return status, refused.diagnosis.to_text()
        raise AssertionError("POST /products was not refused")

    with running(config, tls=True) as gateway:
        status, diagnosis = asyncio.run(
            calls(gateway.port, str(gateway.cert_path), gateway.credentials_for("john-readonly"))
        )
    assert status == 200
    assert diagnosis.startswith("403 no_allow:")
    assert f"{DEFAULT_ARN}/POST/products" in diagnosis
    assert "group ReadOnly-Group policy 1 Statement[0]" in diagnosis
