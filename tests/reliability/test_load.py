"""Many threads through one Client on short-lived assumed-role credentials, and a client clock 10 minutes off.

16 threads x 2,000 calls with 30-second credentials from the gateway's STS, zero
failures, refreshes counted; a clock 10 minutes fast and 10 minutes slow, zero failures. The full sizes
run with APICLIENT_FULL_RELIABILITY=1; by default the same test runs smaller, with credentials short
enough (4 s) that the run still spans several refreshes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator

import pytest
from reliability_support import (
    Exposure,
    LoadSize,
    access_records,
    full_size,
    hammer,
    partner_client,
    sts_calls,
)

from apiclient.gateway import Gateway, GatewayConfig, running

# The full sizes take minutes on 2 shared cores: more than the suite's default 180-second timeout.
pytestmark = [pytest.mark.reliability, pytest.mark.timeout(900 if full_size() else 180)]

LOAD = LoadSize(threads=16, calls=2000, lifetime=30) if full_size() else LoadSize(16, 150, 4)
SKEWED = LoadSize(threads=16, calls=200, lifetime=30) if full_size() else LoadSize(8, 25, 30)


@pytest.fixture
def gateway(config: GatewayConfig, request: pytest.FixtureRequest) -> Iterator[Gateway]:
    size: LoadSize = request.param
    with running(config, credential_lifetime=size.lifetime) as gw:
        yield gw


@pytest.mark.parametrize("gateway", [LOAD], indirect=True)
def test_threads_share_one_client_across_credential_refreshes(
    gateway: Gateway, exposure: Exposure, caplog: pytest.LogCaptureFixture
) -> None:
    client, provider = partner_client(gateway, exposure)
    with client:
        result = hammer(client, "/products", threads=LOAD.threads, calls=LOAD.calls)

    assert result.failures == []
    refreshes = sts_calls(caplog.records) - 1  # the first AssumeRole is the initial fetch
    # Each session lives `lifetime` seconds and is renewed lifetime/2 before expiry (the advisory
    # window, credentials/refresh.py): about one refresh per lifetime/2; never one per request.
    needed = math.floor(result.seconds / LOAD.lifetime)
    assert needed <= refreshes <= 2 * math.ceil(result.seconds / (LOAD.lifetime / 2)) + 1
    assert len(provider.tokens) == refreshes + 1  # every issued token went through the ledger
    print(
        json.dumps(
            {
                "test": "load",
                "threads": LOAD.threads,
                "calls": result.calls,
                "failures": len(result.failures),
                "credential_lifetime_s": LOAD.lifetime,
                "refreshes": refreshes,
                "seconds": round(result.seconds, 1),
                "calls_per_second": round(result.calls / result.seconds),
            }
        )
    )


@pytest.mark.parametrize("gateway", [SKEWED], indirect=True)
@pytest.mark.parametrize("skew_minutes", [10, -10], ids=["fast", "slow"])
def test_a_client_clock_ten_minutes_off_is_corrected(
    gateway: Gateway, skew_minutes: int, exposure: Exposure, caplog: pytest.LogCaptureFixture
) -> None:
    skew = dt.timedelta(minutes=skew_minutes)
    client, _provider = partner_client(
        gateway, exposure, clock=lambda: dt.datetime.now(dt.timezone.utc) + skew
    )
    with client:
        result = hammer(client, "/products", threads=SKEWED.threads, calls=SKEWED.calls)

    assert result.failures == []
    assert client.clock_offset == pytest.approx(-skew.total_seconds(), abs=5)
    refused = [r for r in access_records(caplog.records) if r["status"] == "403"]
    # Only requests signed before the first correction landed can be refused: at most one per thread.
    assert 1 <= len(refused) <= SKEWED.threads
    assert all("Signature" in r["errorMessage"] for r in refused)
    print(
        json.dumps(
            {
                "test": f"clock {skew_minutes:+d} min",
                "threads": SKEWED.threads,
                "calls": result.calls,
                "failures": len(result.failures),
                "skew_refusals_corrected": len(refused),
                "seconds": round(result.seconds, 1),
            }
        )
    )
