"""``apiclient demo``: the walkthrough on a local gateway, each refusal diagnosed. No AWS, no network.

The scenario (``apiclient/gateway/samples/walkthrough.yaml``) is that of the AWS walkthroughs: Team B
owns the API, Team A tests it from another account, read-only users may only ``GET /products``,
and a flagged address range is denied.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click
import requests

from apiclient import credentials
from apiclient.auth import SigV4Auth
from apiclient.cli.app import CliContext, emit, pass_cli_context
from apiclient.cli.options import common_options
from apiclient.diagnostics import DiagnoseOptions, classify
from apiclient.errors import AccessDenied, Explained
from apiclient.policy import Decision
from apiclient.session import Client

if TYPE_CHECKING:
    from apiclient.gateway import Gateway
    from apiclient.gateway.config import User

__all__ = ["STEPS", "Step", "deciding_statements", "demo", "run_step", "step_command"]

# A client clock 10 minutes fast: twice execute-api's 5-minute window (errors.md observation 7).
_SKEW = _dt.timedelta(minutes=10)
# An address inside the range the sample's BlockFlaggedRange statement denies.
_FLAGGED_ADDRESS = "198.51.100.7"
# What the gateway sees as the caller's address for every other call.
_LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Step:
    """One call of the walkthrough."""

    key: str
    title: str
    user: str
    method: str
    path: str
    forwarded_for: str | None = None
    clock_skew: _dt.timedelta | None = None


STEPS = (
    Step("a", "a granted GET (Team A's tester, cross account)", "team-a-tester", "GET", "/products"),
    Step("b", "a read-only user's POST", "reader", "POST", "/products"),
    Step(
        "c",
        f"a call from the flagged range 198.51.100.0/24, which a Deny statement blocks ({_FLAGGED_ADDRESS})",
        "team-a-tester",
        "GET",
        "/products",
        forwarded_for=_FLAGGED_ADDRESS,
    ),
    Step("d", "a cross-account call whose identity policy is missing", "team-a-intern", "GET", "/products"),
    Step(
        "e",
        "a client clock 10 minutes fast, corrected on the fly",
        "reader",
        "GET",
        "/products",
        clock_skew=_SKEW,
    ),
)


def _user(gateway: Gateway, name: str) -> User:
    return next(user for user in gateway.config.users if user.name == name)


def _skewed_clock(skew: _dt.timedelta) -> Callable[[], _dt.datetime]:
    return lambda: _dt.datetime.now(_dt.timezone.utc) + skew


def deciding_statements(decision: Decision) -> list[dict[str, Any]]:
    """The statements behind a decision (``role: "deciding"``), or what stands in for them.

    An implicit deny has no deciding statement, so it gets the Allow statements that did apply on
    one side (``"applied_allow"``: cross account, Table B needs both) and those that came nearest
    to applying (``"closest_allow"``, with why not).
    """
    if decision.deciding:
        return [{**ref.to_dict(), "role": "deciding"} for ref in decision.deciding]
    allows = [t for t in decision.trace if t.ref.effect == "Allow"]
    applied = [{**t.ref.to_dict(), "role": "applied_allow"} for t in allows if t.applies]
    misses = sorted((t for t in allows if not t.applies), key=lambda trace: len(trace.failed))
    closest = [
        {**t.ref.to_dict(), "role": "closest_allow", "why_not": [e.reason for e in t.failed]}
        for t in misses[:3]
    ]
    return applied + closest


def _refusal(diagnosis: Explained, status: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": status,
        "cause": diagnosis.cause,
        "summary": diagnosis.summary,
        "diagnosis": diagnosis.to_dict(),
        "text": f"{status} {diagnosis.cause}: {diagnosis.summary}",
    }
    # A Diagnosis carries the policy engine's decision when it evaluated the policies.
    decision = getattr(diagnosis, "decision", None)
    if isinstance(decision, Decision):
        result["decision"] = decision.result
        result["deciding"] = deciding_statements(decision)
        result["text"] += "\nPolicy engine: " + decision.explain()
    return result


def step_command(step: Step, base_url: str, connect_to: str, access_key: str) -> str:
    """What the step runs, as a user would type it: the CLI, or for the skewed clock the Python."""
    if step.clock_skew is not None:
        minutes = int(step.clock_skew.total_seconds() // 60)
        return (
            f"Client({base_url!r}, connect_to={connect_to!r}, allow_http=True, "
            f"clock=lambda: datetime.now(timezone.utc) + timedelta(minutes={minutes})).get({step.path!r})"
        )
    header = f" -H 'X-Forwarded-For: {step.forwarded_for}'" if step.forwarded_for else ""
    # The access key ID names the caller; its secret stays in the environment, never on screen.
    return (
        f"AWS_ACCESS_KEY_ID={access_key} AWS_SECRET_ACCESS_KEY=... apiclient invoke {step.method} "
        f"{base_url}{step.path} --connect-to {connect_to} --allow-http{header}"
    )


def run_step(gateway: Gateway, step: Step) -> dict[str, Any]:
    """Make the step's call and describe what happened: status, and for a refusal its diagnosis.

    A skewed step first shows the refusal a plain signer gets, then the Client's corrected call.
    """
    api = gateway.config.apis[0]
    user = _user(gateway, step.user)
    key = user.access_keys[0]
    provider = credentials.static(key.access_key_id, key.secret_access_key)
    headers = {"X-Forwarded-For": step.forwarded_for} if step.forwarded_for else {}
    source_ip = step.forwarded_for or _LOOPBACK
    # Signed for the real execute-api host and sent to the gateway, as curl's --connect-to does.
    base_url = f"http://{gateway.host_for(api.id)}/{api.stages[0]}"
    connect_to = f"127.0.0.1:{gateway.port}"
    call: dict[str, Any] = {
        "step": step.key,
        "title": step.title,
        "identity": user.name,
        "principal": user.arn,
        "method": step.method,
        "path": step.path,
        "command": step_command(step, base_url, connect_to, key.access_key_id),
    }
    if step.clock_skew is not None:
        # The skew is shown first without the Client's correction: requests and our auth alone.
        auth = SigV4Auth(provider, api.region, clock=_skewed_clock(step.clock_skew))
        url = gateway.api_url(api.id) + step.path
        first = requests.request(step.method, url, headers=headers, auth=auth, timeout=(5, 30))
        call["first_attempt"] = {
            "status": first.status_code,
            "cause": classify(first.status_code, first.headers, first.content).cause,
        }
    client = Client(
        base_url,
        credentials=provider,
        connect_to=connect_to,
        allow_http=True,
        clock=_skewed_clock(step.clock_skew) if step.clock_skew is not None else None,
        diagnose_options=DiagnoseOptions(
            resource_policy=api.resource_policy,
            identity_policies=user.policies,
            source_ip=source_ip,
            api_owner_account=api.account,
            identify=True,
            sts_endpoint_url=gateway.sts_url,
        ),
    )
    with client:
        try:
            response = client.request(step.method, step.path, headers=headers)
        except AccessDenied as denied:
            call.update(_refusal(denied.diagnosis, denied.status_code))
            return call
    call["status"] = response.status_code
    if step.clock_skew is not None:
        call["clock_offset_seconds"] = round(client.clock_offset)
    return call


# --- the command ----------------------------------------------------------------------------------


def _step_text(call: dict[str, Any]) -> str:
    lines = [f"({call['step']}) {call['title']}", f"    $ {call['command']}"]
    request = f"{call['identity']}: {call['method']} {call['path']}"
    if "first_attempt" in call:
        first = call["first_attempt"]
        lines.append(f"    {request} without correction -> {first['status']} {first['cause']}")
        lines.append(
            f"    {request} through Client -> {call['status']} "
            f"(clock corrected by {call['clock_offset_seconds']:+d} s from the server's Date)"
        )
        return "\n".join(lines)
    lines.append(f"    {request} -> {call['status']}")
    if "text" in call:
        lines.extend(f"    {line}" for line in call["text"].splitlines())
    return "\n".join(lines)


@click.command()
@common_options
@pass_cli_context
def demo(state: CliContext, /) -> None:
    """Start the local gateway with the sample scenario and walk through five calls.

    (a) a granted GET, (b) a read-only user's refused POST, (c) a call from the flagged range,
    refused by a Deny statement, (d) a cross-account call whose identity policy is missing, (e) a
    client clock 10 minutes off, corrected on the fly. Each step prints the command (or code) it
    runs; each refusal is diagnosed and evaluated by the policy engine against the sample's
    resource and identity policies.
    """
    # The gateway pulls in botocore's verifier: only serve and demo pay for that import.
    from apiclient import gateway  # noqa: PLC0415

    with gateway.running(gateway.sample_config(), trust_forwarded_for=True) as running:
        calls = [run_step(running, step) for step in STEPS]
        report = {"gateway": running.url, "api_host": running.host_for(), "calls": calls}
    lines = [f"Local gateway on {report['gateway']} (API {report['api_host']})", ""]
    lines += [_step_text(call) + "\n" for call in calls]
    for call in calls:
        call.pop("text", None)  # the JSON has the same facts under "diagnosis"
    emit(state, report, "\n".join(lines))
