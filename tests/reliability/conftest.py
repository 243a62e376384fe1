"""Fixtures of the reliability tests.

Every test here runs under a secret scan: the root logger is captured at DEBUG for the whole test,
and at teardown every log line, plus every repr, error message and CLI output the test recorded in
``exposure``, is searched for the gateway's test secrets and the session tokens its STS issued.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiclient.gateway import GatewayConfig, sample_config

sys.path.insert(0, str(Path(__file__).parent))

from reliability_support import Exposure, ScanTotals


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reliability: a load or fault test (APICLIENT_FULL_RELIABILITY=1: full sizes)"
    )


@pytest.fixture(scope="session")
def config() -> GatewayConfig:
    return sample_config()


@pytest.fixture(scope="session")
def scan_totals() -> Iterator[ScanTotals]:
    """What the secret scans of the whole session covered, printed at its end (seen with ``-s``)."""
    totals = ScanTotals()
    yield totals
    print(json.dumps({"test": "secret scan", **totals.summary()}))


@pytest.fixture(autouse=True)
def exposure(
    config: GatewayConfig, caplog: pytest.LogCaptureFixture, scan_totals: ScanTotals
) -> Iterator[Exposure]:
    """The secret ledger of one test; its teardown fails the test's run if anything leaked."""
    caplog.set_level(logging.DEBUG)
    ledger = Exposure()
    ledger.know_config(config)
    yield ledger
    records = [*caplog.get_records("setup"), *caplog.get_records("call")]
    leaks = ledger.leaks(records)
    scan_totals.add(ledger, records, leaks)
    assert not leaks, "secrets seen:\n" + "\n".join(leaks)
