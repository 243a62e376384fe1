"""Shared parts of the reliability tests: the secret ledger, a recording provider, and a load driver."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from click.testing import CliRunner, Result

from apiclient.cli import cli
from apiclient.credentials import assume_role, static
from apiclient.credentials.base import CredentialProvider, Credentials, Refreshable
from apiclient.errors import ApiClientError
from apiclient.gateway import Gateway, GatewayConfig
from apiclient.retry import Retry
from apiclient.session import Client

Clock = Callable[[], dt.datetime]

EXTERNAL_ID = "EXAMPLE-external-id-7f3a"  # the sample's partner-integration trust condition

# The local STS issues secrets.token_urlsafe(96): 128 URL-safe characters. A run that long of that
# alphabet is a token, even one issued by a gateway the test cannot see (the demo's own).
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{128}")


@dataclass(frozen=True)
class LoadSize:
    """How hard a load test pushes: threads x calls each, with credentials of ``lifetime`` seconds."""

    threads: int
    calls: int
    lifetime: float


def full_size() -> bool:
    """The issue's full sizes (16 x 2,000 calls, 30-second credentials) run only when asked."""
    return os.environ.get("APICLIENT_FULL_RELIABILITY") == "1"


@dataclass
class Exposure:
    """Every secret the tests know of, and every text they produced that a user or a log could see."""

    secrets: set[str] = field(default_factory=set, repr=False)
    texts: list[tuple[str, str]] = field(default_factory=list, repr=False)

    def know_config(self, config: GatewayConfig) -> None:
        """The gateway's test secrets: every user's secret key and every web-identity token."""
        for user in config.users:
            self.secrets.update(key.secret_access_key for key in user.access_keys)
        self.secrets.update(token.token for token in config.web_identity_tokens)

    def know(self, credentials: Credentials) -> None:
        self.secrets.add(credentials.secret_key)
        if credentials.token:
            self.secrets.add(credentials.token)

    def shown(self, where: str, text: object) -> None:
        """Record ``text`` (a repr, a message, CLI output) as something a user sees."""
        self.texts.append((where, str(text)))

    def shown_error(self, where: str, error: BaseException) -> None:
        self.shown(f"{where}: str", error)
        self.shown(f"{where}: repr", repr(error))

    def leaks(self, records: Iterable[logging.LogRecord]) -> list[str]:
        """Where a known secret, or a text shaped like a session token, appears; empty when clean."""
        found = []
        seen = [(f"log {r.name}:{r.levelname}", _record_text(r)) for r in records]
        for where, text in [*self.texts, *seen]:
            if any(secret in text for secret in self.secrets) or _TOKEN_SHAPE.search(text):
                found.append(f"{where}: {text[:200]}")
        return found


@dataclass
class ScanTotals:
    """What the secret scans of a session covered."""

    tests: int = 0
    log_records: int = 0
    texts: int = 0
    leaks: int = 0
    secrets: set[str] = field(default_factory=set, repr=False)

    def add(self, exposure: Exposure, records: list[logging.LogRecord], leaks: list[str]) -> None:
        self.tests += 1
        self.log_records += len(records)
        self.texts += len(exposure.texts)
        self.leaks += len(leaks)
        self.secrets |= exposure.secrets

    def summary(self) -> dict[str, int]:
        return {
            "tests": self.tests,
            "log_records": self.log_records,
            "texts": self.texts,
            "distinct_secrets": len(self.secrets),
            "leaks": self.leaks,
        }


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), record.exc_text or ""]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(str(record.exc_info[1]))
    return "\n".join(parts)


class Recording:
    """A provider that hands on another's credentials and tells the ledger each snapshot's secrets.

    The client's own refresh behaviour is untouched: get() and force_refresh() go to the wrapped
    provider, so every session the local STS issues to the client passes through ``know``.
    """

    def __init__(self, provider: CredentialProvider, exposure: Exposure) -> None:
        self._provider = provider
        self._exposure = exposure
        self._lock = threading.Lock()
        self.tokens: set[str] = set()

    def get(self) -> Credentials:
        credentials = self._provider.get()
        if credentials.token not in self.tokens:
            with self._lock:
                self._exposure.know(credentials)
                self.tokens.add(credentials.token or "")
        return credentials

    def describe(self) -> dict[str, Any]:
        return self._provider.describe()

    def force_refresh(self) -> Credentials:
        assert isinstance(self._provider, Refreshable)
        self._provider.force_refresh()
        return self.get()


def partner_client(
    gw: Gateway,
    exposure: Exposure,
    *,
    clock: Clock | None = None,
    retry: Retry | None = None,
) -> tuple[Client, Recording]:
    """A Client on the partner-integration role, assumed with the integrator's keys via the gateway's STS.

    Its reprs and description are recorded in ``exposure``; so is every session it receives.
    """
    integrator = gw.credentials_for("integrator")
    role = gw.config.role("partner-integration")
    assert role is not None
    api = gw.config.apis[0]
    provider = Recording(
        assume_role(
            role.arn,
            source=static(integrator.access_key, integrator.secret_key),
            external_id=EXTERNAL_ID,
            sts_endpoint_url=gw.sts_url,
            region=api.region,
        ),
        exposure,
    )
    client = Client(gw.api_url(), credentials=provider, region=api.region, clock=clock, retry=retry)
    exposure.shown("repr(client)", repr(client))
    exposure.shown("repr(credentials)", repr(provider.get()))
    exposure.shown("describe()", json.dumps(provider.describe(), default=str))
    return client, provider


@dataclass
class LoadResult:
    calls: int
    failures: list[str]
    seconds: float


def hammer(client: Client, path: str, *, threads: int, calls: int) -> LoadResult:
    """``threads`` threads each sending ``calls`` GETs through one shared client; non-200s are failures."""
    failures: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(calls):
            try:
                status = client.get(path).status_code
            except (ApiClientError, requests.RequestException) as error:
                outcome = f"{type(error).__name__}: {error}"
            else:
                if status == 200:
                    continue
                outcome = f"HTTP {status}"
            with lock:
                failures.append(outcome)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return LoadResult(threads * calls, failures, time.perf_counter() - started)


def access_records(records: Iterable[logging.LogRecord]) -> list[dict[str, str]]:
    """The gateway's access-log lines (JSON at INFO on ``apiclient.gateway``), every one of the run.

    ``Gateway.access_log`` keeps the latest 10,000 only; the log stream has them all.
    """
    return [
        json.loads(r.getMessage())
        for r in records
        if r.name == "apiclient.gateway" and r.levelno == logging.INFO and r.getMessage().startswith("{")
    ]


def sts_calls(records: Iterable[logging.LogRecord]) -> int:
    """Successful STS calls in the access log (the client only ever calls AssumeRole)."""
    return sum(1 for r in access_records(records) if r["service"] == "sts" and r["status"] == "200")


def connection_retries(records: Iterable[logging.LogRecord]) -> int:
    """Attempts the client logged as connection errors: each one was followed by a retry or a failure."""
    return sum(1 for r in records if r.name == "apiclient.session" and "connection error" in r.getMessage())


def run_cli(exposure: Exposure, environment: dict[str, str | None], *args: str) -> Result:
    """Run ``apiclient ARGS`` in-process and record its output; an uncaught exception fails the test."""
    result = CliRunner().invoke(cli, list(args), env=environment, prog_name="apiclient")
    command = args[0] if args else ""
    exposure.shown(f"apiclient {command} stdout", result.stdout)
    exposure.shown(f"apiclient {command} stderr", result.stderr)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result
