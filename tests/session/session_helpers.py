"""Small test doubles for the Client's inputs: clocks and a refreshable credential provider."""

from __future__ import annotations

import datetime as dt
import itertools
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apiclient import Credentials
from apiclient.gateway.tlscert import write_self_signed
from apiclient.retry import Retry

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
FAST = Retry(backoff_base=0.001, backoff_cap=0.005)


def ticking_clock(offset: dt.timedelta = dt.timedelta(0)) -> Callable[[], dt.datetime]:
    """A clock that moves one second per reading, so each signature gets its own X-Amz-Date."""
    ticks = itertools.count()
    start = dt.datetime.now(dt.timezone.utc) + offset

    def now() -> dt.datetime:
        return start + dt.timedelta(seconds=next(ticks))

    return now


def shifted_clock(offset: dt.timedelta) -> Callable[[], dt.datetime]:
    """The real clock, wrong by ``offset``."""
    return lambda: dt.datetime.now(dt.timezone.utc) + offset


class RotatingProvider:
    """Hands out session credentials; ``force_refresh`` moves to the next token and counts calls."""

    def __init__(self, access_key: str, secret_key: str, tokens: list[str]) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._tokens = tokens
        self._index = 0
        self._lock = threading.Lock()
        self.refreshes = 0

    def get(self) -> Credentials:
        return Credentials(self._access_key, self._secret_key, self._tokens[self._index])

    def describe(self) -> dict[str, Any]:
        return {"source": "test"}

    def force_refresh(self) -> Credentials:
        with self._lock:
            self.refreshes += 1
            self._index = min(self._index + 1, len(self._tokens) - 1)
        return self.get()


def self_signed(host: str, directory: Path) -> tuple[Path, Path]:
    """A certificate for ``host`` (its own CA) and its key: the gateway's TLS-mode writer."""
    return write_self_signed(directory, [host])


def tls_context(cert_path: Path, key_path: Path, sni_seen: list[str | None]) -> ssl.SSLContext:
    """A server context that records the SNI name each client sent."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    context.sni_callback = lambda _socket, name, _context: sni_seen.append(name)
    return context
