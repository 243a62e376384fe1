"""Reading an access matrix: a YAML or JSON file, or a mapping, validated field by field.

A matrix::

    url: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod   # signed for
    connect_to: 127.0.0.1:8080        # optional: where to send it (curl's --connect-to)
    allow_http: true                  # optional: plain http to a host that is not loopback
    region: us-east-1                 # optional when the URL is an AWS host
    sts_endpoint_url: http://...      # optional, for role identities
    gateway_config: sample            # optional: `sample` or a file, for `sample:` identities
    resource_policy: api-policy.json  # for offline runs
    api_owner_account: "222222222222" # for offline runs
    source_ip: 127.0.0.1              # offline: the callers' address unless a cell says otherwise
    identities:
      reader:  {profile: readonly}
      partner: {role_arn: "arn:aws:iam::111111111111:role/tester", external_id: xyz, source: reader}
      ci:      {access_key: AKIDEXAMPLE, secret_key: ...}
      alice:   {sample: alice}        # a user of the gateway configuration
      ec2:     {instance_metadata: true}  # the instance role, over IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT)
      nobody:  {anonymous: true}
      # offline, any identity may add: principal, identity_policies (files), source_ip
    requests:
      - name: list products           # optional
        method: GET
        path: /products
        headers: {X-Forwarded-For: 198.51.100.7}
        authorization: AWS_IAM        # offline; default: the gateway route's, else AWS_IAM
        expect:
          reader: allow               # allow | deny | a status | {outcome|status, cause}
          partner: {outcome: deny, cause: no_allow}

An outcome is ``deny`` when API Gateway answers 401 or 403 (or the policy engine does not
allow, offline) and ``allow`` otherwise: a 404 or 500 got past authorization.
Every problem raises ``ConfigError`` whose ``path`` names the field (``requests[1].expect.reader``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from apiclient._documents import Fields, read_document
from apiclient.diagnostics.causes import CAUSES
from apiclient.endpoint import API_TYPES, AUTHORIZATIONS
from apiclient.errors import ConfigError
from apiclient.matrix.model import Case, Expectation, IdentitySpec, Matrix, RequestSpec

__all__ = ["load_matrix"]

_OUTCOMES = ("allow", "deny")
_IDENTITY_KINDS = ("profile", "role_arn", "access_key", "sample", "anonymous", "instance_metadata")
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
_REQUEST_FIELDS = (
    "name",
    "method",
    "path",
    "headers",
    "source_ip",
    "authorization",
    "action",
    "route_key",
    "expect",
)
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
    "stage",
    "api_type",
    "identities",
    "requests",
)
# AssumeRole's DurationSeconds bounds (AWS STS API Reference).
_MIN_DURATION, _MAX_DURATION = 900, 43200


def load_matrix(source: str | Path | Mapping[str, Any], *, base_dir: str | Path | None = None) -> Matrix:
    """Read and validate a matrix file (YAML or JSON) or an already parsed mapping.

    Args:
        source: the file, or the matrix as a mapping.
        base_dir: where the policy and configuration files the matrix names are (default: the
            file's folder, or the current directory for a mapping).

    Raises:
        ConfigError: the file cannot be read or parsed, or a field is invalid (``path`` names it).
    """
    if isinstance(source, Mapping):
        data: object = source
        folder = Path(base_dir) if base_dir is not None else Path.cwd()
    else:
        data = read_document(Path(source))
        folder = Path(base_dir) if base_dir is not None else Path(source).parent
    top = Fields(data, "")
    top.check_known(_TOP_FIELDS)
    identities = _identities(top, folder)
    resource_policy = top.optional_text("resource_policy")
    return Matrix(
        url=top.text("url"),
        identities=identities,
        cases=_requests(top, identities),
        base_dir=folder,
        region=top.optional_text("region"),
        connect_to=top.optional_text("connect_to"),
        allow_http=top.boolean("allow_http", False),
        sts_endpoint_url=top.optional_text("sts_endpoint_url"),
        gateway_config=top.optional_text("gateway_config"),
        resource_policy=folder / resource_policy if resource_policy else None,
        api_owner_account=top.optional_text("api_owner_account"),
        source_ip=top.optional_text("source_ip"),
        stage=top.optional_text("stage"),
        api_type=top.optional_choice("api_type", API_TYPES),
    )


def _identities(top: Fields, folder: Path) -> dict[str, IdentitySpec]:
    raw = top.data.get("identities")
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError("must map identity names to identities", top.at("identities"))
    identities = {
        str(name): _identity(str(name), Fields(spec, f"identities.{name}"), folder)
        for name, spec in raw.items()
    }
    for identity in identities.values():
        if identity.source is not None and identity.source not in identities:
            raise ConfigError("names no identity", f"identities.{identity.name}.source")
    return identities


def _identity(name: str, fields: Fields, folder: Path) -> IdentitySpec:
    fields.check_known(_IDENTITY_FIELDS)
    kinds = [kind for kind in _IDENTITY_KINDS if fields.data.get(kind) not in (None, False)]
    if len(kinds) != 1:
        raise ConfigError(f"needs exactly one of: {', '.join(_IDENTITY_KINDS)}", fields.path)
    if "access_key" in kinds and not fields.data.get("secret_key"):
        raise ConfigError("is required with access_key", fields.at("secret_key"))
    policies = fields.data.get("identity_policies", [])
    if not isinstance(policies, list) or not all(isinstance(p, str) and p for p in policies):
        raise ConfigError("must be a list of policy file names", fields.at("identity_policies"))
    return IdentitySpec(
        name=name,
        profile=fields.optional_text("profile"),
        role_arn=fields.optional_text("role_arn"),
        external_id=fields.optional_text("external_id"),
        session_name=fields.optional_text("session_name"),
        source=fields.optional_text("source"),
        duration=fields.optional_integer("duration", _MIN_DURATION, _MAX_DURATION),
        access_key=fields.optional_text("access_key"),
        secret_key=fields.optional_text("secret_key"),
        token=fields.optional_text("token"),
        sample=fields.optional_text("sample"),
        anonymous=fields.boolean("anonymous", False),
        instance_metadata=fields.boolean("instance_metadata", False),
        principal=fields.optional_text("principal"),
        identity_policies=tuple(folder / p for p in policies),
        source_ip=fields.optional_text("source_ip"),
    )


def _requests(top: Fields, identities: Mapping[str, IdentitySpec]) -> tuple[Case, ...]:
    items = top.items("requests")
    if not items:
        raise ConfigError("must be a non-empty list", top.at("requests"))
    cases: list[Case] = []
    for item, path in items:
        fields = Fields(item, path)
        fields.check_known(_REQUEST_FIELDS)
        method = fields.text("method").upper()
        request_path = fields.text("path")
        if not request_path.startswith("/"):
            raise ConfigError("must start with /", fields.at("path"))
        request = RequestSpec(
            name=fields.optional_text("name") or f"{method} {request_path}",
            method=method,
            path=request_path,
            headers=_headers(fields),
            source_ip=fields.optional_text("source_ip"),
            authorization=fields.optional_choice("authorization", AUTHORIZATIONS),
            action=_action(fields),
            route_key=fields.optional_text("route_key"),
        )
        expectations = fields.data.get("expect")
        if not isinstance(expectations, Mapping) or not expectations:
            raise ConfigError("must map identity names to expected outcomes", fields.at("expect"))
        expect = Fields(expectations, fields.at("expect"))
        for who, expected in expectations.items():
            if who not in identities:
                raise ConfigError(f"names no identity (known: {', '.join(identities)})", expect.at(str(who)))
            cases.append(Case(identities[who], request, _expectation(expected, expect.at(str(who)))))
    return tuple(cases)


def _action(fields: Fields) -> str | None:
    value = fields.optional_text("action")
    if value is None:
        return None
    known = {
        "execute-api:invoke": "execute-api:Invoke",
        "execute-api:manageconnections": "execute-api:ManageConnections",
    }
    if value.lower() not in known:
        raise ConfigError(
            f"{value!r} is not execute-api:Invoke or execute-api:ManageConnections", fields.at("action")
        )
    return known[value.lower()]


def _headers(fields: Fields) -> tuple[tuple[str, str], ...]:
    value = fields.data.get("headers")
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ConfigError("must map header names to values", fields.at("headers"))
    return tuple((k, str(v)) for k, v in value.items())


def _expectation(value: object, path: str) -> Expectation:
    if isinstance(value, bool):
        raise ConfigError("must be allow, deny, an HTTP status or a mapping", path)
    if isinstance(value, int):
        return Expectation(status=_status(value, path))
    if isinstance(value, str):
        if value.lower() not in _OUTCOMES:
            raise ConfigError(f"{value!r} is not allow, deny, an HTTP status or a mapping", path)
        return Expectation(outcome=value.lower())
    fields = Fields(value, path)
    fields.check_known(("outcome", "status", "cause"))
    outcome = fields.optional_text("outcome")
    if outcome is not None and outcome.lower() not in _OUTCOMES:
        raise ConfigError(f"{outcome!r} is not allow or deny", fields.at("outcome"))
    status = fields.data.get("status")
    if status is not None:
        status = _status(status, fields.at("status"))
    cause = fields.optional_text("cause")
    if cause is not None and cause not in CAUSES:
        known = ", ".join(sorted(CAUSES))
        raise ConfigError(f"{cause!r} is not a diagnosis cause (one of: {known})", fields.at("cause"))
    if outcome is None and status is None and cause is None:
        raise ConfigError("needs an outcome, a status or a cause", path)
    if outcome is None and cause is not None and status is None:
        outcome = "deny"  # a cause only exists for a refusal
    return Expectation(outcome.lower() if outcome else None, status, cause)


def _status(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise ConfigError("must be an HTTP status from 100 to 599", path)
    return value
