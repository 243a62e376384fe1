"""A long-running EC2 service: worker threads share one Client signed with the instance role.

What it shows:

- credentials from the instance metadata service (IMDSv2) with
  ``apiclient.credentials.from_instance_metadata()``; botocore refreshes them before they expire
  and each call signs with a snapshot of the current ones;
- one ``apiclient.Client`` shared by every thread (thread-safe, with a connection pool);
- a clean stop on SIGTERM or Ctrl-C, or after ``--seconds``, with a tally of the outcomes.

On an EC2 instance whose role may invoke the API::

    API_URL=https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod python examples/ec2_service.py

Against the local gateway (``apiclient serve --port 8080``), which also plays the metadata service::

    AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:8080/ API_URL=http://127.0.0.1:8080/prod \\
        API_REGION=us-west-2 python examples/ec2_service.py --threads 4 --seconds 10

``API_REGION`` is needed only when the URL does not name a region (a local URL, a custom domain).
Exits 0 when every call succeeded, 1 when some failed, 2 without instance credentials.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections import Counter
from types import FrameType

import requests

import apiclient
from apiclient.credentials import from_instance_metadata

log = logging.getLogger("ec2_service")


class Tally:
    """Outcomes counted across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()

    def add(self, outcome: str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1


def worker(client: apiclient.Client, stop: threading.Event, interval: float, tally: Tally) -> None:
    """Call the API until told to stop; a failure is logged and counted, never fatal."""
    while not stop.is_set():
        try:
            tally.add(str(client.get("/products").status_code))
        except apiclient.AccessDenied as denied:
            log.warning("refused: %s", denied.diagnosis.summary)
            tally.add(denied.diagnosis.cause)
        except (apiclient.ApiClientError, requests.RequestException) as error:
            log.warning("call failed: %s", error)
            tally.add(type(error).__name__)
        stop.wait(interval)


def main() -> int:
    parser = argparse.ArgumentParser(description="Call an API from threads with the EC2 instance role.")
    parser.add_argument("--url", default=os.environ.get("API_URL"), help="the invoke URL (API_URL)")
    parser.add_argument("--region", default=os.environ.get("API_REGION"), help="when the URL names none")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (default: never)")
    parser.add_argument("--interval", type=float, default=0.1, help="pause between a worker's calls")
    args = parser.parse_args()
    if not args.url:
        parser.error("--url (or API_URL) is required")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(threadName)s %(message)s")

    try:
        credentials = from_instance_metadata()
    except apiclient.CredentialsError as error:
        log.error("no instance credentials: %s", error)
        return 2
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    tally = Tally()
    with apiclient.Client(args.url, credentials=credentials, region=args.region) as client:
        workers = [
            threading.Thread(target=worker, args=(client, stop, args.interval, tally), name=f"worker-{n}")
            for n in range(args.threads)
        ]
        for thread in workers:
            thread.start()
        log.info("%d workers calling %s as %s", len(workers), args.url, credentials.describe()["source"])
        stop.wait(args.seconds or None)
        stop.set()
        for thread in workers:
            thread.join()

    total = sum(tally.outcomes.values())
    failed = total - sum(count for outcome, count in tally.outcomes.items() if outcome.startswith("2"))
    print(f"calls={total} failed={failed} outcomes={dict(sorted(tally.outcomes.items()))}")
    return 1 if failed or not total else 0


if __name__ == "__main__":
    raise SystemExit(main())
