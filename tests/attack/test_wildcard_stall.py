"""Attack: a hostile User-Agent against a Deny glob must not stall the gateway for anyone else.

With `*` translated to a backtracking `.*`, `*a*a*a*b` against 600 characters took seconds while
holding the interpreter, so a request sent meanwhile waited just as long. Over real sockets: the hostile
request and an ordinary one run concurrently; the ordinary one must be answered within a second.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests
from attack_support import HOSTILE_GLOBS

from apiclient.gateway import Gateway

ORDINARY_BOUND = 1.0  # seconds; the backtracking matcher took 3 to 8 s here
HOSTILE_AGENTS = {
    "a-run-600": "a" * 600,
    "a-run-then-c": "a" * 590 + "c" * 10,
    "old-ie-26kB": ("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1) " * 520)[:26_000],
}


def _timed_get(url: str, user_agent: str, results: dict[str, tuple[int, float]], name: str) -> None:
    started = time.perf_counter()
    response = requests.get(url, headers={"User-Agent": user_agent}, timeout=60)
    results[name] = (response.status_code, time.perf_counter() - started)


@pytest.mark.parametrize("agent", list(HOSTILE_AGENTS))
def test_a_hostile_user_agent_does_not_delay_a_concurrent_request(gw: Gateway, agent: str) -> None:
    assert HOSTILE_GLOBS  # the resource policy carries them (conftest)
    url = gw.api_url() + "/status"
    results: dict[str, tuple[int, float]] = {}
    hostile = threading.Thread(target=_timed_get, args=(url, HOSTILE_AGENTS[agent], results, "hostile"))
    hostile.start()
    time.sleep(0.02)  # let the hostile request reach the policy engine first
    _timed_get(url, "ordinary-client/1.0", results, "ordinary")
    hostile.join(60)
    status, waited = results["ordinary"]
    assert status == 200
    assert waited < ORDINARY_BOUND, f"an ordinary request waited {waited:.2f} s behind {agent}"
    hostile_status, hostile_time = results["hostile"]
    assert hostile_status == 200  # none of them matches the Deny globs (no "b", no "Trident")
    assert hostile_time < ORDINARY_BOUND


def test_a_user_agent_that_matches_is_still_denied(gw: Gateway) -> None:
    agent = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)"
    response = requests.get(gw.api_url() + "/status", headers={"User-Agent": agent}, timeout=10)
    assert response.status_code == 403
    assert response.json()["Message"].endswith("with an explicit deny")
