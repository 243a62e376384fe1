"""pytest fixtures that start the local execute-api gateway (the ``apiclient`` pytest11 plugin).

Fixtures:
    apiclient_gateway: a session-wide gateway serving the walkthrough scenario
        (``apiclient.gateway.sample_config()``), trusting X-Forwarded-For so IP conditions can be tested.
    gateway_identity: ``gateway_identity("reader")`` -> ``Credentials`` of a configured user, or of a new
        session for a configured role.
    gateway_client: ``gateway_client("reader", stage=None, api_id=None, **client_options)`` -> an
        ``apiclient.Client`` bound to that identity and to the API's invoke URL on the gateway.

Importing this module starts nothing and imports nothing heavy: pytest loads it in every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials
    from apiclient.gateway import Gateway
    from apiclient.session import Client

__all__ = ["apiclient_gateway", "gateway_client", "gateway_identity"]


@pytest.fixture(scope="session")
def apiclient_gateway() -> Iterator[Gateway]:
    """The walkthrough gateway, started once per test session and stopped at its end."""
    from apiclient.gateway import running, sample_config  # noqa: PLC0415 - lazy: the plugin loads in every run

    with running(sample_config(), trust_forwarded_for=True) as gateway:
        yield gateway


@pytest.fixture
def gateway_identity(apiclient_gateway: Gateway) -> Callable[[str], Credentials]:
    """A factory: the name of a configured user or role -> its credentials."""
    return apiclient_gateway.credentials_for


@pytest.fixture
def gateway_client(apiclient_gateway: Gateway) -> Callable[..., Client]:
    """A factory: an identity name -> an ``apiclient.Client`` signing as it against the gateway."""

    def make(identity: str, *, stage: str | None = None, api_id: str | None = None, **options: Any) -> Client:
        from apiclient.session import Client  # noqa: PLC0415 - lazy: the plugin loads in every pytest run

        api = next(
            (a for a in apiclient_gateway.config.apis if a.id == api_id), apiclient_gateway.config.apis[0]
        )
        return Client(
            apiclient_gateway.api_url(api.id, stage),
            credentials=apiclient_gateway.credentials_for(identity),
            region=api.region,
            service="execute-api",
            **options,
        )

    return make
