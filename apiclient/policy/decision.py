"""``Decision``: the verdict, the statements behind it, a trace, fixes, and a plain-text explanation."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apiclient.policy.readings import Alternative
from apiclient.policy.trace import Side, StatementRef, StatementTrace

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
    """A change that would flip the verdict: where it belongs, what to do, and the statement JSON if any.

    Fixes with the same ``group`` are alternatives: any one of them is that change. When ``groups``
    is more than 1, one change from every group is needed (a cross-account grant needs an Allow
    on both sides; every matching Deny must stop matching).
    """

    where: str
    description: str
    statement: dict[str, Any] | None = None
    group: int = 0
    groups: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "description": self.description,
            "statement": self.statement,
            "group": self.group,
            "changes_needed": self.groups,
        }

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


@dataclass(frozen=True, slots=True)
class ReadingWarning:
    """A value AWS does not document how it reads, where the evaluation met it, and both outcomes."""

    question: str
    where: tuple[str, ...]
    primary: str
    alternative: str
    result: str
    result_if_alternative: str

    def __str__(self) -> str:
        same = self.result == self.result_if_alternative
        return (
            f"{'; '.join(self.where)}: {self.question} If {self.primary} (this evaluation): "
            f"{self.result}; if {self.alternative}: {self.result_if_alternative}"
            + (" (the same outcome)." if same else " (a different outcome).")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "where": list(self.where),
            "primary_reading": self.primary,
            "alternative_reading": self.alternative,
            "result": self.result,
            "result_if_alternative": self.result_if_alternative,
        }


@dataclass
class Details:
    """The parts of a Decision that explain it.

    ``needs`` are the sides (resource policy, identity policies, authorizer) whose missing Allow
    is why an implicit deny happened; "Why" is explained from them.
    """

    trace: list[StatementTrace] = field(default_factory=list)
    missing_keys: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    fixes_all_required: bool = False
    needs: list[Side] = field(default_factory=list)
    all_sides_needed: bool = False


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
    reading_warnings: list[ReadingWarning] = field(default_factory=list)
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
        """True when every fix listed is needed (each is the only way to make its change)."""
        return self.details.fixes_all_required

    @property
    def fix_groups(self) -> list[list[Fix]]:
        """The changes needed, in order: one fix from every group; the fixes of a group are alternatives."""
        groups: dict[int, list[Fix]] = {}
        for fix in self.fixes:
            groups.setdefault(fix.group, []).append(fix)
        return list(groups.values())

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
        lines += self._fix_lines()
        warned = {warning.question for warning in self.reading_warnings}
        for alternative in self.alternatives:
            if alternative.question in warned:
                continue  # said below, with both outcomes
            lines.append(
                f"Undocumented AWS behaviour: {alternative.question} This evaluation assumes "
                f"{alternative.primary}; if instead {alternative.alternative}, the result would be "
                f"{alternative.result_if_alternative}."
            )
        lines += [f"Undocumented AWS behaviour: {warning}" for warning in self.reading_warnings]
        if self.result == ALLOW:
            lines.append(_UNSEEN)
        return "\n".join(lines)

    def _fix_lines(self) -> list[str]:
        groups = self.fix_groups
        if not groups:
            return []
        if len(groups) == 1:
            first, *others = groups[0]
            lines = ["Smallest fix:"]
            lines.append(_indent(first.render(), "  "))
            lines += [f"  or, {fix.where}: {fix.description}" for fix in others[:2]]
            return lines
        if self.fixes_all_required:
            lines = ["Fix (all of these are needed):"]
            return lines + [_indent(fix.render(), "  ") for fix in self.fixes]
        lines = [f"Fix ({len(groups)} changes, all needed; each lists its alternatives, any one is enough):"]
        for number, group in enumerate(groups, 1):
            first, *others = group
            lines.append(_indent(f"{number}. {first.render()}", "  "))
            lines += [f"     or, {fix.where}: {fix.description}" for fix in others[:2]]
        return lines

    def _near_misses(self) -> list[str]:
        needs = self.details.needs
        if not needs:
            return _closest("no Allow statement applies", _misses(self.trace))
        lines: list[str] = []
        for side in needs:
            lines += _why(side, self.principal, both=self.details.all_sides_needed and len(needs) == 1)
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
            "fix_groups": _group_indexes(self.fixes),
            "alternatives": [alternative.to_dict() for alternative in self.alternatives],
            "reading_warnings": [warning.to_dict() for warning in self.reading_warnings],
            "lint": [warning.to_dict() for warning in self.lint],
        }


def _group_indexes(fixes: list[Fix]) -> list[list[int]]:
    """The fixes' positions by change: one of each inner list is needed."""
    groups: dict[int, list[int]] = {}
    for index, fix in enumerate(fixes):
        groups.setdefault(fix.group, []).append(index)
    return list(groups.values())


def _misses(traces: list[StatementTrace]) -> list[StatementTrace]:
    allows = [trace for trace in traces if trace.ref.effect == "Allow" and not trace.applies]
    return sorted(allows, key=lambda trace: len(trace.failed))


def _closest(head: str, allows: list[StatementTrace]) -> list[str]:
    if not allows:
        return ["Why: no Allow statement exists in the policies evaluated."]
    lines = [f"Why: {head}; the closest:"]
    lines += [f"  {trace.ref}: " + "; ".join(e.reason for e in trace.failed) for trace in allows[:3]]
    return lines


def _why(side: Side, principal: str | None, *, both: bool) -> list[str]:
    """Why ``side`` has no Allow: it has no policy, no Allow statement, or none that applies."""
    other = " (the other side allows it; a cross-account call needs both)" if both else ""
    if side.name == "authorizer":
        return [f"Why: the authorizer's output does not allow the call{other}."]
    if not side.policies:
        if side.name == "identity policies":
            return [
                f"Why: no identity policy was given for {principal or 'the caller'}: nothing on the "
                f"caller's side allows the call{other}."
            ]
        return [f"Why: no {side.name} is attached, so it does not allow the call{other}."]
    allows = _misses([trace for outcome in side.policies for trace in outcome.traces])
    if not allows:
        return [f"Why: the {side.name} has no Allow statement for this call{other}."]
    return _closest(f"no Allow statement in the {side.name} applies{other}", allows)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
