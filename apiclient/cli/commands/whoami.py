"""``apiclient whoami``: who the credentials belong to, where they come from, when they expire."""

from __future__ import annotations

import dataclasses
from typing import Any

import click

from apiclient._client import environment_region
from apiclient.cli.app import CliContext, emit, pass_cli_context, table
from apiclient.cli.options import common_options, credential_options, credential_settings, provider
from apiclient.credentials.base import Credentials
from apiclient.errors import CredentialsError

__all__ = ["caller_identity", "whoami"]

# Where boto3 goes when nothing names a region: STS's global endpoint lives in us-east-1.
_STS_FALLBACK_REGION = "us-east-1"


def caller_identity(
    credentials: Credentials, *, region: str | None, endpoint_url: str | None
) -> dict[str, str]:
    """STS GetCallerIdentity for ``credentials``: ``{"Arn", "Account", "UserId"}``.

    Raises:
        CredentialsError: STS refused the credentials (its message is quoted).
    """
    # boto3 costs ~0.3 s to import: only whoami pays for it, not every command.
    import boto3  # noqa: PLC0415
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    client = boto3.session.Session().client(
        "sts",
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
        region_name=region or _STS_FALLBACK_REGION,
        endpoint_url=endpoint_url,
    )
    try:
        answer = client.get_caller_identity()
    except ClientError as error:
        details = error.response.get("Error", {})
        code, message = details.get("Code", "error"), details.get("Message", "")
        raise CredentialsError(f"STS refused the credentials: {code}: {message}") from None
    except BotoCoreError as error:
        raise CredentialsError(f"cannot call STS: {error}") from None
    return {key: str(answer[key]) for key in ("Arn", "Account", "UserId")}


@click.command()
@credential_options
@common_options
@pass_cli_context
def whoami(state: CliContext, /, **credential_values: Any) -> None:
    """Show the principal, account, credential source, expiry and region (STS GetCallerIdentity)."""
    settings = credential_settings(state, credential_values)
    # No URL to take a region from: the environment's, then the profile's (the AWS CLI's order).
    settings = dataclasses.replace(settings, region=settings.region or environment_region())
    source = provider(settings)
    credentials = source.get()
    identity = caller_identity(credentials, region=settings.region, endpoint_url=settings.sts_endpoint_url)
    described = source.describe()
    report: dict[str, Any] = {
        "principal": identity["Arn"],
        "account": identity["Account"],
        "user_id": identity["UserId"],
        "access_key": credentials.access_key,
        "source": described.get("source"),
        "expiry": credentials.expiry.isoformat() if credentials.expiry else None,
        "region": settings.region,
        "provider": described,
    }
    rows = [(key, "-" if report[key] is None else report[key]) for key in report if key != "provider"]
    emit(state, report, table(("field", "value"), rows))
