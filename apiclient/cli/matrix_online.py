"""The online judge of ``check``: each cell is a real call, as the cell's identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from apiclient import credentials
from apiclient._transport import ConnectToAdapter
from apiclient.cli.errors import one_line
from apiclient.cli.matrix import Actual, Case, IdentitySpec, Matrix, RequestSpec, outcome_of_status
from apiclient.cli.matrix_run import Judge, gateway_config, sample_user
from apiclient.credentials.base import CredentialProvider
from apiclient.diagnostics import classify
from apiclient.errors import AccessDenied, ApiClientError, ConfigError
from apiclient.session import Client

if TYPE_CHECKING:
    from apiclient.gateway.config import GatewayConfig

__all__ = ["online_judge"]


def _provider(
    matrix: Matrix,
    identity: IdentitySpec,
    made: dict[str, CredentialProvider | None],
    config: GatewayConfig | None,
) -> CredentialProvider | None:
    """The identity's provider (None: unsigned); a role's source is built once and shared."""
    if identity.name in made:
        return made[identity.name]
    provider: CredentialProvider | None = None
    if identity.profile is not None:
        provider = credentials.from_profile(identity.profile)
    elif identity.access_key is not None and identity.secret_key is not None:
        provider = credentials.static(identity.access_key, identity.secret_key, identity.token)
    elif identity.sample is not None and config is not None:
        user = sample_user(config, identity)
        if not user.access_keys:
            raise ConfigError(f"gateway user {user.name!r} has no access key", f"identities.{identity.name}")
        key = user.access_keys[0]
        provider = credentials.static(key.access_key_id, key.secret_access_key)
    elif identity.role_arn is not None:
        source = (
            _provider(matrix, matrix.identities[identity.source], made, config) if identity.source else None
        )
        provider = credentials.assume_role(
            identity.role_arn,
            source=source,
            external_id=identity.external_id,
            session_name=identity.session_name,
            duration_seconds=identity.duration or 3600,
            sts_endpoint_url=matrix.sts_endpoint_url,
            region=matrix.region,
        )
    made[identity.name] = provider
    return provider


def _unsigned_session(matrix: Matrix) -> requests.Session:
    """A session for anonymous cells, routed like the signed ones."""
    session = requests.Session()
    if matrix.connect_to is not None:
        session.mount(matrix.url, ConnectToAdapter(matrix.url, matrix.connect_to))
    return session


def _call(client: Client | requests.Session, matrix: Matrix, request: RequestSpec) -> requests.Response:
    url = matrix.url.rstrip("/") + request.path
    headers = dict(request.headers)
    if isinstance(client, Client):
        return client.request(request.method, url, headers=headers)
    return client.request(request.method, url, headers=headers, timeout=(5, 30), allow_redirects=False)


def online_judge(matrix: Matrix) -> Judge:
    """Call the API once per cell as the cell's identity; identities are resolved first, in order.

    Raises:
        ConfigError, CredentialsError: an identity cannot be built (before any call is made).
    """
    made: dict[str, CredentialProvider | None] = {}
    needs_config = any(identity.sample is not None for identity in matrix.identities.values())
    config = gateway_config(matrix) if needs_config else None
    clients: dict[str, Client | requests.Session] = {}
    for identity in matrix.identities.values():
        provider = _provider(matrix, identity, made, config)
        clients[identity.name] = (
            _unsigned_session(matrix)
            if provider is None
            else Client(
                matrix.url,
                credentials=provider,
                region=matrix.region,
                connect_to=matrix.connect_to,
                allow_http=matrix.allow_http,
            )
        )

    def judge(case: Case) -> Actual:
        try:
            response = _call(clients[case.identity.name], matrix, case.request)
        except AccessDenied as denied:
            diagnosis = denied.diagnosis
            return Actual(
                "deny",
                denied.status_code,
                diagnosis.cause,
                diagnosis.summary,
                diagnosis.to_text(),
                diagnosis.to_dict(),
            )
        except (ApiClientError, requests.RequestException) as error:
            return Actual("error", error=one_line(error))
        if response.status_code in (401, 403):  # an unsigned call: nothing diagnosed it yet
            diagnosis = classify(response.status_code, response.headers, response.content)
            return Actual(
                "deny",
                response.status_code,
                diagnosis.cause,
                diagnosis.summary,
                diagnosis.to_text(),
                diagnosis.to_dict(),
            )
        return Actual(outcome_of_status(response.status_code), response.status_code)

    return judge
