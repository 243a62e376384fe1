"""apiclient: call IAM-protected Amazon API Gateway endpoints.

The public surface, re-exported here::

    Client                  a signed, retrying, redirect-aware client for one API
    SigV4Auth               a ``requests`` auth that signs with Signature Version 4
    Credentials             a frozen snapshot of AWS credentials (providers: ``apiclient.credentials``)
    diagnose, Diagnosis     why a 401/403 happened and what to change
    Endpoint, parse_url     what an API Gateway URL names (api id, region, stage, kind)

The exception tree is drawn in ``apiclient.errors``. ``apiclient.policy``,
``apiclient.gateway`` and ``apiclient.cli`` are imported on demand, never here,
so that a Lambda cold start pays only for what it uses.
"""

from typing import TYPE_CHECKING, Any

from apiclient.auth import SigV4Auth
from apiclient.credentials import Credentials
from apiclient.endpoint import Endpoint, parse_url
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
from apiclient.session import Client

if TYPE_CHECKING:
    from apiclient.diagnostics import Diagnosis, diagnose

# Loaded on first use: diagnostics matter on a refusal, not on a Lambda cold start.
_LAZY = {"Diagnosis": "apiclient.diagnostics", "diagnose": "apiclient.diagnostics"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'apiclient' has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "ApiClientError",
    "Client",
    "ConfigError",
    "Credentials",
    "CredentialsError",
    "Diagnosis",
    "Endpoint",
    "EndpointError",
    "PolicyError",
    "RedirectError",
    "SigV4Auth",
    "SigningError",
    "__version__",
    "diagnose",
    "parse_url",
]
