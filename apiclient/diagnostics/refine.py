"""Choosing the final cause: the response's own, or a more precise one the client's evidence points to.

Only ambiguous causes are refined: the generic Forbidden, a signature mismatch (API Gateway
words scope and skew problems their own way, but a customized gateway response hides them),
an invalid token that is in fact an expired one, and an unrecognised 401/403.
"""

from __future__ import annotations

from collections.abc import Mapping

from apiclient.diagnostics.causes import CAUSE_TABLE, Cause

__all__ = ["refine"]


def refine(cause: Cause, status: int | None, hints: Mapping[Cause, str]) -> tuple[Cause, str | None]:
    """(cause, reason): the refined cause and why, or the original cause and None."""
    if status not in (401, 403):
        return cause, None
    for candidate in CAUSE_TABLE[cause].refinements:
        if candidate in hints:
            return candidate, hints[candidate]
    return cause, None
