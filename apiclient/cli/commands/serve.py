"""``apiclient serve``: run the local execute-api gateway until Ctrl-C."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from apiclient.cli.app import CliContext, emit, pass_cli_context, table
from apiclient.cli.options import common_options

if TYPE_CHECKING:
    from apiclient.gateway import Gateway

__all__ = ["gateway_urls", "serve"]


def gateway_urls(gateway: Gateway) -> dict[str, Any]:
    """Where each service of a running gateway answers, and the host each API is signed for."""
    return {
        "url": gateway.url,
        "sts_url": gateway.sts_url,
        "imds_url": gateway.imds_url,
        "container_credentials_url": gateway.container_credentials_url,
        "apis": [
            {
                "id": api.id,
                "region": api.region,
                "url": gateway.api_url(api.id),
                "host": gateway.host_for(api.id),
            }
            for api in gateway.config.apis
        ],
    }


@click.command()
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Gateway configuration (YAML or JSON; default: the sample walkthrough scenario).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port."
)
@click.option("--trust-forwarded-for", is_flag=True, help="Take the caller's IP from X-Forwarded-For.")
@common_options
@pass_cli_context
def serve(state: CliContext, /, *, config_file: str | None, port: int, trust_forwarded_for: bool) -> None:
    """Run the local gateway (SigV4, IAM policies, STS, IMDSv2) on 127.0.0.1 until Ctrl-C."""
    # The gateway pulls in botocore's verifier: only serve and demo pay for that import.
    from apiclient import gateway  # noqa: PLC0415

    config = gateway.load_config(config_file) if config_file else gateway.sample_config()

    def ready(running: Gateway) -> None:
        urls = gateway_urls(running)
        rows = [("gateway", urls["url"]), ("sts", urls["sts_url"]), ("imds", urls["imds_url"])]
        rows += [(f"api {api['id']}", f"{api['url']}  (signed for {api['host']})") for api in urls["apis"]]
        emit(state, urls, table(("service", "url"), rows) + "\nPress Ctrl-C to stop.")

    gateway.serve(config, port=port, trust_forwarded_for=trust_forwarded_for, ready=ready)
    if not state.json:
        click.echo("stopped")
