"""apiclient: call IAM-protected Amazon API Gateway endpoints.

(The public surface is re-exported here once each module lands; see DESIGN.md.)
"""

from apiclient.credentials._model import Credentials
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

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "ApiClientError",
    "ConfigError",
    "Credentials",
    "CredentialsError",
    "EndpointError",
    "PolicyError",
    "RedirectError",
    "SigningError",
    "__version__",
]
