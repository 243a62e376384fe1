"""The cost of signing on the wire: a signed keep-alive GET vs an unsigned one, through requests.

Every contender sends the same GET over its own kept-alive connection to a minimal ``http.server`` on
127.0.0.1 that answers 200 with a small JSON body: plain ``requests.Session().get`` (the baseline),
``apiclient.Client.get`` (signing, the call engine, retries and redirects armed) and a
``requests.Session`` with apiclient's ``SigV4Auth``, both with session credentials. The server runs
in its own process, so client and server do not share one interpreter lock. Rounds alternate the order.
Goal (docs/performance.md): Client / unsigned <= 1.03, the median over rounds of each round's ratio.

Run: python3 benchmarks/bench_signed_get.py [--rounds N] [--calls N] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

import requests
from _util import interleaved, median, print_table

from apiclient import Client
from apiclient.auth import SigV4Auth
from apiclient.credentials.base import Credentials

GOAL = 1.03
CREDENTIALS = Credentials(
    "AKIDEXAMPLE",
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "FQoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLEsessiontokenEXAMPLE==",
)
PATH = "/prod/products?category=books&limit=20"
BODY = b'{"products": []}'
CLIENT, SIGNED, UNSIGNED = "signed GET (Client)", "signed GET (SigV4Auth)", "unsigned GET"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the connection outlives each request
    # Headers and body leave in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (about 40 ms on Linux) and the benchmark would time that instead of signing.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a line per request would cost more than the request."""


def _serve(ports: Connection) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ports.send(server.server_address[1])
    server.serve_forever()


def _getter(session: requests.Session | Client, url: str) -> Callable[[], object]:
    def get() -> object:
        response = session.get(url, timeout=10)
        if response.status_code != 200:
            raise RuntimeError(f"the benchmark server answered {response.status_code}")
        return response.content

    return get


def measure(rounds: int, calls: int) -> dict[str, Any]:
    """Median microseconds per GET for both contenders and their ratio, with the server running."""
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=_serve, args=(send,), daemon=True)
    server.start()
    try:
        port = receive.recv()
        url = f"http://127.0.0.1:{port}{PATH}"
        client = Client(f"http://127.0.0.1:{port}/prod", credentials=CREDENTIALS, region="us-east-1")
        with client, requests.Session() as signed, requests.Session() as unsigned:
            signed.auth = SigV4Auth(CREDENTIALS, "us-east-1")
            samples = interleaved(
                {
                    UNSIGNED: _getter(unsigned, url),
                    CLIENT: _getter(client, url),
                    SIGNED: _getter(signed, url),
                },
                rounds=rounds,
                calls=calls,
            )
    finally:
        server.terminate()
        server.join()
    medians = {name: median(values) * 1e6 for name, values in samples.items()}
    # The ratio of each round's pair, measured back to back, cancels slow drift in the machine's load
    # (the cores are shared) better than a ratio of two medians taken over the whole run.
    ratios = {
        name: [s / u for s, u in zip(samples[name], samples[UNSIGNED], strict=True)]
        for name in (CLIENT, SIGNED)
    }
    ratio = median(ratios[CLIENT])
    return {
        "rounds": rounds,
        "calls": calls,
        "us_per_call": {name: round(value, 1) for name, value in medians.items()},
        "ratio": round(ratio, 3),
        "ratio_sigv4auth": round(median(ratios[SIGNED]), 3),
        "goal": GOAL,
        "met": ratio <= GOAL,
        "load_average": os.getloadavg()[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=100, help="GETs per contender per round")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args()
    result = measure(args.rounds, args.calls)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(
            f"Median microseconds per keep-alive GET ({args.rounds} interleaved rounds x {args.calls} calls, "
            f"Python {sys.version.split()[0]})",
            [(name, f"{value:.1f}") for name, value in result["us_per_call"].items()],
            ("contender", "us/call"),
        )
        print_table(
            f"Ratio (goal <= {GOAL}; 1-minute load average {result['load_average']:.2f})",
            [
                (
                    "Client / unsigned (median of round ratios)",
                    f"{result['ratio']:.3f}",
                    "ok" if result["met"] else "MISSED",
                ),
                ("SigV4Auth / unsigned (median of round ratios)", f"{result['ratio_sigv4auth']:.3f}", "-"),
            ],
            ("ratio", "value", "goal"),
        )
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
