"""The root ``apiclient`` group: its context object, exit codes, error reporting and output rendering.

Each command is a module of :mod:`apiclient.cli.commands`, loaded when it runs. Shell completion
comes from click: ``eval "$(_APICLIENT_COMPLETE=bash_source apiclient)"`` (or ``zsh_source`` /
``fish_source``), as the ``--help`` epilog says.

Exit codes:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     success (for ``explain``: the request would be allowed)
1     error: network failure (STS and TLS included), unexpected answer, redirect refused, unreadable file
2     usage: a bad option, argument, request item or URL
3     access denied: a 401/403 (``invoke``) or a deny decision (``explain``)
4     credentials: none found, incomplete, or refused by STS
5     ``check``: at least one expectation of the access matrix failed
6     invalid document: a malformed policy, gateway configuration or access matrix
22    ``invoke --fail``: HTTP status >= 400 (curl's code for the same option)
====  ==========================================================================

Every error ends the command with one line on stderr (``apiclient: error: ...``), and with
``--output json`` also a JSON object on stdout; the traceback appears only with ``--debug``.
"""

from __future__ import annotations

import datetime as _dt
import enum
import importlib
import json
import logging
import os
import pkgutil
import re
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from apiclient import __version__
from apiclient._redact import redact_text, redact_url
from apiclient.errors import (
    AccessDenied,
    ApiClientError,
    ConfigError,
    CredentialsError,
    EndpointError,
    PolicyError,
    SigningError,
)

__all__ = [
    "COMMANDS",
    "EXIT_CODES_EPILOG",
    "OUTPUT_CHOICE",
    "ApiClientGroup",
    "CliContext",
    "ExitCode",
    "cli",
    "colour_enabled",
    "complete_profiles",
    "emit",
    "enable_debug_logging",
    "exit_code_for",
    "hint_for",
    "json_text",
    "main",
    "mask_output",
    "one_line",
    "pass_cli_context",
    "table",
]

# Each command is the function of the same name in apiclient.cli.commands.<name>; a module added
# there is a command, found without importing it (shell completion stays cheap).
_COMMANDS_DIR = str(Path(__file__).with_name("commands"))
COMMANDS = tuple(sorted(module.name for module in pkgutil.iter_modules([_COMMANDS_DIR])))

OUTPUT_CHOICE = click.Choice(["text", "json"], case_sensitive=False)


# --- exit codes ------------------------------------------------------------------------------------


class ExitCode(enum.IntEnum):
    """The documented exit codes (see the module docstring)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    ACCESS_DENIED = 3
    CREDENTIALS = 4
    EXPECTATION_FAILED = 5
    INVALID_DOCUMENT = 6
    HTTP_ERROR = 22


# Shown by ``apiclient --help``; \b keeps click from rewrapping the lines.
EXIT_CODES_EPILOG = """\b
Exit codes:
  0   success (explain: allowed)
  1   error (network incl. STS and TLS, server, files)
  2   usage (bad option, item or URL)
  3   access denied (401/403; explain: denied)
  4   credentials missing or refused
  5   check: an expectation failed
  6   invalid policy, config or matrix
  22  invoke --fail: HTTP status >= 400

\b
Shell completion (bash, zsh, fish):
  eval "$(_APICLIENT_COMPLETE=bash_source apiclient)"
"""


def _network_failure(error: BaseException) -> bool:
    """True when ``error`` was caused by a connection that failed (not by what a server answered)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names = {cls.__name__ for cls in type(current).__mro__}
        # botocore's and requests' connection failures, and the OS's own.
        if names & {"HTTPClientError", "EndpointConnectionError", "ConnectTimeoutError", "ConnectionError"}:
            return True
        current = current.__cause__ or current.__context__
    return False


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code that ``error`` ends the command with."""
    if isinstance(error, AccessDenied):
        return ExitCode.ACCESS_DENIED
    if isinstance(error, CredentialsError):
        # STS or IMDS out of reach is a network error (1), as any other connection that fails.
        return ExitCode.ERROR if _network_failure(error) else ExitCode.CREDENTIALS
    if isinstance(error, (PolicyError, ConfigError)):
        return ExitCode.INVALID_DOCUMENT
    if isinstance(error, (EndpointError, SigningError)):
        return ExitCode.USAGE
    return ExitCode.ERROR


def one_line(error: BaseException) -> str:
    """A single line that names the problem, without a traceback."""
    # Imported on the error path only: shell completion and --version need not load requests.
    import requests  # noqa: PLC0415

    if isinstance(error, requests.exceptions.SSLError):
        target = error.request.url if error.request is not None else "the server"
        message = f"TLS error talking to {target}: {_ssl_reason(error)}"
    elif isinstance(error, requests.Timeout):
        # Before ConnectionError: a connect timeout is both.
        message = (
            f"the request timed out ({error})" if "--max-time" in str(error) else "the request timed out"
        )
    elif isinstance(error, requests.ConnectionError):
        target = error.request.url if error.request is not None else "the server"
        message = f"cannot connect to {target}"
    elif isinstance(error, OSError) and error.filename is not None:
        message = f"{error.filename}: {error.strerror or error}"
    elif isinstance(error, ApiClientError):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    return " ".join(message.split())


def _ssl_reason(error: BaseException) -> str:
    """The ssl module's own reason (``certificate verify failed: self-signed certificate``)."""
    import ssl  # noqa: PLC0415

    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            detail = getattr(current, "verify_message", None)
            shown = f"certificate verify failed: {detail}" if detail else (current.strerror or str(current))
            return re.sub(r"\s*\(_ssl\.c:\d+\)|^\[SSL: [A-Z_]+\]\s*", "", shown)
        pending += [getattr(current, "reason", None), *current.args, current.__cause__, current.__context__]
    return str(error)


_ASSUME_ROLE_REFUSED = re.compile(r"AccessDenied.*sts:AssumeRole", re.DOTALL)
# botocore's SSO failures: "Error loading SSO Token", UnauthorizedSSOTokenError, an expired SSO session.
_SSO = re.compile(r"SSO[ _-]?Token|SSO session|sso_session", re.IGNORECASE)
_PROFILE_IN_MESSAGE = re.compile(r"profile '([^']+)'")


def hint_for(error: BaseException, state: CliContext) -> str | None:
    """What the user can most likely do about ``error``, when the message alone does not say."""
    message = str(error)
    if isinstance(error, CredentialsError):
        if _ASSUME_ROLE_REFUSED.search(message):
            if state.external_id_given:
                return (
                    "STS refused the role: check --external-id, the value the role's trust policy "
                    "requires (condition sts:ExternalId), and that this principal is trusted"
                )
            return (
                "STS refused the role: if its trust policy requires an external ID "
                "(condition sts:ExternalId), pass --external-id; else check the trusted principals"
            )
        if _SSO.search(message):
            named = _PROFILE_IN_MESSAGE.search(message)
            profile = named.group(1) if named else state.profile
            return (
                f"run `aws sso login --profile {profile}` and try again" if profile else "run `aws sso login`"
            )
    import requests  # noqa: PLC0415

    if isinstance(error, requests.exceptions.SSLError):
        return "for a private CA pass --ca-bundle FILE (or set AWS_CA_BUNDLE); -k skips the check"
    return None


# --- the context object and rendering ------------------------------------------------------------------


@dataclass
class CliContext:
    """State shared by the root group and the command that runs under it."""

    output: str = "text"
    debug: bool = False
    region: str | None = None
    profile: str | None = None
    # Set by the credentials options: what a refused AssumeRole's hint depends on.
    external_id_given: bool = False
    # Set by invoke: a refusal that could not be evaluated against them gets a warning.
    policies_given: bool = False

    @property
    def json(self) -> bool:
        """True when the output is JSON."""
        return self.output == "json"


pass_cli_context = click.make_pass_decorator(CliContext, ensure=True)


def _default(value: Any) -> Any:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return str(value)


def json_text(data: Any) -> str:
    """``data`` as indented JSON; datetimes as ISO 8601, objects through their ``to_dict()``."""
    return json.dumps(data, indent=2, default=_default)


def colour_enabled(stream: Any) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set (https://no-color.org) or ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(callable(isatty) and isatty())


def _profiles_in(path: str) -> list[str]:
    import configparser  # noqa: PLC0415 - only when a shell asks for completions

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return []
    return [section.removeprefix("profile ").strip() for section in parser.sections()]


def complete_profiles(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Profile names from the AWS config and shared credentials files, for shell completion."""
    home = os.path.expanduser("~")
    config = os.environ.get("AWS_CONFIG_FILE") or os.path.join(home, ".aws", "config")
    shared = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join(home, ".aws", "credentials")
    names = sorted({*_profiles_in(config), *_profiles_in(shared)})
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def mask_output(value: Any, secrets: Iterable[str] = ()) -> Any:
    """``value`` (JSON data) with every string masked (``redact_text``) and the known secrets removed."""
    known = tuple(s for s in secrets if s)
    if isinstance(value, str):
        return redact_text(value, known)
    if isinstance(value, dict):
        return {mask_output(k, known): mask_output(v, known) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_output(v, known) for v in value]
    return value


def emit(state: CliContext, data: Any, text: str) -> None:
    """Print ``data`` as JSON or ``text`` as it is, according to ``--output``; secrets masked either way."""
    click.echo(json_text(mask_output(data)) if state.json else redact_text(text.rstrip("\n")))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain, left-aligned text table with a rule under the header."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


# --- --debug ---------------------------------------------------------------------------------------


class _DebugHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``--debug`` adds for one run (told apart from the application's own)."""


class _MaskingFormatter(logging.Formatter):
    """Masks what the loggers' own redaction may have missed (a token quoted in a server's answer)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def enable_debug_logging(ctx: click.Context) -> None:
    """Send the apiclient loggers' DEBUG records (redacted at the source) to stderr for this run."""
    ctx.ensure_object(CliContext).debug = True
    logger = logging.getLogger("apiclient")
    if any(isinstance(h, _DebugHandler) for h in logger.handlers):
        return
    # The stream is looked up now, not at import, so that CliRunner's captured stderr receives it.
    handler = _DebugHandler(sys.stderr)
    handler.setFormatter(_MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)

    ctx.find_root().call_on_close(restore)


# --- the root group --------------------------------------------------------------------------------


class ApiClientGroup(click.Group):
    """A group that loads each command's module on first use, and turns errors into one line.

    Lazy loading (click's documented pattern) keeps shell completion and ``--version`` from
    importing the policy engine, requests or the gateway.
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        command = getattr(importlib.import_module(self.lazy_commands[cmd_name]), cmd_name)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[cmd_name]}.{cmd_name} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        # requests' exceptions derive from OSError, so this also catches network failures.
        except (ApiClientError, OSError) as error:
            _report(ctx, error)
            raise click.exceptions.Exit(exit_code_for(error)) from None


def _report(ctx: click.Context, error: BaseException) -> None:
    state = ctx.ensure_object(CliContext)
    if state.debug:
        click.echo(redact_text(traceback.format_exc()), err=True, nl=False)
    line = redact_text(redact_url(one_line(error)))
    hint = hint_for(error, state)
    shown = f"{line} (hint: {hint})" if hint else line
    click.echo(f"apiclient: error: {shown}", err=True)
    if state.json:
        report: dict[str, Any] = {
            "error": {"type": type(error).__name__, "message": line, "exit_code": exit_code_for(error)}
        }
        if hint:
            report["error"]["hint"] = hint
        click.echo(json.dumps(report))


@click.group(
    name="apiclient",
    cls=ApiClientGroup,
    epilog=EXIT_CODES_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
    lazy_commands={name: f"apiclient.cli.commands.{name}" for name in COMMANDS},
)
@click.option(
    "--output",
    type=OUTPUT_CHOICE,
    default="text",
    envvar="APICLIENT_OUTPUT",
    show_default=True,
    help="Output format for every command.",
)
@click.option("--debug", is_flag=True, help="Log signing details (redacted) to stderr; show tracebacks.")
@click.option(
    "--region",
    help="AWS region (default: the URL's, then $AWS_REGION, $AWS_DEFAULT_REGION, the profile's).",
)
@click.option(
    "--profile",
    envvar="AWS_PROFILE",
    shell_complete=complete_profiles,
    help="Named profile from ~/.aws (default: $AWS_PROFILE).",
)
@click.version_option(__version__, "--version", prog_name="apiclient")
@click.pass_context
def cli(ctx: click.Context, output: str, debug: bool, region: str | None, profile: str | None) -> None:
    """Call IAM-protected API Gateway endpoints, and explain every refusal."""
    state = ctx.ensure_object(CliContext)
    state.output = output.lower()
    state.region = region
    state.profile = profile
    if debug:
        enable_debug_logging(ctx)


def main() -> None:
    """Entry point of the ``apiclient`` console script."""
    cli.main(prog_name="apiclient")
