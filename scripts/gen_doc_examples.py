"""Write the docs' example outputs by running the real code against the local gateway.

    python3 scripts/gen_doc_examples.py          # rewrite docs/diagnoses.md and docs/snippets/*
    python3 scripts/gen_doc_examples.py DIR      # write them under DIR instead (the up-to-date test)

Nothing in these files is typed by hand: each refusal is provoked on the local gateway (or, for the
causes the gateway cannot produce, API Gateway's documented or captured response, as in
tests/data/apigateway_errors.json, is classified), and each CLI output is what the command printed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml
from click.testing import CliRunner

from apiclient import AccessDenied, Client, Credentials, Diagnosis, SigV4Auth, diagnose
from apiclient import gateway as gateway_package
from apiclient.cli.app import cli
from apiclient.diagnostics import CAUSES
from apiclient.diagnostics.diagnose import DiagnoseOptions
from apiclient.gateway import Gateway, running

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGION = "us-west-2"
API_ARN = "arn:aws:execute-api:us-west-2:222222222222:a1b2c3d4e5"
SAMPLE = Path(gateway_package.__file__).parent / "samples" / "walkthrough.yaml"
_GATEWAY_URL = re.compile(r"^http://127\.0\.0\.1:\d+/\S*$")
VPCE_URL = "http://vpce-0123456789abcdef0-abcdefgh.execute-api.us-west-2.vpce.amazonaws.com/prod"

# Responses the gateway cannot produce by itself (authorizers, WAF), as API Gateway sends them
# (API Gateway Developer Guide, "Gateway response types for API Gateway"), replayed by mock routes so
# they travel over HTTP.
REPLAYS: dict[str, tuple[int, dict[str, str], object]] = {
    "authorizer-401": (401, {"x-amzn-ErrorType": "UnauthorizedException"}, {"message": "Unauthorized"}),
    "authorizer-deny": (
        403,
        {"x-amzn-ErrorType": "AccessDeniedException"},
        {"message": "User is not authorized to access this resource with an explicit deny"},
    ),
    "authorizer-no-allow": (
        403,
        {"x-amzn-ErrorType": "AccessDeniedException"},
        {"Message": "User is not authorized to access this resource"},
    ),
    "forbidden": (403, {"x-amzn-ErrorType": "ForbiddenException"}, {"message": "Forbidden"}),
    "waf": (403, {"x-amzn-ErrorType": "ForbiddenException"}, ""),
    "not-api-gateway": (403, {"Content-Type": "text/html"}, "<html><body>Request blocked.</body></html>"),
    # The @connections API's answer for a WebSocket connection that has closed.
    "connection-gone": (410, {"x-amzn-ErrorType": "GoneException"}, {"message": "Gone"}),
}


@dataclass(frozen=True)
class Scenario:
    """One way to be refused: a title, what was done, and how to run it."""

    title: str
    how: str
    run: Callable[[Gateway], Diagnosis]


def _gone(gw: Gateway) -> Diagnosis:
    from apiclient import diagnose  # noqa: PLC0415

    return diagnose(_admin(gw).get("/replay/connection-gone"))


def _refusal(call: Callable[[], object]) -> Diagnosis:
    try:
        call()
    except AccessDenied as denied:
        return denied.diagnosis
    raise RuntimeError("the call was expected to be refused")


def _client(gw: Gateway, credentials: Credentials, **options: Any) -> Client:
    options.setdefault("region", REGION)
    return Client(gw.api_url(), credentials=credentials, **options)


def _reader(gw: Gateway) -> Credentials:
    return gw.credentials_for("reader")


def _unsigned(gw: Gateway) -> Diagnosis:
    return diagnose(requests.get(gw.api_url() + "/products", timeout=5))


def _no_route(gw: Gateway) -> Diagnosis:
    return _refusal(lambda: _client(gw, _reader(gw)).get("/produtcs"))


def _bearer(gw: Gateway) -> Diagnosis:
    headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.EXAMPLE"}
    return diagnose(requests.get(gw.api_url() + "/products", headers=headers, timeout=5))


def _wrong_secret(gw: Gateway) -> Diagnosis:
    wrong = Credentials("AKIAEXAMPLEREADER001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEYEXAMPLE")
    return _refusal(lambda: _client(gw, wrong).get("/products"))


def _skewed_clock(gw: Gateway) -> Diagnosis:
    def fast() -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10)

    auth = SigV4Auth(_reader(gw), REGION, clock=fast)
    return diagnose(requests.get(gw.api_url() + "/products", auth=auth, timeout=5))


def _unknown_key(gw: Gateway) -> Diagnosis:
    unknown = Credentials("AKIAEXAMPLEUNKNOWN01", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYUNKNOWNEXAMPLE")
    return _refusal(lambda: _client(gw, unknown).get("/products"))


def _expired_token(gw: Gateway) -> Diagnosis:
    session = gw.credentials_for("app-instance")
    time.sleep(1.5)  # the generator's gateway issues one-second sessions
    return _refusal(lambda: _client(gw, session).get("/products"))


def _wrong_region(gw: Gateway) -> Diagnosis:
    return _refusal(lambda: _client(gw, _reader(gw), region="us-east-1").get("/products"))


def _wrong_service(gw: Gateway) -> Diagnosis:
    return _refusal(lambda: _client(gw, _reader(gw), service="apigateway").get("/products"))


def _flagged_range(gw: Gateway) -> Diagnosis:
    tester = _client(gw, gw.credentials_for("team-a-tester"))
    return _refusal(lambda: tester.get("/products", headers={"X-Forwarded-For": "198.51.100.7"}))


def _anonymous_flagged(gw: Gateway) -> Diagnosis:
    headers = {"X-Forwarded-For": "198.51.100.7"}
    return diagnose(requests.get(gw.api_url() + "/status", headers=headers, timeout=5))


def _read_only_post(gw: Gateway) -> Diagnosis:
    return _refusal(lambda: _client(gw, _reader(gw)).post("/products", json={"name": "pen"}))


def _read_only_post_evaluated(gw: Gateway) -> Diagnosis:
    api = gw.config.apis[0]
    reader = next(user for user in gw.config.users if user.name == "reader")
    options: DiagnoseOptions = {
        "resource_policy": api.resource_policy,
        "identity_policies": reader.policies,
        "identify": True,  # ask STS who signed
        "sts_endpoint_url": gw.sts_url,
        "api_owner_account": api.account,
        "source_ip": "127.0.0.1",
    }
    client = _client(gw, _reader(gw), diagnose_options=options)
    return _refusal(lambda: client.post("/products", json={"name": "pen"}))


def _no_api_key(gw: Gateway) -> Diagnosis:
    return _refusal(lambda: _client(gw, gw.credentials_for("admin")).get("/reports"))


def _admin(gw: Gateway, **options: Any) -> Client:
    return _client(gw, gw.credentials_for("admin"), **options)


def _replayed(name: str) -> Callable[[Gateway], Diagnosis]:
    def run(gw: Gateway) -> Diagnosis:
        return _refusal(lambda: _admin(gw).get(f"/replay/{name}"))

    return run


def _api_key_required(gw: Gateway) -> Diagnosis:
    admin = _admin(gw, diagnose_options={"api_key_required": True})
    return _refusal(lambda: admin.get("/reports"))


def _waf(gw: Gateway) -> Diagnosis:
    admin = _admin(gw, diagnose_options={"api_key_required": False})
    return _refusal(lambda: admin.get("/replay/waf"))


def _through_vpc_endpoint(gw: Gateway) -> Diagnosis:
    api = Client(
        VPCE_URL,
        credentials=gw.credentials_for("admin"),
        connect_to=f"127.0.0.1:{gw.port}",
        allow_http=True,
    )
    return _refusal(lambda: api.get("/replay/forbidden"))


SCENARIOS = (
    Scenario(
        "An unsigned request to an `AWS_IAM` method",
        "`requests.get(url)` without auth, then `apiclient.diagnose(response)`.",
        _unsigned,
    ),
    Scenario(
        "A path that matches no route",
        "A signed `GET /produtcs` (a typo) through `Client`.",
        _no_route,
    ),
    Scenario(
        "A bearer token sent to an `AWS_IAM` method",
        "`Authorization: Bearer ...` with plain `requests`, then `diagnose()`.",
        _bearer,
    ),
    Scenario(
        "The wrong secret key",
        "A real access key ID with a wrong secret, through `Client`.",
        _wrong_secret,
    ),
    Scenario(
        "A clock 10 minutes fast",
        "`SigV4Auth(..., clock=...)` ten minutes ahead with plain `requests` (a `Client` would correct it"
        " and retry).",
        _skewed_clock,
    ),
    Scenario(
        "An access key the account does not know",
        "An unknown access key ID through `Client`.",
        _unknown_key,
    ),
    Scenario(
        "Expired session credentials",
        "A fixed `Credentials` snapshot of a role session, used after it expired (a provider would have"
        " refreshed it).",
        _expired_token,
    ),
    Scenario(
        "Signed for the wrong region",
        '`Client(..., region="us-east-1")` for an API in us-west-2.',
        _wrong_region,
    ),
    Scenario(
        "Signed for the wrong service",
        '`Client(..., service="apigateway")` (the signing name is `execute-api`).',
        _wrong_service,
    ),
    Scenario(
        "A Deny statement matched",
        "Team A's tester, from the flagged address range (`X-Forwarded-For: 198.51.100.7`).",
        _flagged_range,
    ),
    Scenario(
        "A Deny in the resource policy, anonymous caller",
        "An unsigned call to the open `/status` route from the flagged range.",
        _anonymous_flagged,
    ),
    Scenario(
        "No policy allows the call",
        "The read-only `reader` sends `POST /products`.",
        _read_only_post,
    ),
    Scenario(
        "The same refusal, evaluated with the policies",
        '`Client(..., diagnose_options={"resource_policy": ..., "identity_policies": ...,'
        ' "identify": True, ...})`: STS names the caller, the policy engine the statements and the'
        " smallest fix.",
        _read_only_post_evaluated,
    ),
    Scenario(
        "A route behind a usage plan, no API key",
        "`GET /reports` (API key required) without `api_key=`: `Client` alone can only say Forbidden.",
        _no_api_key,
    ),
    Scenario(
        "The same refusal, knowing the method needs a key",
        '`Client(..., diagnose_options={"api_key_required": True})`, the same call.',
        _api_key_required,
    ),
    Scenario(
        "Forbidden, no API key needed, public host",
        "An empty `ForbiddenException` 403 (how WAF blocks look), with"
        ' `diagnose_options={"api_key_required": False}`.',
        _waf,
    ),
    Scenario(
        "Forbidden through a VPC endpoint host",
        "A `Client` for a `vpce-...execute-api...vpce.amazonaws.com` URL without `x-apigw-api-id`, answered"
        " `Forbidden`.",
        _through_vpc_endpoint,
    ),
    Scenario(
        "A Lambda or Cognito authorizer refused the token",
        "API Gateway's 401 `UnauthorizedException`, replayed.",
        _replayed("authorizer-401"),
    ),
    Scenario(
        "A Lambda authorizer returned Deny",
        "API Gateway's 403 for an authorizer's explicit Deny, replayed.",
        _replayed("authorizer-deny"),
    ),
    Scenario(
        "A Lambda authorizer's policy does not allow the method",
        "API Gateway's 403 for an authorizer policy without a matching Allow, replayed.",
        _replayed("authorizer-no-allow"),
    ),
    Scenario(
        "A bare `Forbidden` without context",
        "API Gateway's 403 `ForbiddenException`, replayed to a `Client` on the API's own host.",
        _replayed("forbidden"),
    ),
    Scenario(
        "The WebSocket connection is gone",
        "The @connections API's 410 `GoneException`, replayed; a 410 is no refusal, so"
        " `apiclient.diagnose(response)` is called on it.",
        _gone,
    ),
    Scenario(
        "A response the reference does not cover",
        "A 403 HTML page from something that is not API Gateway, replayed.",
        _replayed("not-api-gateway"),
    ),
)


def _fence(text: str, language: str = "text") -> str:
    return f"```{language}\n{text.rstrip()}\n```\n"


def diagnoses_page(gw: Gateway) -> str:
    """docs/diagnoses.md: every scenario, run, with what apiclient printed."""
    results = [(scenario, scenario.run(gw)) for scenario in SCENARIOS]
    produced = {diagnosis.cause for _, diagnosis in results}
    lines = [
        "# Why was I refused?",
        "",
        "<!-- Generated by scripts/gen_doc_examples.py; do not edit by hand. -->",
        "",
        "When API Gateway answers 401 or 403, `Client` raises `apiclient.AccessDenied`; its `diagnosis`",
        "names a `cause`, the evidence, and what to change. `apiclient.diagnose(response)` does the same",
        "for a response you got another way, and `apiclient.diagnostics.classify(status, headers, body)`",
        "looks at the response alone. `apiclient invoke` prints the same text, or with `--output json`",
        "the same fields as JSON under `diagnosis`.",
        "",
        "Each section below was produced by running the code against the local gateway",
        "(`apiclient.gateway.running(sample_config())`) and pasting `diagnosis.to_text()`. What the",
        "gateway cannot produce by itself (authorizers, WAF) is API Gateway's own response, as recorded",
        "in AWS documentation and public bug reports, replayed by a mock route of the gateway.",
        "Timestamps, ports and request IDs differ per run.",
        "",
        "[![How a refusal is classified: the status, then x-amzn-ErrorType, then the message, then the"
        " cause](diagrams/classifier.svg)](diagrams/classifier.svg)",
        "",
        "| cause | example |",
        "|---|---|",
    ]
    for scenario, diagnosis in results:
        anchor = scenario.title.lower()
        lines.append(f"| `{diagnosis.cause}` | [{scenario.title}](#{_slug(anchor)}) |")
    missing = sorted(CAUSES - produced)
    if missing:
        lines += [
            "",
            "No example below produces " + ", ".join(f"`{cause}`" for cause in missing) + ": "
            "the response alone cannot tell them apart from `forbidden_generic`, so they need "
            "request context the example does not have.",
        ]
    for scenario, diagnosis in results:
        lines += ["", f"## {scenario.title}", "", scenario.how, "", _fence(diagnosis.to_text())]
    return "\n".join(lines).rstrip() + "\n"


def _slug(title: str) -> str:
    # Python-Markdown's toc slugify: drop what is not a word character, space or hyphen; spaces -> '-'.
    kept = "".join(c for c in title if c.isalnum() or c in " -_")
    return "-".join(kept.split())


MATRIX = """\
# yaml-language-server: $schema=../../apiclient/schemas/access-matrix.schema.json
# Who may call the Products API, and what each caller may do.
url: https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod
region: us-west-2                 # needed when --url points at the local gateway
source_ip: 127.0.0.1              # --offline: where the callers are
gateway_config: sample            # `sample:` identities are users of the walkthrough scenario
identities:
  reader:  {sample: reader}
  admin:   {sample: admin}
  tester:  {sample: team-a-tester}
  intern:  {sample: team-a-intern}
  nobody:  {anonymous: true}
requests:
  - name: list products
    method: GET
    path: /products
    expect:
      {reader: allow, admin: allow, tester: allow, intern: {outcome: deny, cause: no_allow}, nobody: deny}
  - name: create a product
    method: POST
    path: /products
    expect:
      {reader: {outcome: deny, cause: no_allow}, admin: allow, tester: allow, intern: deny, nobody: deny}
  - name: status page
    method: GET
    path: /status
    expect: {nobody: allow}
"""


def _cli(args: list[str | Path]) -> str:
    """Run ``apiclient ARGS`` and show it as a reader types it: files by name, the gateway as $API_URL."""
    result = CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)
    shown = [arg.name if isinstance(arg, Path) else _GATEWAY_URL.sub("$API_URL", arg) for arg in args]
    return f"$ apiclient {' '.join(shown)}\n{result.output}(exit code {result.exit_code})\n"


def snippets(gw: Gateway, directory: Path) -> dict[str, str]:
    """The CLI outputs the hand-written pages include, keyed by file name."""
    config = gw.config
    api = config.apis[0]
    reader = next(user for user in config.users if user.name == "reader")
    files = {
        "api-policy.json": json.dumps(api.resource_policy, indent=2) + "\n",
        "reader-policy.json": json.dumps(reader.policies[0], indent=2) + "\n",
        "matrix.yaml": MATRIX,
    }
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    policy, identity, matrix = (directory / name for name in files)
    files["explain.txt"] = _cli(
        [
            "explain", f"{API_ARN}/prod/POST/products", "--resource-policy", policy,
            "--identity-policy", identity, "--principal", "arn:aws:iam::222222222222:user/staff/reader",
            "--source-ip", "192.0.2.10",
        ]
    )  # fmt: skip
    files["who-can.txt"] = _cli(
        ["explain", f"{API_ARN}/prod/GET/", "--resource-policy", policy, "--who-can", "GET", "/products"]
    )
    files["check.txt"] = _cli(["check", matrix, "--url", gw.api_url(), "--workers", "1"])
    files["check-offline.txt"] = _cli(["check", matrix, "--offline"])
    return files


def _config() -> dict[str, Any]:
    """The walkthrough scenario plus one mock route per replayed response."""
    config: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    for name, (status, headers, body) in REPLAYS.items():
        answer = {"status": status, "headers": headers, "body": body}
        config["apis"][0]["routes"].append({"method": "GET", "path": f"/replay/{name}", "response": answer})
    return config


@contextmanager
def _gateway() -> Iterator[Gateway]:
    # One-second sessions make the expired-token example quick; X-Forwarded-For stands for other addresses.
    with running(_config(), trust_forwarded_for=True, credential_lifetime=1) as gw:
        yield gw


def generate(docs: Path) -> None:
    """Write diagnoses.md and snippets/* under ``docs``."""
    snippet_dir = docs / "snippets"
    snippet_dir.mkdir(parents=True, exist_ok=True)
    with _gateway() as gw:
        (docs / "diagnoses.md").write_text(diagnoses_page(gw), encoding="utf-8")
        for name, text in snippets(gw, snippet_dir).items():
            (snippet_dir / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS)
