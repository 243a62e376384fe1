"""The credentials options of ``invoke`` and ``whoami``, and the provider they describe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from apiclient import credentials
from apiclient.cli.app import CliContext
from apiclient.credentials.base import CredentialProvider

__all__ = ["CredentialOptions", "build_provider", "credential_options", "prompt_for_mfa_code"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CredentialOptions:
    """Where the caller's credentials come from (None: the default chain)."""

    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    session_name: str | None = None
    mfa_serial: str | None = None
    duration: int | None = None
    sts_endpoint_url: str | None = None
    region: str | None = None

    @classmethod
    def from_command(cls, state: CliContext, values: dict[str, Any]) -> CredentialOptions:
        """The options of one command; ``--profile``/``--region`` fall back to the root's."""
        return cls(
            profile=values.pop("profile") or state.profile,
            role_arn=values.pop("role_arn"),
            external_id=values.pop("external_id"),
            session_name=values.pop("session_name"),
            mfa_serial=values.pop("mfa_serial"),
            duration=values.pop("duration"),
            sts_endpoint_url=values.pop("sts_endpoint_url"),
            region=values.pop("region") or state.region,
        )


def credential_options(command: F) -> F:
    """Add the credentials options to a command (they arrive as keyword arguments)."""
    options = [
        click.option("--profile", help="Named profile (overrides the root --profile and $AWS_PROFILE)."),
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
        click.option("--region", help="AWS region (overrides the root --region and $AWS_REGION)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def prompt_for_mfa_code(serial: str) -> Callable[[], str]:
    """A token_code callable that asks on the terminal, at the moment STS needs the code."""

    def ask() -> str:
        return str(click.prompt(f"MFA code for {serial}", type=str, err=True)).strip()

    return ask


def build_provider(options: CredentialOptions) -> CredentialProvider:
    """The provider ``options`` describe: a profile or the default chain, then a role when given.

    Raises:
        CredentialsError: the profile or role arguments are unusable.
    """
    base = credentials.from_profile(options.profile) if options.profile else credentials.default()
    if options.role_arn is None:
        return base
    return credentials.assume_role(
        options.role_arn,
        source=base,
        external_id=options.external_id,
        session_name=options.session_name,
        duration_seconds=options.duration or 3600,
        mfa_serial=options.mfa_serial,
        token_code=prompt_for_mfa_code(options.mfa_serial) if options.mfa_serial else None,
        sts_endpoint_url=options.sts_endpoint_url,
        region=options.region,
    )
