"""Credentials and the providers that make them.

A provider has ``get() -> Credentials`` (thread-safe, cheap, refreshed before
expiry) and ``describe() -> dict`` (where the credentials come from, never a
secret). Importing this package, ``static()`` and ``from_environment()`` load
neither boto3 nor botocore; the other sources import botocore when called.
"""

from typing import TYPE_CHECKING, Any

from apiclient.credentials.base import CredentialProvider, Credentials, Refreshable, snapshot

# Eager, unlike the rest: the function shares its module's name, and importing the module
# (``from apiclient.credentials.static import ...``) would otherwise leave the module in its place.
from apiclient.credentials.static import static

if TYPE_CHECKING:
    from apiclient.credentials.botocore_backed import from_botocore
    from apiclient.credentials.chain import default
    from apiclient.credentials.environment import from_environment
    from apiclient.credentials.metadata import from_container, from_instance_metadata
    from apiclient.credentials.profile import from_profile
    from apiclient.credentials.sts import assume_role
    from apiclient.credentials.web_identity import from_web_identity

# Each source is imported when it is first named: a Lambda cold start that reads the environment
# never loads the STS, web identity or metadata code.
_LAZY = {
    "assume_role": "sts",
    "default": "chain",
    "from_botocore": "botocore_backed",
    "from_container": "metadata",
    "from_environment": "environment",
    "from_instance_metadata": "metadata",
    "from_profile": "profile",
    "from_web_identity": "web_identity",
}


def __getattr__(name: str) -> Any:
    import importlib  # noqa: PLC0415

    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CredentialProvider",
    "Credentials",
    "Refreshable",
    "assume_role",
    "default",
    "from_botocore",
    "from_container",
    "from_environment",
    "from_instance_metadata",
    "from_profile",
    "from_web_identity",
    "snapshot",
    "static",
]
