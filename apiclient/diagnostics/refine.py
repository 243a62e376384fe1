"""Choosing the final cause: the response's own, or a more precise one the client's evidence points to.

Only ambiguous causes are refined: the generic Forbidden, a signature mismatch (API Gateway
words scope and skew problems their own way, but a customized gateway response hides them),
an invalid token that is in fact an expired one, and an unrecognised 401/403.
"""

from __future__ import annotations

from collections.abc import Mapping

from apiclient.diagnostics.model import Cause

__all__ = ["refine"]

# Ambiguous cause -> the hints that may replace it, strongest first.
_REFINEMENTS: dict[Cause, tuple[Cause, ...]] = {
    "forbidden_generic": ("private_api_vpce", "api_key", "waf"),
    "signature_mismatch": ("wrong_region", "wrong_service", "clock_skew"),
    "token_invalid": ("token_expired",),
    "unknown": ("wrong_region", "wrong_service", "clock_skew", "token_expired"),
}


def refine(cause: Cause, status: int | None, hints: Mapping[Cause, str]) -> tuple[Cause, str | None]:
    """(cause, reason): the refined cause and why, or the original cause and None."""
    if status not in (401, 403):
        return cause, None
    for candidate in _REFINEMENTS.get(cause, ()):
        if candidate in hints:
            return candidate, hints[candidate]
    return cause, None
