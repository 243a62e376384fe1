"""A local STS: the Query protocol (form-encoded POST) with XML answers that botocore parses unchanged.

GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity; requests are SigV4-verified with service
``sts`` (the web-identity call is unsigned, as in AWS). Error codes and texts are STS's own.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from apiclient.gateway.authz import ALLOW, authorize_assume
from apiclient.gateway.config import GatewayConfig, Role
from apiclient.gateway.identities import IdentityStore, SigningKey
from apiclient.gateway.responses import SIGNATURE_MISMATCH, Answer, Stamp
from apiclient.gateway.verify import Rejection, verify
from apiclient.gateway.wire import WireRequest

__all__ = ["StsError", "StsService"]

_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
# STS prints "- 15 min." in its skew message, unlike execute-api's 5 (other AWS services allow 15 minutes
# of skew; for example https://github.com/aws/aws-sdk-js/issues/254).
_SKEW_WINDOW = dt.timedelta(minutes=15)
_MIN_DURATION = 900
_MAX_SESSION_CAP = 10**9
# AWS's pattern [\w+=,.@-]* in ASCII, 2 to 64 characters; fullmatch, since "$" would let "\n" end a name.
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class StsError(Exception):
    """An STS error: HTTP status, code and message, rendered in STS's ErrorResponse XML."""

    status: int
    code: str
    message: str


_REJECTIONS = {
    "missing": (403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
    "invalid_token": (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    # STS answers an expired session token with HTTP 403 (botocore's ExpiredToken ClientError carries 403).
    "expired_token": (403, "ExpiredToken", "The security token included in the request is expired"),
}


class StsService:
    """Answers STS Query requests against the configured roles and the shared identity store."""

    def __init__(self, config: GatewayConfig, store: IdentityStore, lifetime: dt.timedelta | None) -> None:
        self._config = config
        self._store = store
        self._lifetime = lifetime

    def handle(self, request: WireRequest) -> tuple[Answer, SigningKey | None]:
        """The answer, and the verified caller (None when unsigned or refused)."""
        caller = None
        try:
            params = self._params(request)
            action = params.get("Action", "")
            if action == "AssumeRoleWithWebIdentity":
                return _ok(request.stamp, action, self._assume_with_web_identity(request, params)), None
            caller = self._verify(request)
            if action == "GetCallerIdentity":
                principal = caller.principal
                return _ok(
                    request.stamp,
                    action,
                    _tags(Arn=principal.arn, UserId=principal.unique_id, Account=principal.account),
                ), caller
            if action == "AssumeRole":
                return _ok(request.stamp, action, self._assume_role(request, params, caller)), caller
            raise StsError(400, "InvalidAction", f"Could not find operation {action} for version 2011-06-15")
        except StsError as error:
            return _error(request.stamp, error), caller

    def issue(self, role: Role, session_name: str, duration: int) -> SigningKey:
        """Session credentials for ``role``; the gateway's credential lifetime, when set, wins."""
        return self._store.issue_session(role, session_name, self.lifetime_for(duration))

    def lifetime_for(self, duration: int) -> dt.timedelta:
        """How long credentials asked for ``duration`` seconds really last."""
        return self._lifetime or dt.timedelta(seconds=duration)

    @staticmethod
    def _params(request: WireRequest) -> dict[str, str]:
        text = request.body.decode("utf-8", "replace") if request.method == "POST" else request.query
        return dict(parse_qsl(text, keep_blank_values=True))

    def _verify(self, request: WireRequest) -> SigningKey:
        try:
            return verify(request, self._store, service="sts", region=None, window=_SKEW_WINDOW)
        except Rejection as rejection:
            if rejection.kind in _REJECTIONS:
                raise StsError(*_REJECTIONS[rejection.kind]) from None
            if rejection.kind == "incomplete":
                raise StsError(400, "IncompleteSignature", rejection.message) from None
            # STS's SignatureDoesNotMatch gives the first sentence alone; its skew and scope texts are shared.
            message = SIGNATURE_MISMATCH if rejection.kind == "mismatch" else rejection.message
            raise StsError(403, "SignatureDoesNotMatch", message) from None

    def _role(self, params: Mapping[str, str], denied: StsError) -> Role:
        # STS never says a role does not exist: an unknown role is refused like a forbidden one.
        role = self._config.role_by_arn(params.get("RoleArn", ""))
        if role is None:
            raise denied
        return role

    @staticmethod
    def _duration(params: Mapping[str, str], role: Role) -> int:
        text = params.get("DurationSeconds", "3600")
        if not _NUMBER.fullmatch(text):
            raise StsError(
                400,
                "ValidationError",
                f"Value '{text}' at 'durationSeconds' failed to satisfy constraint: Member must be a number",
            )
        # Past nine digits it is over any MaxSessionDuration; int() of thousands of digits would raise.
        duration = int(text) if len(text.lstrip("0")) <= 9 else _MAX_SESSION_CAP
        if duration < _MIN_DURATION:
            raise StsError(
                400,
                "ValidationError",
                f"1 validation error detected: Value '{duration}' at "
                "'durationSeconds' failed to satisfy constraint: Member must "
                f"have value greater than or equal to {_MIN_DURATION}",
            )
        if duration > role.max_session_duration:
            raise StsError(
                400,
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            )
        return duration

    @staticmethod
    def _session_name(params: Mapping[str, str]) -> str:
        name = params.get("RoleSessionName", "")
        if not _SESSION_NAME.fullmatch(name):
            raise StsError(
                400,
                "ValidationError",
                f"1 validation error detected: Value '{name}' at "
                "'roleSessionName' failed to satisfy constraint: Member must "
                r"satisfy regular expression pattern: [\w+=,.@-]*",
            )
        return name

    def _assume_role(self, request: WireRequest, params: Mapping[str, str], caller: SigningKey) -> str:
        principal = caller.principal
        denied = StsError(
            403,
            "AccessDenied",
            f"User: {principal.arn} is not authorized to perform: sts:AssumeRole on resource: "
            f"{params.get('RoleArn', '')}",
        )
        role = self._role(params, denied)
        session_name = self._session_name(params)
        duration = self._duration(params, role)
        context: dict[str, str] = {}
        if "ExternalId" in params:
            context["sts:ExternalId"] = params["ExternalId"]
        if "SerialNumber" in params or "TokenCode" in params:
            self._check_mfa(params)
            context["aws:MultiFactorAuthPresent"] = "true"
            context["aws:MultiFactorAuthAge"] = "0"
        decision = authorize_assume(
            role,
            "sts:AssumeRole",
            principal_arn=principal.arn,
            principal_account=principal.account,
            identity_policies=principal.policies,
            context_keys=context,
            source_ip=request.source_ip,
            now=request.stamp.now,
        )
        if decision != ALLOW:
            raise denied
        return _session_xml(self.issue(role, session_name, duration))

    def _check_mfa(self, params: Mapping[str, str]) -> None:
        code = params.get("TokenCode", "")
        expected = self._config.mfa_code
        if (
            not params.get("SerialNumber")
            or not re.fullmatch(r"\d{6}", code)
            or (expected and code != expected)
        ):
            raise StsError(
                403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. "
            )

    def _assume_with_web_identity(self, request: WireRequest, params: Mapping[str, str]) -> str:
        denied = StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        role = self._role(params, denied)
        session_name = self._session_name(params)
        duration = self._duration(params, role)
        given = params.get("WebIdentityToken", "")
        token = next((t for t in self._config.web_identity_tokens if t.token == given), None)
        if token is None:
            raise StsError(
                400,
                "InvalidIdentityToken",
                "The web identity token that was passed could not be "
                "validated by AWS. Get a new identity token from the "
                "identity provider and then retry the request.",
            )
        # OIDC condition keys are named after the provider's URL, not its ARN (token.actions...:aud).
        prefix = token.provider.split(":oidc-provider/", 1)[-1]
        decision = authorize_assume(
            role,
            "sts:AssumeRoleWithWebIdentity",
            principal_arn=token.provider,
            principal_account=None,
            identity_policies=None,
            context_keys={f"{prefix}:sub": token.subject, f"{prefix}:aud": token.audience},
            source_ip=request.source_ip,
            now=request.stamp.now,
        )
        if decision != ALLOW:
            raise denied
        key = self.issue(role, session_name, duration)
        return _session_xml(key) + _tags(
            SubjectFromWebIdentityToken=token.subject, Audience=token.audience, Provider=token.provider
        )


def _session_xml(key: SigningKey) -> str:
    principal = key.principal
    assert key.token is not None and key.expiry is not None  # issued sessions always have both
    credentials = _tags(
        AccessKeyId=key.access_key_id,
        SecretAccessKey=key.secret_access_key,
        SessionToken=key.token,
        Expiration=iso8601(key.expiry),
    )
    user = _tags(Arn=principal.arn, AssumedRoleId=principal.unique_id)
    return f"<Credentials>{credentials}</Credentials><AssumedRoleUser>{user}</AssumedRoleUser>"


def iso8601(when: dt.datetime) -> str:
    """``2026-01-02T03:04:05Z``, the form STS and IMDS print."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tags(**values: str) -> str:
    return "".join(f"<{name}>{escape(value)}</{name}>" for name, value in values.items())


def _ok(stamp: Stamp, action: str, result: str) -> Answer:
    body = (
        f'<{action}Response xmlns="{_NS}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{stamp.request_id}</RequestId></ResponseMetadata></{action}Response>"
    )
    return _xml(stamp, 200, body, None)


def _error(stamp: Stamp, error: StsError) -> Answer:
    kind = "Receiver" if error.status >= 500 else "Sender"
    body = (
        f'<ErrorResponse xmlns="{_NS}"><Error><Type>{kind}</Type><Code>{error.code}</Code>'
        f"<Message>{escape(error.message)}</Message></Error><RequestId>{stamp.request_id}</RequestId>"
        "</ErrorResponse>"
    )
    return _xml(stamp, error.status, body, f"{error.code}: {error.message}")


def _xml(stamp: Stamp, status: int, body: str, error: str | None) -> Answer:
    data = body.encode()
    headers = (
        ("x-amzn-RequestId", stamp.request_id),
        ("Content-Type", "text/xml"),
        ("Content-Length", str(len(data))),
        ("Date", email.utils.format_datetime(stamp.now, usegmt=True)),
    )
    return Answer(status, headers, data, error)
