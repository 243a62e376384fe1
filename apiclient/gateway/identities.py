"""Who is who: the configured users' keys and the sessions STS hands out."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import string
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from apiclient.gateway.config import GatewayConfig, Policy, Role

__all__ = ["IdentityStore", "Principal", "SigningKey", "unique_id"]

# How long an expired session is remembered, so that it is answered "expired" rather than "invalid".
_FORGET_AFTER = dt.timedelta(hours=1)
# Sessions kept at most (about 700 bytes each); past it the least recently used are forgotten, and answered
# as unknown keys. A sweep of the long-expired ones runs once every _SWEEP_EVERY sessions issued.
MAX_SESSIONS = 10_000
_SWEEP_EVERY = 1024


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: an IAM user or an assumed-role session."""

    arn: str
    account: str
    unique_id: str
    policies: tuple[Policy, ...]
    tags: Mapping[str, str] = field(default_factory=dict)
    organization_id: str | None = None


@dataclass(frozen=True)
class SigningKey:
    """An access key the gateway knows, with the secret it verifies signatures against."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    principal: Principal
    token: str | None = field(default=None, repr=False)
    expiry: dt.datetime | None = None

    def expired(self, now: dt.datetime) -> bool:
        return self.expiry is not None and now >= self.expiry


def unique_id(prefix: str, arn: str) -> str:
    """A stable IAM-style unique ID (``AIDA...``/``AROA...``) derived from the ARN."""
    digest = base64.b32encode(hashlib.sha256(arn.encode()).digest()).decode()
    return prefix + digest[:17]


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class IdentityStore:
    """Thread-safe lookup of access keys: long-term user keys and issued session keys."""

    def __init__(self, config: GatewayConfig, *, max_sessions: int = MAX_SESSIONS) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._keys: dict[str, SigningKey] = {}
        self._sessions: OrderedDict[str, SigningKey] = OrderedDict()
        self._max_sessions = max_sessions
        self._issued = 0
        for user in config.users:
            account = config.account(user.account)
            principal = Principal(
                user.arn,
                user.account,
                unique_id("AIDA", user.arn),
                user.policies,
                user.tags,
                organization_id=account.organization_id if account else None,
            )
            for key in user.access_keys:
                self._keys[key.access_key_id] = SigningKey(
                    key.access_key_id, key.secret_access_key, principal
                )

    def lookup(self, access_key_id: str) -> SigningKey | None:
        with self._lock:
            key = self._keys.get(access_key_id)
            if key is None:
                key = self._sessions.get(access_key_id)
                if key is not None:
                    self._sessions.move_to_end(access_key_id)
            return key

    @property
    def session_count(self) -> int:
        """How many issued sessions are remembered (bounded by ``max_sessions``)."""
        with self._lock:
            return len(self._sessions)

    def issue_session(self, role: Role, session_name: str, lifetime: dt.timedelta) -> SigningKey:
        """New temporary credentials for ``role``; their principal is the assumed-role session ARN."""
        account = self._config.account(role.account)
        principal = Principal(
            arn=f"arn:aws:sts::{role.account}:assumed-role/{role.name}/{session_name}",
            account=role.account,
            unique_id=f"{unique_id('AROA', role.arn)}:{session_name}",
            policies=role.policies,
            tags=role.tags,
            organization_id=account.organization_id if account else None,
        )
        now = dt.datetime.now(dt.timezone.utc)
        key = SigningKey(
            # Lengths like AWS's, and each part visibly fake wherever one is pasted (docs, logs, issues).
            access_key_id="ASIAEXAMPLE" + _random(string.ascii_uppercase + string.digits, 9),
            secret_access_key=_random(string.ascii_letters + string.digits + "+/", 33) + "EXAMPLE",
            principal=principal,
            token="EXAMPLE" + secrets.token_urlsafe(96),
            expiry=(now + lifetime).replace(microsecond=0),
        )
        with self._lock:
            self._issued += 1
            if self._issued % _SWEEP_EVERY == 0:
                self._forget_old(now)
            self._sessions[key.access_key_id] = key
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)
        return key

    def _forget_old(self, now: dt.datetime) -> None:
        stale = [
            k for k, v in self._sessions.items() if v.expiry is not None and now - v.expiry > _FORGET_AFTER
        ]
        for access_key_id in stale:
            del self._sessions[access_key_id]
