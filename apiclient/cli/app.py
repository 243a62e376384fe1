"""The root ``apiclient`` group: its context object, exit codes, error reporting and output rendering.

Each command is a module of :mod:`apiclient.cli.commands`, loaded when it runs. Shell completion
comes from click: ``eval "$(_APICLIENT_COMPLETE=bash_source apiclient)"`` (or ``zsh_source`` /
``fish_source``), as the ``--help`` epilog says.

Exit codes:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     success (for ``explain``: the request would be allowed)
1     error: network failure, unexpected server answer, redirect refused, a file that cannot be read/written
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
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from apiclient import __version__
from apiclient._redact import redact_url
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
    "emit",
    "enable_debug_logging",
    "exit_code_for",
    "json_text",
    "main",
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
  1   error (network, server, files)
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


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code that ``error`` ends the command with."""
    if isinstance(error, AccessDenied):
        return ExitCode.ACCESS_DENIED
    if isinstance(error, CredentialsError):
        return ExitCode.CREDENTIALS
    if isinstance(error, (PolicyError, ConfigError)):
        return ExitCode.INVALID_DOCUMENT
    if isinstance(error, (EndpointError, SigningError)):
        return ExitCode.USAGE
    return ExitCode.ERROR


def one_line(error: BaseException) -> str:
    """A single line that names the problem, without a traceback."""
    # Imported on the error path only: shell completion and --version need not load requests.
    import requests  # noqa: PLC0415

    if isinstance(error, requests.ConnectionError):
        target = error.request.url if error.request is not None else "the server"
        message = f"cannot connect to {target}"
    elif isinstance(error, requests.Timeout):
        message = "the request timed out"
    elif isinstance(error, OSError) and error.filename is not None:
        message = f"{error.filename}: {error.strerror or error}"
    elif isinstance(error, ApiClientError):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    return " ".join(message.split())


# --- the context object and rendering ------------------------------------------------------------------


@dataclass
class CliContext:
    """State shared by the root group and the command that runs under it."""

    output: str = "text"
    debug: bool = False
    region: str | None = None
    profile: str | None = None

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


def emit(state: CliContext, data: Any, text: str) -> None:
    """Print ``data`` as JSON or ``text`` as it is, according to ``--output``."""
    click.echo(json_text(data) if state.json else text.rstrip("\n"))


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


def enable_debug_logging(ctx: click.Context) -> None:
    """Send the apiclient loggers' DEBUG records (redacted at the source) to stderr for this run."""
    ctx.ensure_object(CliContext).debug = True
    logger = logging.getLogger("apiclient")
    if any(isinstance(h, _DebugHandler) for h in logger.handlers):
        return
    # The stream is looked up now, not at import, so that CliRunner's captured stderr receives it.
    handler = _DebugHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
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
        click.echo(traceback.format_exc(), err=True, nl=False)
    line = redact_url(one_line(error))
    click.echo(f"apiclient: error: {line}", err=True)
    if state.json:
        report = {"error": {"type": type(error).__name__, "message": line, "exit_code": exit_code_for(error)}}
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
    envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],
    help="AWS region (default: $AWS_REGION, then $AWS_DEFAULT_REGION, then the URL's).",
)
@click.option("--profile", envvar="AWS_PROFILE", help="Named profile from ~/.aws (default: $AWS_PROFILE).")
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
