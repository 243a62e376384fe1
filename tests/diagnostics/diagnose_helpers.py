"""Helpers for the diagnose tests: real requests to the local gateway, and a secrets check."""

from __future__ import annotations

import datetime as dt
import json
import weakref
from collections.abc import Callable, Mapping

import requests

from apiclient import Credentials
from apiclient.auth import SigV4Auth
from apiclient.diagnostics import Diagnosis
from apiclient.gateway import Gateway
from apiclient.session import ConnectToAdapter
from apiclient.sigv4 import Signature

Send = Callable[..., requests.Response]

# The Signature of each response's request, kept beside it: the signer returns it to its caller.
_SIGNATURES: weakref.WeakKeyDictionary[requests.Response, Signature] = weakref.WeakKeyDictionary()


class _Recording(requests.auth.AuthBase):
    """Signs with ``auth`` and keeps the ``Signature`` it returns."""

    def __init__(self, auth: SigV4Auth) -> None:
        self.auth = auth
        self.signature: Signature | None = None

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signature = self.auth.sign(request)
        return request


def signature_of(response: requests.Response) -> Signature:
    """The Signature of the request ``send_through`` sent for ``response``."""
    return _SIGNATURES[response]


def send_through(
    gateway: Gateway,
    url: str,
    credentials: Credentials | None,
    *,
    method: str = "GET",
    region: str = "us-west-2",
    service: str = "execute-api",
    clock: Callable[[], dt.datetime] | None = None,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    """One request to ``url`` over the gateway's socket; unsigned when ``credentials`` is None."""
    with requests.Session() as session:
        session.mount(url, ConnectToAdapter(url, f"127.0.0.1:{gateway.port}"))
        auth = (
            None if credentials is None else _Recording(SigV4Auth(credentials, region, service, clock=clock))
        )
        response = session.request(method, url, auth=auth, headers=dict(headers or {}), timeout=10)
    if auth is not None and auth.signature is not None:
        _SIGNATURES[response] = auth.signature
    return response


def assert_no_secrets(diagnosis: Diagnosis, *secrets: str | None) -> None:
    """No secret key or session token in any rendering of the diagnosis."""
    shown = "\n".join([diagnosis.to_text(), json.dumps(diagnosis.to_dict()), str(diagnosis), repr(diagnosis)])
    for secret in secrets:
        if secret:
            assert secret not in shown
