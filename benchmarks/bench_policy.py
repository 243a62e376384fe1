"""Policy-engine benchmark: authorize() time for resource policies of 10, 100 and 1000 statements.

Every statement has a Principal, an Action, a wildcard Resource and three conditions;
the request matches the last statement only: a scan would match every statement, the
policy's index leaves the one for the request's path. "same resource" is the same policy
with one Resource for all (an allow-list of roles), so only the Principal part of the index
tells the statements apart. "+explain()" adds the full trace, which matches every statement.
Run: python3 benchmarks/bench_policy.py [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from apiclient.policy import AccessRequest, Policy, authorize, parse_policy

OWNER, OTHER, API, REGION = "111111111111", "222222222222", "a1b2c3d4e5", "us-east-2"
IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}


def same_resource(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with every statement on the whole API: only the principals differ."""
    return {**doc, "Statement": [{**s, "Resource": "execute-api:/*"} for s in doc["Statement"]]}


def make_policy(size: int) -> dict[str, Any]:
    statements = []
    for n in range(size):
        last = n == size - 1
        statements.append(
            {
                "Sid": f"S{n}",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{OTHER}:role/{'dev' if last else f'role{n}'}", OWNER]},
                "Action": ["execute-api:Invoke"],
                "Resource": [
                    f"execute-api:/prod/GET/{'pets' if last else f'res{n}'}/*",
                    f"arn:aws:execute-api:*:{OWNER}:{API}/*/GET/{'pets' if last else f'res{n}'}",
                ],
                "Condition": {
                    "IpAddress": {
                        "aws:SourceIp": ["198.51.100.0/24", f"10.{n % 250}.0.0/16", "2001:db8::/32"]
                    },
                    "StringEquals": {"aws:PrincipalOrgID": "o-example"},
                    "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


REQUEST = AccessRequest(
    f"arn:aws:sts::{OTHER}:assumed-role/dev/s",
    OTHER,
    OWNER,
    "198.51.100.7",
    "GET",
    "prod",
    "/pets",
    API,
    REGION,
    "2024-06-01T00:00:00Z",
    principal_org_id="o-example",
)


def timed(action: Callable[[], object], repeat: int) -> str:
    """ "median/best" milliseconds of ``action`` over ``repeat`` runs, after one warm-up.

    The best run is the code's own cost; the median shows what a shared machine adds.
    """
    action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return f"{statistics.median(samples):.3f}/{min(samples):.3f}"


def explained(policy: Policy) -> str:
    """authorize() plus the full trace and explanation a refusal would show."""
    return authorize(REQUEST, resource_policy=policy, identity_policies=[IDENTITY]).explain()


def cold_parse(texts: Iterator[str]) -> Policy:
    return parse_policy(next(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description="Policy-engine benchmark (see the module docstring).")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per cell (fewer for big policies)")
    parser.add_argument("--json", action="store_true", help="also print the table as one JSON object")
    args = parser.parse_args()
    rows = []
    header = ("statements", "parse", "authorize(dict)", "authorize(Policy)", "same resource", "+explain()")
    print("milliseconds, median/best of the timed runs")
    print(" ".join(f"{h:>18}" for h in header))
    for size in (10, 100, 1000):
        doc = make_policy(size)
        repeat = max(5, args.repeat // max(1, size // 100))
        # A distinct text per run defeats the parse cache: a cold parse and compile.
        texts = (json.dumps(doc) + " " * n for n in range(1, 10_000))
        parse = timed(partial(cold_parse, texts), max(3, repeat // 5))
        policy = parse_policy(doc)
        decision = authorize(REQUEST, resource_policy=doc, identity_policies=[IDENTITY])
        assert decision.result == "ALLOW", decision.explain()
        with_dict = timed(
            partial(authorize, REQUEST, resource_policy=doc, identity_policies=[IDENTITY]), repeat
        )
        with_policy = timed(
            partial(authorize, REQUEST, resource_policy=policy, identity_policies=[IDENTITY]), repeat
        )
        shared = parse_policy(same_resource(doc))
        assert authorize(REQUEST, resource_policy=shared, identity_policies=[IDENTITY]).result == "ALLOW"
        with_shared = timed(
            partial(authorize, REQUEST, resource_policy=shared, identity_policies=[IDENTITY]), repeat
        )
        with_explain = timed(partial(explained, policy), repeat)
        cells = (str(size), parse, with_dict, with_policy, with_shared, with_explain)
        print(" ".join(f"{cell:>18}" for cell in cells))
        rows.append(dict(zip(header, cells, strict=True)))
    if args.json:
        print(json.dumps({"unit": "milliseconds, median/best", "rows": rows}))


if __name__ == "__main__":
    main()
