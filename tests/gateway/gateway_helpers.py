"""Client-side helpers for the gateway tests.

The client side signs with botocore's ``SigV4Auth`` exactly as boto3 does (or curl / requests-aws4auth in
the tests that need another implementation): nothing here shares code with the gateway's verifier.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from apiclient.gateway import GatewayConfig

REGION = "us-west-2"
API_ID = "a1b2c3d4e5"
OWNER = "222222222222"
# API Gateway's exact 401/403 bodies, the project's own test data (sources cited inside the file).
ERROR_ANSWERS = Path(__file__).resolve().parents[1] / "data" / "apigateway_errors.json"


@dataclass(frozen=True)
class Key:
    access_key: str
    secret_key: str
    token: str | None = None


def user_key(config: GatewayConfig, name: str) -> Key:
    user = next(u for u in config.users if u.name == name)
    return Key(user.access_keys[0].access_key_id, user.access_keys[0].secret_access_key)


def signed(
    method: str,
    url: str,
    key: Key,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    region: str = REGION,
    service: str = "execute-api",
    at: dt.datetime | None = None,
) -> AWSRequest:
    """An AWSRequest signed by botocore's SigV4Auth (at ``at`` instead of now, when given)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = SigV4Auth(BotoCredentials(key.access_key, key.secret_key, key.token), service, region)
    if at is None:
        signer.add_auth(request)
        return request
    # add_auth always signs "now"; these are its own steps, run at another instant.
    request.context["timestamp"] = at.strftime("%Y%m%dT%H%M%SZ")
    request.headers["X-Amz-Date"] = request.context["timestamp"]
    if key.token:
        request.headers["X-Amz-Security-Token"] = key.token
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    signer._inject_signature_to_request(request, signature)
    return request


def send(session: requests.Session, request: AWSRequest, **extra_headers: str) -> requests.Response:
    prepared = request.prepare()
    headers = {**dict(prepared.headers), **extra_headers}
    return session.request(request.method, prepared.url, headers=headers, data=prepared.body, timeout=10)


def reference_body(prefix: str) -> str:
    """The exact body API Gateway sends that starts with ``prefix`` (the test oracle, from ERROR_ANSWERS)."""
    for answer in json.loads(ERROR_ANSWERS.read_text(encoding="utf-8"))["responses"]:
        if answer["body"].startswith(prefix):
            return str(answer["body"])
    raise AssertionError(f"no body starting with {prefix!r} in {ERROR_ANSWERS}")


def message_of(response: requests.Response) -> str:
    document = json.loads(response.content)
    return str(document.get("message", document.get("Message")))
