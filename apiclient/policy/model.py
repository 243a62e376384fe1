"""Parsed policy documents: immutable, with patterns compiled at parse time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from apiclient.policy.globs import Glob

VARIABLES_VERSION = "2012-10-17"


@dataclass(frozen=True, slots=True)
class ActionPattern:
    text: str
    regex: Glob


@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """A Resource/NotResource entry.

    ``kind`` is "arn" (compiled in ``regex``), "shorthand" (``execute-api:/...``,
    expanded per API at evaluation) or "template" (has policy variables).
    """

    text: str
    kind: str
    regex: Glob | None


@dataclass(frozen=True, slots=True)
class Condition:
    """One key under one operator: ``{"operator": {"key": values}}``.

    ``base`` is the operator without qualifier or IfExists (None when unknown);
    ``prepared`` holds the values compiled for ``base`` when they need no variables.
    """

    operator: str
    base: str | None
    qualifier: str | None
    if_exists: bool
    key: str
    values: tuple[str, ...]
    templated: bool
    prepared: tuple[Any, ...]
    path: str
    key_lower: str


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    sid: str | None
    effect: str
    principal: tuple[tuple[str, str], ...] | None
    not_principal: tuple[tuple[str, str], ...] | None
    actions: tuple[ActionPattern, ...] | None
    not_actions: tuple[ActionPattern, ...] | None
    resources: tuple[ResourcePattern, ...] | None
    not_resources: tuple[ResourcePattern, ...] | None
    conditions: tuple[Condition, ...]
    source: dict[str, Any]

    @property
    def label(self) -> str:
        return f"Statement[{self.index}]" + (f" (Sid {self.sid!r})" if self.sid else "")


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    source: dict[str, Any]
    # The statements indexed for evaluation (compiled.py), built on first use; it depends only on them.
    statement_index: object = field(default=None, init=False, repr=False, compare=False)

    @property
    def variables_enabled(self) -> bool:
        """Policy variables only exist under Version 2012-10-17 [IAM:reference_policies_variables]."""
        return self.version == VARIABLES_VERSION

    def renamed(self, name: str) -> Policy:
        """The same policy under another name (keeping its statement index)."""
        policy = replace(self, name=name)
        object.__setattr__(policy, "statement_index", self.statement_index)
        return policy
