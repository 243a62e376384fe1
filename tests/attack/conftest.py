"""The attack scripts' gateway: the walkthrough API plus a resource policy with hostile Deny globs.

Loopback only; every script is bounded in requests and seconds.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiclient.gateway import Gateway, running

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gateway"))  # raw_http, gateway_helpers
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attack_support import attack_config


@pytest.fixture(scope="module")
def gw() -> Iterator[Gateway]:
    with running(attack_config()) as gateway:
        yield gateway
