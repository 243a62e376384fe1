"""Signing cost: apiclient vs awscrt (AWS's C signer), botocore and requests-aws4auth, in one process.

Request: an execute-api GET with four query parameters, signed with session credentials, the same
for every contender. Each signature is a new one (its own timestamp and signature):

* ``sign_request`` against awscrt's ``aws_sign_request`` on a new ``HttpRequest``, with one
  ``AwsSigningConfig`` made once (awscrt at its fastest; the goal is judged on it) and, as awscrt's
  documentation asks since the config carries the signing time, with a new config per signature;
  and against botocore's ``SigV4Auth.add_auth`` on a new ``AWSRequest``;
* ``SigV4Auth()`` against requests-aws4auth's ``AWS4Auth()``, each on fresh ``PreparedRequest`` copies
  made before the clock starts, so the figure is what the auth adds to a request.

Contenders take turns, round by round, in alternating order; figures are medians over rounds.
Goals (docs/performance.md): sign_request <= 1.0x awscrt; SigV4Auth() <= 0.35x AWS4Auth().
awscrt and requests-aws4auth are benchmark-only dependencies (``pip install -e '.[bench]'``).

Run: python3 benchmarks/bench_signing.py [--rounds N] [--calls N] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable

import requests
from _util import median, print_table
from awscrt import auth as crt_auth
from awscrt import http as crt_http
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
HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
PATH = "/prod/products?category=books&limit=20&sort=price&page=3"
URL = f"https://{HOST}{PATH}"
HEADERS = {"Accept": "application/json", "User-Agent": "bench/1.0"}

SIGN_REQUEST, BOTOCORE = "apiclient sign_request", "botocore SigV4Auth.add_auth"
CRT, CRT_NEW_CONFIG = "awscrt aws_sign_request", "awscrt, new config per call"
OUR_AUTH, THEIR_AUTH = "apiclient SigV4Auth()", "requests-aws4auth AWS4Auth()"
GOALS = {"sign_request / awscrt": 1.0, "SigV4Auth() / AWS4Auth()": 0.35}

# A contender is a function of a batch: it signs ``calls`` requests and returns nothing.
Batch = Callable[[int], None]


def _requests_contender(auth: requests.auth.AuthBase, template: requests.PreparedRequest) -> Batch:
    def batch(calls: int) -> None:
        fresh = [template.copy() for _ in range(calls)]  # made before the clock starts: see _timed
        start = time.perf_counter()
        for request in fresh:
            auth(request)
        batch.elapsed = time.perf_counter() - start  # type: ignore[attr-defined]

    return batch


def _plain_contender(sign: Callable[[], object]) -> Batch:
    def batch(calls: int) -> None:
        start = time.perf_counter()
        for _ in range(calls):
            sign()
        batch.elapsed = time.perf_counter() - start  # type: ignore[attr-defined]

    return batch


def contenders() -> dict[str, Batch]:
    """Every contender, as a batch function that records its own elapsed time."""
    ours = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    botocore_signer = BotocoreSigV4Auth(BotocoreCredentials(ACCESS_KEY, SECRET_KEY, TOKEN), SERVICE, REGION)
    crt_credentials = crt_auth.AwsCredentialsProvider.new_static(ACCESS_KEY, SECRET_KEY, TOKEN)
    crt_headers = [("Host", HOST), *HEADERS.items()]

    def ours_sign_request() -> object:
        return sign_request("GET", URL, HEADERS, None, credentials=ours, region=REGION, service=SERVICE)

    def crt_config() -> crt_auth.AwsSigningConfig:
        return crt_auth.AwsSigningConfig(
            algorithm=crt_auth.AwsSigningAlgorithm.V4,
            signature_type=crt_auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=crt_credentials,
            region=REGION,
            service=SERVICE,
        )

    config = crt_config()

    def crt_sign() -> object:
        request = crt_http.HttpRequest("GET", PATH, crt_http.HttpHeaders(crt_headers))
        crt_auth.aws_sign_request(request, config).result()
        return request

    def crt_sign_new_config() -> object:
        request = crt_http.HttpRequest("GET", PATH, crt_http.HttpHeaders(crt_headers))
        crt_auth.aws_sign_request(request, crt_config()).result()
        return request

    def botocore_add_auth() -> object:
        # A fresh AWSRequest per call, as botocore builds one per API call.
        request = AWSRequest(method="GET", url=URL, headers=dict(HEADERS))
        botocore_signer.add_auth(request)
        return request

    template = requests.Request("GET", URL, headers=dict(HEADERS)).prepare()
    return {
        SIGN_REQUEST: _plain_contender(ours_sign_request),
        CRT: _plain_contender(crt_sign),
        CRT_NEW_CONFIG: _plain_contender(crt_sign_new_config),
        BOTOCORE: _plain_contender(botocore_add_auth),
        OUR_AUTH: _requests_contender(SigV4Auth(ours, REGION), template),
        THEIR_AUTH: _requests_contender(
            AWS4Auth(ACCESS_KEY, SECRET_KEY, REGION, SERVICE, session_token=TOKEN), template
        ),
    }


def check_same_signature() -> None:
    """awscrt and apiclient sign this request alike (same second): the comparison is like for like."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ours = sign_request(
        "GET", URL, HEADERS, None, credentials=Credentials(ACCESS_KEY, SECRET_KEY, TOKEN),
        region=REGION, service=SERVICE, timestamp=now,
    )  # fmt: skip
    request = crt_http.HttpRequest("GET", PATH, crt_http.HttpHeaders([("Host", HOST), *HEADERS.items()]))
    config = crt_auth.AwsSigningConfig(
        algorithm=crt_auth.AwsSigningAlgorithm.V4,
        signature_type=crt_auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=crt_auth.AwsCredentialsProvider.new_static(ACCESS_KEY, SECRET_KEY, TOKEN),
        region=REGION,
        service=SERVICE,
        date=now,
    )
    crt_auth.aws_sign_request(request, config).result()
    theirs = dict(request.headers)
    if theirs["Authorization"] != ours["Authorization"]:
        raise SystemExit(
            f"awscrt and apiclient disagree:\n{theirs['Authorization']}\n{ours['Authorization']}"
        )


def measure(rounds: int, calls: int) -> dict[str, list[float]]:
    """Seconds per signature of each contender, one sample per round, alternating the order."""
    batches = contenders()
    for batch in batches.values():  # warm caches and lazy imports
        batch(max(1, calls // 10))
    names = list(batches)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names if index % 2 == 0 else names[::-1]:
            batches[name](calls)
            samples[name].append(batches[name].elapsed / calls)  # type: ignore[attr-defined]
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args()
    check_same_signature()
    samples = measure(args.rounds, args.calls)
    medians = {name: median(values) for name, values in samples.items()}
    ratios = {
        "sign_request / awscrt": medians[SIGN_REQUEST] / medians[CRT],
        "sign_request / awscrt, new config": medians[SIGN_REQUEST] / medians[CRT_NEW_CONFIG],
        "sign_request / botocore": medians[SIGN_REQUEST] / medians[BOTOCORE],
        "SigV4Auth() / AWS4Auth()": medians[OUR_AUTH] / medians[THEIR_AUTH],
    }
    if args.json:
        us_per_call = {name: round(seconds * 1e6, 2) for name, seconds in medians.items()}
        spread = {name: [round(min(v) * 1e6, 2), round(max(v) * 1e6, 2)] for name, v in samples.items()}
        print(
            json.dumps({
                "rounds": args.rounds, "calls": args.calls, "us_per_call": us_per_call, "range_us": spread,
                "ratios": {name: round(value, 3) for name, value in ratios.items()}, "goals": GOALS,
            })
        )  # fmt: skip
    print_table(
        f"Median microseconds per signature ({args.rounds} interleaved rounds x {args.calls} calls, "
        f"Python {sys.version.split()[0]})",
        [(name, f"{seconds * 1e6:.2f}") for name, seconds in medians.items()],
        ("contender", "us/call"),
    )
    print_table(
        "Ratios",
        [
            (name, f"{ratio:.3f}", f"<= {GOALS[name]}" if name in GOALS else "-",
             ("ok" if ratio <= GOALS[name] else "MISSED") if name in GOALS else "-")
            for name, ratio in ratios.items()
        ],
        ("ratio", "value", "goal", "met"),
    )  # fmt: skip
    return 0 if all(ratios[name] <= goal for name, goal in GOALS.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
