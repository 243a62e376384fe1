"""The access matrix of ``apiclient check``: identities x requests x expected outcome.

A matrix file (YAML or JSON)::

    url: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod   # signed for
    connect_to: 127.0.0.1:8080        # optional: where to send it (curl's --connect-to)
    allow_http: true                  # optional: plain http to a host that is not loopback
    region: us-east-1                 # optional when the URL is an AWS host
    sts_endpoint_url: http://...      # optional, for role identities
    gateway_config: sample            # optional: `sample` or a file, for `sample:` identities
    resource_policy: api-policy.json  # for --offline
    api_owner_account: "222222222222" # for --offline
    source_ip: 127.0.0.1              # for --offline: the callers' address unless a cell says otherwise
    identities:
      reader:  {profile: readonly}
      partner: {role_arn: "arn:aws:iam::111111111111:role/tester", external_id: xyz, source: reader}
      ci:      {access_key: AKIDEXAMPLE, secret_key: ...}
      alice:   {sample: alice}        # a user of the gateway configuration
      nobody:  {anonymous: true}
      # for --offline, any identity may add: principal, identity_policies (files), source_ip
    requests:
      - name: list products           # optional
        method: GET
        path: /products
        headers: {X-Forwarded-For: 198.51.100.7}
        authorization: AWS_IAM        # for --offline; default: the gateway route's, else AWS_IAM
        expect:
          reader: allow               # allow | deny | a status | {outcome|status, cause}
          partner: {outcome: deny, cause: no_allow}

An outcome is ``deny`` when API Gateway answers 401 or 403 (or the policy engine does not
allow, offline) and ``allow`` otherwise: a 404 or 500 got past authorization.
Every problem raises ``ConfigError`` whose ``path`` names the field (``requests[1].expect.reader``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apiclient._documents import read_document
from apiclient.diagnostics.model import CAUSES
from apiclient.errors import ConfigError

__all__ = ["Actual", "Case", "Expectation", "IdentitySpec", "Matrix", "RequestSpec", "load_matrix"]

_OUTCOMES = ("allow", "deny")
_IDENTITY_KINDS = ("profile", "role_arn", "access_key", "sample", "anonymous")
_IDENTITY_FIELDS = (
    *_IDENTITY_KINDS,
    "external_id",
    "session_name",
    "source",
    "duration",
    "secret_key",
    "token",
    "principal",
    "identity_policies",
    "source_ip",
)
_REQUEST_FIELDS = ("name", "method", "path", "headers", "source_ip", "authorization", "expect")
_AUTHORIZATIONS = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
_TOP_FIELDS = (
    "url",
    "connect_to",
    "allow_http",
    "region",
    "sts_endpoint_url",
    "gateway_config",
    "resource_policy",
    "api_owner_account",
    "source_ip",
    "identities",
    "requests",
)


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


def outcome_of_status(status: int) -> str:
    """``deny`` for API Gateway's refusals (401, 403), ``allow`` for anything else."""
    return "deny" if status in (401, 403) else "allow"


@dataclass(frozen=True)
class IdentitySpec:
    """Who makes a call: one of a profile, a role, keys, a gateway user, or nobody (unsigned)."""

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
    identity_policies: tuple[Path, ...] = ()
    source_ip: str | None = None


@dataclass(frozen=True)
class RequestSpec:
    """One request of the matrix."""

    name: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    source_ip: str | None = None
    authorization: str | None = None


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
    """A validated matrix file."""

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


def _at(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)


def _mapping(value: object, path: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError("expected a mapping", path)
    for key in value:
        if key not in known:
            raise ConfigError(f"unknown field (expected one of: {', '.join(known)})", _at(path, str(key)))
    return value


def _text(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ConfigError("is required", _at(path, key))
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # YAML reads an unquoted account ID as a number
    if not isinstance(value, str) or not value:
        raise ConfigError("must be a non-empty string", _at(path, key))
    return value


def _expectation(value: object, path: str) -> Expectation:
    if isinstance(value, bool):
        raise ConfigError("must be allow, deny, an HTTP status or a mapping", path)
    if isinstance(value, int):
        return Expectation(status=_status(value, path))
    if isinstance(value, str):
        if value.lower() not in _OUTCOMES:
            raise ConfigError(f"{value!r} is not allow, deny, an HTTP status or a mapping", path)
        return Expectation(outcome=value.lower())
    data = _mapping(value, path, ("outcome", "status", "cause"))
    outcome = _text(data, "outcome", path)
    if outcome is not None and outcome.lower() not in _OUTCOMES:
        raise ConfigError(f"{outcome!r} is not allow or deny", _at(path, "outcome"))
    status = data.get("status")
    if status is not None:
        status = _status(status, _at(path, "status"))
    cause = _text(data, "cause", path)
    if cause is not None:
        _check_cause(cause, _at(path, "cause"))
    if outcome is None and status is None and cause is None:
        raise ConfigError("needs an outcome, a status or a cause", path)
    if outcome is None and cause is not None and status is None:
        outcome = "deny"  # a cause only exists for a refusal
    return Expectation(outcome.lower() if outcome else None, status, cause)


def _check_cause(cause: str, path: str) -> None:
    if cause not in CAUSES:
        raise ConfigError(f"{cause!r} is not a diagnosis cause (one of: {', '.join(sorted(CAUSES))})", path)


def _status(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise ConfigError("must be an HTTP status from 100 to 599", path)
    return value


def _identity(name: str, value: object, path: str, base_dir: Path) -> IdentitySpec:
    data = _mapping(value, path, _IDENTITY_FIELDS)
    kinds = [kind for kind in _IDENTITY_KINDS if data.get(kind) not in (None, False)]
    if len(kinds) != 1:
        raise ConfigError(f"needs exactly one of: {', '.join(_IDENTITY_KINDS)}", path)
    if "access_key" in kinds and not data.get("secret_key"):
        raise ConfigError("is required with access_key", _at(path, "secret_key"))
    source = _text(data, "source", path)
    duration = data.get("duration")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int) or not 900 <= duration <= 43200
    ):
        raise ConfigError("must be a number of seconds from 900 to 43200", _at(path, "duration"))
    policies = data.get("identity_policies", [])
    if not isinstance(policies, list) or not all(isinstance(p, str) and p for p in policies):
        raise ConfigError("must be a list of policy file names", _at(path, "identity_policies"))
    return IdentitySpec(
        name=name,
        profile=_text(data, "profile", path),
        role_arn=_text(data, "role_arn", path),
        external_id=_text(data, "external_id", path),
        session_name=_text(data, "session_name", path),
        source=source,
        duration=duration,
        access_key=_text(data, "access_key", path),
        secret_key=_text(data, "secret_key", path),
        token=_text(data, "token", path),
        sample=_text(data, "sample", path),
        anonymous=data.get("anonymous") is True,
        principal=_text(data, "principal", path),
        identity_policies=tuple(base_dir / p for p in policies),
        source_ip=_text(data, "source_ip", path),
    )


def _authorization(data: Mapping[str, Any], path: str) -> str | None:
    value = _text(data, "authorization", path)
    if value is not None and value.upper() not in _AUTHORIZATIONS:
        raise ConfigError(f"{value!r} is not one of {', '.join(_AUTHORIZATIONS)}", _at(path, "authorization"))
    return value.upper() if value else None


def _headers(value: object, path: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ConfigError("must map header names to values", path)
    return tuple((k, str(v)) for k, v in value.items())


def _requests(value: object, identities: Mapping[str, IdentitySpec]) -> tuple[Case, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("must be a non-empty list", "requests")
    cases: list[Case] = []
    for index, item in enumerate(value):
        path = _at("requests", index)
        data = _mapping(item, path, _REQUEST_FIELDS)
        method = (_text(data, "method", path, required=True) or "").upper()
        request_path = _text(data, "path", path, required=True) or ""
        if not request_path.startswith("/"):
            raise ConfigError("must start with /", _at(path, "path"))
        request = RequestSpec(
            name=_text(data, "name", path) or f"{method} {request_path}",
            method=method,
            path=request_path,
            headers=_headers(data.get("headers"), _at(path, "headers")),
            source_ip=_text(data, "source_ip", path),
            authorization=_authorization(data, path),
        )
        expect_path = _at(path, "expect")
        expectations = data.get("expect")
        if not isinstance(expectations, Mapping) or not expectations:
            raise ConfigError("must map identity names to expected outcomes", expect_path)
        for who, expected in expectations.items():
            if who not in identities:
                known = ", ".join(identities)
                raise ConfigError(f"names no identity (known: {known})", _at(expect_path, who))
            cases.append(Case(identities[who], request, _expectation(expected, _at(expect_path, who))))
    return tuple(cases)


def load_matrix(path: str | Path) -> Matrix:
    """Read and validate a matrix file; relative file names inside it are relative to it.

    Raises:
        ConfigError: the file cannot be read or parsed, or a field is invalid (``path`` names it).
    """
    file = Path(path)
    base_dir = file.parent
    data = _mapping(read_document(file), "", _TOP_FIELDS)
    raw_identities = data.get("identities")
    if not isinstance(raw_identities, Mapping) or not raw_identities:
        raise ConfigError("must map identity names to identities", "identities")
    identities = {
        str(name): _identity(str(name), spec, _at("identities", str(name)), base_dir)
        for name, spec in raw_identities.items()
    }
    for identity in identities.values():
        if identity.source is not None and identity.source not in identities:
            raise ConfigError("names no identity", _at(_at("identities", identity.name), "source"))
    resource_policy = _text(data, "resource_policy", "")
    allow_http = data.get("allow_http", False)
    if not isinstance(allow_http, bool):
        raise ConfigError("must be true or false", "allow_http")
    return Matrix(
        url=_text(data, "url", "", required=True) or "",
        identities=identities,
        cases=_requests(data.get("requests"), identities),
        base_dir=base_dir,
        region=_text(data, "region", ""),
        connect_to=_text(data, "connect_to", ""),
        allow_http=allow_http,
        sts_endpoint_url=_text(data, "sts_endpoint_url", ""),
        gateway_config=_text(data, "gateway_config", ""),
        resource_policy=base_dir / resource_policy if resource_policy else None,
        api_owner_account=_text(data, "api_owner_account", ""),
        source_ip=_text(data, "source_ip", ""),
    )
