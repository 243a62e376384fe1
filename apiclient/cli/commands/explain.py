"""``apiclient explain``: judge a request against policy files offline, or ask who may call a method."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

import click

from apiclient._client import environment_region
from apiclient.cli.app import CliContext, ExitCode, emit, pass_cli_context
from apiclient.cli.options import common_options, read_policy
from apiclient.endpoint import API_TYPES, AUTHORIZATIONS, parse_arn, parse_url, region_of
from apiclient.errors import EndpointError
from apiclient.policy import ACTIONS, AccessRequest, WhoCan, action_for, authorize, who_can

__all__ = ["Target", "explain", "parse_context_keys", "parse_target", "principal_account"]

_AUTHORIZATIONS = click.Choice(AUTHORIZATIONS, case_sensitive=False)
_METHOD_ARN_FORM = (
    "arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH, "
    "or API_ID/STAGE/ROUTE_KEY for a WebSocket route"
)
_ACCOUNT = re.compile(r"\d{12}")
_PRINCIPAL_ACCOUNT = re.compile(r"arn:[^:]+:(?:iam|sts)::(?P<account>\d{12}):")


# --- the method request: an execute-api ARN or a URL ----------------------------------------------


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
    route_key: str | None = None
    api_type: str | None = None


def parse_target(text: str, *, region: str | None = None, stage: str | None = None) -> Target:
    """Parse an execute-api method ARN, a WebSocket route ARN or an API URL (``stage="$default"``
    for an HTTP API URL without a stage segment).

    Raises:
        EndpointError: an ARN that is not an execute-api method ARN, or a URL that does not
            name an API id and stage (a custom domain or a local URL: give the ARN instead).
    """
    if text.startswith("arn:"):
        try:
            arn = parse_arn(text)
        except EndpointError:
            arn = None
        if (
            arn is None
            or not arn.region
            or arn.stage is None
            or arn.method is None
            or not _ACCOUNT.fullmatch(arn.account)
        ):
            raise EndpointError(f"{text!r} is not an execute-api method ARN ({_METHOD_ARN_FORM})")
        if arn.route_key is not None:  # {api_id}/{stage}/{route_key}: a WebSocket route
            return Target(
                api_id=arn.api_id,
                region=arn.region,
                stage=arn.stage,
                path="/",
                partition=arn.partition,
                account=arn.account,
                method="GET",
                route_key=arn.route_key,
                api_type="WEBSOCKET",
            )
        return Target(
            api_id=arn.api_id,
            region=arn.region,
            stage=arn.stage,
            path=arn.path or "/",
            partition=arn.partition,
            account=arn.account,
            method=None if arn.method == "*" else arn.method.upper(),
        )
    endpoint = parse_url(text, region=region, stage=stage)
    if endpoint.api_id is None or endpoint.stage is None:
        raise EndpointError(
            f"cannot tell the API id and stage of {text!r}; give the method ARN instead ({_METHOD_ARN_FORM})"
        )
    return Target(
        api_id=endpoint.api_id,
        region=endpoint.region,
        stage=endpoint.stage,
        path=endpoint.path or "/",
        partition=endpoint.partition,
        route_key="$connect" if endpoint.api_type == "WEBSOCKET" else None,
        method="GET" if endpoint.api_type == "WEBSOCKET" else None,
        api_type=endpoint.api_type,
    )


def principal_account(principal: str | None) -> str | None:
    """The account of an IAM or STS principal ARN (None for anonymous or other forms)."""
    match = _PRINCIPAL_ACCOUNT.match(principal or "")
    return match["account"] if match else None


# --- the command ----------------------------------------------------------------------------------


def parse_context_keys(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs -> condition keys; a key given twice becomes multivalued."""
    keys: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--context")
        key = key.strip()
        if key in keys:
            previous = keys[key]
            keys[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            keys[key] = value
    return keys


def _owner(target: Target, given: str | None, principal: str | None) -> str:
    owner = given or target.account or principal_account(principal)
    if owner is None:
        raise click.UsageError(
            "cannot tell which account owns the API: give --api-owner-account or the method ARN"
        )
    return owner


def _who_can(state: CliContext, target: Target, method: str, path: str, owner: str, **policies: Any) -> None:
    answer = who_can(
        method.upper(),
        path,
        api_id=target.api_id,
        region=target.region,
        api_owner_account=owner,
        stage=target.stage,
        partition=target.partition,
        **policies,
    )
    emit(state, answer.to_dict(), _who_can_text(answer))


def _who_can_text(answer: WhoCan) -> str:
    # One block per grant: the source ranges can be long lists that no table column holds well.
    lines = [f"Who can call {answer.method} {answer.path} ({answer.resource}):"]
    for grant in answer.grants:
        lines += [
            f"  {grant.statement}",
            f"    principals: {', '.join(grant.principals)}",
            f"    from: {' '.join(grant.source_cidrs)}",
        ]
        if grant.open_conditions:
            lines.append(f"    conditions left open: {'; '.join(grant.open_conditions)}")
        if grant.also_needs:
            lines.append(f"    also needs: {grant.also_needs}")
    if not answer.grants:
        lines.append("  nobody")
    if answer.denied_cidrs:
        lines.append("Always denied from: " + " ".join(answer.denied_cidrs))
    lines += [f"Conditional deny: {deny}" for deny in answer.conditional_denies]
    lines += [f"Note: {note}" for note in answer.notes]
    return "\n".join(lines)


def _iso_time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A usage error (exit 2) for a time that is not ISO 8601, before any policy is read."""
    if value is not None:
        try:
            _dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            example = "2026-11-22T12:00:00Z"
            raise click.BadParameter(f"{value!r} is not an ISO 8601 time (e.g. {example})") from None
    return value


@click.command()
@click.argument("target", metavar="URL_OR_ARN")
@click.option(
    "--resource-policy", type=click.Path(dir_okay=False), help="The API's resource policy (JSON file)."
)
@click.option(
    "--identity-policy",
    "identity_policies",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An identity policy of the caller (JSON file; repeatable).",
)
@click.option("--method", help="HTTP method (default: the ARN's, else GET).")
@click.option("--principal", help="Caller ARN (user, role or assumed-role session); omit for anonymous.")
@click.option("--api-owner-account", help="Account owning the API (default: the ARN's, else the caller's).")
@click.option("--source-ip", help="The caller's IP address (aws:SourceIp).")
@click.option(
    "--region", help="The API's region, for a URL that does not name one (overrides the root --region)."
)
@click.option("--context", "context_pairs", multiple=True, metavar="KEY=VALUE", help="Another condition key.")
@click.option(
    "--authorization",
    type=_AUTHORIZATIONS,
    default="AWS_IAM",
    show_default=True,
    help="The method's authorization type.",
)
@click.option(
    "--endpoint-type", type=click.Choice(["REGIONAL", "PRIVATE"]), default="REGIONAL", show_default=True
)
@click.option(
    "--time", "current_time", callback=_iso_time, help="Evaluate at this ISO 8601 time (default: now)."
)
@click.option("--stage", metavar="STAGE", help="'$default' for an HTTP API URL that has no stage segment.")
@click.option(
    "--action",
    type=click.Choice(ACTIONS, case_sensitive=False),
    help="The IAM action (default: execute-api:ManageConnections for an @connections path, else Invoke).",
)
@click.option(
    "--api-type",
    type=click.Choice(API_TYPES, case_sensitive=False),
    help="REST, HTTP (resource policies do not apply) or WEBSOCKET (default: what the URL or ARN says).",
)
@click.option("--who-can", nargs=2, metavar="METHOD PATH", help="List who may call METHOD PATH instead.")
@common_options
@pass_cli_context
def explain(
    state: CliContext,
    /,
    *,
    target: str,
    resource_policy: str | None,
    identity_policies: tuple[str, ...],
    method: str | None,
    principal: str | None,
    api_owner_account: str | None,
    source_ip: str | None,
    region: str | None,
    context_pairs: tuple[str, ...],
    authorization: str,
    endpoint_type: str,
    current_time: str | None,
    stage: str | None,
    action: str | None,
    api_type: str | None,
    who_can: tuple[str, str] | None,
) -> None:
    """Explain, offline, whether a request to URL_OR_ARN is allowed, and the smallest fix.

    Exits 0 when allowed and 3 when denied.

    \b
    Examples:
      apiclient explain arn:aws:execute-api:us-east-1:222222222222:a1b2c3/prod/POST/products \\
          --resource-policy api.json --identity-policy reader.json \\
          --principal arn:aws:iam::222222222222:user/reader
      apiclient explain arn:aws:execute-api:us-east-1:222222222222:a1b2c3/prod/GET/ \\
          --resource-policy api.json --who-can GET /products
      apiclient explain arn:aws:execute-api:us-east-1:222222222222:a1b2c3/prod/POST/@connections/abc= \\
          --identity-policy backend.json --principal arn:aws:iam::222222222222:role/backend
    """
    chosen = region or state.region or (None if region_of(target) else environment_region())
    parsed = parse_target(target, region=chosen, stage=stage)
    owner = _owner(parsed, api_owner_account, principal)
    policies: dict[str, Any] = {
        "resource_policy": read_policy(resource_policy) if resource_policy else None,
        "identity_policies": [read_policy(path) for path in identity_policies],
    }
    if who_can is not None:
        _who_can(state, parsed, *who_can, owner, **policies)
        return
    request = AccessRequest(
        principal_arn=principal,
        principal_account=principal_account(principal),
        api_owner_account=owner,
        source_ip=source_ip,
        method=(method or parsed.method or "GET").upper(),
        stage=parsed.stage,
        path=parsed.path,
        api_id=parsed.api_id,
        region=parsed.region,
        current_time=current_time or _dt.datetime.now(_dt.timezone.utc),
        endpoint_type=endpoint_type,
        context_keys=parse_context_keys(context_pairs),
        partition=parsed.partition,
        action=action or action_for(parsed.path),
        route_key=parsed.route_key,
        api_type=(api_type or parsed.api_type or ("HTTP" if parsed.stage == "$default" else None)),
    )
    decision = authorize(request, authorization=authorization.upper(), **policies)
    text = decision.explain()
    if decision.lint:
        text += "\nLint warnings:\n" + "\n".join(f"  - {warning}" for warning in decision.lint)
    emit(state, decision.to_dict(), text)
    if not decision.allowed:
        raise click.exceptions.Exit(ExitCode.ACCESS_DENIED)
