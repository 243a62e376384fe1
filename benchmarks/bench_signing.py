"""Signing cost: apiclient vs botocore and requests-aws4auth, interleaved rounds in one process.

Request: an execute-api GET with four query parameters, signed with session credentials.
Goals (issue 2, "Done when"): sign_request <= 0.35x botocore's SigV4Auth.add_auth, and
SigV4Auth's call <= 0.35x requests-aws4auth's AWS4Auth call.

Run: python3 benchmarks/bench_signing.py [--rounds N] [--calls N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys

import requests
from _util import interleaved, median, print_table
from botocore.auth import SigV4Auth as BotocoreSigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from requests_aws4auth import AWS4Auth

from apiclient.auth import SigV4Auth
from apiclient.credentials.base import Credentials
from apiclient.sigv4 import sign_request

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLEsessiontokenEXAMPLE=="
REGION = "us-east-1"
SERVICE = "execute-api"
URL = (
    "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/products"
    "?category=books&limit=20&sort=price&page=3"
)
HEADERS = {"Accept": "application/json", "User-Agent": "bench/1.0"}


def _prepared() -> requests.PreparedRequest:
    return requests.Request("GET", URL, headers=dict(HEADERS)).prepare()


def contenders() -> dict[str, object]:
    ours_credentials = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    botocore_signer = BotocoreSigV4Auth(BotocoreCredentials(ACCESS_KEY, SECRET_KEY, TOKEN), SERVICE, REGION)
    our_auth = SigV4Auth(ours_credentials, REGION)
    their_auth = AWS4Auth(ACCESS_KEY, SECRET_KEY, REGION, SERVICE, session_token=TOKEN)
    prepared = _prepared()

    def ours_sign_request() -> object:
        return sign_request(
            "GET", URL, HEADERS, None, credentials=ours_credentials, region=REGION, service=SERVICE
        )

    def botocore_add_auth() -> object:
        # A fresh AWSRequest per call, as botocore builds one per API call.
        request = AWSRequest(method="GET", url=URL, headers=dict(HEADERS))
        botocore_signer.add_auth(request)
        return request

    def ours_auth_call() -> object:
        return our_auth(prepared)

    def aws4auth_call() -> object:
        return their_auth(prepared)

    return {
        "apiclient sign_request": ours_sign_request,
        "botocore SigV4Auth.add_auth": botocore_add_auth,
        "apiclient SigV4Auth()": ours_auth_call,
        "requests-aws4auth AWS4Auth()": aws4auth_call,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args()
    samples = interleaved(contenders(), rounds=args.rounds, calls=args.calls)  # type: ignore[arg-type]
    medians = {name: median(values) for name, values in samples.items()}
    if args.json:
        us_per_call = {name: round(seconds * 1e6, 2) for name, seconds in medians.items()}
        print(
            json.dumps({"rounds": args.rounds, "calls": args.calls, "us_per_call": us_per_call, "goal": 0.35})
        )
    rows = [(name, f"{seconds * 1e6:.2f}") for name, seconds in medians.items()]
    print_table(
        f"Median microseconds per signature ({args.rounds} interleaved rounds x {args.calls} calls, "
        f"Python {sys.version.split()[0]})",
        rows,
        ("contender", "us/call"),
    )
    ratios = [
        ("sign_request / botocore add_auth", medians["apiclient sign_request"]
         / medians["botocore SigV4Auth.add_auth"]),
        ("SigV4Auth() / AWS4Auth()", medians["apiclient SigV4Auth()"]
         / medians["requests-aws4auth AWS4Auth()"]),
    ]  # fmt: skip
    print_table(
        "Ratios (goal <= 0.35)",
        [(name, f"{ratio:.3f}", "ok" if ratio <= 0.35 else "MISSED") for name, ratio in ratios],
        ("ratio", "value", "goal"),
    )
    return 0 if all(ratio <= 0.35 for _, ratio in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
