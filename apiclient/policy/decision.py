"""``Decision``: the verdict, the statements behind it, a trace, fixes, and a plain-text explanation."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apiclient.policy.readings import Alternative
from apiclient.policy.trace import StatementRef, StatementTrace

ALLOW = "ALLOW"
EXPLICIT_DENY = "EXPLICIT_DENY"
IMPLICIT_DENY = "IMPLICIT_DENY"

_VERDICTS = {
    ALLOW: "ALLOWED",
    EXPLICIT_DENY: "DENIED (explicit deny)",
    IMPLICIT_DENY: "DENIED (implicit deny)",
}
_UNSEEN = (
    "Not evaluated locally: SCPs, RCPs, permission boundaries, session policies, VPC endpoint policies "
    "and AWS WAF can still refuse a call this evaluation allows."
)


@dataclass(frozen=True, slots=True)
class Fix:
    """A change that would flip the verdict: where it belongs, what to do, and the statement JSON if any."""

    where: str
    description: str
    statement: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "description": self.description, "statement": self.statement}

    def render(self) -> str:
        text = f"{self.where}: {self.description}"
        if self.statement is not None:
            text += "\n" + _indent(json.dumps(self.statement, indent=2), "    ")
        return text


@dataclass(frozen=True, slots=True)
class LintWarning:
    """A problem in a policy document that does not stop it from parsing."""

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]" if self.path else f"{self.message} [{self.code}]"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "path": self.path, "message": self.message}


@dataclass
class Details:
    """The parts of a Decision that explain it."""

    trace: list[StatementTrace] = field(default_factory=list)
    missing_keys: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    fixes_all_required: bool = False


@dataclass
class Decision:
    """The outcome of ``authorize`` or ``evaluate``.

    ``steps`` says how the policies' verdicts were combined (API Gateway's workflow
    and Tables A/B); ``alternatives`` lists verdicts that another reading of an
    undocumented AWS behaviour would give.
    """

    result: str
    action: str
    resource: str
    principal: str | None
    deciding: list[StatementRef] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)
    details_source: Callable[[], Details] | None = field(default=None, repr=False, compare=False)
    lint_source: Callable[[], list[LintWarning]] | None = field(default=None, repr=False, compare=False)
    _details: Details | None = field(default=None, repr=False, compare=False)
    _lint: list[LintWarning] | None = field(default=None, repr=False, compare=False)

    @property
    def allowed(self) -> bool:
        return self.result == ALLOW

    @property
    def details(self) -> Details:
        """The full trace, missing keys and fixes, built on first use (the verdict does not need them)."""
        if self._details is None:
            self._details = self.details_source() if self.details_source is not None else Details()
        return self._details

    @property
    def trace(self) -> list[StatementTrace]:
        """Every statement of every policy evaluated, with each element's result and reason."""
        return self.details.trace

    @property
    def missing_keys(self) -> list[str]:
        """Condition keys that statements otherwise matching needed but the request lacked."""
        return self.details.missing_keys

    @property
    def fixes(self) -> list[Fix]:
        return self.details.fixes

    @property
    def fixes_all_required(self) -> bool:
        """True when every fix is needed (cross account), not any one of them."""
        return self.details.fixes_all_required

    @property
    def lint(self) -> list[LintWarning]:
        """Lint warnings for the policies involved (computed on first use)."""
        if self._lint is None:
            self._lint = self.lint_source() if self.lint_source is not None else []
        return self._lint

    def trace_of(self, ref: StatementRef) -> StatementTrace | None:
        return next((trace for trace in self.trace if trace.ref == ref), None)

    def explain(self) -> str:
        """Plain text: the verdict, the deciding statement, why, and the smallest fix."""
        who = self.principal or "an anonymous caller"
        lines = [f"{_VERDICTS[self.result]}: {who} -> {self.action} on {self.resource}"]
        lines += [f"  {step}" for step in self.steps]
        if self.deciding:
            lines.append("Deciding statement" + ("s:" if len(self.deciding) > 1 else ":"))
            for ref in self.deciding:
                trace = self.trace_of(ref)
                reasons = (
                    "; ".join(
                        e.reason
                        for e in trace.elements
                        if e.element.startswith("Condition") or e.element == "NotPrincipal"
                    )
                    if trace
                    else ""
                )
                lines.append(f"  {ref} ({ref.effect})" + (f": {reasons}" if reasons else ""))
        if self.result == IMPLICIT_DENY:
            lines += self._near_misses()
        if self.missing_keys:
            lines.append(
                "Condition keys the policies use but the request lacks: " + ", ".join(self.missing_keys)
            )
        if self.fixes_all_required:
            lines.append("Fix (all of these are needed):")
            lines += [_indent(fix.render(), "  ") for fix in self.fixes]
        elif self.fixes:
            lines.append("Smallest fix:")
            lines.append(_indent(self.fixes[0].render(), "  "))
            lines += [f"  or, {fix.where}: {fix.description}" for fix in self.fixes[1:3]]
        for alternative in self.alternatives:
            lines.append(
                f"Undocumented AWS behaviour: {alternative.question} This evaluation assumes "
                f"{alternative.primary}; if instead {alternative.alternative}, the result would be "
                f"{alternative.result_if_alternative}."
            )
        if self.result == ALLOW:
            lines.append(_UNSEEN)
        return "\n".join(lines)

    def _near_misses(self) -> list[str]:
        allows = [trace for trace in self.trace if trace.ref.effect == "Allow" and not trace.applies]
        allows.sort(key=lambda trace: len(trace.failed))
        if not allows:
            return ["Why: no Allow statement exists in the policies evaluated."]
        lines = ["Why: no Allow statement applies; the closest:"]
        for trace in allows[:3]:
            lines.append(f"  {trace.ref}: " + "; ".join(e.reason for e in trace.failed))
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "allowed": self.allowed,
            "action": self.action,
            "resource": self.resource,
            "principal": self.principal,
            "deciding": [ref.to_dict() for ref in self.deciding],
            "steps": list(self.steps),
            "trace": [trace.to_dict() for trace in self.trace],
            "missing_keys": list(self.missing_keys),
            "fixes": [fix.to_dict() for fix in self.fixes],
            "fixes_all_required": self.fixes_all_required,
            "alternatives": [alternative.to_dict() for alternative in self.alternatives],
            "lint": [warning.to_dict() for warning in self.lint],
        }


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
