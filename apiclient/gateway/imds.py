"""Instance metadata (IMDSv2 only) and the ECS/Lambda container-credentials endpoint.

Both hand out session credentials for the configured ``instance_role``, in the JSON shapes botocore's
``InstanceMetadataFetcher`` and ``ContainerMetadataFetcher`` read.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hmac
import json
import re
import secrets
import threading
from collections import OrderedDict

from apiclient.gateway import sts
from apiclient.gateway.config import GatewayConfig, Role
from apiclient.gateway.identities import SigningKey
from apiclient.gateway.responses import Answer, Stamp
from apiclient.gateway.wire import WireRequest

__all__ = ["CredentialEndpoints"]

_TOKEN_PATH = "/latest/api/token"
_CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"
_TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds"
_TOKEN_HEADER = "x-aws-ec2-metadata-token"
_MAX_TOKEN_TTL = 21600  # IMDSv2 accepts 1 second to 6 hours
_TTL = re.compile(r"[0-9]{1,5}")  # ASCII digits: "²".isdigit() is true and int("²") fails
# Live tokens kept at most; past it the least recently used go first (each costs about 200 bytes).
MAX_TOKENS = 4096
_INSTANCE_SESSION = "i-0123456789abcdef0"
_TASK_SESSION = "ecs-task-0123456789abcdef0"


class CredentialEndpoints:
    """IMDSv2 and container credentials, sharing one cache of the instance role's session."""

    def __init__(
        self, config: GatewayConfig, issuer: sts.StsService, *, max_tokens: int = MAX_TOKENS
    ) -> None:
        self._role: Role | None = config.role(config.instance_role) if config.instance_role else None
        self._issuer = issuer
        self._lock = threading.Lock()
        self._tokens: OrderedDict[str, dt.datetime] = OrderedDict()
        self._max_tokens = max_tokens
        self._cached: dict[str, SigningKey] = {}
        self.container_token = secrets.token_urlsafe(24)

    def imds(self, request: WireRequest) -> Answer:
        stamp = request.stamp
        if request.path == _TOKEN_PATH:
            return self._new_token(request)
        if not self._token_valid(request.header(_TOKEN_HEADER), stamp.now):
            return _text(stamp, 401, "")  # IMDSv2 only: no token, no metadata
        if request.method != "GET":
            return _text(stamp, 405, "")
        if self._role is None or not request.path.startswith(_CREDENTIALS_PATH):
            return _text(stamp, 404, "")
        name = request.path[len(_CREDENTIALS_PATH) :]
        if not name:
            return _text(stamp, 200, self._role.name)
        if name != self._role.name:
            return _text(stamp, 404, "")
        key = self._session(_INSTANCE_SESSION, stamp.now)
        document = {
            "Code": "Success",
            "LastUpdated": sts.iso8601(stamp.now),
            "Type": "AWS-HMAC",
            **_credentials(key),
        }
        return _json(stamp, 200, document)

    def container(self, request: WireRequest) -> Answer:
        stamp = request.stamp
        given = request.header("authorization") or ""
        if not hmac.compare_digest(given.encode(), self.container_token.encode()):
            return _json(
                stamp, 401, {"code": "InvalidToken", "message": "Authorization token is missing or wrong"}
            )
        if self._role is None:
            return _json(stamp, 404, {"code": "NoRole", "message": "No instance_role is configured"})
        key = self._session(_TASK_SESSION, stamp.now)
        return _json(stamp, 200, {**_credentials(key), "RoleArn": self._role.arn})

    def _new_token(self, request: WireRequest) -> Answer:
        stamp = request.stamp
        if request.method != "PUT":
            return _text(stamp, 405, "")
        if request.header("x-forwarded-for") is not None:
            return _text(stamp, 403, "")  # IMDSv2 refuses token requests that went through a proxy
        ttl = (request.header(_TTL_HEADER) or "").strip()
        if not _TTL.fullmatch(ttl) or not 1 <= int(ttl) <= _MAX_TOKEN_TTL:
            return _text(stamp, 400, "")
        token = secrets.token_urlsafe(40)
        with self._lock:
            self._tokens[token] = stamp.now + dt.timedelta(seconds=int(ttl))
            while len(self._tokens) > self._max_tokens:
                self._tokens.popitem(last=False)
        return Answer(
            200, (*_headers(stamp, "text/plain", token.encode()), (_TTL_HEADER, ttl)), token.encode()
        )

    def _token_valid(self, token: str | None, now: dt.datetime) -> bool:
        with self._lock:
            expiry = self._tokens.get(token or "")
            if expiry is None:
                return False
            if expiry <= now:
                del self._tokens[token or ""]
                return False
            self._tokens.move_to_end(token or "")
        return True

    @property
    def token_count(self) -> int:
        """How many IMDS tokens are remembered (bounded by ``max_tokens``)."""
        with self._lock:
            return len(self._tokens)

    def _session(self, session_name: str, now: dt.datetime) -> SigningKey:
        assert self._role is not None  # callers answered 404 otherwise
        with self._lock:
            key = self._cached.get(session_name)
            # Like IMDS, keep handing out the same credentials until they have less than a third of
            # their life left; botocore refreshes ahead of expiry and must then get new ones.
            if key is None or key.expiry is None or (key.expiry - now) < self._third_of_lifetime():
                key = self._issuer.issue(self._role, session_name, self._role.max_session_duration)
                self._cached[session_name] = key
            return key

    def _third_of_lifetime(self) -> dt.timedelta:
        assert self._role is not None
        return self._issuer.lifetime_for(self._role.max_session_duration) / 3


def _credentials(key: SigningKey) -> dict[str, str]:
    assert key.token is not None and key.expiry is not None  # issued sessions always have both
    return {
        "AccessKeyId": key.access_key_id,
        "SecretAccessKey": key.secret_access_key,
        "Token": key.token,
        "Expiration": sts.iso8601(key.expiry),
    }


def _headers(stamp: Stamp, content_type: str, body: bytes) -> tuple[tuple[str, str], ...]:
    return (
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Date", email.utils.format_datetime(stamp.now, usegmt=True)),
    )


def _text(stamp: Stamp, status: int, text: str) -> Answer:
    body = text.encode()
    return Answer(
        status, _headers(stamp, "text/plain", body), body, None if status < 400 else f"HTTP {status}"
    )


def _json(stamp: Stamp, status: int, document: dict[str, str]) -> Answer:
    body = json.dumps(document).encode()
    error = document.get("message") if status >= 400 else None
    return Answer(status, _headers(stamp, "application/json", body), body, error)
