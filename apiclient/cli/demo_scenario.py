"""The five calls of ``apiclient demo``, made against a running local gateway with the sample scenario.

The scenario (``apiclient/gateway/samples/walkthrough.yaml``) is that of the AWS walkthroughs: Team B
owns the API, Team A tests it from another account, read-only users may only ``GET /products``,
and a flagged address range is denied.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from apiclient import credentials
from apiclient.auth import SigV4Auth
from apiclient.cli.refusal import deciding_statements
from apiclient.diagnostics import Diagnosis, classify
from apiclient.errors import AccessDenied
from apiclient.policy import Decision
from apiclient.session import Client

if TYPE_CHECKING:
    from apiclient.gateway import Gateway
    from apiclient.gateway.config import User

__all__ = ["STEPS", "Step", "run_step"]

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
        "a call from outside the allowed IP range (X-Forwarded-For)",
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


def _refusal(diagnosis: Diagnosis, status: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": status,
        "cause": diagnosis.cause,
        "summary": diagnosis.summary,
        "diagnosis": diagnosis.to_dict(),
        "text": f"{status} {diagnosis.cause}: {diagnosis.summary}",
    }
    if isinstance(diagnosis.decision, Decision):
        result["decision"] = diagnosis.decision.result
        result["deciding"] = deciding_statements(diagnosis.decision)
        result["text"] += "\nPolicy engine: " + diagnosis.decision.explain()
    return result


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
        diagnose_options={
            "resource_policy": api.resource_policy,
            "identity_policies": user.policies,
            "source_ip": source_ip,
            "api_owner_account": api.account,
            "identify": True,
            "sts_endpoint_url": gateway.sts_url,
        },
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
