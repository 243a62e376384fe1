"""``apiclient invoke [METHOD] URL [ITEM...]``: one signed call, with curl's and httpie's habits.

curl's meanings: ``-X``, ``-d``/``--data-binary``, ``-i``, ``-v`` (request and response headers on
stderr), ``-o``, ``-L`` (redirects are not followed without it), ``--max-time``,
``--connect-timeout``, ``-k``, ``--cacert``, ``--fail``; the body is written to stdout byte for
byte, except a secret this call sent that the API echoes, which is masked (``-o FILE`` keeps the
bytes as they came). httpie's: request items, and on a terminal pretty, coloured JSON (``NO_COLOR``
turns the colour off, the layout stays). Everything shown goes through the masks of
:mod:`apiclient._redact`.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import json
import os
import shlex
import stat
import sys
import time
import warnings
from collections.abc import Iterable
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import click
import requests
from urllib3.exceptions import InsecureRequestWarning

from apiclient._call import Attempt
from apiclient._client import resolve_endpoint
from apiclient._redact import REDACTED, redact_canonical_request, redact_headers, redact_text, redact_url
from apiclient.cli.app import CliContext, ExitCode, colour_enabled, json_text, mask_output, pass_cli_context
from apiclient.cli.items import Body, parse_header, parse_items, read_body
from apiclient.cli.options import (
    common_options,
    credential_options,
    credential_settings,
    provider,
    read_policy,
)
from apiclient.diagnostics import DiagnoseOptions
from apiclient.errors import AccessDenied
from apiclient.session import Client

__all__ = [
    "API_GATEWAY_METHODS",
    "curl_command",
    "invoke",
    "request_lines",
    "response_dict",
    "response_head",
    "response_lines",
    "split_arguments",
]

# The methods an API Gateway route or resource method can be (ANY is a route wildcard, never sent).
API_GATEWAY_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
# Methods whose body a pipe on stdin supplies when no other body is given (httpie's habit).
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# An HTTP method is a token (RFC 9110 sections 9.1 and 5.6.2).
_TOKEN_CHARS = frozenset("!#$%&'*+.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")
_PROTOCOLS = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2", 30: "HTTP/3"}
_DEFAULT_TIMEOUT = (5.0, 30.0)


# --- arguments --------------------------------------------------------------------------------------


def _is_token(text: str) -> bool:
    return bool(text) and all(c in _TOKEN_CHARS for c in text)


def _looks_like_url(text: str) -> bool:
    # A method is a token, which holds neither ':' nor '/'; every URL holds one of them.
    return ":" in text or "/" in text


def _checked_method(method: str, *, any_method: bool) -> str:
    if not _is_token(method):
        raise click.BadParameter(f"{method!r} is not an HTTP method (e.g. GET, POST)", param_hint="METHOD")
    upper = method.upper()
    if any_method or upper in API_GATEWAY_METHODS:
        return upper
    close = difflib.get_close_matches(upper, API_GATEWAY_METHODS, n=1, cutoff=0.5)
    guess = f"did you mean {close[0]}? " if close else ""
    raise click.BadParameter(
        f"{method!r} is not a method API Gateway serves ({', '.join(API_GATEWAY_METHODS)}); "
        f"{guess}--any-method sends it anyway",
        param_hint="METHOD",
    )


def split_arguments(
    arguments: tuple[str, ...], request_method: str | None, *, any_method: bool
) -> tuple[str | None, str, tuple[str, ...]]:
    """``[METHOD] URL [ITEM...]`` and ``-X`` -> (method or None when neither gives one, url, items).

    Raises:
        click.UsageError: no URL, two different methods, or a method API Gateway does not serve.
    """
    if not arguments:
        raise click.UsageError("missing URL: apiclient invoke [METHOD] URL [ITEM]...")
    positional: str | None = None
    if len(arguments) >= 2 and not _looks_like_url(arguments[0]):
        positional, arguments = arguments[0], arguments[1:]
    chosen = [_checked_method(m, any_method=any_method) for m in (positional, request_method) if m]
    if len(set(chosen)) > 1:
        raise click.UsageError(f"two methods given ({chosen[0]} and -X {chosen[1]}): give one")
    return (chosen[0] if chosen else None), arguments[0], arguments[1:]


def _stdin_is_data(stream: IO[bytes]) -> bool:
    """True for a pipe or a redirected file, never for a terminal or /dev/null."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return not stream.isatty()  # an in-memory stream (tests, embedding): read it
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def _body(data: str | None, data_binary: str | None, json_fields: dict[str, Any]) -> Body:
    if data is not None and data_binary is not None:
        raise click.UsageError("give the body once: -d/--data or --data-binary")
    # Both send a file's bytes exactly (curl's -d would drop its newlines; --data-binary keeps them).
    return read_body(data if data is not None else data_binary, json_fields, sys.stdin.buffer)


# --- how an exchange is shown (curl -v and -i, or JSON), secrets masked -------------------------------


def _protocol(response: requests.Response) -> str:
    version = getattr(response.raw, "version", None)
    return _PROTOCOLS.get(version, "HTTP/1.1") if isinstance(version, int) else "HTTP/1.1"


def request_lines(attempt: Attempt) -> list[str]:
    """One attempt as curl -v shows it, every secret masked, with its canonical request."""
    lines = [f"> {attempt.method} {redact_url(attempt.url)}"]
    lines.extend(f"> {name}: {value}" for name, value in redact_headers(attempt.headers).items())
    if attempt.signature is not None:
        lines.append("* canonical request (secrets masked):")
        masked = redact_text(redact_canonical_request(attempt.signature.canonical_request))
        lines.extend(f"*   {line}" for line in masked.splitlines())
        lines.append("* string to sign:")
        lines.extend(f"*   {line}" for line in attempt.signature.string_to_sign.splitlines())
    elif attempt.hops:
        lines.append("* sent without credentials (a redirect to another origin)")
    return lines


def response_head(response: requests.Response) -> list[str]:
    """The status line (with the protocol version, as curl -i) and the headers, secrets masked."""
    lines = [f"{_protocol(response)} {response.status_code} {response.reason or ''}".rstrip()]
    headers = redact_headers(response.headers)
    lines.extend(
        f"{name}: {redact_url(value) if name.lower() == 'location' else value}"
        for name, value in headers.items()
    )
    return lines


def response_lines(response: requests.Response) -> list[str]:
    """The response head as curl -v shows it on stderr (``< `` lines)."""
    return [f"< {line}" for line in response_head(response)]


def _body_data(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def response_dict(response: requests.Response, verbose: bool, secrets: Iterable[str] = ()) -> dict[str, Any]:
    """The exchange as JSON: status, headers, body (parsed when JSON), and with ``verbose`` the request.

    A body quoting the canonical request (a signature mismatch) has its secrets masked too.
    """
    data: dict[str, Any] = {
        "status": response.status_code,
        "protocol": _protocol(response),
        "headers": redact_headers(response.headers),
        "body": _body_data(response),
    }
    if verbose and response.request is not None:
        data["request"] = {
            "method": response.request.method,
            "url": redact_url(response.request.url or ""),
            "headers": redact_headers(response.request.headers),
        }
    masked: dict[str, Any] = mask_output(data, secrets)
    return masked


def curl_command(
    attempt: Attempt,
    *,
    show_secrets: bool,
    connect_to: str | None = None,
    verify: bool | str | None = None,
    max_time: float | None = None,
) -> str:
    """A curl command that sends the signed ``attempt`` as is (secrets masked unless ``show_secrets``)."""
    url = attempt.url if show_secrets else redact_url(attempt.url)
    headers = dict(attempt.headers) if show_secrets else redact_headers(attempt.headers)
    words = ["curl", "-X", attempt.method, url]
    for name, value in headers.items():
        if name.lower() in ("content-length", "connection"):
            continue  # curl sends both itself, with the same values
        words += ["-H", f"{name}: {value}"]
    if "gzip" in headers.get("Accept-Encoding", headers.get("accept-encoding", "")):
        words.append("--compressed")
    body = attempt.body
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, bytes) and body:
        try:
            words += ["--data-binary", body.decode("utf-8")]
        except UnicodeDecodeError:
            words += ["--data-binary", "@BODY_FILE"]
    if connect_to is not None:
        host, _, port = connect_to.rpartition(":")
        real = urlsplit(attempt.url)
        real_port = real.port or (443 if real.scheme == "https" else 80)
        words += ["--connect-to", f"{real.hostname}:{real_port}:{host}:{port}"]
    if verify is False:
        words.append("-k")
    elif isinstance(verify, str):
        words += ["--cacert", verify]
    if max_time is not None:
        words += ["--max-time", f"{max_time:g}"]
    command = " ".join(shlex.quote(word) for word in words)
    if not show_secrets and REDACTED in command:
        command += f"\n# {REDACTED} marks a masked secret: add --show-secrets for a command that runs as is"
    if isinstance(body, bytes) and body and "@BODY_FILE" in words:
        command += "\n# the body is binary: save it as BODY_FILE"
    return command


# --- output -----------------------------------------------------------------------------------------


def _pretty_json(content: bytes, colour: bool) -> str | None:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if not colour:
        return text
    # httpie's palette in spirit: keys blue, strings green, numbers and literals yellow.
    out = []
    for line in text.splitlines():
        key, sep, rest = line.partition('": ')
        if sep and key.lstrip().startswith('"'):
            out.append(click.style(key + '"', fg="blue", bold=True) + ": " + _colour_value(rest))
        else:
            out.append(_colour_value(line))
    return "\n".join(out)


def _colour_value(text: str) -> str:
    stripped = text.strip().rstrip(",")
    if stripped.startswith('"'):
        return text.replace(stripped, click.style(stripped, fg="green"), 1)
    if stripped and stripped not in "{}[]" and stripped[-1] not in "{[":
        return text.replace(stripped, click.style(stripped, fg="yellow"), 1)
    return text


def _head_text(response: requests.Response, colour: bool) -> str:
    lines = response_head(response)
    if colour:
        status_colour = (
            "green" if response.status_code < 300 else "yellow" if response.status_code < 400 else "red"
        )
        lines[0] = click.style(lines[0], fg=status_colour, bold=True)
        lines[1:] = [
            click.style(name, fg="cyan") + ":" + value
            for name, _, value in (ln.partition(":") for ln in lines[1:])
        ]
    return "\n".join(lines) + "\n\n"


def _without_secrets(content: bytes, secrets: Iterable[str]) -> bytes:
    # Byte for byte unless the API echoes a secret this call sent (a token in the URL's query, say).
    for secret in secrets:
        content = content.replace(secret.encode(), REDACTED.encode())
    return content


def _write_text(
    response: requests.Response, *, include: bool, to_stdout: bool, secrets: Iterable[str]
) -> None:
    stdout = sys.stdout  # not click.get_text_stream: deprecated in click 8.5 (CliRunner swaps sys.stdout)
    terminal = bool(stdout.isatty())
    colour = colour_enabled(stdout)
    if include:
        click.echo(_head_text(response, colour), nl=False, color=colour)
    if not (to_stdout and response.content):
        return
    content = _without_secrets(response.content, secrets)
    pretty = _pretty_json(content, colour) if terminal else None
    if pretty is not None:
        click.echo(pretty, color=colour)
        return
    # Byte for byte, as curl writes it: no newline added, binary untouched.
    stdout.flush()
    binary = sys.stdout.buffer
    binary.write(content)
    binary.flush()


def _show_refusal(
    state: CliContext, denied: AccessDenied, *, include: bool, verbose: bool, secrets: Iterable[str]
) -> None:
    response = denied.response
    if state.json:
        data: dict[str, Any] = {"status": denied.status_code}
        if response is not None:
            data = response_dict(response, verbose, secrets)
        data["diagnosis"] = mask_output(denied.diagnosis.to_dict(), secrets)
        click.echo(json_text(data))
        return
    if include and response is not None:
        click.echo(_head_text(response, False), nl=False)
    click.echo(redact_text(denied.diagnosis.to_text(), secrets))
    decision = getattr(denied.diagnosis, "decision", None)
    if decision is None and state.policies_given:
        click.echo(
            "apiclient: warning: the policies given were not evaluated (see the evidence above for the "
            "missing fact; --api-owner-account names the API's account)",
            err=True,
        )


# --- the command ----------------------------------------------------------------------------------


def _merge_headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Repeated names joined with ``, `` (RFC 9110 section 5.3), the first spelling kept."""
    merged: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for name, value in pairs:
        key = spelling.setdefault(name.lower(), name)
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


class _Stop(Exception):
    """Raised by the attempt hook to send nothing (``--dry-run``, ``--print-curl``)."""

    def __init__(self, attempt: Attempt) -> None:
        super().__init__("not sent")
        self.attempt = attempt


class _Attempts:
    """The Client's ``on_attempt`` hook: shows each attempt (-v), stops before sending, keeps a deadline."""

    def __init__(self, *, verbose: bool, stop: bool, deadline: float | None, max_time: float | None) -> None:
        self.verbose = verbose
        self.stop = stop
        self.deadline = deadline
        self.max_time = max_time
        self.sent: list[Attempt] = []

    def __call__(self, attempt: Attempt) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise requests.Timeout(f"--max-time {self.max_time:g} s reached before attempt {attempt.number}")
        self.sent.append(attempt)
        if self.stop:
            raise _Stop(attempt)
        if self.verbose:
            click.echo("\n".join(request_lines(attempt)), err=True)

    def secrets(self) -> list[str]:
        """The secret values that went on the wire (a server may quote them back)."""
        found: list[str] = []
        for attempt in self.sent:
            for name, value in attempt.headers.items():
                if name.lower() in ("x-amz-security-token", "x-api-key", "cookie", "authorization"):
                    found.append(
                        value.rpartition("Signature=")[2] if name.lower() == "authorization" else value
                    )
            query = urlsplit(attempt.url).query
            for piece in query.split("&"):
                key, _, value = piece.partition("=")
                if key.lower() in ("x-amz-security-token", "x-amz-signature") and value:
                    found.append(value)
                    found.append(unquote(value))
        return [s for s in found if len(s) >= 8]


def _timeout(connect_timeout: float | None, max_time: float | None) -> tuple[float, float]:
    connect, read = _DEFAULT_TIMEOUT
    if connect_timeout is not None:
        connect = connect_timeout
    if max_time is not None:
        connect, read = min(connect, max_time), max_time
    return connect, read


def _verify(ca_bundle: str | None, insecure: bool) -> bool | str | None:
    if insecure:
        # -k beats $AWS_CA_BUNDLE, as curl's -k beats $CURL_CA_BUNDLE; both on the command line clash.
        source = click.get_current_context().get_parameter_source("ca_bundle")
        if ca_bundle is not None and source == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("give either -k/--insecure or --ca-bundle, not both")
        click.echo(
            "apiclient: warning: -k/--insecure: the server's TLS certificate is not checked; "
            "anyone on the path can read and change this call",
            err=True,
        )
        return False
    return ca_bundle


@click.command()
@click.argument("arguments", nargs=-1, metavar="[METHOD] URL [ITEM]...")
@click.option("-X", "--request", "request_method", metavar="METHOD", help="HTTP method (curl's -X).")
@click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Add a header.")
@click.option("-d", "--data", help="Request body: text, @FILE (its bytes exactly), or @- for stdin.")
@click.option("--data-binary", metavar="DATA", help="Request body sent exactly: text, @FILE or @- (curl's).")
@click.option("--ignore-stdin", is_flag=True, help="Never read a body from a pipe on stdin.")
@click.option("-i", "--include", is_flag=True, help="Print the status line and response headers.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Print the signed request and the response headers to stderr, masked.",
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the response body to FILE.")
@click.option(
    "-L", "--location", "follow", is_flag=True, help="Follow redirects (re-signed on the same origin)."
)
@click.option("--fail", is_flag=True, help="Exit 22 on an HTTP status >= 400 (401/403 still exit 3).")
@click.option(
    "--max-time",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="At most SECONDS for the call: connecting, each wait for data, and retries (curl's --max-time).",
)
@click.option(
    "--connect-timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds to connect (default 5)."
)
@click.option(
    "--ca-bundle",
    "--cacert",
    "ca_bundle",
    type=click.Path(exists=True, dir_okay=False),
    envvar="AWS_CA_BUNDLE",
    help="CA certificates (PEM) to verify the server with ($AWS_CA_BUNDLE).",
)
@click.option("-k", "--insecure", is_flag=True, help="Do not verify the TLS certificate (prints a warning).")
@click.option("--dry-run", is_flag=True, help="Print the signed request (secrets masked); send nothing.")
@click.option(
    "--print-curl", is_flag=True, help="Print a curl command sending the same signed request; send nothing."
)
@click.option(
    "--show-secrets",
    is_flag=True,
    help="With --print-curl or --dry-run: show the signature, token and API key unmasked, so the "
    "command runs as printed (for about 5 minutes); on stdout only, never logged.",
)
@click.option("--any-method", is_flag=True, help="Send a METHOD that API Gateway does not serve.")
@credential_options
@click.option("--service", help="Signing name (default: from the URL, execute-api).")
@click.option("--api-key", envvar="APICLIENT_API_KEY", help="Send x-api-key (usage plans).")
@click.option("--connect-to", metavar="HOST:PORT", help="Connect there while signing for the URL's host.")
@click.option("--allow-http", is_flag=True, help="Allow plain http to a host that is not loopback.")
@click.option(
    "--stage",
    metavar="STAGE",
    help="'$default' when the URL has no stage segment (an HTTP API's default stage).",
)
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
    help="The caller's identity policy (JSON; repeatable), evaluated with or without --policy.",
)
@click.option(
    "--api-owner-account",
    metavar="ACCOUNT",
    help="The API owner's account (default: read from the policies' Resource ARNs, else the caller's).",
)
@click.option("--source-ip", help="The caller's public IP, for aws:SourceIp conditions in the evaluation.")
@common_options
@pass_cli_context
def invoke(
    state: CliContext,
    /,
    *,
    arguments: tuple[str, ...],
    request_method: str | None,
    headers: tuple[str, ...],
    data: str | None,
    data_binary: str | None,
    ignore_stdin: bool,
    include: bool,
    verbose: bool,
    output_file: str | None,
    follow: bool,
    fail: bool,
    max_time: float | None,
    connect_timeout: float | None,
    ca_bundle: str | None,
    insecure: bool,
    dry_run: bool,
    print_curl: bool,
    show_secrets: bool,
    any_method: bool,
    service: str | None,
    api_key: str | None,
    connect_to: str | None,
    allow_http: bool,
    stage: str | None,
    policy_file: str | None,
    identity_policy_files: tuple[str, ...],
    api_owner_account: str | None,
    source_ip: str | None,
    **credential_values: Any,
) -> None:
    """Call [METHOD] URL signed with SigV4 (METHOD or -X; default GET, or POST with a body).

    ITEMs as in httpie: Name:value (header), key==value (query), key=value (JSON string field),
    key:=json (raw JSON field). A pipe on stdin is the body of a POST, PUT or PATCH that has no
    other. With --policy and/or --identity-policy a refusal is also evaluated by the policy
    engine; the caller's public IP is unknown unless --source-ip gives it. The region is
    --region, else the URL's, else $AWS_REGION, $AWS_DEFAULT_REGION, the profile's.

    \b
    Examples:
      apiclient invoke GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/products
      apiclient invoke POST $URL/products name=pen price:=3 --role-arn $ROLE --external-id $ID
      echo '{"name": "pen"}' | apiclient invoke PUT $URL/products/7
      apiclient invoke -X DELETE $URL/products/7 --print-curl
    """
    given_method, url, items = split_arguments(arguments, request_method, any_method=any_method)
    settings = credential_settings(state, credential_values)
    # Reported before credentials; the region as the AWS CLI v2 orders it (the URL's before the environment).
    endpoint = resolve_endpoint(url, region=settings.region, service=service, stage=stage, credentials=None)
    if settings.region is None:
        settings = dataclasses.replace(settings, region=endpoint.region)  # STS in the API's region
    parsed = parse_items(items)
    header_pairs = [parse_header(h) for h in headers] + parsed.headers
    body = _body(data, data_binary, parsed.json_fields)
    # No method given: GET, or POST with a body (curl's and httpie's choice).
    method = given_method or ("POST" if body.data is not None else "GET")
    if (
        body.data is None
        and method in _BODY_METHODS
        and not ignore_stdin
        and _stdin_is_data(sys.stdin.buffer)
    ):
        piped = sys.stdin.buffer.read()
        if piped:
            body = read_body("@-", {}, io.BytesIO(piped))
    if body.content_type and not any(name.lower() == "content-type" for name, _ in header_pairs):
        header_pairs.append(("Content-Type", body.content_type))
    resource_policy = read_policy(policy_file) if policy_file else None
    identity_policies = [read_policy(path) for path in identity_policy_files]
    state.policies_given = bool(resource_policy or identity_policies)
    verify = _verify(ca_bundle, insecure)
    attempts = _Attempts(
        verbose=verbose,
        stop=dry_run or print_curl,
        deadline=time.monotonic() + max_time if max_time is not None else None,
        max_time=max_time,
    )
    client = Client(
        url,
        credentials=provider(settings),
        region=endpoint.region,
        service=service,
        stage=stage,
        api_key=api_key,
        connect_to=connect_to,
        allow_http=allow_http,
        timeout=_timeout(connect_timeout, max_time),
        verify=verify,
        on_attempt=attempts,
        diagnose_options=DiagnoseOptions(
            resource_policy=resource_policy,
            identity_policies=identity_policies,
            api_owner_account=api_owner_account,
            source_ip=source_ip,
            # STS is asked who signed only where it can be: AWS's own for an AWS host reached
            # directly, else only the --sts-endpoint-url the user named (a local gateway, say).
            identify=settings.sts_endpoint_url is not None
            or (connect_to is None and endpoint.kind not in ("local", "custom-domain")),
            sts_endpoint_url=settings.sts_endpoint_url,
        ),
    )
    with client, warnings.catch_warnings():
        if insecure:
            # The one warning above replaces urllib3's, which would repeat on every attempt.
            warnings.simplefilter("ignore", category=InsecureRequestWarning)
        try:
            response = client.request(
                method,
                url,
                params=parsed.query,
                headers=_merge_headers(header_pairs),
                data=body.data,
                allow_redirects=follow,
            )
        except _Stop as stop:
            _show_unsent(stop.attempt, print_curl=print_curl, show_secrets=show_secrets,
                         connect_to=connect_to, verify=verify, max_time=max_time)  # fmt: skip
            return
        except AccessDenied as denied:
            if verbose and denied.response is not None:
                click.echo("\n".join(response_lines(denied.response)), err=True)
            _show_refusal(state, denied, include=include, verbose=verbose, secrets=attempts.secrets())
            raise click.exceptions.Exit(ExitCode.ACCESS_DENIED) from None
    _show_response(state, response, attempts, include=include, verbose=verbose, output_file=output_file)
    if fail and response.status_code >= 400:
        raise click.exceptions.Exit(ExitCode.HTTP_ERROR)


def _show_response(
    state: CliContext,
    response: requests.Response,
    attempts: _Attempts,
    *,
    include: bool,
    verbose: bool,
    output_file: str | None,
) -> None:
    if verbose:
        click.echo("\n".join(response_lines(response)), err=True)
    if response.is_redirect and "Location" in response.headers:
        location = redact_url(response.headers["Location"])
        click.echo(
            f"apiclient: note: the {response.status_code} redirect to {location} was not followed "
            "(add -L to follow it)",
            err=True,
        )
    if output_file is not None:
        with open(output_file, "wb") as handle:
            handle.write(response.content)
    if state.json:
        click.echo(json_text(response_dict(response, verbose, attempts.secrets())))
    else:
        _write_text(response, include=include, to_stdout=output_file is None, secrets=attempts.secrets())


def _show_unsent(
    attempt: Attempt,
    *,
    print_curl: bool,
    show_secrets: bool,
    connect_to: str | None,
    verify: bool | str | None,
    max_time: float | None,
) -> None:
    if print_curl:
        click.echo(
            curl_command(
                attempt, show_secrets=show_secrets, connect_to=connect_to, verify=verify, max_time=max_time
            )
        )
        return
    if show_secrets:
        lines = [f"{attempt.method} {attempt.url}", *(f"{k}: {v}" for k, v in attempt.headers.items())]
    else:
        lines = [line.removeprefix("> ") for line in request_lines(attempt) if line.startswith("> ")]
    body = attempt.body.encode() if isinstance(attempt.body, str) else attempt.body
    if isinstance(body, bytes) and body:
        try:
            shown = body.decode("utf-8")
        except UnicodeDecodeError:
            shown = f"({len(body)} bytes of binary data)"
        lines += ["", shown if show_secrets else redact_text(shown)]
    click.echo("\n".join(lines))
    click.echo("apiclient: dry run: nothing was sent", err=True)
