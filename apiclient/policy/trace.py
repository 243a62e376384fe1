"""What evaluation records: per-element results, per-statement traces, statement references."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiclient.policy.model import Policy


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Names a statement: which policy, its index and Sid, its effect."""

    policy: str
    index: int
    sid: str | None
    effect: str

    def __str__(self) -> str:
        sid = f" (Sid {self.sid!r})" if self.sid else ""
        return f"{self.policy} Statement[{self.index}]{sid}"

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "index": self.index, "sid": self.sid, "effect": self.effect}


@dataclass(frozen=True, slots=True)
class ElementResult:
    """One element of a statement (Principal, Action, Resource or one condition) and why it matched or not."""

    element: str
    matched: bool
    reason: str
    operator: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"element": self.element, "matched": self.matched, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class StatementTrace:
    ref: StatementRef
    applies: bool
    elements: tuple[ElementResult, ...]
    missing_keys: tuple[str, ...] = ()

    @property
    def failed(self) -> list[ElementResult]:
        return [element for element in self.elements if not element.matched]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.ref.to_dict(),
            "applies": self.applies,
            "elements": [element.to_dict() for element in self.elements],
            "missing_keys": list(self.missing_keys),
        }


@dataclass(slots=True)
class PolicyOutcome:
    """One policy's verdict: "ALLOW", "DENY" or "NEITHER", and the statements behind it.

    ``where`` says where a change to this policy belongs when that is not its side's place
    (a group's policy, shared by every member); None means the side's ``where``.
    """

    policy: str
    outcome: str
    allows: list[StatementRef] = field(default_factory=list)
    denies: list[StatementRef] = field(default_factory=list)
    traces: list[StatementTrace] = field(default_factory=list)
    missing_keys: list[str] = field(default_factory=list)
    document: Policy | None = None
    where: str | None = None


@dataclass(slots=True)
class Side:
    """One party to a decision: the resource policy, the caller's identity policies, or an authorizer.

    ``where`` says in which account a change belongs; ``kind`` is how Principal is read.
    """

    name: str
    where: str
    kind: str
    outcome: str
    policies: list[PolicyOutcome] = field(default_factory=list)
