"""Verified requests per second through the local gateway, with keep-alive.

Each client thread keeps one connection alive, signs every request with botocore's SigV4Auth and sends it
to a gateway on 127.0.0.1; every request is verified (botocore on the server side too) and authorized by
the policy engine before its 200. The gateway runs in its own process, as ``apiclient serve`` does, so
client and server do not share one interpreter lock.
Goal (docs/performance.md): >= 300/s on 2 cores.

``--client requests`` (the default) sends through a ``requests.Session``; ``--client http`` through the
standard library's ``http.client``, whose per-request cost is a fraction of requests' (all client
threads share one interpreter lock, so with requests the client, not the gateway, bounds the rate).

Besides the rate it prints the CPU milliseconds each side spent per request (Linux /proc), which stay
meaningful when other work shares the machine: 1000 / server_cpu_ms is the gateway's capacity per core.

    python3 benchmarks/bench_gateway.py [--requests 2000] [--clients 1] [--client requests|http]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from apiclient.gateway import sample_config, serve


def _client(url: str, credentials: Credentials, region: str, count: int, failures: list[int]) -> None:
    signer = SigV4Auth(credentials, "execute-api", region)
    with requests.Session() as http:
        # Environment proxy lookups scan os.environ twice per request (~1 ms here); loopback needs none.
        http.trust_env = False
        for _ in range(count):
            request = AWSRequest(method="GET", url=url)
            signer.add_auth(request)
            prepared = request.prepare()
            response = http.get(prepared.url, headers=dict(prepared.headers), timeout=10)
            if response.status_code != 200:
                failures.append(response.status_code)


def _http_client(url: str, credentials: Credentials, region: str, count: int, failures: list[int]) -> None:
    signer = SigV4Auth(credentials, "execute-api", region)
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        for _ in range(count):
            request = AWSRequest(method="GET", url=url)
            signer.add_auth(request)
            # http.client adds the Host header botocore signed (host:port from the same URL).
            connection.request("GET", parts.path, headers=dict(request.headers.items()))
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
    finally:
        connection.close()


_CLIENTS: dict[str, Callable[[str, Credentials, str, int, list[int]], None]] = {
    "requests": _client,
    "http": _http_client,
}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/PID/stat (fields 14 and 15)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _serve(ports: multiprocessing.Queue[int]) -> None:
    serve(sample_config(), port=0, ready=lambda gateway: ports.put(gateway.port))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per client")
    parser.add_argument("--clients", type=int, default=1, help="concurrent client threads")
    parser.add_argument("--client", choices=sorted(_CLIENTS), default="requests", help="HTTP client library")
    args = parser.parse_args()
    config = sample_config()
    reader = next(u for u in config.users if u.name == "reader").access_keys[0]
    credentials = Credentials(reader.access_key_id, reader.secret_access_key)
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{ports.get(timeout=30)}/{config.apis[0].stages[0]}/products"
        failures: list[int] = []
        client = _CLIENTS[args.client]
        client(url, credentials, config.apis[0].region, 50, failures)  # warm-up: imports, connections
        threads = [
            threading.Thread(
                target=client, args=(url, credentials, config.apis[0].region, args.requests, failures)
            )
            for _ in range(args.clients)
        ]
        assert server.pid is not None
        server_cpu, client_cpu = _cpu_seconds(server.pid), time.process_time()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        server.terminate()
        server.join()
    total = args.requests * args.clients
    print(
        json.dumps(
            {
                "requests": total,
                "clients": args.clients,
                "client": args.client,
                "seconds": round(elapsed, 3),
                "requests_per_second": round(total / elapsed, 1),
                "failures": len(failures),
                "server_cpu_ms": round(server_cpu * 1000 / total, 2),
                "client_cpu_ms": round(client_cpu * 1000 / total, 2),
                "load_average": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
