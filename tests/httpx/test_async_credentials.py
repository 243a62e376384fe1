"""Credentials in asyncio code: a refresh never blocks the event loop, and runs once for all tasks."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time

from apiclient import Credentials
from apiclient.credentials.aio import AsyncCredentials
from apiclient.credentials.refresh import RefreshingProvider

START = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)


class SlowSource(RefreshingProvider):
    """One-hour sessions whose every fetch blocks the calling thread for ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.now = START
        super().__init__(clock=lambda: self.now)
        self.delay = delay
        self.fetches = 0
        self.threads: set[str] = set()

    def _label(self) -> str:
        return "slow test source"

    def _fetch(self) -> Credentials:
        self.fetches += 1
        self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        return Credentials(
            f"ASIAEXAMPLE{self.fetches}",
            "EXAMPLESECRET",
            f"EXAMPLETOKEN{self.fetches}",
            self.now + dt.timedelta(hours=1),
        )

    def describe(self) -> dict[str, str]:
        return {"source": "test"}


async def _worst_stall(during: asyncio.Future[object]) -> float:
    """The longest gap between the ticks of a 1 ms ticker while ``during`` runs."""
    worst = 0.0
    last = time.perf_counter()
    while not during.done():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    return worst


def test_the_first_fetch_runs_off_the_loop_once_for_all_tasks() -> None:
    source = SlowSource(delay=0.5)

    async def scenario() -> tuple[float, list[Credentials]]:
        access = AsyncCredentials(source)

        async def everyone_asks() -> list[Credentials]:
            return list(await asyncio.gather(*(access.get() for _ in range(50))))

        everyone = asyncio.create_task(everyone_asks())
        stall = await _worst_stall(everyone)
        return stall, list(await everyone)

    stall, got = asyncio.run(scenario())
    assert source.fetches == 1
    assert {c.access_key for c in got} == {"ASIAEXAMPLE1"}
    assert threading.main_thread().name not in source.threads
    assert stall < 0.25  # the fetch blocked its thread for 0.5 s; the loop kept ticking


def test_tasks_keep_the_old_snapshot_during_the_advisory_refresh() -> None:
    source = SlowSource(delay=0.5)
    source.get()  # the first session, fetched before the loop
    source.now = START + dt.timedelta(minutes=47)  # inside the advisory window (45 to 50 minutes)

    async def scenario() -> tuple[list[Credentials], Credentials]:
        access = AsyncCredentials(source)
        started = time.perf_counter()
        during = [await access.get() for _ in range(20)]
        assert time.perf_counter() - started < 0.25  # nobody waited for the refresh
        await asyncio.sleep(0.8)
        return during, await access.get()

    during, after = asyncio.run(scenario())
    assert {c.access_key for c in during} == {"ASIAEXAMPLE1"}
    assert after.access_key == "ASIAEXAMPLE2"
    assert source.fetches == 2


def test_the_mandatory_window_makes_tasks_wait_for_one_refresh() -> None:
    source = SlowSource(delay=0.2)
    source.get()
    source.now = START + dt.timedelta(minutes=55)  # inside the 10-minute mandatory window

    async def scenario() -> list[Credentials]:
        access = AsyncCredentials(source)
        return list(await asyncio.gather(*(access.get() for _ in range(30))))

    got = asyncio.run(scenario())
    assert {c.access_key for c in got} == {"ASIAEXAMPLE2"}
    assert source.fetches == 2


def test_a_forced_refresh_is_shared_by_the_tasks_that_ask_together() -> None:
    source = SlowSource(delay=0.2)
    source.get()

    async def scenario() -> list[Credentials]:
        access = AsyncCredentials(source)
        return list(await asyncio.gather(*(access.force_refresh() for _ in range(10))))

    got = asyncio.run(scenario())
    assert {c.access_key for c in got} == {"ASIAEXAMPLE2"}
    assert source.fetches == 2
