"""Who signed: STS GetCallerIdentity for the refused request's credentials, cached per access key.

Called only when a refusal is being diagnosed, never on the request path. A failed look-up is
evidence for the diagnosis (an unknown key, no route to STS), not an exception.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apiclient.diagnostics.aws_clients import aws_client, error_text
from apiclient.diagnostics.findings import Findings
from apiclient.errors import CredentialsError

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials

__all__ = ["CallerIdentity", "caller_identity", "identity_findings", "record_identity", "to_identity"]

_DEFAULT_STS_REGION = "us-east-1"


@dataclass(frozen=True)
class CallerIdentity:
    """STS GetCallerIdentity's answer: the principal's ARN, its account and its unique ID."""

    arn: str
    account: str
    user_id: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"arn": self.arn, "account": self.account, "user_id": self.user_id}


class _Cache:
    """Identities by (access key, STS endpoint): an access key never changes owner."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str | None], CallerIdentity] = {}

    def get(self, key: tuple[str, str | None]) -> CallerIdentity | None:
        with self._lock:
            return self._known.get(key)

    def put(self, key: tuple[str, str | None], identity: CallerIdentity) -> None:
        with self._lock:
            self._known[key] = identity


_CACHE = _Cache()


def caller_identity(
    credentials: Credentials, *, sts_endpoint_url: str | None = None, region: str | None = None
) -> CallerIdentity:
    """The identity behind ``credentials``, from the cache or from STS.

    Raises:
        botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError: STS could not be
            asked or refused (``identity_findings`` turns them into evidence).
    """
    key = (credentials.access_key, sts_endpoint_url)
    known = _CACHE.get(key)
    if known is not None:
        return known
    sts = aws_client("sts", credentials, region=region or _DEFAULT_STS_REGION, endpoint_url=sts_endpoint_url)
    answer = sts.get_caller_identity()
    identity = CallerIdentity(answer["Arn"], answer["Account"], answer.get("UserId"))
    _CACHE.put(key, identity)
    return identity


def to_identity(value: CallerIdentity | Mapping[str, Any]) -> CallerIdentity:
    """A ``CallerIdentity`` from itself or from STS's answer shape (``Arn``, ``Account``, ``UserId``).

    Raises:
        CredentialsError: ``value`` is neither, or lacks the ARN or the account.
    """
    if isinstance(value, CallerIdentity):
        return value
    if not isinstance(value, Mapping):
        raise CredentialsError(f"identity= must be a CallerIdentity or a mapping, not {type(value).__name__}")
    lowered = {str(name).lower(): item for name, item in value.items()}
    if not isinstance(lowered.get("arn"), str) or not isinstance(lowered.get("account"), str):
        raise CredentialsError(
            "identity= must be a CallerIdentity or STS GetCallerIdentity's answer with 'Arn' and "
            f"'Account' text; got the keys {sorted(lowered)}"
        )
    user_id = lowered.get("userid")
    return CallerIdentity(lowered["arn"], lowered["account"], user_id if isinstance(user_id, str) else None)


def identity_findings(
    credentials: Credentials, *, sts_endpoint_url: str | None, region: str | None, found: Findings
) -> CallerIdentity | None:
    """Ask STS who signed; record the identity, or why it could not be learned."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy, as aws_client

    try:
        identity = caller_identity(credentials, sts_endpoint_url=sts_endpoint_url, region=region)
    except (BotoCoreError, ClientError, KeyError) as error:
        text = error_text(error)
        found.details["identity_error"] = text
        found.evidence.append(f"STS GetCallerIdentity for {credentials.access_key} failed: {text}")
        if text.startswith(("InvalidClientTokenId", "UnrecognizedClient")):
            found.hint("token_invalid", "STS does not know the access key either")
        elif text.startswith("SignatureDoesNotMatch"):
            found.hint("signature_mismatch", "STS refuses the secret key too: it is not the access key's")
        return None
    record_identity(identity, "STS GetCallerIdentity", found)
    return identity


def record_identity(identity: CallerIdentity, source: str, found: Findings) -> None:
    """Add a known identity to ``found``."""
    found.details["caller"] = identity.to_dict()
    found.evidence.append(f"the caller is {identity.arn} in account {identity.account} ({source})")
