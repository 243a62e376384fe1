"""Credentials and the providers that make them.

A provider has ``get() -> Credentials`` (thread-safe, cheap, refreshed before
expiry) and ``describe() -> dict`` (where the credentials come from, never a
secret). Importing this package, ``static()`` and ``from_environment()`` load
neither boto3 nor botocore; the other sources import botocore when called.
"""

from apiclient.credentials.base import CredentialProvider, Credentials, Refreshable, snapshot
from apiclient.credentials.botocore_backed import from_botocore
from apiclient.credentials.chain import default
from apiclient.credentials.environment import from_environment
from apiclient.credentials.metadata import from_container, from_instance_metadata
from apiclient.credentials.profile import from_profile
from apiclient.credentials.static import static
from apiclient.credentials.sts import assume_role
from apiclient.credentials.web_identity import from_web_identity

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
