"""``Diagnosis``: why API Gateway refused a call, and what to change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from apiclient.diagnostics.causes import CAUSES, Cause

__all__ = ["CAUSES", "Cause", "DecisionLike", "Diagnosis"]


class DecisionLike(Protocol):
    """What a diagnosis needs from a policy engine ``Decision``."""

    def explain(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Diagnosis:
    """The cause of a 401/403, the evidence for it and the next steps.

    ``summary`` is one line: what went wrong and what to change. ``details`` holds
    parsed facts (principal, resource ARN, skew seconds...). No field ever holds a
    secret key, a session token or a signature.
    """

    cause: Cause
    status: int | None
    summary: str
    error_type: str | None = None
    message: str | None = None
    evidence: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    decision: DecisionLike | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (lists, dicts, strings and numbers only).

        ``deciding`` (``{policy, index, sid}`` each) and ``fixes`` repeat the policy
        decision's, so a reader need not dig into ``decision``.
        """
        decision = self.decision.to_dict() if self.decision is not None else None
        deciding = (decision or {}).get("deciding") or []
        return {
            "cause": self.cause,
            "status": self.status,
            "summary": self.summary,
            "error_type": self.error_type,
            "message": self.message,
            "evidence": list(self.evidence),
            "next_steps": list(self.next_steps),
            "details": dict(self.details),
            "deciding": [
                {"policy": ref.get("policy"), "index": ref.get("index"), "sid": ref.get("sid")}
                for ref in deciding
            ],
            "fixes": list((decision or {}).get("fixes") or []),
            "decision": decision,
        }

    def to_text(self) -> str:
        """A few lines for a terminal: the summary, then the evidence and the next steps."""
        status = f"{self.status} " if self.status else ""
        lines = [f"{status}{self.cause}: {self.summary}"]
        if self.evidence:
            lines.append("Evidence:")
            lines.extend(f"  - {item}" for item in self.evidence)
        if self.decision is not None:
            lines.append("Policy evaluation:")
            lines.extend(f"  {line}" for line in self.decision.explain().splitlines())
        if self.next_steps:
            lines.append("Next steps:")
            lines.extend(f"  {number}. {step}" for number, step in enumerate(self.next_steps, 1))
        return "\n".join(lines)
