"""An execute-api call, in API Gateway's order: route, authentication, authorization, API key, answer.

REST and HTTP APIs are answered here (an HTTP API in its own answer shape); a WebSocket API's
handshake and ``@connections`` API are in ``apiclient.gateway.websocket``. A request is authenticated
by its ``Authorization`` header or, without one, by a presigned URL's query parameters.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from apiclient.diagnostics.causes import Cause, decision_cause
from apiclient.gateway import responses
from apiclient.gateway.authz import ALLOW, EXPLICIT_DENY, Call, authorize_call
from apiclient.gateway.config import GatewayConfig
from apiclient.gateway.identities import IdentityStore, Principal, SigningKey
from apiclient.gateway.presigned import is_presigned, verify_presigned
from apiclient.gateway.responses import Answer
from apiclient.gateway.routing import ApiTarget, RouteMatch, match_route
from apiclient.gateway.verify import Rejection, verify
from apiclient.gateway.wire import WireRequest
from apiclient.policy import Decision

__all__ = ["Invocation", "authenticate", "invoke", "refusal", "rejection_cause", "request_keys"]

_SERVICE = "execute-api"

logger = logging.getLogger("apiclient.gateway")


@dataclass(frozen=True)
class Invocation:
    """The answer, and what the access log says about the call: the refusal's cause (None when the
    answer is not a refusal) and the authorization decision, when one was made."""

    answer: Answer
    principal: Principal | None = None
    match: RouteMatch | None = None
    cause: Cause | None = None
    decision: Decision | None = None


def authenticate(request: WireRequest, store: IdentityStore, region: str) -> SigningKey:
    """The key that signed the request: by its ``Authorization`` header, else by its presigned query.

    Raises:
        Rejection: unsigned, malformed, stale, scoped wrongly, or a wrong signature.
    """
    if is_presigned(request):
        return verify_presigned(request, store, service=_SERVICE, region=region)
    return verify(request, store, service=_SERVICE, region=region)


def request_keys(request: WireRequest) -> dict[str, str]:
    """Condition keys taken from the request's headers (aws:UserAgent, aws:Referer)."""
    return {
        key: value
        for key, header in (("aws:UserAgent", "user-agent"), ("aws:Referer", "referer"))
        if (value := request.header(header)) is not None
    }


def invoke(
    request: WireRequest, target: ApiTarget, store: IdentityStore, config: GatewayConfig | None = None
) -> Invocation:
    """Answer one REST or HTTP API request exactly as API Gateway would.

    Args:
        config: for the policies of the caller's IAM groups (none when not given).
    """
    stamp = request.stamp
    http_api = target.api is not None and target.api.type == "HTTP"
    match = match_route(target, request.method)
    if match is None:
        if http_api:
            return Invocation(responses.http_not_found(stamp), cause="missing_auth_or_route")
        # A non-SigV4 Authorization header is parsed even on an unknown route (aws/chalice#828).
        if request.header("authorization") is not None and target.api is not None:
            try:
                verify(request, store, service=_SERVICE, region=target.api.region)
            except Rejection as rejection:
                if rejection.kind == "incomplete":
                    answer = responses.incomplete_signature(stamp, rejection.message)
                    return Invocation(answer, cause="incomplete_signature")
        return Invocation(responses.missing_authentication_token(stamp), cause="missing_auth_or_route")
    principal = None
    if match.route.authorization == "AWS_IAM":
        try:
            principal = authenticate(request, store, match.api.region).principal
        except Rejection as rejection:
            answer = refusal(request, rejection, http_api=http_api)
            return Invocation(answer, match=match, cause=rejection_cause(rejection))
    call = Call(match.api, match.stage, request.method, match.path, match.route.authorization)
    decision = authorize_call(
        call,
        principal,
        group_policies=config.group_policies(principal.arn) if config and principal else (),
        source_ip=request.source_ip,
        now=stamp.now,
        secure=request.secure,
        request_keys=request_keys(request),
    )
    if decision.result != ALLOW:
        # Why, statement by statement (a group's policy is named "group NAME policy N"): the answer
        # itself says no more than API Gateway's does.
        logger.debug("refused %s %s: %s", request.method, request.path, decision.explain())
        cause = decision_cause(decision, anonymous=principal is None, authorization=call.authorization)
        if http_api:
            return Invocation(responses.http_forbidden(stamp), principal, match, cause, decision)
        answer = responses.access_denied(
            stamp,
            principal.arn if principal else None,
            call.arn(),
            explicit=decision.result == EXPLICIT_DENY,
        )
        return Invocation(answer, principal, match, cause, decision)
    if match.route.api_key_required and request.header("x-api-key") not in match.api.api_keys:
        return Invocation(responses.forbidden(stamp), principal, match, "api_key", decision)
    answer = _integration(request, match, principal)
    return Invocation(responses.as_http_api(answer) if http_api else answer, principal, match, None, decision)


def refusal(request: WireRequest, rejection: Rejection, *, http_api: bool = False) -> Answer:
    """The answer to a request whose signature was refused (an HTTP API's shape when ``http_api``)."""
    stamp = request.stamp
    if rejection.kind == "missing":
        if http_api:
            return responses.http_forbidden(stamp)
        return responses.missing_authentication_token(stamp)
    if rejection.kind == "incomplete":
        answer = responses.incomplete_signature(stamp, rejection.message)
    elif rejection.kind == "invalid_token":
        answer = responses.invalid_token(stamp)
    elif rejection.kind == "expired_token":
        answer = responses.expired_token(stamp)
    else:
        answer = responses.invalid_signature(stamp, rejection.message)
    return responses.as_http_api(answer) if http_api else answer


_REJECTION_CAUSES: dict[str, Cause] = {
    "missing": "missing_auth_or_route",
    "incomplete": "incomplete_signature",
    "skew": "clock_skew",
    "invalid_token": "token_invalid",
    "expired_token": "token_expired",
}


def rejection_cause(rejection: Rejection) -> Cause:
    """The cause of a signature refusal, as the gateway knows it (no answer text is parsed)."""
    if rejection.kind == "scope":
        # A scope naming the wrong region or service; a wrong date or terminator is a plain mismatch.
        if "valid region" in rejection.message:
            return "wrong_region"
        if "correct service" in rejection.message:
            return "wrong_service"
    return _REJECTION_CAUSES.get(rejection.kind, "signature_mismatch")


def _integration(request: WireRequest, match: RouteMatch, principal: Principal | None) -> Answer:
    answer = match.route.answer
    if answer is not None:
        return responses.mock_answer(
            request.stamp, answer.status, answer.headers, answer.body.encode(), "application/json"
        )
    # The default integration echoes who called and what arrived, so a tester sees what the gateway saw.
    echo = {
        "caller": None
        if principal is None
        else {
            "arn": principal.arn,
            "account": principal.account,
            "userId": principal.unique_id,
        },
        "request": {
            "apiId": match.api.id,
            "stage": match.stage,
            "httpMethod": request.method,
            "resourcePath": match.resource_path,
            "path": match.path,
            "pathParameters": match.path_parameters,
            "queryStringParameters": dict(request.query_params()),
            "sourceIp": request.source_ip,
            "body": request.body.decode("utf-8", "replace"),
        },
    }
    body = json.dumps(echo, separators=(",", ":")).encode()
    return responses.mock_answer(request.stamp, 200, {}, body, "application/json")
