"""The request ARN the client meant against the one API Gateway quoted in its message.

API Gateway masks the API owner's account in its messages, showing only the last four
digits ("********2222"), so accounts are matched on those.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.verdict import Target

__all__ = ["owner_account", "target_findings"]

_PARTS = ("region", "api_id", "stage", "method", "path")


def _normal_path(path: str) -> str:
    return path.rstrip("/") or "/"


def owner_account(
    quoted: Mapping[str, Any], candidates: Mapping[str, str | None], found: Findings
) -> str | None:
    """The API owner's account: quoted in full, or the candidate whose last four digits match the mask.

    ``candidates`` maps a description ("the caller's account") to an account ID.
    """
    if quoted.get("api_owner_account"):
        return str(quoted["api_owner_account"])
    suffix = quoted.get("account_suffix")
    if not quoted.get("masked_account") or not suffix:
        return None
    for source, account in candidates.items():
        if account is None:
            continue
        if account.endswith(suffix):
            found.evidence.append(
                f"the masked owner account (…{suffix}) matches {source} {account} on its last four digits"
            )
            return account
        found.evidence.append(f"the masked owner account (…{suffix}) is not {source} {account}")
    return None


def target_findings(target: Target, quoted: Mapping[str, Any], found: Findings) -> None:
    """Name every part of the quoted resource ARN that differs from what the client called."""
    if "api_id" not in quoted:
        return
    differences = []
    for part in _PARTS:
        meant = getattr(target, part)
        said = quoted.get(part)
        if meant is None or said is None:
            continue
        if part == "path":
            meant, said = _normal_path(meant), _normal_path(said)
        if meant != said:
            differences.append(f"{part} {said!r} where the request had {meant!r}")
    found.details["resource_arn_differences"] = differences
    if differences:
        found.evidence.append("the resource ARN in the message differs: " + "; ".join(differences))
    else:
        found.evidence.append("the resource ARN in the message is the one the request meant")
