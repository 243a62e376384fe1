"""Policy files named on the command line or in a matrix: read, validated, errors naming the file."""

from __future__ import annotations

from pathlib import Path

from apiclient.errors import PolicyError
from apiclient.policy import parse_policy

__all__ = ["read_policy_file"]


def read_policy_file(path: str | Path) -> str:
    """The JSON text of a policy file, validated by the policy engine's parser.

    Raises:
        PolicyError: the file cannot be read or the document is malformed; the message names
            the file and ``.path`` the JSON path (``Statement[1].Condition``).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot read policy file {path}: {error.strerror}") from None
    try:
        parse_policy(text, name=Path(path).name)
    except PolicyError as error:
        raise PolicyError(f"{error.problem} (in {path})", error.path) from None
    return text
