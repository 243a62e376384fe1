"""apiclient: call IAM-protected Amazon API Gateway endpoints.

The public surface, re-exported here::

    Client                  a signed, retrying, redirect-aware client for one API (over requests)
    AsyncClient             the same calls over httpx, for asyncio (the ``httpx`` extra)
    SigV4Auth               a ``requests`` auth that signs with Signature Version 4
    Retry                   how many attempts, on which statuses and methods, with what backoff
    Attempt                 one signed attempt, as ``on_attempt=`` callbacks receive it
    Credentials             a frozen snapshot of AWS credentials (providers: ``apiclient.credentials``)
    CredentialProvider      what every credential source implements
    diagnose, Diagnosis     why a 401/403 happened and what to change
    Endpoint, parse_url     what an API Gateway URL names (api id, region, stage, kind, API type)

The exception tree is drawn in ``apiclient.errors``. Only the light names are imported
eagerly; ``Client``, ``SigV4Auth`` (which load ``requests``), ``AsyncClient`` (``httpx``)
and the diagnostics load on first use, so ``import apiclient.sigv4`` loads no HTTP library
and a Lambda cold start pays only for what it uses.
"""

from typing import TYPE_CHECKING, Any

from apiclient._version import __version__
from apiclient.credentials.base import CredentialProvider, Credentials
from apiclient.errors import (
    AccessDenied,
    ApiClientError,
    ConfigError,
    CredentialsError,
    EndpointError,
    PolicyError,
    RedirectError,
    SigningError,
)

if TYPE_CHECKING:
    from apiclient._call import Attempt
    from apiclient.auth import SigV4Auth
    from apiclient.diagnostics import DiagnoseOptions, Diagnosis, diagnose
    from apiclient.endpoint import Endpoint, parse_url
    from apiclient.httpx import AsyncClient
    from apiclient.retry import Retry
    from apiclient.session import Client

# Loaded on first use: each costs an import that a cold start or a pure signer need not pay.
_LAZY = {
    "AsyncClient": "apiclient.httpx",
    "Attempt": "apiclient._call",
    "Client": "apiclient.session",
    "DiagnoseOptions": "apiclient.diagnostics",
    "Diagnosis": "apiclient.diagnostics",
    "Endpoint": "apiclient.endpoint",
    "Retry": "apiclient.retry",
    "SigV4Auth": "apiclient.auth",
    "diagnose": "apiclient.diagnostics",
    "parse_url": "apiclient.endpoint",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'apiclient' has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AccessDenied",
    "ApiClientError",
    "AsyncClient",
    "Attempt",
    "Client",
    "ConfigError",
    "CredentialProvider",
    "Credentials",
    "CredentialsError",
    "DiagnoseOptions",
    "Diagnosis",
    "Endpoint",
    "EndpointError",
    "PolicyError",
    "RedirectError",
    "Retry",
    "SigV4Auth",
    "SigningError",
    "__version__",
    "diagnose",
    "parse_url",
]
