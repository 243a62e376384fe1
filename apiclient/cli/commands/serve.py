"""``apiclient serve``: run the local execute-api gateway until Ctrl-C, one line per call.

Each call prints one line: the request time, method, path, status, the refusal's cause, the caller, the
deciding statement, then API Gateway's access-log fields (ip, protocol, responseLength, responseLatency,
requestId, xrayTraceId). ``--access-log FILE`` appends each record as one JSON line in API Gateway's
access-log JSON shape; ``--quiet`` turns the lines off; ``--output json`` prints the records as JSON lines.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

import click

from apiclient.cli.app import CliContext, colour_enabled, emit, pass_cli_context, table
from apiclient.cli.options import common_options
from apiclient.diagnostics.causes import CAUSE_TABLE

if TYPE_CHECKING:
    from apiclient.gateway import Gateway

__all__ = ["access_line", "gateway_urls", "serve"]

# C0 and C1 controls and DEL: a path may carry them (an escape sequence would reach the tester's terminal).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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


def access_line(record: Mapping[str, str], *, colour: bool = False) -> str:
    """One access-log record as a line; with ``colour`` the status is green (2xx), yellow or red."""
    caller = record["caller"]
    if caller == "-":
        # Refused before the signature was verified: the caller is not known, whoever signed.
        info = CAUSE_TABLE.get(record["cause"])  # type: ignore[call-overload]
        caller = "unverified" if info is not None and info.before_authorization else "anonymous"
    status = record["status"]
    head = _printable(f"[{record['requestTime']}] {record['httpMethod']} {record['path']}")
    tail = _printable(
        f'cause={record["cause"]} caller={caller} deciding="{record["deciding"]}" ip={record["ip"]} '
        f"protocol={record['protocol']} responseLength={record['responseLength']} "
        f"responseLatency={record['responseLatency']}ms requestId={record['requestId']} "
        f"xrayTraceId={record['xrayTraceId']}"
    )
    if colour:
        code = int(status)
        fg = "green" if code < 300 else "yellow" if code < 400 else "red"
        status = click.style(status, fg=fg, bold=True)
    return f"{head} {status} {tail}"


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _printer(
    state: CliContext, *, lines: bool, log_file: IO[str] | None
) -> Callable[[Mapping[str, str]], None]:
    """The listener that prints each record (a line, or JSON with ``--output json``) and appends it to
    the access-log file; formatting happens here, once per call, only for what is asked."""
    lock = threading.Lock()
    colour = not state.json and colour_enabled(sys.stdout)

    def write(record: Mapping[str, str]) -> None:
        nonlocal lines
        as_json = json.dumps(record, separators=(",", ":")) if state.json or log_file else ""
        with lock:
            if lines:
                try:
                    click.echo(as_json if state.json else access_line(record, colour=colour), color=colour)
                except OSError:
                    # The reader went away (``apiclient serve | head``): the gateway serves on, unprinted.
                    lines = False
            if log_file is not None:
                log_file.write(as_json + "\n")
                log_file.flush()

    return write


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
@click.option(
    "--access-log",
    "access_log",
    type=click.File("a", encoding="utf-8", lazy=False),
    metavar="FILE",
    help="Append one JSON record per call to FILE (API Gateway's access-log JSON shape; '-' is stdout).",
)
@click.option("--quiet", "-q", is_flag=True, help="Do not print a line per call.")
@common_options
@pass_cli_context
def serve(
    state: CliContext,
    /,
    *,
    config_file: str | None,
    port: int,
    trust_forwarded_for: bool,
    access_log: IO[str] | None,
    quiet: bool,
) -> None:
    """Run the local gateway (SigV4, IAM policies, STS, IMDSv2) on 127.0.0.1 until Ctrl-C.

    Prints one line per call (method, path, status, cause, caller, deciding statement and API Gateway's
    access-log fields; status in colour on a terminal unless NO_COLOR is set).
    """
    # The gateway pulls in botocore's verifier: only serve and demo pay for that import.
    from apiclient import gateway  # noqa: PLC0415

    config = gateway.load_config(config_file) if config_file else gateway.sample_config()
    for padded in config.padded_cidrs():
        click.echo(
            f"warning: {padded}: a CIDR with spaces around it; AWS does not document whether it trims "
            "them. The gateway reads it trimmed (apiclient explain shows both readings' outcomes).",
            err=True,
        )

    def ready(running: Gateway) -> None:
        urls = gateway_urls(running)
        rows = [("gateway", urls["url"]), ("sts", urls["sts_url"]), ("imds", urls["imds_url"])]
        rows += [(f"api {api['id']}", f"{api['url']}  (signed for {api['host']})") for api in urls["apis"]]
        emit(state, urls, table(("service", "url"), rows) + "\nPress Ctrl-C to stop.")
        if not quiet or access_log is not None:
            running.add_access_listener(_printer(state, lines=not quiet, log_file=access_log))

    gateway.serve(config, port=port, trust_forwarded_for=trust_forwarded_for, ready=ready)
    if not state.json:
        click.echo("stopped")
