"""Rehearse an API resource policy before deploying it: offline, then served by the local gateway.

The walkthrough's loop: the API's access log flags an address range (198.51.100.0/24), you add a
Deny statement for it to the resource policy, and before deploying the new policy you prove it
still does everything else it must. Nothing here touches AWS.

What it shows:

1. offline: ``apiclient.policy.lint`` the document, ``authorize`` every expected call, and
   ``who_can`` call ``GET /products`` from which addresses;
2. served: the local gateway enforces the policy for the walkthrough's identities (read-only users
   may GET /products and not POST it) and refuses the flagged range (the gateway trusts
   X-Forwarded-For, so the script can call "from" any address);
3. the gateway's access log shows the refused calls, as the API's own log will.

::

    python examples/rehearse_policy.py [POLICY.json] [--flagged CIDR]

POLICY.json defaults to ``examples/policies/products-api.json``. The identities and the API are
those of ``apiclient/gateway/samples/walkthrough.yaml``; for your own API, pass a gateway
configuration of the same shape with ``--config`` and edit ``CHECKS``.
Exits 0 when every check holds, 1 when one does not (each is explained), 2 for a bad policy.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import ipaddress
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import apiclient
from apiclient.gateway import GatewayConfig, load_config, running, sample_config
from apiclient.gateway.config import Api, User
from apiclient.policy import AccessRequest, authorize, lint, who_can

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Check(NamedTuple):
    """A call the policy must allow, or refuse."""

    who: str
    method: str
    path: str
    flagged: bool  # made from an address in the flagged range (else from an ordinary one)
    allowed: bool

    def source(self, flagged: Network) -> str:
        return str(next(flagged.hosts())) if self.flagged else "192.0.2.10"


CHECKS = [
    Check("reader", "GET", "/products", flagged=False, allowed=True),
    Check("reader", "POST", "/products", flagged=False, allowed=False),
    Check("admin", "POST", "/products", flagged=False, allowed=True),
    Check("team-a-tester", "GET", "/products", flagged=False, allowed=True),
    Check("team-a-tester", "GET", "/products", flagged=True, allowed=False),
    Check("admin", "GET", "/products", flagged=True, allowed=False),
]


def report(stage: str, check: Check, source: str, outcome: str, allowed: bool) -> int:
    """Print one check's line; 1 when it did not go as wanted."""
    verdict = "ok" if allowed == check.allowed else "SURPRISE"
    call = f"{check.who} {check.method} {check.path}"
    print(f"{stage:<8} {verdict:<9}{call:<30} from {source:<14} {outcome}")
    return int(allowed != check.allowed)


def rehearse_offline(policy: dict[str, Any], api: Api, users: dict[str, User], flagged: Network) -> int:
    """Lint, decide every check with the policy engine, show who may GET /products; count surprises."""
    for warning in lint(policy, api_id=api.id, region=api.region, account=api.account):
        print(f"lint: {warning}")
    surprises = 0
    for check in CHECKS:
        user = users[check.who]
        request = AccessRequest(
            principal_arn=user.arn,
            principal_account=user.account,
            api_owner_account=api.account,
            source_ip=check.source(flagged),
            method=check.method,
            stage=api.stages[0],
            path=check.path,
            api_id=api.id,
            region=api.region,
            current_time=dt.datetime.now(dt.timezone.utc),
        )
        decision = authorize(request, resource_policy=policy, identity_policies=user.policies)
        surprise = report("offline", check, check.source(flagged), decision.result, decision.allowed)
        if surprise:
            print(decision.explain())
        surprises += surprise
    who = who_can(
        "GET",
        "/products",
        resource_policy=policy,
        api_id=api.id,
        region=api.region,
        api_owner_account=api.account,
        stage=api.stages[0],
    )
    for grant in who.grants:
        print(f"who can GET /products: {', '.join(grant.principals)} ({grant.statement.sid or 'no Sid'})")
    for note in who.notes:
        print(f"note: {note}")
    print(f"denied to everyone: {', '.join(who.denied_cidrs) or 'no address'}")
    denied = [ipaddress.ip_network(cidr) for cidr in who.denied_cidrs]
    if not any(flagged.network_address in net and flagged.broadcast_address in net for net in denied):
        print(f"SURPRISE: {flagged} is not denied to everyone")
        surprises += 1
    return surprises


def rehearse_served(config: GatewayConfig, flagged: Network) -> int:
    """Serve the configuration, make every check's call, show the refused ones in the access log."""
    surprises = 0
    api = config.apis[0]
    with running(config, trust_forwarded_for=True) as gateway:
        for check in CHECKS:
            credentials = gateway.credentials_for(check.who)
            with apiclient.Client(gateway.api_url(), credentials=credentials, region=api.region) as client:
                forwarded = {"X-Forwarded-For": check.source(flagged)}
                try:
                    outcome = str(client.request(check.method, check.path, headers=forwarded).status_code)
                except apiclient.AccessDenied as denied:
                    outcome = f"{denied.status_code} {denied.diagnosis.cause}"
            surprises += report("served", check, check.source(flagged), outcome, outcome[0] == "2")
        print("access log, refused calls:")
        for record in gateway.access_log:
            if record["status"] in ("401", "403"):
                request = f"{record['httpMethod']} {record['path']}"
                print(f"  {record['ip']:<14} {record['status']} {request:<20} {record['caller']}")
    return surprises


def main() -> int:
    parser = argparse.ArgumentParser(description="Rehearse an API resource policy before deploying it.")
    default_policy = Path(__file__).parent / "policies" / "products-api.json"
    parser.add_argument("policy", nargs="?", type=Path, default=default_policy, help="the policy (JSON)")
    parser.add_argument(
        "--flagged",
        type=ipaddress.ip_network,
        default="198.51.100.0/24",
        help="the address range the access log flagged",
    )
    parser.add_argument("--config", help="a gateway configuration (default: the walkthrough's)")
    args = parser.parse_args()

    try:
        config = load_config(args.config) if args.config else sample_config()
        policy = json.loads(args.policy.read_text())
        api = config.apis[0]
        surprises = rehearse_offline(policy, api, {user.name: user for user in config.users}, args.flagged)
    except (OSError, ValueError, apiclient.PolicyError, apiclient.ConfigError) as error:
        print(f"cannot rehearse {args.policy}: {error}", file=sys.stderr)
        return 2
    served = dataclasses.replace(config, apis=(dataclasses.replace(api, resource_policy=policy),))
    surprises += rehearse_served(served, args.flagged)
    print(f"{surprises} surprise(s): " + ("ready to deploy" if not surprises else "do not deploy yet"))
    return 1 if surprises else 0


if __name__ == "__main__":
    raise SystemExit(main())
