"""The refresh windows, end to end against moto's STS with a clock the test moves."""

from __future__ import annotations

import datetime as _dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from apiclient.credentials import Credentials, assume_role
from apiclient.credentials.refresh import RefreshingProvider, windows
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from conftest import Clock, RecordingProxy

    from apiclient.credentials.static import StaticProvider
    from apiclient.credentials.sts import AssumeRoleProvider

ROLE = "arn:aws:iam::111111111111:role/Refreshing"
THREADS = 32


@pytest.fixture
def provider(sts: RecordingProxy, source: StaticProvider, clock: Clock) -> AssumeRoleProvider:
    """A one-hour role session whose first snapshot has been fetched."""
    role = assume_role(ROLE, source=source, session_name="refresh", sts_endpoint_url=sts.url, clock=clock)
    role.get()
    assert len(sts.sts_calls()) == 1
    return role


@pytest.mark.parametrize(
    ("lifetime", "advisory", "mandatory"),
    [
        (_dt.timedelta(hours=12), _dt.timedelta(minutes=15), _dt.timedelta(minutes=10)),
        (_dt.timedelta(hours=1), _dt.timedelta(minutes=15), _dt.timedelta(minutes=10)),
        (_dt.timedelta(minutes=15), _dt.timedelta(minutes=7.5), _dt.timedelta(minutes=3.75)),
        (_dt.timedelta(seconds=30), _dt.timedelta(seconds=15), _dt.timedelta(seconds=7.5)),
    ],
)
def test_windows_shrink_for_short_sessions(
    lifetime: _dt.timedelta, advisory: _dt.timedelta, mandatory: _dt.timedelta
) -> None:
    assert windows(lifetime) == (advisory, mandatory)


def test_fresh_credentials_make_no_sts_call_per_request(
    provider: AssumeRoleProvider, sts: RecordingProxy, clock: Clock
) -> None:
    first = provider.get()
    for _ in range(1000):
        assert provider.get() is first
    clock.advance(minutes=44)
    assert provider.get() is first
    assert len(sts.sts_calls()) == 1


def test_advisory_window_refreshes_in_one_thread_while_others_keep_the_old_snapshot(
    provider: AssumeRoleProvider, sts: RecordingProxy, clock: Clock
) -> None:
    old = provider.get()
    clock.advance(minutes=46)  # 14 minutes left: inside the 15-minute advisory window
    sts.hold()
    with ThreadPoolExecutor(1) as pool:
        refreshing = pool.submit(provider.get)
        while not sts.sts_calls()[1:]:  # the refresh has reached STS and is held there
            time.sleep(0.01)
        started = time.perf_counter()
        others = [provider.get() for _ in range(100)]
        elapsed = time.perf_counter() - started
        sts.release()
        new = refreshing.result(timeout=10)
    assert all(c is old for c in others) and elapsed < 1.0
    assert new is not old and new.access_key != old.access_key
    assert provider.get() is new
    assert len(sts.sts_calls()) == 2


def test_mandatory_window_makes_every_thread_wait_for_the_one_refresh(
    provider: AssumeRoleProvider, sts: RecordingProxy, clock: Clock
) -> None:
    old = provider.get()
    clock.advance(minutes=51)  # 9 minutes left: inside the 10-minute mandatory window
    sts.hold()
    barrier = threading.Barrier(THREADS)

    def call() -> Credentials:
        barrier.wait()
        return provider.get()

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(call) for _ in range(THREADS)]
        time.sleep(0.3)
        finished_while_held = [f for f in futures if f.done()]
        sts.release()
        results = [f.result(timeout=10) for f in futures]
    assert finished_while_held == []
    assert len({id(c) for c in results}) == 1 and results[0] is not old
    assert len(sts.sts_calls()) == 2


@pytest.mark.parametrize("minutes", [46, 51], ids=["advisory", "mandatory"])
def test_32_threads_across_a_refresh_make_exactly_one_sts_call(
    provider: AssumeRoleProvider, sts: RecordingProxy, clock: Clock, minutes: int
) -> None:
    clock.advance(minutes=minutes)
    barrier = threading.Barrier(THREADS)

    def call() -> list[Credentials]:
        barrier.wait()
        return [provider.get() for _ in range(200)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [c for f in [pool.submit(call) for _ in range(THREADS)] for c in f.result(timeout=30)]
    assert len(sts.sts_calls()) == 2  # the initial fetch and exactly one refresh
    assert results[-1] is provider.get()


def test_failed_advisory_refresh_is_logged_and_the_old_snapshot_kept(
    provider: AssumeRoleProvider, sts: RecordingProxy, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    old = provider.get()
    clock.advance(minutes=46)
    sts.fail_next("AccessDenied", "Not authorized to perform sts:AssumeRole")
    with caplog.at_level(logging.WARNING, logger="apiclient"):
        assert provider.get() is old
    [record] = [r for r in caplog.records if r.name.startswith("apiclient")]
    assert record.levelno == logging.WARNING
    assert (
        "AccessDenied: Not authorized to perform sts:AssumeRole" in record.getMessage()
        and ROLE in record.getMessage()
    )

    assert provider.get() is old  # no new STS call until the retry delay has passed
    assert len(sts.sts_calls()) == 2
    clock.advance(seconds=31)
    assert provider.get() is not old
    assert len(sts.sts_calls()) == 3


def test_failed_mandatory_refresh_raises_quoting_sts(
    provider: AssumeRoleProvider, sts: RecordingProxy, clock: Clock
) -> None:
    clock.advance(minutes=51)
    sts.fail_next("ExpiredToken", "The security token included in the request is expired")
    with pytest.raises(
        CredentialsError, match="ExpiredToken: The security token included in the request is expired"
    ):
        provider.get()
    expiry = provider.get().expiry
    assert expiry is not None and expiry > clock()  # the next call refreshes again and succeeds
    assert len(sts.sts_calls()) == 3


def test_a_15_minute_session_is_usable_and_refreshes_before_expiry(
    sts: RecordingProxy, source: StaticProvider, clock: Clock
) -> None:
    provider = assume_role(ROLE, source=source, duration_seconds=900, sts_endpoint_url=sts.url, clock=clock)
    first = provider.get()
    clock.advance(minutes=7)  # 8 minutes left, outside the shrunk 7.5-minute advisory window
    assert provider.get() is first
    clock.advance(minutes=1)
    assert provider.get() is not first
    assert len(sts.sts_calls()) == 2


def test_concurrent_force_refresh_after_a_refusal_makes_one_sts_call(
    provider: AssumeRoleProvider, sts: RecordingProxy
) -> None:
    old = provider.get()
    sts.hold()
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(provider.force_refresh) for _ in range(8)]
        time.sleep(0.3)
        sts.release()
        results = {id(f.result(timeout=10)) for f in futures}
    assert len(results) == 1 and provider.get() is not old
    assert len(sts.sts_calls()) == 2


class ShortLivedSource(RefreshingProvider):
    """A source of 30-second credentials (as a custom token vendor might issue)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock=clock)
        self.fetches = 0

    def _label(self) -> str:
        return "30-second source"

    def _fetch(self) -> Credentials:
        self.fetches += 1
        return Credentials(
            f"ASIASHORT{self.fetches}EXAMPLE",
            "secretEXAMPLE",
            "tokenEXAMPLE",
            self._clock() + _dt.timedelta(seconds=30),
        )

    def describe(self) -> dict[str, str]:
        return {"source": "short"}


def test_30_second_credentials_are_reused_then_refreshed(clock: Clock) -> None:
    source = ShortLivedSource(clock)
    first = source.get()
    clock.advance(seconds=14)  # 16 s left: before the 15-second advisory window
    assert source.get() is first
    clock.advance(seconds=2)
    second = source.get()
    assert second is not first and source.fetches == 2


def test_clock_far_ahead_of_sts_is_reported(
    sts: RecordingProxy, source: StaticProvider, clock: Clock
) -> None:
    clock.advance(hours=2)
    provider = assume_role(ROLE, source=source, sts_endpoint_url=sts.url, clock=clock)
    with pytest.raises(CredentialsError, match="check the system clock"):
        provider.get()
