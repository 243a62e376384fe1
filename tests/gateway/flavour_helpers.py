"""Client-side helpers for the API-flavour tests: presigning with botocore's ``SigV4QueryAuth`` (the oracle),
scenarios with an HTTP API, a WebSocket API and IAM groups, and a WebSocket client that connects to loopback.

Nothing here shares code with the gateway's verifier.
"""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from gateway_helpers import Key
from websockets.sync.client import ClientConnection, connect

from apiclient._botocore_logs import guard_http_logs

# urllib3 logs each request line at DEBUG: a presigned URL's query holds the signature and the token.
guard_http_logs()

OWNER = "111122223333"
REGION = "us-east-1"
HTTP_API = "abc123def4"
WS_API = "ws0socket1"
DEFAULT_ARN = f"arn:aws:execute-api:{REGION}:{OWNER}:{HTTP_API}/$default"


def _allow(action: str | list[str], resource: str | list[str], sid: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if sid:
        statement["Sid"] = sid
    return {"Version": "2012-10-17", "Statement": [statement]}


def _user(name: str, key_id: str, *, groups: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    user: dict[str, Any] = {
        "name": name,
        "account": OWNER,
        "access_keys": [{"id": key_id, "secret": f"wJalrXUtnFEMI/K7MDENG/{name}EXAMPLE"}],
        **extra,
    }
    if groups:
        user["groups"] = groups
    return user


def flavours_config() -> dict[str, Any]:
    """ProductAPI as an HTTP API ($default and a named stage ``beta``), a WebSocket API, and groups."""
    ws = f"arn:aws:execute-api:{REGION}:{OWNER}:{WS_API}"
    return {
        "accounts": [{"id": OWNER}],
        "groups": [
            {
                "name": "ReadOnly-Group",
                "account": OWNER,
                "policies": [
                    _allow(
                        "execute-api:Invoke",
                        [f"{DEFAULT_ARN}/GET/products", f"{DEFAULT_ARN}/GET/products/*"],
                        "ReadProducts",
                    )
                ],
            },
            {
                "name": "Admin-Group",
                "account": OWNER,
                "policies": [
                    _allow("execute-api:Invoke", f"arn:aws:execute-api:{REGION}:{OWNER}:{HTTP_API}/*")
                ],
            },
            {
                "name": "Chat-Group",
                "account": OWNER,
                "policies": [_allow("execute-api:Invoke", f"{ws}/prod/$connect")],
            },
            {
                "name": "Backend-Group",
                "account": OWNER,
                "policies": [_allow("execute-api:ManageConnections", f"{ws}/prod/*/@connections/*")],
            },
        ],
        "users": [
            _user("john-readonly", "AKIAEXAMPLEJOHN00001", groups=["ReadOnly-Group"]),
            _user("jane-admin", "AKIAEXAMPLEJANE00001", groups=["Admin-Group"]),
            _user("chatter", "AKIAEXAMPLECHATTER01", groups=["Chat-Group"]),
            _user("backend", "AKIAEXAMPLEBACKEND01", groups=["Backend-Group"]),
            _user("nobody", "AKIAEXAMPLENOBODY001"),
        ],
        "apis": [
            {
                "id": HTTP_API,
                "name": "ProductAPI",
                "type": "HTTP",
                "region": REGION,
                "account": OWNER,
                "stages": ["$default", "beta"],
                "routes": [
                    {"method": "GET", "path": "/products"},
                    {
                        "method": "POST",
                        "path": "/products",
                        "response": {"status": 201, "body": {"id": "p-1"}},
                    },
                    {"method": "GET", "path": "/products/{id}"},
                ],
            },
            {
                "id": WS_API,
                "type": "WEBSOCKET",
                "region": REGION,
                "account": OWNER,
                "stages": ["prod"],
                "routes": [
                    {"route_key": "$connect", "authorization": "AWS_IAM"},
                    {"route_key": "$default"},
                    {"route_key": "ping", "response": {"body": {"pong": True}}},
                ],
            },
        ],
    }


def key_of(config: dict[str, Any], name: str) -> Key:
    user = next(u for u in config["users"] if u["name"] == name)
    return Key(user["access_keys"][0]["id"], user["access_keys"][0]["secret"])


def presign(
    method: str,
    url: str,
    key: Key,
    *,
    expires: int = 300,
    at: dt.datetime | None = None,
    region: str = REGION,
) -> str:
    """``url`` presigned by botocore's ``SigV4QueryAuth`` (at ``at`` instead of now, when given)."""
    request = AWSRequest(method=method, url=url)
    signer = SigV4QueryAuth(
        BotoCredentials(key.access_key, key.secret_key, key.token), "execute-api", region, expires
    )
    if at is None:
        signer.add_auth(request)
        return str(request.url)
    # add_auth always signs "now"; these are its own steps, run at another instant.
    request.context["timestamp"] = at.strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signer._inject_signature_to_request(
        request, signer.signature(signer.string_to_sign(request, canonical), request)
    )
    return str(request.url)


def ws_connect(port: int, url: str, **kwargs: Any) -> ClientConnection:
    """The ``websockets`` sync client on ``url`` (its real host), connected to the gateway on loopback."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return connect(url, sock=sock, open_timeout=10, **kwargs)
