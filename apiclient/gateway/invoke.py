"""An execute-api call, in API Gateway's order: route, authentication, authorization, API key, answer."""

from __future__ import annotations

import json
from dataclasses import dataclass

from apiclient.gateway import responses
from apiclient.gateway.authz import ALLOW, EXPLICIT_DENY, authorize_invoke
from apiclient.gateway.identities import IdentityStore, Principal
from apiclient.gateway.responses import Answer
from apiclient.gateway.routing import ApiTarget, RouteMatch, match_route
from apiclient.gateway.verify import Rejection, verify
from apiclient.gateway.wire import WireRequest

__all__ = ["Invocation", "invoke"]

_SERVICE = "execute-api"


@dataclass(frozen=True)
class Invocation:
    """The answer, and what the access log says about the call."""

    answer: Answer
    principal: Principal | None = None
    match: RouteMatch | None = None


def invoke(request: WireRequest, target: ApiTarget, store: IdentityStore) -> Invocation:
    """Answer one execute-api request exactly as API Gateway would."""
    stamp = request.stamp
    match = match_route(target, request.method)
    if match is None:
        # A non-SigV4 Authorization header is parsed even on an unknown route (aws/chalice#828).
        if request.header("authorization") is not None and target.api is not None:
            try:
                verify(request, store, service=_SERVICE, region=target.api.region)
            except Rejection as rejection:
                if rejection.kind == "incomplete":
                    return Invocation(responses.incomplete_signature(stamp, rejection.message))
        return Invocation(responses.missing_authentication_token(stamp))
    principal = None
    if match.route.authorization == "AWS_IAM":
        try:
            principal = verify(request, store, service=_SERVICE, region=match.api.region).principal
        except Rejection as rejection:
            return Invocation(_refusal(request, rejection), match=match)
    decision = authorize_invoke(
        match,
        request.method,
        principal,
        source_ip=request.source_ip,
        now=stamp.now,
        secure=request.secure,
        request_keys={
            key: value
            for key, header in (("aws:UserAgent", "user-agent"), ("aws:Referer", "referer"))
            if (value := request.header(header)) is not None
        },
    )
    if decision != ALLOW:
        answer = responses.access_denied(
            stamp,
            principal.arn if principal else None,
            match.arn(request.method),
            explicit=decision == EXPLICIT_DENY,
        )
        return Invocation(answer, principal, match)
    if match.route.api_key_required and request.header("x-api-key") not in match.api.api_keys:
        return Invocation(responses.forbidden(stamp), principal, match)
    return Invocation(_integration(request, match, principal), principal, match)


def _refusal(request: WireRequest, rejection: Rejection) -> Answer:
    stamp = request.stamp
    if rejection.kind == "missing":
        return responses.missing_authentication_token(stamp)
    if rejection.kind == "incomplete":
        return responses.incomplete_signature(stamp, rejection.message)
    if rejection.kind == "invalid_token":
        return responses.invalid_token(stamp)
    if rejection.kind == "expired_token":
        return responses.expired_token(stamp)
    return responses.invalid_signature(stamp, rejection.message)


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
