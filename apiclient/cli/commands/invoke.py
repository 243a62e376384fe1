"""``apiclient invoke METHOD URL [ITEM...]``: one signed call, with curl's and httpie's habits."""

from __future__ import annotations

import re
import sys
from typing import Any

import click
import requests

from apiclient._documents import read_policy_file
from apiclient._redact import redact_headers, redact_url
from apiclient.cli.app import CliContext, ExitCode, json_text, pass_cli_context
from apiclient.cli.items import parse_header, parse_items, read_body
from apiclient.cli.options import common_options, credential_options, credential_settings, provider
from apiclient.diagnostics import DiagnoseOptions
from apiclient.endpoint import parse_url
from apiclient.errors import AccessDenied
from apiclient.session import Client

__all__ = ["invoke", "request_lines", "response_dict", "response_head"]


# --- how an exchange is shown (curl -v and -i, or JSON), secrets masked -------------------------------


def request_lines(request: requests.PreparedRequest) -> list[str]:
    """The request as curl -v shows it, every secret masked."""
    lines = [f"> {request.method} {redact_url(request.url or '')}"]
    lines.extend(f"> {name}: {value}" for name, value in redact_headers(request.headers).items())
    signature = getattr(request, "apiclient_signature", None)
    if signature is not None:
        lines.append("* canonical request (secrets masked):")
        lines.extend(f"*   {line}" for line in signature.canonical_request.splitlines())
        lines.append("* string to sign:")
        lines.extend(f"*   {line}" for line in signature.string_to_sign.splitlines())
    return lines


def response_head(response: requests.Response) -> list[str]:
    """The status line and headers, as ``-i`` shows them."""
    lines = [f"HTTP {response.status_code} {response.reason or ''}".rstrip()]
    lines.extend(f"{name}: {value}" for name, value in redact_headers(response.headers).items())
    return lines


def _body_data(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def response_dict(response: requests.Response, verbose: bool) -> dict[str, Any]:
    """The exchange as JSON: status, headers, body (parsed when JSON), and with ``verbose`` the request."""
    data: dict[str, Any] = {
        "status": response.status_code,
        "headers": redact_headers(response.headers),
        "body": _body_data(response),
    }
    if verbose and response.request is not None:
        data["request"] = {
            "method": response.request.method,
            "url": redact_url(response.request.url or ""),
            "headers": redact_headers(response.request.headers),
        }
    return data


# --- the command ----------------------------------------------------------------------------------


def _merge_headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Repeated names joined with ``, `` (RFC 9110 section 5.3), the first spelling kept."""
    merged: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for name, value in pairs:
        key = spelling.setdefault(name.lower(), name)
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


# An HTTP method is a token (RFC 9110 sections 9.1 and 5.6.2).
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _check_method(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not _METHOD.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not an HTTP method (e.g. GET, POST)", param_hint="METHOD")
    return value.upper()


def _show_text(response: requests.Response, *, include: bool, to_stdout: bool) -> None:
    if include:
        click.echo("\n".join(response_head(response)) + "\n")
    if to_stdout and response.content:
        click.echo(response.text.rstrip("\n"))


def _show_refusal(state: CliContext, denied: AccessDenied, *, include: bool, verbose: bool) -> None:
    response = denied.response
    if state.json:
        data: dict[str, Any] = {"status": denied.status_code}
        if response is not None:
            data = response_dict(response, verbose)
        data["diagnosis"] = denied.diagnosis.to_dict()
        click.echo(json_text(data))
        return
    if include and response is not None:
        click.echo("\n".join(response_head(response)) + "\n")
    click.echo(denied.diagnosis.to_text())


@click.command()
@click.argument("method", callback=_check_method)
@click.argument("url")
@click.argument("items", nargs=-1)
@click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Add a header.")
@click.option("-d", "--data", help="Request body: text, @FILE, or @- for stdin.")
@click.option("-i", "--include", is_flag=True, help="Print the status line and response headers.")
@click.option("-v", "--verbose", is_flag=True, help="Print the signed request to stderr, secrets masked.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the response body to FILE.")
@click.option("--fail", is_flag=True, help="Exit 22 on an HTTP status >= 400 (401/403 still exit 3).")
@credential_options
@click.option("--service", help="Signing name (default: from the URL, execute-api).")
@click.option("--api-key", envvar="APICLIENT_API_KEY", help="Send x-api-key (usage plans).")
@click.option("--connect-to", metavar="HOST:PORT", help="Connect there while signing for the URL's host.")
@click.option("--allow-http", is_flag=True, help="Allow plain http to a host that is not loopback.")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    help="The API's resource policy (JSON), to explain a refusal with the policy engine.",
)
@click.option(
    "--identity-policy",
    "identity_policy_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="The caller's identity policy (JSON; repeatable), for the same explanation.",
)
@common_options
@pass_cli_context
def invoke(
    state: CliContext,
    /,
    *,
    method: str,
    url: str,
    items: tuple[str, ...],
    headers: tuple[str, ...],
    data: str | None,
    include: bool,
    verbose: bool,
    output_file: str | None,
    fail: bool,
    service: str | None,
    api_key: str | None,
    connect_to: str | None,
    allow_http: bool,
    policy_file: str | None,
    identity_policy_files: tuple[str, ...],
    **credential_values: Any,
) -> None:
    """Call METHOD URL signed with SigV4.

    ITEMs as in httpie: Name:value (header), key==value (query), key=value (JSON string field),
    key:=json (raw JSON field). With --policy (and --identity-policy) a refusal is also
    evaluated by the policy engine; the caller's public IP is unknown here, so conditions on
    aws:SourceIp show as missing keys.

    \b
    Examples:
      apiclient invoke GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/products
      apiclient invoke POST $URL/products name=pen price:=3 --role-arn $ROLE --external-id $ID
    """
    settings = credential_settings(state, credential_values)
    endpoint = parse_url(url, region=settings.region, service=service)  # reported before credentials
    parsed = parse_items(items)
    header_pairs = [parse_header(h) for h in headers] + parsed.headers
    body = read_body(data, parsed.json_fields, sys.stdin.buffer)
    if body.content_type and not any(name.lower() == "content-type" for name, _ in header_pairs):
        header_pairs.append(("Content-Type", body.content_type))
    resource_policy = read_policy_file(policy_file) if policy_file else None
    identity_policies = [read_policy_file(path) for path in identity_policy_files]
    client = Client(
        url,
        credentials=provider(settings),
        region=settings.region,
        service=service,
        api_key=api_key,
        connect_to=connect_to,
        allow_http=allow_http,
        diagnose_options=DiagnoseOptions(
            resource_policy=resource_policy,
            identity_policies=identity_policies,
            # STS is asked who signed only where it can be: AWS's own for an AWS host reached
            # directly, else only the --sts-endpoint-url the user named (a local gateway, say).
            identify=settings.sts_endpoint_url is not None
            or (connect_to is None and endpoint.kind not in ("local", "custom-domain")),
            sts_endpoint_url=settings.sts_endpoint_url,
        ),
    )
    try:
        response = client.request(
            method, url, params=parsed.query, headers=_merge_headers(header_pairs), data=body.data
        )
    except AccessDenied as denied:
        if verbose and denied.request is not None:
            click.echo("\n".join(request_lines(denied.request)), err=True)
        _show_refusal(state, denied, include=include, verbose=verbose)
        raise click.exceptions.Exit(ExitCode.ACCESS_DENIED) from None
    if verbose and response.request is not None:
        click.echo("\n".join(request_lines(response.request)), err=True)
    if output_file is not None:
        with open(output_file, "wb") as handle:
            handle.write(response.content)
    if state.json:
        click.echo(json_text(response_dict(response, verbose)))
    else:
        _show_text(response, include=include, to_stdout=output_file is None)
    if fail and response.status_code >= 400:
        raise click.exceptions.Exit(ExitCode.HTTP_ERROR)
