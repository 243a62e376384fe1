"""The exceptions apiclient raises.

Every exception derives from ``ApiClientError``; those caused by bad input are
also ``ValueError`` so that code which already catches ``ValueError`` keeps working::

    ApiClientError
    ├── CredentialsError           no credentials, partial ones, or a refresh that failed
    ├── EndpointError (ValueError)  a URL that cannot be called or signed as given
    ├── SigningError (ValueError)   a request that cannot be signed (e.g. a generator body)
    ├── PolicyError (ValueError)    a malformed policy document; ``.path`` names the JSON path
    ├── ConfigError (ValueError)    a malformed gateway configuration or access matrix; ``.path`` too
    ├── RedirectError               too many hops, or a cross-origin hop the caller refused
    └── AccessDenied                a 401/403; carries ``request``, ``response`` and ``diagnosis``

Transport failures (connection refused, timeouts) are left as ``requests``'
own exceptions once retries are exhausted, as a ``requests`` user expects.
Messages name the problem and, where there is one, the fix; none carries a
secret key or a session token.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = [
    "AccessDenied",
    "ApiClientError",
    "ConfigError",
    "CredentialsError",
    "EndpointError",
    "Explained",
    "PolicyError",
    "RedirectError",
    "SigningError",
]


class Explained(Protocol):
    """What ``AccessDenied`` needs of a diagnosis (``apiclient.diagnostics.Diagnosis`` is one).

    A protocol rather than an import, so that this module depends on nothing above it.
    """

    @property
    def cause(self) -> str: ...

    @property
    def status(self) -> int | None: ...

    @property
    def summary(self) -> str: ...

    @property
    def evidence(self) -> tuple[str, ...]: ...

    @property
    def next_steps(self) -> tuple[str, ...]: ...

    def to_dict(self) -> dict[str, Any]: ...

    def to_text(self) -> str: ...


class ApiClientError(Exception):
    """Base of every exception apiclient raises."""


class CredentialsError(ApiClientError):
    """Credentials could not be found, were incomplete, or could not be refreshed."""


class EndpointError(ApiClientError, ValueError):
    """A URL that apiclient cannot call or sign as given."""


class SigningError(ApiClientError, ValueError):
    """A request that cannot be signed as given."""


class _PathError(ApiClientError, ValueError):
    """An error located at a JSON path inside a document."""

    def __init__(self, message: str, path: str = "") -> None:
        self.path = path
        self.problem = message
        super().__init__(f"{path}: {message}" if path else message)


class PolicyError(_PathError):
    """A malformed policy document; ``path`` is e.g. ``Statement[1].Condition.IpAddress``."""


class ConfigError(_PathError):
    """A malformed gateway configuration or access matrix; ``path`` names the field."""


class RedirectError(ApiClientError):
    """Too many redirects, or a cross-origin redirect the client was told to refuse."""


class AccessDenied(ApiClientError):
    """API Gateway refused the call (401 or 403).

    ``str(error)`` is a one-line summary; ``diagnosis`` holds the cause, the
    evidence and the next steps. ``request`` and ``response`` are those of the HTTP
    library that sent the call (``requests`` for ``Client``, ``httpx`` for ``AsyncClient``).
    """

    def __init__(
        self,
        diagnosis: Explained,
        *,
        request: Any = None,
        response: Any = None,
    ) -> None:
        self.diagnosis = diagnosis
        self.request = request
        self.response = response
        super().__init__(diagnosis.summary)

    @property
    def status_code(self) -> int | None:
        """The HTTP status of the refusal, when there was a response."""
        return int(self.response.status_code) if self.response is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data."""
        return self.diagnosis.to_dict()
