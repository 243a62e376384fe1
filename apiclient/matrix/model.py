"""What an access matrix is made of: identities, requests, expected and actual outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from apiclient.credentials.settings import CredentialSettings

__all__ = [
    "Actual",
    "Case",
    "Expectation",
    "IdentitySpec",
    "Matrix",
    "RequestSpec",
    "Result",
    "outcome_of_status",
]


def outcome_of_status(status: int) -> str:
    """``deny`` for API Gateway's refusals (401, 403), ``allow`` for anything else."""
    return "deny" if status in (401, 403) else "allow"


@dataclass(frozen=True)
class Actual:
    """What happened to one cell: the outcome, the status and, for a refusal, its diagnosis.

    ``summary`` is one line; ``detail`` the diagnosis (or the policy engine's explanation) as text.
    """

    outcome: str
    status: int | None = None
    cause: str | None = None
    summary: str = ""
    detail: str = ""
    diagnosis: Mapping[str, Any] | None = None
    error: str | None = None
    # Values AWS does not document how it reads (a padded CIDR...): where, and both readings' outcomes.
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """``"allow (200)"``, ``"deny (403 no_allow)"`` or the error."""
        if self.error:
            return f"error: {self.error}"
        detail = " ".join(str(part) for part in (self.status, self.cause) if part is not None)
        return f"{self.outcome} ({detail})" if detail else self.outcome

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "outcome": self.outcome,
            "status": self.status,
            "cause": self.cause,
            "summary": self.summary,
            "diagnosis": dict(self.diagnosis) if self.diagnosis is not None else None,
            "error": self.error,
        }


@dataclass(frozen=True)
class Expectation:
    """An expected outcome (``allow``/``deny``), status, and cause; any may be left open."""

    outcome: str | None = None
    status: int | None = None
    cause: str | None = None

    def describe(self) -> str:
        """The expectation as written: ``"deny no_allow"``, ``"200"``..."""
        return " ".join(str(p) for p in (self.outcome, self.status, self.cause) if p is not None)

    def met_by(self, actual: Actual, *, judge_status_as_outcome: bool = False) -> bool:
        """Whether ``actual`` satisfies every part given.

        With ``judge_status_as_outcome`` (offline, where there is no status) an expected status
        only says allow (anything but 401/403) or deny.
        """
        if actual.error is not None:
            return False
        if self.outcome is not None and actual.outcome != self.outcome:
            return False
        if self.status is not None:
            if judge_status_as_outcome:
                if actual.outcome != outcome_of_status(self.status):
                    return False
            elif actual.status != self.status:
                return False
        return self.cause is None or actual.cause == self.cause


@dataclass(frozen=True)
class IdentitySpec:
    """Who makes a call: one of a profile, a role, keys, a gateway user, or nobody (unsigned).

    ``principal``, ``identity_policies`` and ``source_ip`` serve the offline judge.
    """

    name: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    session_name: str | None = None
    source: str | None = None
    duration: int | None = None
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    sample: str | None = None
    anonymous: bool = False
    principal: str | None = None
    # The instance role over IMDSv2 (offline: the gateway configuration's instance_role).
    instance_metadata: bool = False
    identity_policies: tuple[Path, ...] = ()
    source_ip: str | None = None

    def credential_settings(
        self, *, sts_endpoint_url: str | None = None, region: str | None = None
    ) -> CredentialSettings:
        """The identity's profile, keys or role as credential settings (a ``sample`` user's keys
        are the gateway's, resolved by the online judge)."""
        return CredentialSettings(
            profile=self.profile,
            access_key=self.access_key,
            secret_key=self.secret_key,
            token=self.token,
            role_arn=self.role_arn,
            external_id=self.external_id,
            session_name=self.session_name,
            duration=self.duration,
            sts_endpoint_url=sts_endpoint_url,
            region=region,
        )


@dataclass(frozen=True)
class RequestSpec:
    """One request of the matrix."""

    name: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    source_ip: str | None = None
    authorization: str | None = None
    action: str | None = None  # execute-api:Invoke or :ManageConnections; None: from the path
    route_key: str | None = None  # a WebSocket route ($connect, $default, sendmessage): offline only


@dataclass(frozen=True)
class Case:
    """One cell: an identity makes a request and expects an outcome."""

    identity: IdentitySpec
    request: RequestSpec
    expectation: Expectation

    @property
    def label(self) -> str:
        """``"reader: GET /products"``."""
        return f"{self.identity.name}: {self.request.name}"


@dataclass(frozen=True)
class Matrix:
    """A validated access matrix (``load_matrix``); ``dataclasses.replace`` makes a variant."""

    url: str
    identities: Mapping[str, IdentitySpec]
    cases: tuple[Case, ...]
    base_dir: Path
    region: str | None = None
    connect_to: str | None = None
    allow_http: bool = False
    sts_endpoint_url: str | None = None
    gateway_config: str | None = None
    resource_policy: Path | None = None
    api_owner_account: str | None = None
    source_ip: str | None = None
    stage: str | None = None  # "$default": the URL has no stage segment (an HTTP API)
    api_type: str | None = None  # REST, HTTP or WEBSOCKET; None: the gateway config's, else the URL's


class Result(NamedTuple):
    """One judged cell."""

    case: Case
    actual: Actual
    passed: bool
