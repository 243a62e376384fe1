"""Options more than one command takes: ``--output``/``--debug`` on every command, and the credentials
options of ``invoke`` and ``whoami`` (with environment-variable fallbacks, as the AWS CLI has them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from apiclient._documents import read_policy_file
from apiclient.cli.app import OUTPUT_CHOICE, CliContext, complete_profiles, enable_debug_logging
from apiclient.credentials.base import CredentialProvider
from apiclient.credentials.settings import CredentialSettings, build_provider, check_sts_settings

__all__ = [
    "common_options",
    "credential_options",
    "credential_settings",
    "prompt_for_mfa_code",
    "provider",
    "read_policy",
]

F = TypeVar("F", bound=Callable[..., Any])

# The keyword arguments credential_options adds to a command.
_CREDENTIAL_KEYS = (
    "profile",
    "role_arn",
    "external_id",
    "session_name",
    "mfa_serial",
    "duration",
    "sts_endpoint_url",
    "region",
)


def _set_output(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(CliContext).output = value.lower()


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        enable_debug_logging(ctx)


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


def credential_options(command: F) -> F:
    """Add the credentials options to a command (they arrive as keyword arguments)."""
    options = [
        click.option(
            "--profile",
            shell_complete=complete_profiles,
            help="Named profile (overrides the root --profile and $AWS_PROFILE).",
        ),
        click.option("--role-arn", help="Assume this role first (STS AssumeRole)."),
        click.option("--external-id", help="External ID the role's trust policy requires."),
        click.option("--session-name", help="Role session name (default: apiclient-<user>-<time>)."),
        click.option("--mfa-serial", help="MFA device ARN; the code is asked for on the terminal."),
        click.option(
            "--duration", type=click.IntRange(900, 43200), help="Role session length in seconds (900-43200)."
        ),
        click.option(
            "--sts-endpoint-url",
            envvar="AWS_ENDPOINT_URL_STS",
            help="STS endpoint (default: the regional one; $AWS_ENDPOINT_URL_STS).",
        ),
        click.option(
            "--region",
            help="AWS region (overrides the root --region, the URL's, $AWS_REGION and $AWS_DEFAULT_REGION).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def credential_settings(state: CliContext, values: dict[str, Any]) -> CredentialSettings:
    """The credentials options of one command, taken out of ``values``; ``--profile`` and
    ``--region`` fall back to the root's."""
    given = {key: values.pop(key) for key in _CREDENTIAL_KEYS}
    given["profile"] = given["profile"] or state.profile
    given["region"] = given["region"] or state.region
    state.external_id_given = given["external_id"] is not None
    if given["profile"] is not None:
        state.profile = given["profile"]
    check_sts_settings(given["region"], given["sts_endpoint_url"])
    return CredentialSettings(**given)


def prompt_for_mfa_code(serial: str) -> Callable[[], str]:
    """A token_code callable that asks on the terminal, at the moment STS needs the code."""

    def ask() -> str:
        return str(click.prompt(f"MFA code for {serial}", type=str, err=True)).strip()

    return ask


def provider(settings: CredentialSettings) -> CredentialProvider:
    """The provider the options describe; an MFA code is asked for on the terminal when needed.

    Raises:
        CredentialsError: the profile or role arguments are unusable.
    """
    token_code = prompt_for_mfa_code(settings.mfa_serial) if settings.mfa_serial else None
    return build_provider(settings, token_code=token_code)


def read_policy(path: str) -> str:
    """A policy file for the policy engine (typographic quotes pasted from a web page get a hint).

    Raises:
        PolicyError: the file cannot be read or is not a valid policy.
    """
    return read_policy_file(path)
