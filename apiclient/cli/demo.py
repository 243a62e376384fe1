"""``apiclient demo``: the walkthrough on a local gateway, each refusal diagnosed. No AWS, no network."""

from __future__ import annotations

from typing import Any

import click

from apiclient.cli.app import CliContext, common_options, pass_cli_context
from apiclient.cli.demo_scenario import STEPS, run_step
from apiclient.cli.render import emit

__all__ = ["demo"]


def _step_text(call: dict[str, Any]) -> str:
    lines = [f"({call['step']}) {call['title']}"]
    request = f"{call['identity']}: {call['method']} {call['path']}"
    if "first_attempt" in call:
        first = call["first_attempt"]
        lines.append(f"    {request} without correction -> {first['status']} {first['cause']}")
        lines.append(
            f"    {request} through Client -> {call['status']} "
            f"(clock corrected by {call['clock_offset_seconds']:+d} s from the server's Date)"
        )
        return "\n".join(lines)
    lines.append(f"    {request} -> {call['status']}")
    if "text" in call:
        lines.extend(f"    {line}" for line in call["text"].splitlines())
    return "\n".join(lines)


@click.command()
@common_options
@pass_cli_context
def demo(state: CliContext, /) -> None:
    """Start the local gateway with the sample scenario and walk through five calls.

    (a) a granted GET, (b) a read-only user's refused POST, (c) a call from outside the allowed
    IP range, (d) a cross-account call whose identity policy is missing, (e) a client clock
    10 minutes off, corrected on the fly. Each refusal is diagnosed and evaluated by the policy
    engine against the sample's resource and identity policies.
    """
    # The gateway pulls in botocore's verifier: only serve and demo pay for that import.
    from apiclient import gateway  # noqa: PLC0415

    with gateway.running(gateway.sample_config(), trust_forwarded_for=True) as running:
        calls = [run_step(running, step) for step in STEPS]
        report = {"gateway": running.url, "api_host": running.host_for(), "calls": calls}
    lines = [f"Local gateway on {report['gateway']} (API {report['api_host']})", ""]
    lines += [_step_text(call) + "\n" for call in calls]
    for call in calls:
        call.pop("text", None)  # the JSON has the same facts under "diagnosis"
    emit(state, report, "\n".join(lines))
