"""``apiclient presign``: a URL with query-string SigV4, for a browser, a shared link or ``$connect``."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

import click

from apiclient._client import resolve_endpoint
from apiclient.cli.app import CliContext, emit, pass_cli_context
from apiclient.cli.options import common_options, credential_options, credential_settings, provider
from apiclient.sigv4 import MAX_EXPIRES, presign_url

__all__ = ["presign"]


@click.command()
@click.argument("method", metavar="METHOD")
@click.argument("url", metavar="URL")
@click.option(
    "--expires-in",
    type=click.IntRange(1, MAX_EXPIRES),
    default=900,
    show_default=True,
    help=f"Seconds the URL stays valid (1-{MAX_EXPIRES}).",
)
@click.option("--service", help="Signing name (default: from the URL, execute-api).")
@click.option("--stage", metavar="STAGE", help="'$default' when the URL has no stage segment (an HTTP API).")
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print the usable URL: its signature and session token unmasked (stdout only, never logged).",
)
@credential_options
@common_options
@pass_cli_context
def presign(
    state: CliContext,
    /,
    *,
    method: str,
    url: str,
    expires_in: int,
    service: str | None,
    stage: str | None,
    show_secrets: bool,
    **credential_values: Any,
) -> None:
    """Print METHOD URL presigned with SigV4 in its query string (wss:// URLs for WebSocket $connect).

    The URL is a bearer credential for one request until it expires: like every output of apiclient
    it is shown masked unless --show-secrets is given.

    \b
    Examples:
      apiclient presign GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/report --show-secrets
      apiclient presign GET wss://abc123.execute-api.us-east-1.amazonaws.com/prod --expires-in 60
    """
    settings = credential_settings(state, credential_values)
    endpoint = resolve_endpoint(url, region=settings.region, service=service, stage=stage, credentials=None)
    if settings.region is None:
        settings = dataclasses.replace(settings, region=endpoint.region)  # STS in the API's region
    now = _dt.datetime.now(_dt.timezone.utc)
    signed = presign_url(
        method.upper(),
        url,
        credentials=provider(settings).get(),
        region=endpoint.region,
        service=endpoint.service,
        expires_in=expires_in,
        timestamp=now,
    )
    expires_at = (now.replace(microsecond=0) + _dt.timedelta(seconds=expires_in)).isoformat()
    if show_secrets:
        # Deliberately unmasked, on stdout only: the user asked for the usable URL.
        click.echo(signed)
        return
    emit(state, {"url": signed, "method": method.upper(), "expires_at": expires_at}, signed)
    click.echo("apiclient: signature and token masked; add --show-secrets for the usable URL", err=True)
