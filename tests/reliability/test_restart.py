"""The gateway restarted mid-run on the same port: the Client's retries carry every call through.

A restarted gateway has forgotten the sessions its STS issued, as a real credential
rotation would leave them unknown: the first call after the restart is refused as an invalid token,
and the Client forces one credential refresh (session.py) before its retry.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from reliability_support import Exposure, connection_retries, full_size, hammer, partner_client, sts_calls

from apiclient.gateway import Gateway, GatewayConfig
from apiclient.retry import Retry

# The full sizes take minutes on 2 shared cores: more than the suite's default 180-second timeout.
pytestmark = [pytest.mark.reliability, pytest.mark.timeout(900 if full_size() else 180)]

THREADS, CALLS = (16, 500) if full_size() else (8, 100)
DOWNTIME = 0.2  # seconds between the old gateway's stop and the new one's start


def _restart_when_busy(first: Gateway, config: GatewayConfig, started: list[Gateway]) -> None:
    """Stop ``first`` once a third of the calls have reached it; start a new gateway on its port."""
    while len(first.access_log) < THREADS * CALLS // 3:
        time.sleep(0.01)
    first.stop()
    time.sleep(DOWNTIME)
    started.append(Gateway(config, port=first.port).start())


def test_retries_carry_calls_across_a_gateway_restart(
    config: GatewayConfig, exposure: Exposure, caplog: pytest.LogCaptureFixture
) -> None:
    first = Gateway(config).start()
    restarted: list[Gateway] = []
    try:
        # Enough attempts, and waits long enough in sum, to outlast the downtime.
        client, _provider = partner_client(
            first, exposure, retry=Retry(attempts=8, backoff_base=0.1, backoff_cap=1.0)
        )
        restarter = threading.Thread(target=_restart_when_busy, args=(first, config, restarted))
        restarter.start()
        with client:
            result = hammer(client, "/products", threads=THREADS, calls=CALLS)
        restarter.join()
    finally:
        first.stop()
        for gateway in restarted:
            gateway.stop()

    assert result.failures == []
    retries = connection_retries(caplog.records)
    assert retries >= 1, "the restart should have cost at least one connection"
    assert restarted and len(restarted[0].access_log) > 0, "the second gateway should have served calls"
    # The restarted gateway knows none of the old sessions: the Client renewed its credentials.
    forced_refreshes = sts_calls(caplog.records) - 1
    assert forced_refreshes >= 1
    print(
        json.dumps(
            {
                "test": "gateway restart",
                "threads": THREADS,
                "calls": result.calls,
                "failures": len(result.failures),
                "connection_retries": retries,
                "forced_refreshes": forced_refreshes,
                "downtime_s": DOWNTIME,
                "seconds": round(result.seconds, 1),
            }
        )
    )
