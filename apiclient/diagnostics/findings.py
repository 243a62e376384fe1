"""``Findings``: what one enrichment step learned (facts, evidence lines, causes it points to)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiclient.diagnostics.model import Cause

__all__ = ["Findings"]


@dataclass
class Findings:
    """Accumulates ``details`` (JSON-ready facts), ``evidence`` (sentences) and ``hints``.

    A hint names a cause the client-side evidence points to; ``refine`` decides whether it
    overrides what the response alone said.
    """

    details: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    hints: dict[Cause, str] = field(default_factory=dict)

    def hint(self, cause: Cause, reason: str) -> None:
        """Record that ``reason`` points to ``cause`` (the first reason for a cause is kept)."""
        self.hints.setdefault(cause, reason)
