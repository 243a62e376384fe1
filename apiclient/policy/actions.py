"""The execute-api actions an ``AccessRequest`` can ask about, and which one a path calls for.

A WebSocket API's ``@connections`` API (post to, read or close a client's connection) is
authorized as ``execute-api:ManageConnections`` on a REST-style ARN
``{api_id}/{stage}/POST/@connections/{connection_id}``; everything else (methods, routes,
``$connect``) is ``execute-api:Invoke`` ("Control access to WebSocket APIs with IAM authorization").
"""

from __future__ import annotations

from urllib.parse import unquote

from apiclient.endpoint import parse_arn
from apiclient.errors import EndpointError, PolicyError

__all__ = [
    "ACTIONS",
    "CONNECTIONS_SEGMENT",
    "INVOKE",
    "MANAGE_CONNECTIONS",
    "action_for",
    "canonical_action",
    "is_connections_path",
]

INVOKE = "execute-api:Invoke"
MANAGE_CONNECTIONS = "execute-api:ManageConnections"
ACTIONS = (INVOKE, MANAGE_CONNECTIONS)
CONNECTIONS_SEGMENT = "@connections"


def is_connections_path(path: str) -> bool:
    """True for ``/@connections`` and ``/@connections/{id}`` (percent-encoded or not)."""
    first = unquote(path).lstrip("/").split("/", 1)[0]
    return first == CONNECTIONS_SEGMENT


def action_for(path_or_arn: str) -> str:
    """The action a call is authorized as: ``execute-api:ManageConnections`` for the ``@connections``
    API, else ``execute-api:Invoke``.

    Args:
        path_or_arn: the resource path after the stage (``/@connections/abc=``), or an execute-api
            ARN (``arn:aws:execute-api:...:a1b2c3/prod/POST/@connections/abc=``).

    Raises:
        PolicyError: ``path_or_arn`` is neither a path (starting with ``/``) nor an execute-api ARN.
    """
    if not isinstance(path_or_arn, str):
        raise PolicyError(f"expected a path or an execute-api ARN, not {type(path_or_arn).__name__}", "path")
    if path_or_arn.startswith("arn:"):
        try:
            parsed = parse_arn(path_or_arn)
        except EndpointError as error:
            raise PolicyError(str(error), "path") from None
        path = parsed.path
        return MANAGE_CONNECTIONS if path is not None and is_connections_path(path) else INVOKE
    if not path_or_arn.startswith("/"):
        raise PolicyError(
            f"expected a path starting with '/' or an execute-api ARN, got {path_or_arn!r}", "path"
        )
    return MANAGE_CONNECTIONS if is_connections_path(path_or_arn) else INVOKE


def canonical_action(action: object) -> str:
    """``action`` spelled as AWS documents it (action names are case-insensitive).

    Raises:
        PolicyError: not an execute-api action an API call is authorized as.
    """
    if isinstance(action, str):
        for known in ACTIONS:
            if action.strip().lower() == known.lower():
                return known
    raise PolicyError(f"must be {' or '.join(ACTIONS)}, not {action!r}", "action")
