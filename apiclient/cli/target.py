"""The method request ``explain`` reasons about, given as an execute-api ARN or as a URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apiclient.endpoint import parse_url
from apiclient.errors import EndpointError

__all__ = ["Target", "parse_target", "principal_account"]

# arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{METHOD}/{path} (arn-format-reference.md)
_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):execute-api:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<api_id>[a-z0-9]+)/(?P<stage>[^/]+)/(?P<method>[A-Za-z*]+)(?P<path>/.*)?"
)

_PRINCIPAL_ACCOUNT = re.compile(r"arn:[^:]+:(?:iam|sts)::(?P<account>\d{12}):")


@dataclass(frozen=True)
class Target:
    """What the URL or ARN says about the request; ``account`` and ``method`` may be unknown."""

    api_id: str
    region: str
    stage: str
    path: str
    partition: str = "aws"
    account: str | None = None
    method: str | None = None


def parse_target(text: str, *, region: str | None = None) -> Target:
    """Parse an execute-api ARN or an API URL.

    Raises:
        EndpointError: an ARN that is not an execute-api method ARN, or a URL that does not
            name an API id and stage (a custom domain or a local URL: give the ARN instead).
    """
    if text.startswith("arn:"):
        match = _ARN.fullmatch(text)
        if match is None:
            raise EndpointError(
                f"{text!r} is not an execute-api method ARN "
                "(arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH)"
            )
        return Target(
            api_id=match["api_id"],
            region=match["region"],
            stage=match["stage"],
            path=match["path"] or "/",
            partition=match["partition"],
            account=match["account"],
            method=None if match["method"] == "*" else match["method"].upper(),
        )
    endpoint = parse_url(text, region=region)
    if endpoint.api_id is None or endpoint.stage is None:
        raise EndpointError(
            f"cannot tell the API id and stage of {text!r}; give the method ARN instead "
            "(arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH)"
        )
    return Target(
        api_id=endpoint.api_id,
        region=endpoint.region,
        stage=endpoint.stage,
        path=endpoint.path or "/",
        partition=endpoint.partition,
    )


def principal_account(principal: str | None) -> str | None:
    """The account of an IAM or STS principal ARN (None for anonymous or other forms)."""
    match = _PRINCIPAL_ACCOUNT.match(principal or "")
    return match["account"] if match else None
