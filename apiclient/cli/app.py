"""The root ``apiclient`` group, its context object, and the options every command shares.

Shell completion comes from click: ``eval "$(_APICLIENT_COMPLETE=bash_source apiclient)"`` (or
``zsh_source`` / ``fish_source``), as the ``--help`` epilog says.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from apiclient import __version__
from apiclient._redact import redact_url
from apiclient.cli.errors import EXIT_CODES_EPILOG, exit_code_for, one_line
from apiclient.errors import ApiClientError

__all__ = ["COMMANDS", "ApiClientGroup", "CliContext", "cli", "common_options", "pass_cli_context"]

# Each command lives in the module of the same name in this package.
COMMANDS = ("invoke", "whoami", "explain", "check", "serve", "demo")

F = TypeVar("F", bound=Callable[..., Any])

OUTPUT_CHOICE = click.Choice(["text", "json"], case_sensitive=False)


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


class _DebugHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``--debug`` adds for one run (told apart from the application's own)."""


def _enable_debug_logging(ctx: click.Context) -> None:
    """Send the apiclient loggers' DEBUG records (redacted at the source) to stderr for this run."""
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


def _set_output(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(CliContext).output = value.lower()


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(CliContext).debug = True
        _enable_debug_logging(ctx)


def common_options(command: F) -> F:
    """``--output`` and ``--debug`` on a command, overriding the root's values when given."""
    command = click.option(
        "--output",
        type=OUTPUT_CHOICE,
        default=None,
        expose_value=False,
        callback=_set_output,
        help="Output format (overrides the root --output).",
    )(command)
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_set_debug,
        help="Log the canonical request and string to sign (redacted) to stderr; show tracebacks.",
    )(command)


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
    lazy_commands={name: f"apiclient.cli.{name}" for name in COMMANDS},
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
        state.debug = True
        _enable_debug_logging(ctx)


def main() -> None:
    """Entry point of the ``apiclient`` console script."""
    cli.main(prog_name="apiclient")
