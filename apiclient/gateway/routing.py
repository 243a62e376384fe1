"""Which service a request is for, and which API, stage and route it names.

execute-api requests are recognised by the Host ``{api_id}.execute-api.{region}.amazonaws.com``
(clients sign for the real host and connect to loopback, as ``curl --connect-to`` does), by the
``x-apigw-api-id`` header (private APIs), by the path style ``/restapis/{api_id}/{stage}/_user_request_/...``,
or else go to the only configured API. STS, IMDS and container credentials share the port, told apart by path.

An HTTP API's ``$default`` stage has no path segment: a path whose first segment names none of the
API's other stages is on ``$default`` ("Working with stages for HTTP APIs").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from apiclient.endpoint import DEFAULT_STAGE
from apiclient.gateway.config import Api, GatewayConfig, Route
from apiclient.gateway.wire import WireRequest

__all__ = [
    "CONTAINER_PATH",
    "IMDS_PREFIX",
    "STS_PATH",
    "ApiTarget",
    "RouteMatch",
    "match_route",
    "split_stage",
    "target_of",
]

STS_PATH = "/sts"
IMDS_PREFIX = "/latest/"
CONTAINER_PATH = "/container-credentials"

_EXECUTE_API_HOST = re.compile(
    r"^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(:\d+)?$", re.IGNORECASE
)
_PATH_STYLE = re.compile(r"^/restapis/([^/]+)/([^/]+)/_user_request_(/.*)?$")
_METHODS = frozenset(("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"))
_STS_HOST = re.compile(r"^sts(\.[a-z0-9-]+)?\.amazonaws\.com(:\d+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ApiTarget:
    """An execute-api request: the API (None when unknown) and the path that starts with the stage."""

    api: Api | None
    stage_path: str


@dataclass(frozen=True)
class RouteMatch:
    """A matched route: ``path`` is the decoded path after the stage, ``resource_path`` the template."""

    api: Api
    stage: str
    route: Route
    path: str
    path_parameters: dict[str, str] = field(default_factory=dict)

    @property
    def resource_path(self) -> str:
        return self.route.path

    def arn(self, method: str) -> str:
        """The ``execute-api:Invoke`` resource ARN; the root path gives ``.../GET/``."""
        api = self.api
        return f"arn:aws:execute-api:{api.region}:{api.account}:{api.id}/{self.stage}/{method}{self.path}"


def target_of(request: WireRequest, config: GatewayConfig) -> ApiTarget | str:
    """An ``ApiTarget``, or the name of the other service: ``"sts"``, ``"imds"``, ``"container"``."""
    by_id = {api.id: api for api in config.apis}
    host_match = _EXECUTE_API_HOST.match(request.host)
    if host_match:
        return ApiTarget(by_id.get(host_match.group(1).lower()), request.path)
    api_id_header = request.header("x-apigw-api-id")
    if api_id_header:
        return ApiTarget(by_id.get(api_id_header.strip()), request.path)
    path_style = _PATH_STYLE.match(request.path)
    if path_style:
        api_id, stage, rest = path_style.groups()
        return ApiTarget(by_id.get(api_id), f"/{stage}{rest or '/'}")
    if request.path.rstrip("/") == STS_PATH or _STS_HOST.match(request.host):
        return "sts"
    if request.path.startswith(IMDS_PREFIX):
        return "imds"
    if request.path == CONTAINER_PATH:
        return "container"
    return ApiTarget(config.apis[0] if len(config.apis) == 1 else None, request.path)


def match_route(target: ApiTarget, method: str) -> RouteMatch | None:
    """The route for ``method`` on ``target``, or None (then: Missing Authentication Token)."""
    # ANY stands for the seven methods API Gateway knows; another method (PROPFIND, FOO) matches no
    # route and is answered as a missing one (Missing Authentication Token).
    if target.api is None or method not in _METHODS or target.api.type == "WEBSOCKET":
        return None
    staged = split_stage(target.api, target.stage_path)
    if staged is None:
        return None
    stage, rest = staged
    segments = [unquote(s) for s in rest.split("/")] if rest else []
    if segments and segments[-1] == "":
        segments.pop()  # "/products/" is "/products"
    best: tuple[tuple[int, int], Route, dict[str, str]] | None = None
    for route in target.api.routes:
        if route.method not in (method, "ANY"):
            continue
        params = _match_template(route.path, segments)
        if params is None:
            continue
        # The most specific route wins: more literal segments, then an exact method over ANY.
        literals = sum(1 for s in route.path.split("/") if s and not s.startswith("{"))
        rank = (literals, int(route.method == method))
        if best is None or rank > best[0]:
            best = (rank, route, params)
    if best is None:
        return None
    path = "/" + "/".join(segments)
    return RouteMatch(target.api, stage, best[1], path, best[2])


def split_stage(api: Api, stage_path: str) -> tuple[str, str] | None:
    """``(stage, rest)`` of a path that starts with one of ``api``'s stages (``rest`` without its
    leading ``/``), or ``$default`` and the whole path; None when no stage matches."""
    stage, _, rest = stage_path.partition("/")[2].partition("/")
    if stage in api.stages and not (stage == DEFAULT_STAGE and api.type != "HTTP"):
        return stage, rest
    if DEFAULT_STAGE in api.stages:
        return DEFAULT_STAGE, stage_path.lstrip("/")
    return None


def _match_template(template: str, segments: list[str]) -> dict[str, str] | None:
    parts = [p for p in template.split("/") if p]
    params: dict[str, str] = {}
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if index >= len(segments):
                return None
            params[part[1:-2]] = "/".join(segments[index:])
            return params
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not segments[index]:
                return None
            params[part[1:-1]] = segments[index]
        elif part != segments[index]:
            return None
    return params if len(parts) == len(segments) else None
