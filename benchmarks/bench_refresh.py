"""Credential refresh under load: 32 threads calling get() across several refreshes.

moto's STS runs on 127.0.0.1 behind a small WSGI wrapper that counts AssumeRole
calls and shortens the credentials it issues to LIFETIME seconds (botocore
refuses DurationSeconds below STS's 900, so the short session is made on the
server side). With the proportional windows (advisory = lifetime/2, mandatory =
lifetime/4 for short sessions) a 4-second session refreshes about every 2 s.

Reports: STS calls against the refreshes the time span needs, distinct
snapshots seen, get() latency (median, p99, p99.9, max) over every call, and
how many calls took over 10 ms. Three columns: a static provider in a busy loop
(the floor: with 32 runnable threads a call is often preempted for a GIL hand-off,
sys.getswitchinterval() = 5 ms, so the busy tail is the interpreter's, not the
refresh's), assume_role in the same busy loop (the refreshing thread competes
for the GIL too, so its STS call is slow), and assume_role paced (a pause
between calls stands for a request's own I/O, as in a real service).

Run: python3 benchmarks/bench_refresh.py [--threads 32] [--seconds 8] [--lifetime 4] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import multiprocessing
import re
import statistics
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from _util import print_table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from apiclient.credentials import CredentialProvider, assume_role, static

ROLE = "arn:aws:iam::111111111111:role/Bench"
_EXPIRATION = re.compile(rb"<Expiration>[^<]*</Expiration>")


class ShortLivedSTS:
    """WSGI wrapper: counts AssumeRole calls, rewrites each Expiration to now + lifetime."""

    def __init__(self, app: Any, lifetime: float, calls: Synchronized[int]) -> None:
        self.app = app
        self.lifetime = lifetime
        self.calls = calls

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        if b"Action=AssumeRole" not in body:
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        with self.calls.get_lock():
            self.calls.value += 1
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured.update(status=status, headers=headers)

        payload = b"".join(self.app(environ, capture))
        expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.lifetime)
        stamp = expiry.strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
        payload = _EXPIRATION.sub(b"<Expiration>" + stamp + b"</Expiration>", payload)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(payload)))])
        return [payload]


def serve_sts(lifetime: float, calls: Synchronized[int], port: Connection) -> None:
    """The STS server, in its own process so that it does not compete for the clients' GIL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = ShortLivedSTS(DomainDispatcherApplication(create_backend_app), lifetime, calls)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port.send(server.server_port)
    server.serve_forever()


def hammer(
    get: Callable[[], Any], stop_at: float, pause: float, latencies: array[int], seen: set[str]
) -> None:
    """Call get() until stop_at, timing each call; ``pause`` stands for the request work in between."""
    clock = time.perf_counter_ns
    local_seen: set[str] = set()
    while time.perf_counter() < stop_at:
        started = clock()
        credentials = get()
        latencies.append(clock() - started)
        local_seen.add(credentials.access_key)
        if pause:
            time.sleep(pause)
    seen.update(local_seen)


def percentile(ordered: list[int], fraction: float) -> int:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(
    provider: CredentialProvider, sts_calls: Synchronized[int], args: argparse.Namespace, pause: float
) -> list[str]:
    """``args.threads`` threads calling ``provider.get()`` for ``args.seconds``: one table column."""
    provider.get()  # the first fetch (client creation, imports) is not part of the run
    calls_before = sts_calls.value
    stop_at = time.perf_counter() + args.seconds
    per_thread = [array("q") for _ in range(args.threads)]
    seen: set[str] = set()
    workers = [
        threading.Thread(target=hammer, args=(provider.get, stop_at, pause, per_thread[i], seen))
        for i in range(args.threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ordered = sorted(value for samples in per_thread for value in samples)
    return [
        f"{len(ordered):,}",
        str(sts_calls.value - calls_before),
        str(len(seen)),
        f"{statistics.median(ordered) / 1000:.2f} µs",
        f"{percentile(ordered, 0.99) / 1000:.2f} µs",
        f"{percentile(ordered, 0.999) / 1000:.2f} µs",
        f"{ordered[-1] / 1e6:.2f} ms",
        str(sum(1 for value in ordered if value > 10_000_000)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--lifetime", type=float, default=6.0, help="seconds each session lives")
    parser.add_argument("--pause", type=float, default=0.001, help="seconds between calls when paced")
    parser.add_argument("--json", action="store_true", help="also print the table as one JSON object")
    args = parser.parse_args()

    sts_calls: Synchronized[int] = multiprocessing.Value("q", 0)
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve_sts, args=(args.lifetime, sts_calls, send), daemon=True)
    server.start()
    endpoint = f"http://127.0.0.1:{receive.recv()}"

    def role() -> CredentialProvider:
        return assume_role(
            ROLE,
            source=static("AKIDEXAMPLEBENCH", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_name="bench",
            sts_endpoint_url=endpoint,
            region="us-east-1",
        )

    try:
        floor = run(static("AKIDEXAMPLEBENCH", "secretEXAMPLE"), sts_calls, args, pause=0.0)
        busy = run(role(), sts_calls, args, pause=0.0)
        paced = run(role(), sts_calls, args, pause=args.pause)
    finally:
        server.terminate()
        server.join()

    measures = [
        "get() calls",
        "STS AssumeRole calls",
        "snapshots seen",
        "get() median",
        "get() p99",
        "get() p99.9",
        "get() max",
        "get() calls over 10 ms",
    ]
    rows = [(name, f, b, p) for name, f, b, p in zip(measures, floor, busy, paced, strict=True)]
    expected = args.seconds / (args.lifetime / 2)
    if args.json:
        columns = {"static": floor, "busy": busy, "paced": paced}
        print(
            json.dumps(
                {
                    "threads": args.threads,
                    "seconds": args.seconds,
                    "lifetime": args.lifetime,
                    "refreshes_needed": round(expected, 1),
                    "columns": {
                        key: dict(zip(measures, cells, strict=True)) for key, cells in columns.items()
                    },
                }
            )
        )
    print_table(
        f"credential refresh: {args.threads} threads, {args.seconds:g} s, {args.lifetime:g}-second sessions "
        f"(about {expected:.0f} refreshes needed: one per lifetime/2)",
        rows,
        (
            "measure",
            "static, busy (GIL floor)",
            "assume_role, busy loop",
            f"assume_role, paced ({args.pause * 1000:g} ms between calls)",
        ),
    )


if __name__ == "__main__":
    main()
