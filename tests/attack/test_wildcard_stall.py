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
from attack_support import HOSTILE_GLOBS, attack_config

from apiclient.gateway import Gateway, running

ORDINARY_BOUND = 1.0  # seconds; the backtracking matcher took 3 to 8 s on these
# (Deny glob, User-Agent that almost matches it). Each runs against its own gateway: before the fix,
# the old-IE agent against `*a*a*a*b` would have backtracked for hours.
HOSTILE = {
    "a-run-600": ("*a*a*a*b", "a" * 600),
    "a-run-then-c": ("*a*a*a*b", "a" * 590 + "c" * 10),
    "old-ie-26kB": ("*Mozilla*MSIE*Trident*", ("Mozilla/4.0 (MSIE 6.0) " * 1200)[:26_000]),
}


def _timed_get(url: str, user_agent: str, results: dict[str, tuple[int, float]], name: str) -> None:
    started = time.perf_counter()
    response = requests.get(url, headers={"User-Agent": user_agent}, timeout=60)
    results[name] = (response.status_code, time.perf_counter() - started)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_user_agent_does_not_delay_a_concurrent_request(case: str) -> None:
    glob, agent = HOSTILE[case]
    assert glob in HOSTILE_GLOBS
    with running(attack_config([glob])) as gw:
        url = gw.api_url() + "/status"
        results: dict[str, tuple[int, float]] = {}
        hostile = threading.Thread(target=_timed_get, args=(url, agent, results, "hostile"))
        hostile.start()
        time.sleep(0.02)  # let the hostile request reach the policy engine first
        _timed_get(url, "ordinary-client/1.0", results, "ordinary")
        hostile.join(60)
    status, waited = results["ordinary"]
    assert status == 200
    assert waited < ORDINARY_BOUND, f"an ordinary request waited {waited:.2f} s behind {case}"
    hostile_status, hostile_time = results["hostile"]
    assert hostile_status == 200  # none of them matches its Deny glob (no final "b", no "Trident")
    assert hostile_time < ORDINARY_BOUND


def test_a_user_agent_that_matches_is_still_denied(gw: Gateway) -> None:
    agent = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)"
    response = requests.get(gw.api_url() + "/status", headers={"User-Agent": agent}, timeout=10)
    assert response.status_code == 403
    assert response.json()["Message"].endswith("with an explicit deny")
