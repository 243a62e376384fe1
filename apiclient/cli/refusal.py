"""How the CLI shows the policy statements behind a refusal (``demo``, ``check``)."""

from __future__ import annotations

from typing import Any

from apiclient.policy import Decision

__all__ = ["deciding_statements"]


def deciding_statements(decision: Decision) -> list[dict[str, Any]]:
    """The statements behind a decision (``role: "deciding"``), or what stands in for them.

    An implicit deny has no deciding statement, so it gets the Allow statements that did apply on
    one side (``"applied_allow"``: cross account, Table B needs both) and those that came nearest
    to applying (``"closest_allow"``, with why not).
    """
    if decision.deciding:
        return [{**ref.to_dict(), "role": "deciding"} for ref in decision.deciding]
    allows = [t for t in decision.trace if t.ref.effect == "Allow"]
    applied = [{**t.ref.to_dict(), "role": "applied_allow"} for t in allows if t.applies]
    misses = sorted((t for t in allows if not t.applies), key=lambda trace: len(trace.failed))
    closest = [
        {**t.ref.to_dict(), "role": "closest_allow", "why_not": [e.reason for e in t.failed]}
        for t in misses[:3]
    ]
    return applied + closest
